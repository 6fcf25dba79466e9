#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: gpu_facts
short_description: Read the NVIDIA GPUs of a host, their driver and their health with nvidia-smi
version_added: 0.7.0
author: mlox.stack contributors (!UNKNOWN)
description:
  - Runs C(nvidia-smi --query-gpu=... --format=csv,noheader,nounits), C(nvidia-smi --version) and
    C(nvidia-smi -L) (the MIG devices) and returns the driver version, the CUDA version that the
    driver supports, and per GPU its index, name, UUID, memory, temperature, power draw,
    utilization, MIG mode and persistence mode.
  - A host without C(nvidia-smi), without a loaded driver, with a driver that does not match its
    libraries, or without GPUs is no error; the module then returns RV(gpus=[]) and says why in
    RV(reason).
  - Only reads; it changes nothing on the host.
attributes:
  check_mode:
    description: Reads the same in check mode.
    support: full
  diff_mode:
    description: Changes nothing, so it has no diff.
    support: none
  facts:
    description: Returns the result also as the fact C(mlox_gpu).
    support: full
options:
  nvidia_smi:
    description:
      - Name or path of the C(nvidia-smi) program. A bare name is looked up in the C(PATH) of the
        module and in C(/usr/bin) and C(/usr/sbin).
    type: str
    default: nvidia-smi
notes:
  - Values that a GPU does not report (V([N/A]), V([Not Supported]), for example the
    utilization of a GPU in MIG mode) are returned as V(null).
seealso:
  - name: nvidia-smi documentation
    description: The fields of C(--query-gpu).
    link: https://docs.nvidia.com/deploy/nvidia-smi/index.html
"""

EXAMPLES = r"""
- name: Read the GPUs
  mlox.stack.gpu_facts:
  register: gpu

- name: Require the eight GPUs this host was bought with
  ansible.builtin.assert:
    that: gpu.gpus | length == 8
    fail_msg: "{{ gpu.gpus | length }} GPUs found; {{ gpu.reason | default('', true) }}"

- name: Show each GPU's memory in use (from the fact)
  ansible.builtin.debug:
    msg: "{{ item.index }} {{ item.name }}: {{ item.memory_used_mib }} of {{ item.memory_total_mib }} MiB"
  loop: "{{ ansible_facts.mlox_gpu.gpus }}"
"""

RETURN = r"""
driver_version:
  description: Version of the loaded NVIDIA kernel driver; V(null) when nvidia-smi cannot tell.
  returned: always
  type: str
  sample: 535.161.08
cuda_version:
  description: Newest CUDA version that the driver supports; V(null) when nvidia-smi cannot tell.
  returned: always
  type: str
  sample: "12.2"
gpus:
  description: The GPUs, ordered by index; empty when there is no driver or no GPU (see RV(reason)).
  returned: always
  type: list
  elements: dict
  contains:
    index:
      description: Index of the GPU as nvidia-smi and CUDA number it.
      type: int
      sample: 0
    name:
      description: Product name.
      type: str
      sample: NVIDIA H100 80GB HBM3
    uuid:
      description: UUID of the GPU.
      type: str
      sample: GPU-2f6b3c1e-7d0a-4e55-9a1b-3c8d2e9f4a10
    pci_bus_id:
      description: PCI bus address.
      type: str
      sample: "00000000:18:00.0"
    memory_total_mib:
      description: Total memory in MiB.
      type: int
      sample: 81559
    memory_used_mib:
      description: Memory in use in MiB.
      type: int
      sample: 512
    temperature_c:
      description: Core temperature in degrees Celsius.
      type: int
      sample: 34
    power_draw_w:
      description: Power draw in watts.
      type: float
      sample: 71.2
    utilization_gpu_percent:
      description: Percent of the last sample period in which a kernel ran; V(null) in MIG mode.
      type: int
      sample: 0
    mig_mode:
      description: Current MIG mode, V(Enabled) or V(Disabled); V(null) on GPUs without MIG.
      type: str
      sample: Disabled
    persistence_mode:
      description: Whether persistence mode is on.
      type: bool
      sample: true
    mig_devices:
      description: The MIG devices of the GPU, from C(nvidia-smi -L); empty without MIG.
      type: list
      elements: dict
      sample: [{"device": 0, "profile": "3g.20gb", "uuid": "MIG-3a0e1c52-5f8b-5d3e-9c47-0b6a1e2d7f81"}]
reason:
  description:
    - Why RV(gpus) is empty, in nvidia-smi's words where it gave any; V(null) when GPUs were found.
  returned: always
  type: str
  sample: "Failed to initialize NVML: Driver/library version mismatch"
ansible_facts:
  description: The same values under one fact.
  returned: always
  type: dict
  contains:
    mlox_gpu:
      description: RV(driver_version), RV(cuda_version), RV(gpus) and RV(reason).
      type: dict
"""

import csv
import os
import re

from ansible.module_utils.basic import AnsibleModule

# The order of the columns in nvidia-smi's answer is the order asked for here.
QUERY_FIELDS = (
    ("index", "index", int),
    ("name", "name", str),
    ("uuid", "uuid", str),
    ("pci.bus_id", "pci_bus_id", str),
    ("driver_version", "driver_version", str),
    ("memory.total", "memory_total_mib", int),
    ("memory.used", "memory_used_mib", int),
    ("temperature.gpu", "temperature_c", int),
    ("power.draw", "power_draw_w", float),
    ("utilization.gpu", "utilization_gpu_percent", int),
    ("mig.mode.current", "mig_mode", str),
    ("persistence_mode", "persistence_mode", str),
)
QUERY_ARGS = ["--query-gpu=" + ",".join(field for field, _key, _type in QUERY_FIELDS),
              "--format=csv,noheader,nounits"]
# nvidia-smi's words for a value that a GPU does not report.
NOT_AVAILABLE = re.compile(r"^\[?(N/A|Not Supported|Unknown Error|Insufficient Permissions|GPU requires reset)\]?$")
MIG_DEVICE = re.compile(r"^\s+MIG\s+(?P<profile>\S+)\s+Device\s+(?P<device>\d+):\s+\(UUID:\s+(?P<uuid>[^)]+)\)")
GPU_LINE = re.compile(r"^GPU\s+(?P<index>\d+):.*\(UUID:\s+(?P<uuid>[^)]+)\)")
NO_DEVICES = "No devices were found"


def parse_value(text, kind):
    """One CSV cell: None for the words nvidia-smi uses for 'not available', else `kind`."""
    text = text.strip()
    if not text or NOT_AVAILABLE.match(text):
        return None
    if kind is int:
        return int(float(text))
    return kind(text)


def parse_query(output):
    """The GPUs of a --query-gpu answer: (driver version, [gpu dicts])."""
    gpus = []
    driver = None
    for row in csv.reader((line for line in output.splitlines() if line.strip()), skipinitialspace=True):
        if len(row) != len(QUERY_FIELDS):
            raise ValueError("nvidia-smi gave %d fields instead of %d: %s"
                             % (len(row), len(QUERY_FIELDS), ", ".join(row)))
        gpu = {}
        for (field, key, kind), cell in zip(QUERY_FIELDS, row):
            gpu[key] = parse_value(cell, kind)
        driver = gpu.pop("driver_version") or driver
        mode = gpu["persistence_mode"]
        gpu["persistence_mode"] = None if mode is None else mode == "Enabled"
        gpu["mig_devices"] = []
        gpus.append(gpu)
    return driver, sorted(gpus, key=lambda gpu: gpu["index"])


def parse_cuda_version(output):
    """The CUDA version from `nvidia-smi --version` (CUDA Version : 12.2), or None."""
    match = re.search(r"^CUDA Version\s*:\s*(\S+)", output, re.MULTILINE)
    return match.group(1) if match else None


def parse_mig_devices(output):
    """The MIG devices per GPU UUID from `nvidia-smi -L`."""
    devices = {}
    current = None
    for line in output.splitlines():
        gpu = GPU_LINE.match(line)
        if gpu:
            current = devices.setdefault(gpu.group("uuid"), [])
            continue
        mig = MIG_DEVICE.match(line)
        if mig and current is not None:
            current.append({"device": int(mig.group("device")), "profile": mig.group("profile"),
                            "uuid": mig.group("uuid")})
    return devices


def first_line(text):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(lines[:2]) if lines else ""


def find_nvidia_smi(module):
    name = module.params["nvidia_smi"]
    if os.sep in name:
        return name if os.access(name, os.X_OK) else None
    return module.get_bin_path(name, opt_dirs=["/usr/bin", "/usr/sbin"])


def read_gpus(module):
    """driver_version, cuda_version, gpus, reason."""
    program = find_nvidia_smi(module)
    if program is None:
        return None, None, [], "%s not found: no NVIDIA driver userspace on this host" % module.params["nvidia_smi"]
    rc, out, err = module.run_command([program] + QUERY_ARGS)
    if rc != 0 or NO_DEVICES in out:
        said = first_line(out + "\n" + err) or "no output"
        return None, None, [], "%s failed (rc %d): %s" % (program, rc, said)
    try:
        driver, gpus = parse_query(out)
    except ValueError as error:
        module.fail_json(msg=str(error), stdout=out, stderr=err)
    if not gpus:
        return driver, None, [], "%s listed no GPUs" % program
    rc, out, err = module.run_command([program, "--version"])
    cuda = parse_cuda_version(out) if rc == 0 else None
    if any(gpu["mig_mode"] == "Enabled" for gpu in gpus):
        rc, out, err = module.run_command([program, "-L"])
        if rc != 0:
            module.fail_json(msg="%s -L failed (rc %d): %s" % (program, rc, first_line(out + "\n" + err)))
        devices = parse_mig_devices(out)
        for gpu in gpus:
            gpu["mig_devices"] = devices.get(gpu["uuid"], [])
    return driver, cuda, gpus, None


def main():
    module = AnsibleModule(
        argument_spec=dict(nvidia_smi=dict(type="str", default="nvidia-smi")),
        supports_check_mode=True,
    )
    driver, cuda, gpus, reason = read_gpus(module)
    facts = dict(driver_version=driver, cuda_version=cuda, gpus=gpus, reason=reason)
    module.exit_json(changed=False, ansible_facts=dict(mlox_gpu=facts), **facts)


if __name__ == "__main__":
    main()
