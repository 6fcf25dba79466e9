# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""mlox.stack.gpu_facts against recorded nvidia-smi answers (fixtures/nvidia_smi/), which a fake
nvidia-smi prints: the facts of each host, and an empty GPU list with a reason where there is no
usable driver."""

import shlex
from pathlib import Path

import pytest

from ansible_collections.mlox.stack.plugins.modules import gpu_facts
from conftest import ModuleRunner

FIXTURES = Path(__file__).parent / "fixtures" / "nvidia_smi"
EXPECTED_QUERY = ("--query-gpu=index,name,uuid,pci.bus_id,driver_version,memory.total,memory.used,"
                  "temperature.gpu,power.draw,utilization.gpu,mig.mode.current,persistence_mode")


def fake_nvidia_smi(tmp_path, host):
    """An executable that answers like nvidia-smi on `host` and logs its arguments."""
    fixture = FIXTURES / host
    script = tmp_path / "nvidia-smi"
    log = tmp_path / "calls"
    script.write_text(
        "#!/bin/sh\n"
        "echo \"$*\" >> %(log)s\n"
        "case \"$1\" in\n"
        "  --query-gpu=*) answer=query ;;\n"
        "  --version) answer=version ;;\n"
        "  -L) answer=list ;;\n"
        "  *) echo \"unexpected arguments: $*\" >&2; exit 2 ;;\n"
        "esac\n"
        "[ -f %(dir)s/$answer.txt ] || { echo \"no recorded answer for $*\" >&2; exit 2; }\n"
        "cat %(dir)s/$answer.txt\n"
        "[ -f %(dir)s/$answer.rc ] && exit \"$(cat %(dir)s/$answer.rc)\"\n"
        "exit 0\n" % {"log": shlex.quote(str(log)), "dir": shlex.quote(str(fixture))})
    script.chmod(0o755)
    return str(script), log


@pytest.fixture
def gpu_host(tmp_path):
    """gpu_host(name, check_mode=False) -> (result, argument lines that nvidia-smi got)."""
    def run(host, check_mode=False):
        program, log = fake_nvidia_smi(tmp_path, host)
        result = ModuleRunner(None)(gpu_facts, {"nvidia_smi": program}, check_mode=check_mode, connection=False)
        calls = log.read_text().splitlines() if log.exists() else []
        return result, calls
    return run


def test_consumer_gpu(gpu_host):
    result, calls = gpu_host("consumer_rtx4090")
    assert calls[0] == EXPECTED_QUERY + " --format=csv,noheader,nounits"
    assert "-L" not in calls, "MIG listing asked for without a GPU in MIG mode"
    assert result["changed"] is False and "failed" not in result
    assert result["driver_version"] == "550.54.14"
    assert result["cuda_version"] == "12.4"
    assert result["reason"] is None
    assert result["gpus"] == [{
        "index": 0, "name": "NVIDIA GeForce RTX 4090", "uuid": "GPU-6f1c2e8a-3b4d-9c7e-5a2f-0d8b1e4c7a93",
        "pci_bus_id": "00000000:01:00.0", "memory_total_mib": 24564, "memory_used_mib": 1235,
        "temperature_c": 41, "power_draw_w": 28.53, "utilization_gpu_percent": 3, "mig_mode": None,
        "persistence_mode": False, "mig_devices": [],
    }]
    assert result["ansible_facts"]["mlox_gpu"]["gpus"] == result["gpus"]


def test_datacenter_node_with_eight_gpus(gpu_host):
    result, _calls = gpu_host("hgx_h100_8gpu")
    gpus = result["gpus"]
    assert [gpu["index"] for gpu in gpus] == list(range(8))
    assert {gpu["name"] for gpu in gpus} == {"NVIDIA H100 80GB HBM3"}
    assert len({gpu["uuid"] for gpu in gpus}) == 8
    assert all(gpu["persistence_mode"] is True and gpu["mig_mode"] == "Disabled" for gpu in gpus)
    assert gpus[7] == {
        "index": 7, "name": "NVIDIA H100 80GB HBM3", "uuid": "GPU-40a2e6c8-3d9f-4f7a-b5e1-8c6d0a2f4e80",
        "pci_bus_id": "00000000:DB:00.0", "memory_total_mib": 81559, "memory_used_mib": 74217,
        "temperature_c": 54, "power_draw_w": 633.25, "utilization_gpu_percent": 99, "mig_mode": "Disabled",
        "persistence_mode": True, "mig_devices": [],
    }
    assert (result["driver_version"], result["cuda_version"]) == ("535.161.08", "12.2")


def test_mig_enabled(gpu_host):
    result, calls = gpu_host("a100_mig")
    assert "-L" in calls
    mig, plain = result["gpus"]
    assert mig["mig_mode"] == "Enabled"
    assert mig["utilization_gpu_percent"] is None, "[N/A] must become null"
    assert mig["mig_devices"] == [
        {"device": 0, "profile": "3g.20gb", "uuid": "MIG-3a0e1c52-5f8b-5d3e-9c47-0b6a1e2d7f81"},
        {"device": 1, "profile": "2g.10gb", "uuid": "MIG-8c2f4a61-0d7e-5b9a-a3c5-6e8f0b2d4a92"},
        {"device": 2, "profile": "1g.5gb", "uuid": "MIG-e15b7d93-2a4c-5f6e-b8d0-3c5e7a9b1da3"},
    ]
    assert plain["mig_mode"] == "Disabled" and plain["mig_devices"] == []
    assert plain["utilization_gpu_percent"] == 0


@pytest.mark.parametrize("host, words", [
    ("driver_mismatch", "Failed to initialize NVML: Driver/library version mismatch"),
    ("no_driver", "couldn't communicate with the NVIDIA driver"),
    ("no_devices", "No devices were found"),
    ("container_without_gpu", "Failed to initialize NVML: Unknown Error"),
])
def test_no_usable_gpu_is_no_error(gpu_host, host, words):
    result, calls = gpu_host(host)
    assert "failed" not in result, result
    assert result["gpus"] == [] and result["ansible_facts"]["mlox_gpu"]["gpus"] == []
    assert words in result["reason"]
    assert result["driver_version"] is None
    assert len(calls) == 1, "nothing else is asked after the query failed: %s" % calls


def test_without_nvidia_smi(tmp_path):
    missing = str(tmp_path / "bin" / "nvidia-smi")
    result = ModuleRunner(None)(gpu_facts, {"nvidia_smi": missing}, connection=False)
    assert "failed" not in result
    assert result["gpus"] == []
    assert "not found" in result["reason"] and missing in result["reason"]


def test_unknown_name_not_on_path():
    result = ModuleRunner(None)(gpu_facts, {"nvidia_smi": "nvidia-smi-that-does-not-exist"}, connection=False)
    assert result["gpus"] == [] and "not found" in result["reason"]


def test_check_mode_reads_the_same(gpu_host):
    normal, _calls = gpu_host("hgx_h100_8gpu")
    checked, _calls = gpu_host("hgx_h100_8gpu", check_mode=True)
    assert checked == normal
    assert checked["changed"] is False


def test_unexpected_column_count_fails(tmp_path):
    fixture = tmp_path / "fixture"
    fixture.mkdir()
    (fixture / "query.txt").write_text("0, NVIDIA H100 80GB HBM3, GPU-x, 535.161.08\n")
    program, _log = fake_nvidia_smi(tmp_path, fixture)
    result = ModuleRunner(None)(gpu_facts, {"nvidia_smi": program}, connection=False)
    assert result.get("failed") is True
    assert "4 fields instead of 12" in result["msg"]
