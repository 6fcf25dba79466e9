# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input stops mlox.stack.gpu_exporter before any change, naming the variable at fault."""

import pytest

MIRROR = {"mlox_artifact_mirror": "http://mirror.invalid"}
CASES = {
    # wrong types and values outside the choices, caught by the argument specs
    "port-not-an-int": ({**MIRROR, "gpu_exporter_port": "metrics"}, "gpu_exporter_port"),
    "tls-version-unknown": ({**MIRROR, "gpu_exporter_tls_min_version": "TLS11"}, "gpu_exporter_tls_min_version"),
    "log-level-unknown": ({**MIRROR, "gpu_exporter_log_level": "verbose"}, "gpu_exporter_log_level"),
    # rules of preflight.yml
    "no-mirror-and-no-url": ({}, "gpu_exporter_download_url"),
    "own-url-without-checksum": ({"gpu_exporter_download_url": "https://example.org/gpu_exporter.tar.gz"},
                                 "gpu_exporter_checksum"),
    "port-out-of-range": ({**MIRROR, "gpu_exporter_port": 70000}, "gpu_exporter_port"),
    "listen-address-with-port": ({**MIRROR, "gpu_exporter_listen_address": "0.0.0.0:9835"},
                                 "gpu_exporter_listen_address"),
    "nvidia-smi-not-absolute": ({**MIRROR, "gpu_exporter_nvidia_smi": "nvidia-smi"}, "gpu_exporter_nvidia_smi"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_fails_before_any_change(run_role, assert_failed_before_change, case):
    role_vars, variable = case
    assert_failed_before_change(run_role("gpu_exporter", role_vars), variable)
