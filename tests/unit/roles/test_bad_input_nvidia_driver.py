# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input stops mlox.stack.nvidia_driver before any change, naming the variable at fault."""

import pytest

# Debian's driver with the kernel module flavour that both Debian 12 and 13 ship in a matching
# version, so that only the rule under test can refuse it.
FROM_DEBIAN = {"nvidia_driver_source": "distro", "nvidia_driver_kernel_module": "proprietary"}

CASES = {
    # wrong types and values outside the choices, caught by the argument specs
    "source-unknown": ({"nvidia_driver_source": "ppa"}, "nvidia_driver_source"),
    "kernel-module-unknown": ({"nvidia_driver_kernel_module": "nouveau"}, "nvidia_driver_kernel_module"),
    "reboot-not-a-bool": ({"nvidia_driver_reboot": "sometimes"}, "nvidia_driver_reboot"),
    "runtimes-not-a-list": ({"nvidia_driver_container_runtimes": {"docker": True}},
                            "nvidia_driver_container_runtimes"),
    "runtime-unknown": ({"nvidia_driver_container_runtimes": ["docker", "cri-o"]},
                        "nvidia_driver_container_runtimes"),
    # rules of preflight.yml
    "branch-not-a-number": ({"nvidia_driver_branch": "latest"}, "nvidia_driver_branch"),
    "branch-with-dots": ({"nvidia_driver_branch": "535.161"}, "nvidia_driver_branch"),
    "branch-not-shipped-by-debian": ({"nvidia_driver_source": "distro", "nvidia_driver_branch": "580"},
                                     "nvidia_driver_branch"),
    "no-module-with-fabric-manager": ({"nvidia_driver_kernel_module": "none", "nvidia_driver_fabric_manager": True},
                                      "nvidia_driver_fabric_manager"),
    "no-module-with-persistence-daemon": ({"nvidia_driver_kernel_module": "none",
                                           "nvidia_driver_persistenced": True},
                                          "nvidia_driver_persistenced"),
    "fabric-manager-from-debian": ({**FROM_DEBIAN, "nvidia_driver_fabric_manager": True},
                                   "nvidia_driver_fabric_manager"),
    "cuda-newer-than-branch": ({"nvidia_driver_branch": "535", "nvidia_cuda_toolkit_version": "12.4"},
                               "nvidia_cuda_toolkit_version"),
    "cuda-version-unknown": ({"nvidia_cuda_toolkit_version": "12"}, "nvidia_cuda_toolkit_version"),
    "cuda-not-shipped-by-debian": ({**FROM_DEBIAN, "nvidia_cuda_toolkit_version": "12.2"},
                                   "nvidia_cuda_toolkit_version"),
    "container-toolkit-from-debian": ({**FROM_DEBIAN, "nvidia_driver_container_runtimes": ["docker"]},
                                      "nvidia_driver_container_runtimes"),
    "reboot-the-controller": ({"nvidia_driver_reboot": True}, "nvidia_driver_reboot"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_fails_before_any_change(run_role, assert_failed_before_change, case):
    role_vars, variable = case
    assert_failed_before_change(run_role("nvidia_driver", role_vars), variable)
