# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input stops mlox.stack.node_exporter before any change, naming the variable at fault."""

import pytest

CASES = {
    # wrong types, caught by the argument specs
    "port-not-an-int": ({"node_exporter_port": "metrics"}, "node_exporter_port"),
    "basic-auth-not-a-bool": ({"node_exporter_basic_auth": "sometimes"}, "node_exporter_basic_auth"),
    "collectors-not-a-list": ({"node_exporter_collectors_enabled": {"systemd": True}},
                              "node_exporter_collectors_enabled"),
    # values outside the choices
    "tls-version-unknown": ({"node_exporter_tls_min_version": "TLS11"}, "node_exporter_tls_min_version"),
    "log-level-unknown": ({"node_exporter_log_level": "verbose"}, "node_exporter_log_level"),
    # rules of preflight.yml
    "port-out-of-range": ({"node_exporter_port": 70000}, "node_exporter_port"),
    "listen-address-with-port": ({"node_exporter_listen_address": "0.0.0.0:9100"},
                                 "node_exporter_listen_address"),
    "basic-auth-without-user": ({"node_exporter_basic_auth": True, "node_exporter_basic_auth_user": ""},
                                "node_exporter_basic_auth_user"),
    "collector-given-as-flag": ({"node_exporter_collectors_enabled": ["--collector.systemd"]},
                                "node_exporter_collectors_enabled"),
    "collector-enabled-and-disabled": ({"node_exporter_collectors_enabled": ["systemd", "wifi"],
                                        "node_exporter_collectors_disabled": ["wifi"]},
                                       "node_exporter_collectors_disabled"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_fails_before_any_change(run_role, assert_failed_before_change, case):
    role_vars, variable = case
    assert_failed_before_change(run_role("node_exporter", role_vars), variable)
