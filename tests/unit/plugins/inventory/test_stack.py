# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The mlox.stack.stack inventory plugin, loaded and run as Ansible runs it."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader
from ansible.template import is_trusted_as_template
from ansible.vars.manager import VariableManager

from ansible_collections.mlox.stack.plugins.inventory.stack import MINIO_DEFAULTS
from ansible_collections.mlox.stack.plugins.module_utils._stack_description import SERVICE_GROUPS

ROOT = Path(__file__).resolve().parents[4]

# Plugins load through Ansible's loader (tests/unit/plugins/conftest.py).
pytestmark = pytest.mark.usefixtures("collection_loader")
STACK_GROUPS = sorted(SERVICE_GROUPS.values()) + ["mlox_gpu"]

ALL_IN_ONE = """
plugin: mlox.stack.stack
domain: mlox.localhost
hosts:
  aio:
    address: 192.0.2.10
"""

MULTINODE = """
plugin: mlox.stack.stack
name: team
domain: ml.example.org
tls_mode: provided
vars:
  mlox_artifact_mirror: https://mirror.example.org
hosts:
  edge:
    address: 192.0.2.1
    user: admin
    services: [traefik, keycloak]
  apps:
    services: [mlflow, postgresql, prometheus, alertmanager]
  s3a:
    services: [minio]
    vars: {minio_drives: [/srv/d1, /srv/d2]}
  s3b:
    services: [minio]
    vars: {minio_drives: [/srv/d1, /srv/d2]}
"""

GPU_WORKER = MULTINODE + """
  worker:
    connection: local
    labels: [gpu, a100]
"""


def write(tmp_path, text, name="stack.mlox.yml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return str(path)


def run_plugin(path):
    """Parse `path` with the plugin alone; return the InventoryData it filled."""
    inventory = InventoryData()
    plugin = inventory_loader.get("mlox.stack.stack")
    plugin.parse(inventory, DataLoader(), path, cache=False)
    return inventory


def load(path):
    """What a play sees: an InventoryManager over `path`, and each host's variables."""
    loader = DataLoader()
    inventory = InventoryManager(loader=loader, sources=[path])
    variables = VariableManager(loader=loader, inventory=inventory)
    hosts = {host.name: variables.get_vars(host=host) for host in inventory.get_hosts()}
    return inventory, hosts


def members(inventory, group):
    return [host.name for host in inventory.groups[group].get_hosts()]


def test_the_plugin_accepts_only_stack_descriptions(tmp_path):
    plugin = inventory_loader.get("mlox.stack.stack")
    for name, accepted in (("a.mlox.yml", True), ("a.mlox.yaml", True), ("a.yml", False),
                           ("mlox.yml", False), ("a.mlox.json", False)):
        assert plugin.verify_file(write(tmp_path, ALL_IN_ONE, name)) is accepted, name


def test_all_in_one(tmp_path):
    inventory, hosts = load(write(tmp_path, ALL_IN_ONE))
    assert [group.name for group in inventory.groups["mlox"].child_groups] == STACK_GROUPS
    for group in STACK_GROUPS:
        assert members(inventory, group) == ([] if group == "mlox_gpu" else ["aio"])
    assert hosts["aio"]["ansible_host"] == "192.0.2.10"
    assert hosts["aio"]["mlox_domain"] == "mlox.localhost"
    assert hosts["aio"]["mlox_stack_name"] == "mlox"
    assert hosts["aio"]["mlox_tls_mode"] == "internal"
    assert hosts["aio"]["mlox_labels"] == []
    assert sorted(hosts["aio"]["group_names"]) == ["mlox"] + sorted(SERVICE_GROUPS.values())


def test_multinode(tmp_path):
    inventory, hosts = load(write(tmp_path, MULTINODE))
    assert members(inventory, "mlox") == ["edge", "apps", "s3a", "s3b"]
    assert {group: members(inventory, group) for group in STACK_GROUPS} == {
        "mlox_alertmanager": ["apps"],
        "mlox_keycloak": ["edge"],
        "mlox_minio": ["s3a", "s3b"],
        "mlox_mlflow": ["apps"],
        "mlox_postgresql": ["apps"],
        "mlox_prometheus": ["apps"],
        "mlox_traefik": ["edge"],
        "mlox_gpu": [],
    }
    assert (hosts["edge"]["ansible_host"], hosts["edge"]["ansible_user"]) == ("192.0.2.1", "admin")
    assert "ansible_host" not in hosts["apps"]
    assert hosts["s3b"]["minio_drives"] == ["/srv/d1", "/srv/d2"]
    for host in hosts.values():
        assert host["mlox_stack_name"] == "team"
        assert host["mlox_domain"] == "ml.example.org"
        assert host["mlox_tls_mode"] == "provided"
        assert host["mlox_artifact_mirror"] == "https://mirror.example.org"


def test_the_gpu_label(tmp_path):
    inventory, hosts = load(write(tmp_path, GPU_WORKER))
    assert members(inventory, "mlox_gpu") == ["worker"]
    assert sorted(hosts["worker"]["group_names"]) == ["mlox", "mlox_gpu"]
    assert hosts["worker"]["mlox_labels"] == ["gpu", "a100"]
    assert hosts["worker"]["ansible_connection"] == "local"


def test_constructed_groups_and_variables(tmp_path):
    path = write(tmp_path, GPU_WORKER + textwrap.dedent("""
        strict: true
        keyed_groups:
          - key: mlox_labels
            prefix: label
        groups:
          storage: "'mlox_minio' in group_names or inventory_hostname.startswith('s3')"
        compose:
          console_url: "'https://minio.' ~ mlox_domain"
        """))
    inventory, hosts = load(path)
    assert members(inventory, "label_gpu") == ["worker"]
    assert members(inventory, "label_a100") == ["worker"]
    assert members(inventory, "storage") == ["s3a", "s3b"]
    assert {host["console_url"] for host in hosts.values()} == {"https://minio.ml.example.org"}


def test_strict_constructed_expressions_fail_on_undefined_variables(tmp_path):
    path = write(tmp_path, ALL_IN_ONE + "strict: true\ncompose:\n  x: no_such_variable\n")
    with pytest.raises(AnsibleError, match="no_such_variable"):
        run_plugin(path)


@pytest.mark.parametrize("text, message", [
    (ALL_IN_ONE.replace("domain: mlox.localhost", ""), "- domain is missing; set it"),
    (ALL_IN_ONE + "colour: blue\n", "- unknown top-level key 'colour'"),
    (ALL_IN_ONE + "tls_mode: letsencrypt\n", "- tls_mode: 'letsencrypt' is not one of"),
    (ALL_IN_ONE + "    services: [traefik, s3]\n", "- hosts.aio.services: unknown service 's3'"),
    (ALL_IN_ONE + "    labels: gpu\n", "- hosts.aio.labels must be a list of labels"),
    (MULTINODE.replace("[mlflow, postgresql,", "[traefik, mlflow, postgresql,"),
     "- traefik is listed on edge, apps; the stack has a single edge"),
    (MULTINODE.replace("[minio]", "[minio, postgresql]"),
     "- postgresql is listed on apps, s3a, s3b; the stack runs one PostgreSQL server"),
    (MULTINODE.replace("traefik, keycloak", "traefik"),
     "- no host runs keycloak; add it to the services of a host"),
    (MULTINODE.replace("    vars: {minio_drives: [/srv/d1, /srv/d2]}\n", "", 1),
     "- MinIO drive layout (vars.minio_drives of the minio hosts): the hosts of mlox_minio have"
     " different numbers of drives (s3a: 1, s3b: 2)"),
], ids=["domain", "top-level-key", "tls-mode", "service", "labels", "two-edges", "two-postgresql",
        "required", "minio-layout"])
def test_a_broken_description_fails_with_its_problem(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(AnsibleParserError) as failure:
        run_plugin(path)
    assert "%s is not a valid stack description:\n" % path in str(failure.value)
    assert any(line.startswith(message) for line in str(failure.value).splitlines()), failure.value


def test_every_problem_on_its_own_line(tmp_path):
    path = write(tmp_path, """
    plugin: mlox.stack.stack
    colour: blue
    hosts:
      aio:
        services: [trafik]
    """)
    with pytest.raises(AnsibleParserError) as failure:
        run_plugin(path)
    lines = str(failure.value).splitlines()
    assert lines[0] == "%s is not a valid stack description:" % path
    assert [line.split(";")[0] for line in lines[1:]] == [
        "- unknown top-level key 'colour'", "- domain is missing",
        "- hosts.aio.services: unknown service 'trafik'",
    ] + ["- no host runs %s" % service
         for service in ("traefik", "keycloak", "mlflow", "minio", "postgresql", "prometheus")]


def test_a_broken_description_adds_nothing(tmp_path):
    inventory = InventoryData()
    plugin = inventory_loader.get("mlox.stack.stack")
    with pytest.raises(AnsibleParserError):
        plugin.parse(inventory, DataLoader(), write(tmp_path, ALL_IN_ONE + "colour: blue\n"))
    assert inventory.hosts == {} and "mlox" not in inventory.groups


def test_the_documented_examples_are_valid(tmp_path):
    plugin = inventory_loader.get("mlox.stack.stack")
    examples = sys.modules[type(plugin).__module__].EXAMPLES.split("\n---\n")
    assert len(examples) == 3
    for number, example in enumerate(examples):
        inventory = run_plugin(write(tmp_path, example, "example%d.mlox.yml" % number))
        assert inventory.groups["mlox_traefik"].get_hosts(), example


def test_minio_hosts_without_drives_get_the_roles_default(tmp_path):
    # Two hosts of the role's one default drive each: a layout MinIO runs.
    text = MULTINODE.replace("    vars: {minio_drives: [/srv/d1, /srv/d2]}\n", "")
    inventory, hosts = load(write(tmp_path, text))
    assert members(inventory, "mlox_minio") == ["s3a", "s3b"]
    assert "minio_drives" not in hosts["s3a"]


def test_the_minio_defaults_stay_templates_for_the_role(tmp_path):
    # The plugin reads the minio role's defaults; the role, loading them later through the same
    # loader, must still get them trusted as templates, or its argument spec sees raw "{{ }}".
    loader = DataLoader()
    text = MULTINODE.replace("    vars: {minio_drives: [/srv/d1, /srv/d2]}\n", "")
    inventory_loader.get("mlox.stack.stack").parse(InventoryData(), loader, write(tmp_path, text))
    defaults = loader.load_from_file(MINIO_DEFAULTS, trusted_as_template=True)
    assert is_trusted_as_template(defaults["minio_port"])


@pytest.mark.parametrize("description, static", [
    ("inventories/example/team.mlox.yml", "inventories/example/hosts.yml"),
    ("inventories/demo/demo.mlox.yml", "inventories/demo/hosts.yml"),
], ids=["example", "demo"])
def test_the_shipped_descriptions_are_their_static_inventories(description, static):
    from_description, described_hosts = load(str(ROOT / description))
    from_static, static_hosts = load(str(ROOT / static))
    for group in ["mlox"] + STACK_GROUPS:
        assert sorted(members(from_description, group)) == sorted(members(from_static, group))
    assert members(from_description, "mlox_minio") == members(from_static, "mlox_minio")
    assert set(described_hosts) == set(static_hosts)
    for host, variables in described_hosts.items():
        for name in ("ansible_host", "ansible_user", "ansible_connection", "mlox_stack_name",
                     "mlox_domain", "mlox_tls_mode", "minio_drives"):
            assert variables.get(name) == static_hosts[host].get(name), (host, name)
        assert variables["mlox_labels"] == static_hosts[host].get("mlox_labels", []), host


def ansible_inventory(*args):
    """Run the ansible-inventory program from the checkout, with its ansible.cfg."""
    program = Path(sys.executable).parent / "ansible-inventory"
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".collections"))
    env.pop("ANSIBLE_CONFIG", None)
    return subprocess.run([str(program), *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_ansible_inventory_lists_the_example_and_fails_on_a_broken_file(tmp_path):
    listed = ansible_inventory("-i", "inventories/example/team.mlox.yml", "--list")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout)["mlox_minio"]["hosts"] == ["storage-1", "storage-2"]

    broken = ansible_inventory("-i", write(tmp_path, ALL_IN_ONE + "colour: blue\n"), "--list")
    assert broken.returncode != 0
    assert "- unknown top-level key 'colour'" in broken.stderr
    assert "Completely failed to parse inventory source" in broken.stderr
