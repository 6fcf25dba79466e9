# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""MinIO deployment rules: which drive layouts MinIO can run, and its metrics token.

Pure functions, shared by the filter plugins of the minio role and their tests.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import posixpath
import re

# MinIO splits its drives into erasure sets of 2 to 16 drives, all of the same size.
ERASURE_SET_SIZES = range(2, 17)
# Far future expiry (2100-01-01): the token lives as long as the metrics user's secret key.
METRICS_TOKEN_EXPIRY = 4102444800
_DRIVE_PATTERN = re.compile(r"^/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$")


def _drive_errors(host, drives):
    errors = []
    if not isinstance(drives, (list, tuple)) or not drives:
        return ["%s: minio_drives must be a non-empty list of absolute paths" % host]
    for drive in drives:
        if not isinstance(drive, str) or not _DRIVE_PATTERN.match(drive) or "{" in drive:
            errors.append(
                "%s: drive %r must be an absolute directory path of letters, digits, '.', '_',"
                " '-' and '/', without a trailing '/' (not '/' itself)" % (host, drive)
            )
    if errors:
        return errors
    normalized = [posixpath.normpath(drive) for drive in drives]
    if len(set(normalized)) != len(normalized):
        errors.append("%s: minio_drives lists the same path twice: %s" % (host, ", ".join(drives)))
    for outer in normalized:
        for inner in normalized:
            if inner != outer and inner.startswith(outer + "/"):
                errors.append(
                    "%s: drive %s lies inside drive %s; MinIO needs separate directories,"
                    " ideally one mounted disk each" % (host, inner, outer)
                )
    return errors


def _set_size_error(total, what):
    if total == 1 or any(total % size == 0 for size in ERASURE_SET_SIZES):
        return None
    return (
        "%s gives %d drives, which MinIO cannot split into erasure sets of 2 to 16 equal drives;"
        " use a drive count such as %d or %d"
        % (what, total, total - 1, total + 1 if (total + 1) % 2 == 0 else total + 2)
    )


def layout_errors(drives_by_host):
    """Return the reasons why MinIO cannot run this layout (an empty list when it can).

    `drives_by_host` maps each host of the deployment, in inventory order, to its drive paths.
    One host is a single node (one drive, or an erasure-coded set of several); two or more
    hosts form one distributed deployment.
    """
    if not isinstance(drives_by_host, dict) or not drives_by_host:
        return ["the deployment has no hosts"]
    errors = []
    for host, drives in drives_by_host.items():
        errors.extend(_drive_errors(host, drives))
    if errors:
        return errors
    counts = {host: len(drives) for host, drives in drives_by_host.items()}
    total = sum(counts.values())
    if len(counts) == 1:
        error = _set_size_error(total, "minio_drives")
        return [error] if error else []
    if len(set(counts.values())) != 1:
        errors.append(
            "the hosts of mlox_minio have different numbers of drives (%s); MinIO stripes each"
            " object across hosts evenly, so give every host the same number of drives"
            % ", ".join("%s: %d" % item for item in counts.items())
        )
    else:
        error = _set_size_error(total, "%d hosts with %d drives each" % (len(counts), total // len(counts)))
        if error:
            errors.append(error)
    return errors


def volumes(endpoints, drives_by_host):
    """Return MINIO_VOLUMES of a distributed deployment: one URL per drive, hosts in order."""
    return [
        endpoint["url"] + drive
        for endpoint in endpoints
        for drive in drives_by_host[endpoint["host"]]
    ]


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def metrics_token(access_key, secret_key):
    """Return the bearer token for MinIO's metrics endpoints (what `mc admin prometheus
    generate` prints): an HS512 JWT naming `access_key`, signed with its secret key."""
    if not access_key or not secret_key:
        raise ValueError("the metrics token needs an access key and its secret key")
    header = _b64url(json.dumps({"alg": "HS512", "typ": "JWT"}, separators=(",", ":")).encode())
    claims = {"exp": METRICS_TOKEN_EXPIRY, "sub": access_key, "iss": "prometheus"}
    payload = _b64url(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    signing_input = ("%s.%s" % (header, payload)).encode("ascii")
    signature = hmac.new(secret_key.encode("utf-8"), signing_input, hashlib.sha512).digest()
    return "%s.%s.%s" % (header, payload, _b64url(signature))
