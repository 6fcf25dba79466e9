# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters of the minio role: drive layout rules, MINIO_VOLUMES, the metrics token, and the
checks of bucket names and policy documents that let the role refuse bad input before it
changes anything.

The logic lives in plugins/module_utils (_minio_layout.py, _s3_rules.py); this file only
publishes it.
"""

from __future__ import annotations

from ansible_collections.mlox.stack.plugins.module_utils import _minio_layout, _s3_rules
from ansible_collections.mlox.stack.plugins.plugin_utils import _filters


def s3_bucket_name_error(name, variable):
    """Return '' for a valid bucket name, else the problem, naming `variable`."""
    error = _s3_rules.bucket_name_error(name)
    return "%s: %s" % (variable, error) if error else ""


def minio_policy_error(entry, variable):
    """Return '' for an entry {name, policy} whose policy is a document, else the problem."""
    if not isinstance(entry, dict) or not entry.get("name"):
        return "%s: every entry needs a name and a policy" % variable
    error = _s3_rules.policy_document_error(entry.get("policy"))
    return "%s: policy %s: %s" % (variable, entry["name"], error) if error else ""


FILTERS = {
    "minio_layout_errors": _minio_layout.layout_errors,
    "minio_volumes": _minio_layout.volumes,
    "minio_metrics_token": _minio_layout.metrics_token,
    "s3_bucket_name_error": s3_bucket_name_error,
    "minio_policy_error": minio_policy_error,
}


class FilterModule:
    def filters(self):
        return _filters.filters(FILTERS)
