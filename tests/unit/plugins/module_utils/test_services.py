# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The service registry is consistent: one host may run every service."""

from collections import Counter

import pytest

from ansible_collections.mlox.stack.plugins.module_utils._services import SERVICES

FIELDS = {"group", "port", "scheme", "hostname_prefix", "health_path", "metrics_path"}


def duplicates(values):
    return sorted(value for value, count in Counter(values).items() if count > 1)


def test_no_two_services_share_a_port():
    assert duplicates(record["port"] for record in SERVICES.values()) == []


def test_no_two_services_share_a_public_hostname():
    prefixes = [record["hostname_prefix"] for record in SERVICES.values()]
    assert duplicates(prefix for prefix in prefixes if prefix) == []


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_record_is_complete(name):
    record = SERVICES[name]
    assert set(record) == FIELDS
    assert record["group"] == "mlox" or record["group"].startswith("mlox_")
    assert isinstance(record["port"], int) and 0 < record["port"] < 65536
    for path in (record["health_path"], record["metrics_path"]):
        assert path is None or path.startswith("/")
