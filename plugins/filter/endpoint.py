# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters through which roles find the services of the stack.

The logic and the values live in the service registry
(plugins/module_utils/_services.py); this file only publishes its functions
as filters and turns their errors into AnsibleFilterError.
"""

from __future__ import annotations

import functools

from ansible.errors import AnsibleFilterError

from ansible_collections.mlox.stack.plugins.module_utils import _services

FILTERS = ("service", "endpoint", "endpoints", "public_hostname", "public_url", "public_hostnames")


def _as_filter(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ValueError as error:
            raise AnsibleFilterError(str(error)) from error
    return wrapper


class FilterModule:
    def filters(self):
        return {name: _as_filter(getattr(_services, name)) for name in FILTERS}
