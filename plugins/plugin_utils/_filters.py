# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How the collection's filter plugins publish plain functions as filters."""

from __future__ import annotations

import functools

from ansible.errors import AnsibleFilterError


def as_filter(function):
    """Wrap `function` so that its ValueError, KeyError or TypeError reaches Ansible as an
    AnsibleFilterError that names the filter."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (ValueError, KeyError, TypeError) as error:
            raise AnsibleFilterError("%s: %s" % (function.__name__, error)) from error

    return wrapper


def filters(functions):
    """The `filters()` result of a FilterModule: each function of the dict wrapped by as_filter."""
    return {name: as_filter(function) for name, function in functions.items()}
