# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

# The keys of the description carry no choices, required or strict types here: the plugin checks
# them itself, so that a broken file is answered with all of its problems at once.
DOCUMENTATION = r"""
name: stack
short_description: The hosts and groups of an mlox.stack stack from one short description
version_added: 0.8.0
author: mlox.stack contributors (!UNKNOWN)
description:
  - Reads a stack description, a YAML file whose name ends in C(.mlox.yml) or C(.mlox.yaml), that
    names the hosts of the stack and the services each one runs.
  - Puts every host in group C(mlox), each host in the group of each service it runs
    (C(mlox_traefik), C(mlox_keycloak), C(mlox_mlflow), C(mlox_minio), C(mlox_postgresql),
    C(mlox_prometheus), C(mlox_alertmanager)) and each host labelled C(gpu) in C(mlox_gpu); these
    groups are the children of C(mlox) and exist even when empty.
  - When the description has exactly one host and that host has no C(services) key, the host
    runs every service.
  - Sets C(mlox_stack_name), C(mlox_domain), C(mlox_tls_mode) and the variables of O(vars) on group
    C(mlox), and C(ansible_host), C(ansible_user), C(ansible_connection), C(mlox_labels) and the
    host's own C(vars) on each host.
  - Checks the whole description before it adds anything and fails with every problem found, each
    on its own line; the rules are in the collection's C(docs/inventory.md).
options:
  plugin:
    description: Marks the file as a description for this plugin.
    type: str
    required: true
    choices: [mlox.stack.stack]
  name:
    description:
      - Name of the stack (C(mlox_stack_name)); it names the directory of generated secrets.
      - Letters, digits, C(.), C(_) and C(-), starting with a letter or digit.
    type: str
    default: mlox
  domain:
    description:
      - Required. DNS domain of the public hostnames (C(mlox_domain)), such as C(ml.example.org).
    type: str
  tls_mode:
    description:
      - How hosts and the edge get their certificates (C(mlox_tls_mode)).
      - One of V(internal), V(acme), V(provided).
    type: str
    default: internal
  vars:
    description:
      - Further variables of group C(mlox), for example C(mlox_artifact_mirror) or role variables.
      - C(mlox_stack_name), C(mlox_domain) and C(mlox_tls_mode) come from O(name), O(domain) and
        O(tls_mode) and are refused here.
    type: dict
    default: {}
  hosts:
    description:
      - Required. The hosts of the stack, by inventory name, in the order that the groups list them.
      - Each maps to its settings, all optional. C(address) (C(ansible_host), default the name),
        C(user) (C(ansible_user)), C(connection) (C(ansible_connection)), C(labels) (a list of
        strings, C(mlox_labels); V(gpu) puts the host in C(mlox_gpu)), C(services) (a list of
        V(traefik), V(keycloak), V(mlflow), V(minio), V(postgresql), V(prometheus),
        V(alertmanager)), C(vars) (further host variables, for example C(minio_drives)).
    type: dict
extends_documentation_fragment:
  - constructed
notes:
  - Enable the plugin in C(ansible.cfg), for example
    C(enable_plugins = mlox.stack.stack, host_list, script, auto, yaml, ini, toml) in section
    C([inventory]), with C(any_unparsed_is_failed = true) so that a broken description stops the
    run instead of being skipped with a warning.
  - The same groups and variables can be written as a static YAML inventory instead.
"""

EXAMPLES = r"""
# team.mlox.yml: an edge, an MLflow host with its database, two MinIO hosts with two drives
# each, a monitoring host and a GPU worker.
plugin: mlox.stack.stack
name: team
domain: ml.example.org
vars:
  ansible_user: admin
hosts:
  edge-1:
    address: 192.0.2.11
    services: [traefik, keycloak]
  mlflow-1:
    address: 192.0.2.12
    services: [mlflow, postgresql]
  storage-1:
    address: 192.0.2.13
    services: [minio]
    vars:
      minio_drives: [/srv/minio/disk1, /srv/minio/disk2]
  storage-2:
    address: 192.0.2.14
    services: [minio]
    vars:
      minio_drives: [/srv/minio/disk1, /srv/minio/disk2]
  monitoring-1:
    address: 192.0.2.15
    services: [prometheus, alertmanager]
  gpu-1:
    address: 192.0.2.16
    labels: [gpu]

---
# demo.mlox.yml: one host runs every service.
plugin: mlox.stack.stack
domain: ml.example.org
hosts:
  mlox-1:
    address: 192.0.2.10

---
# Groups of your own from the labels (label_gpu, label_a100, ...) and from names.
plugin: mlox.stack.stack
domain: ml.example.org
hosts:
  aio-1:
    labels: [gpu, a100]
keyed_groups:
  - key: mlox_labels
    prefix: label
groups:
  first_rack: inventory_hostname.endswith('-1')
"""

import os

from ansible.errors import AnsibleParserError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import BaseInventoryPlugin, Constructable
from ansible.utils.vars import combine_vars

from ansible_collections.mlox.stack.plugins.module_utils import _stack_description

# The minio role's defaults, for MinIO hosts whose drives the description leaves to the role.
MINIO_DEFAULTS = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
    "roles", "minio", "defaults", "main.yml",
)


class InventoryModule(BaseInventoryPlugin, Constructable):
    NAME = "mlox.stack.stack"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith((".mlox.yml", ".mlox.yaml"))

    def _minio_default_drives(self):
        try:
            # Not through the loader's cache: the role loads the same file later, trusted as a
            # template, and would get this copy, whose templates Ansible then refuses to render.
            defaults = self.loader.load_from_file(MINIO_DEFAULTS, cache="none") or {}
        except Exception as e:
            raise AnsibleParserError(
                "cannot read the minio role's default minio_drives from %s: %s"
                % (MINIO_DEFAULTS, to_native(e))
            ) from e
        return defaults.get("minio_drives")

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        config = self._read_config_data(path)
        # The plugin's own options (plugin, strict, compose, ...) are Ansible's, not the stack's.
        ansible_keys = set(self._options) - set(_stack_description.TOP_LEVEL_KEYS)
        description = {key: value for key, value in config.items() if key not in ansible_keys}

        problems = _stack_description.problems(description, self._minio_default_drives())
        if problems:
            raise AnsibleParserError(
                "%s is not a valid stack description:\n%s"
                % (to_native(path), "\n".join("- " + problem for problem in problems))
            )
        self._populate(_stack_description.inventory(description))

    def _populate(self, stack):
        stack_group = _stack_description.STACK_GROUP
        self.inventory.add_group(stack_group)
        for group in stack["groups"]:
            if group != stack_group:
                self.inventory.add_group(group)
                self.inventory.add_child(stack_group, group)
        # Group mlox comes first, so that it lists the hosts in the order of the file.
        for group, hosts in stack["groups"].items():
            for host in hosts:
                self.inventory.add_host(host, group=group)
        for name, value in stack["vars"].items():
            self.inventory.set_variable(stack_group, name, value)

        strict = self.get_option("strict")
        for host, variables in stack["hostvars"].items():
            for name, value in variables.items():
                self.inventory.set_variable(host, name, value)
            # Constructed expressions see the stack's variables too, such as mlox_domain.
            host_vars = combine_vars(stack["vars"], self.inventory.get_host(host).get_vars())
            self._set_composite_vars(self.get_option("compose"), host_vars, host, strict=strict)
            host_vars = combine_vars(stack["vars"], self.inventory.get_host(host).get_vars())
            self._add_host_to_composed_groups(
                self.get_option("groups"), host_vars, host, strict=strict
            )
            self._add_host_to_keyed_groups(
                self.get_option("keyed_groups"), host_vars, host, strict=strict
            )
