# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input stops mlox.stack.postgres_exporter before any change, naming the variable at fault."""

import pytest

CASES = {
    # wrong types, caught by the argument specs
    "port-not-an-int": ({"postgres_exporter_port": "metrics"}, "postgres_exporter_port"),
    "postgresql-port-not-an-int": ({"postgres_exporter_postgresql_port": "socket"},
                                   "postgres_exporter_postgresql_port"),
    "collectors-not-a-list": ({"postgres_exporter_collectors_enabled": {"wal": True}},
                              "postgres_exporter_collectors_enabled"),
    # values outside the choices
    "tls-version-unknown": ({"postgres_exporter_tls_min_version": "TLS11"}, "postgres_exporter_tls_min_version"),
    "log-level-unknown": ({"postgres_exporter_log_level": "verbose"}, "postgres_exporter_log_level"),
    # rules of preflight.yml
    "port-out-of-range": ({"postgres_exporter_port": 70000}, "postgres_exporter_port"),
    "postgresql-port-out-of-range": ({"postgres_exporter_postgresql_port": 0}, "postgres_exporter_postgresql_port"),
    "listen-address-with-port": ({"postgres_exporter_listen_address": "0.0.0.0:9187"},
                                 "postgres_exporter_listen_address"),
    "socket-dir-relative": ({"postgres_exporter_postgresql_socket_dir": "run/postgresql"},
                            "postgres_exporter_postgresql_socket_dir"),
    "collector-given-as-flag": ({"postgres_exporter_collectors_disabled": ["--no-collector.wal"]},
                                "postgres_exporter_collectors_disabled"),
    "collector-enabled-and-disabled": ({"postgres_exporter_collectors_enabled": ["wal"],
                                        "postgres_exporter_collectors_disabled": ["wal"]},
                                       "postgres_exporter_collectors_disabled"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_fails_before_any_change(run_role, assert_failed_before_change, case):
    role_vars, variable = case
    assert_failed_before_change(run_role("postgres_exporter", role_vars), variable)
