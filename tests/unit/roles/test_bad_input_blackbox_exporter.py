# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input stops mlox.stack.blackbox_exporter before any change, naming the variable at fault."""

import pytest

CASES = {
    # wrong types, caught by the argument specs
    "port-not-an-int": ({"blackbox_exporter_port": "probes"}, "blackbox_exporter_port"),
    "modules-not-a-dict": ({"blackbox_exporter_modules_extra": ["https_api"]}, "blackbox_exporter_modules_extra"),
    # values outside the choices
    "tls-version-unknown": ({"blackbox_exporter_tls_min_version": "TLS11"}, "blackbox_exporter_tls_min_version"),
    "log-level-unknown": ({"blackbox_exporter_log_level": "verbose"}, "blackbox_exporter_log_level"),
    # rules of preflight.yml
    "port-out-of-range": ({"blackbox_exporter_port": 0}, "blackbox_exporter_port"),
    "listen-address-with-port": ({"blackbox_exporter_listen_address": "127.0.0.1:9115"},
                                 "blackbox_exporter_listen_address"),
    "listen-address-bracketed": ({"blackbox_exporter_listen_address": "[::1]"}, "blackbox_exporter_listen_address"),
    "module-given-as-a-string": ({"blackbox_exporter_modules_extra": {"https_api": "http"}},
                                 "blackbox_exporter_modules_extra"),
    "module-without-prober": ({"blackbox_exporter_modules_extra": {"https_api": {"http": {"method": "GET"}}}},
                              "blackbox_exporter_modules_extra"),
    "module-with-icmp": ({"blackbox_exporter_modules_extra": {"ping": {"prober": "icmp"}}},
                         "blackbox_exporter_modules_extra"),
    "module-name-with-space": ({"blackbox_exporter_modules_extra": {"my api": {"prober": "http"}}},
                               "blackbox_exporter_modules_extra"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_fails_before_any_change(run_role, assert_failed_before_change, case):
    role_vars, variable = case
    assert_failed_before_change(run_role("blackbox_exporter", role_vars), variable)
