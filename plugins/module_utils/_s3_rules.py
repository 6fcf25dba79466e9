# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What S3 accepts as a bucket name and as a policy document.

Pure functions returning a message (or None), shared by the S3/MinIO modules, which check
their arguments before they contact a server, and by the filters with which the minio role
checks its lists before it changes anything.
"""

from __future__ import annotations

import json
import re

_BUCKET_CHARS = re.compile(r"^[a-z0-9.-]+$")
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


def bucket_name_error(name):
    """Return why `name` is not a valid S3 bucket name, or None when it is."""
    if not isinstance(name, str) or not name:
        return "a bucket name is required"
    reasons = []
    if not 3 <= len(name) <= 63:
        reasons.append("it must be 3 to 63 characters long")
    if not _BUCKET_CHARS.match(name):
        reasons.append("it may contain only lowercase letters, digits, '.' and '-'")
    if not (name[0].isalnum() and name[-1].isalnum()):
        reasons.append("it must start and end with a letter or digit")
    if ".." in name or ".-" in name or "-." in name:
        reasons.append("it must not contain '..', '.-' or '-.'")
    if _IPV4.match(name):
        reasons.append("it must not look like an IP address")
    if name.startswith("xn--") or name.endswith(("-s3alias", "--ol-s3")):
        reasons.append("it must not start with 'xn--' or end with '-s3alias' or '--ol-s3'")
    if not reasons:
        return None
    return "bucket name %r is not valid: %s" % (name, "; ".join(reasons))


def load_policy(policy):
    """Return `policy` (a dict, or JSON text of one) as a dict; raise ValueError if it is not
    a policy document."""
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError as error:
            raise ValueError("the policy is not valid JSON (%s)" % error) from None
    if not isinstance(policy, dict):
        raise ValueError("the policy must be a JSON object, got %s" % type(policy).__name__)
    statements = policy.get("Statement")
    if not statements or not isinstance(statements, (list, dict)):
        raise ValueError("the policy has no 'Statement'")
    return policy


def policy_document_error(policy):
    """Return why `policy` is not a policy document, or None when it is."""
    try:
        load_policy(policy)
    except ValueError as error:
        return str(error)
    return None
