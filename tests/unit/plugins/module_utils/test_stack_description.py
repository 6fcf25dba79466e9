# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rules of a stack description and what a valid one becomes, without Ansible."""

import copy
from pathlib import Path

import pytest
import yaml

from ansible_collections.mlox.stack.plugins.module_utils import _stack_description as stack

ROOT = Path(__file__).resolve().parents[4]
ROLE_DRIVES = ["/var/lib/mlox/minio/data"]
SERVICE_GROUPS = ["mlox_alertmanager", "mlox_keycloak", "mlox_minio", "mlox_mlflow",
                  "mlox_postgresql", "mlox_prometheus", "mlox_traefik"]

MULTINODE = {
    "name": "team",
    "domain": "ml.example.org",
    "tls_mode": "acme",
    "vars": {"mlox_artifact_mirror": "https://mirror.example.org", "ansible_user": "admin"},
    "hosts": {
        "edge": {"address": "192.0.2.1", "services": ["traefik", "keycloak"]},
        "apps": {"address": "192.0.2.2", "user": "ops",
                 "services": ["mlflow", "postgresql", "prometheus", "alertmanager"]},
        "s3a": {"services": ["minio"], "vars": {"minio_drives": ["/srv/d1", "/srv/d2"]}},
        "s3b": {"connection": "local", "services": ["minio"],
                "vars": {"minio_drives": ["/srv/d1", "/srv/d2"]}},
    },
}


def valid(**changes):
    """MULTINODE with top-level keys replaced (None removes one)."""
    description = copy.deepcopy(MULTINODE)
    for key, value in changes.items():
        if value is None:
            description.pop(key)
        else:
            description[key] = value
    return description


def with_host(name, **settings):
    """MULTINODE with the settings of host `name` replaced (None removes a key)."""
    description = copy.deepcopy(MULTINODE)
    host = description["hosts"].setdefault(name, {})
    for key, value in settings.items():
        if value is None:
            host.pop(key, None)
        else:
            host[key] = value
    return description


def test_deployable_services_come_from_the_registry():
    assert stack.DEPLOYABLE_SERVICES == (
        "alertmanager", "keycloak", "minio", "mlflow", "postgresql", "prometheus", "traefik")
    assert sorted(stack.SERVICE_GROUPS.values()) == SERVICE_GROUPS


def test_defaults_and_tls_modes_are_the_stack_variables_of_common():
    specs = yaml.safe_load((ROOT / "roles" / "_common" / "meta" / "argument_specs.yml").read_text())
    options = specs["argument_specs"]["main"]["options"]
    assert options["mlox_tls_mode"]["choices"] == list(stack.TLS_MODES)
    assert options["mlox_tls_mode"]["default"] == stack.DEFAULTS["tls_mode"]
    assert options["mlox_stack_name"]["default"] == stack.DEFAULTS["name"]


def test_all_in_one():
    result = stack.inventory({"domain": "mlox.localhost", "hosts": {"aio": None}})
    assert result["groups"] == dict(
        {"mlox": ["aio"], "mlox_gpu": []}, **{group: ["aio"] for group in SERVICE_GROUPS})
    assert result["hostvars"] == {"aio": {"mlox_labels": []}}
    assert result["vars"] == {
        "mlox_stack_name": "mlox", "mlox_domain": "mlox.localhost", "mlox_tls_mode": "internal"}


def test_multinode():
    result = stack.inventory(MULTINODE)
    assert result["groups"] == {
        "mlox": ["edge", "apps", "s3a", "s3b"],
        "mlox_alertmanager": ["apps"],
        "mlox_keycloak": ["edge"],
        "mlox_minio": ["s3a", "s3b"],
        "mlox_mlflow": ["apps"],
        "mlox_postgresql": ["apps"],
        "mlox_prometheus": ["apps"],
        "mlox_traefik": ["edge"],
        "mlox_gpu": [],
    }
    assert result["hostvars"] == {
        "edge": {"ansible_host": "192.0.2.1", "mlox_labels": []},
        "apps": {"ansible_host": "192.0.2.2", "ansible_user": "ops", "mlox_labels": []},
        "s3a": {"mlox_labels": [], "minio_drives": ["/srv/d1", "/srv/d2"]},
        "s3b": {"ansible_connection": "local", "mlox_labels": [],
                "minio_drives": ["/srv/d1", "/srv/d2"]},
    }
    assert result["vars"] == {
        "mlox_stack_name": "team", "mlox_domain": "ml.example.org", "mlox_tls_mode": "acme",
        "mlox_artifact_mirror": "https://mirror.example.org", "ansible_user": "admin",
    }


@pytest.mark.parametrize("labels, in_gpu", [
    (["gpu"], True), (["gpu", "a100"], True), (["a100"], False), ([], False),
], ids=["gpu", "gpu-and-more", "other-label", "none"])
def test_the_gpu_label_puts_a_host_in_mlox_gpu(labels, in_gpu):
    description = with_host("worker", labels=labels)
    result = stack.inventory(description)
    assert result["groups"]["mlox_gpu"] == (["worker"] if in_gpu else [])
    assert result["hostvars"]["worker"] == {"mlox_labels": labels}
    assert all("worker" not in result["groups"][group] for group in SERVICE_GROUPS)
    assert "worker" in result["groups"]["mlox"]


def test_a_labelled_all_in_one_host_runs_every_service_and_the_gpu_group():
    result = stack.inventory({"domain": "ml.example.org", "hosts": {"aio": {"labels": ["gpu"]}}})
    assert all(result["groups"][group] == ["aio"] for group in SERVICE_GROUPS + ["mlox_gpu"])


@pytest.mark.parametrize("description, message", [
    (valid(colour="blue"), "unknown top-level key 'colour'; the keys are plugin, name, domain"),
    (valid(domain=None), "domain is missing; set it to the DNS domain"),
    (valid(domain=""), "domain is missing"),
    (valid(domain="localhost"), "domain: 'localhost' is not a DNS domain"),
    (valid(domain=["a.org"]), "domain: ['a.org'] is not a DNS domain"),
    (valid(tls_mode="letsencrypt"),
     "tls_mode: 'letsencrypt' is not one of internal, acme, provided; the default is internal"),
    (valid(name="my team"), "name: 'my team' must start with a letter or digit"),
    (valid(name="../x"), "name: '../x' must start with a letter or digit"),
    (valid(vars=["a"]), "vars must be a mapping of variable names to values, got a list"),
    (valid(vars={"mlox_domain": "x.org"}),
     "vars.mlox_domain: set it with the key domain instead"),
    (valid(vars={"mlox_tls_mode": "acme"}),
     "vars.mlox_tls_mode: set it with the key tls_mode instead"),
    (valid(hosts={}), "hosts is missing or empty"),
    (valid(hosts=["edge"]), "hosts is missing or empty"),
    (with_host("edge", port=22), "unknown key 'port' in hosts.edge; the keys of a host are"),
    (with_host("edge", services=["traefik", "keycloak", "trafik"]),
     "hosts.edge.services: unknown service 'trafik'; the services are alertmanager, keycloak,"
     " minio, mlflow, postgresql, prometheus, traefik"),
    (with_host("edge", services=["traefik", "keycloak", "minio_console"]),
     "unknown service 'minio_console'"),
    (with_host("edge", services=["traefik", "keycloak", "keycloak"]),
     "hosts.edge.services lists keycloak twice"),
    (with_host("edge", services="traefik"),
     "hosts.edge.services must be a list of service names, got a string"),
    (with_host("edge", services=None), "no host runs traefik; add it to the services of a host"),
    (with_host("apps", services=["mlflow", "postgresql", "alertmanager"]),
     "no host runs prometheus; add it to the services of a host (every stack needs traefik,"
     " keycloak, mlflow, minio, postgresql, prometheus)"),
    (with_host("apps", services=["traefik", "mlflow", "postgresql", "prometheus"]),
     "traefik is listed on edge, apps; the stack has a single edge: list traefik on one host only"),
    (with_host("edge", services=["traefik", "keycloak", "postgresql"]),
     "postgresql is listed on edge, apps; the stack runs one PostgreSQL server"),
    (with_host("edge", labels="gpu"), "hosts.edge.labels must be a list of labels, got a string"),
    (with_host("edge", labels=["gpu", 3]), "hosts.edge.labels: 3 is not a label"),
    (with_host("edge", address=""), "hosts.edge.address: '' must be a non-empty string"),
    (with_host("edge", user=["ops"]), "hosts.edge.user: ['ops'] must be a non-empty string"),
    (with_host("edge", vars="x=1"), "hosts.edge.vars must be a mapping"),
    (with_host("edge", vars={"ansible_host": "192.0.2.9"}),
     "hosts.edge.vars.ansible_host: set it with the key address instead"),
    (with_host("edge", vars={"mlox_labels": ["gpu"]}),
     "hosts.edge.vars.mlox_labels: set it with the key labels instead"),
    (with_host("edge", vars={"mlox_domain": "x.org"}),
     "hosts.edge.vars.mlox_domain: set it with the key domain instead"),
    (valid(hosts=dict(MULTINODE["hosts"], worker=["gpu"])),
     "hosts.worker must be a mapping of its settings"),
    (with_host("s3b", vars={"minio_drives": ["/srv/d1"]}),
     "MinIO drive layout (vars.minio_drives of the minio hosts): the hosts of mlox_minio have"
     " different numbers of drives (s3a: 2, s3b: 1)"),
    (with_host("s3b", vars={"minio_drives": ["srv/d1", "/srv/d2"]}),
     "s3b: drive 'srv/d1' must be an absolute directory path"),
], ids=lambda value: value[:48] if isinstance(value, str) else "")
def test_each_problem_is_named_with_its_fix(description, message):
    found = stack.problems(description, ROLE_DRIVES)
    assert any(message in problem for problem in found), found


@pytest.mark.parametrize("description", [
    valid(colour="blue"), valid(domain=None), valid(tls_mode="x"), valid(name="a b"),
    with_host("edge", port=22), with_host("edge", labels="gpu"),
    with_host("edge", vars={"ansible_host": "x"}),
    with_host("apps", services=["traefik", "mlflow", "postgresql", "prometheus"]),
    with_host("s3b", vars={"minio_drives": ["/srv/d1"]}),
])
def test_one_mistake_gives_one_problem(description):
    assert len(stack.problems(description, ROLE_DRIVES)) == 1


def test_every_problem_at_once():
    description = valid(colour="blue", domain=None, tls_mode="x")
    description["hosts"]["edge"]["services"] = ["keycloak", "trafik"]
    found = stack.problems(description, ROLE_DRIVES)
    assert [problem.split(";")[0] for problem in found] == [
        "unknown top-level key 'colour'",
        "domain is missing",
        "tls_mode: 'x' is not one of internal, acme, provided",
        "hosts.edge.services: unknown service 'trafik'",
        "no host runs traefik",
    ]


def test_the_examples_are_valid():
    assert stack.problems(MULTINODE, ROLE_DRIVES) == []
    assert stack.problems({"domain": "mlox.localhost", "hosts": {"aio": None}}, ROLE_DRIVES) == []


def test_inventory_refuses_an_invalid_description():
    with pytest.raises(ValueError, match="domain is missing"):
        stack.inventory(valid(domain=None))


def test_an_explicit_empty_service_list_on_the_only_host_runs_nothing():
    found = stack.problems({"domain": "ml.example.org", "hosts": {"aio": {"services": []}}})
    assert len(found) == len(stack.REQUIRED_SERVICES)


@pytest.mark.parametrize("stack_drives, host_drives, expected", [
    (None, None, {"s3a": ROLE_DRIVES, "s3b": ROLE_DRIVES}),
    (["/srv/a", "/srv/b"], None, {"s3a": ["/srv/a", "/srv/b"], "s3b": ["/srv/a", "/srv/b"]}),
    (["/srv/a", "/srv/b"], ["/srv/c"], {"s3a": ["/srv/a", "/srv/b"], "s3b": ["/srv/c"]}),
], ids=["role-default", "stack-vars", "host-vars"])
def test_minio_drives_come_from_the_host_then_the_stack_then_the_role(
        stack_drives, host_drives, expected):
    description = copy.deepcopy(MULTINODE)
    for host in ("s3a", "s3b"):
        description["hosts"][host].pop("vars")
    if stack_drives:
        description["vars"]["minio_drives"] = stack_drives
    if host_drives:
        description["hosts"]["s3b"]["vars"] = {"minio_drives": host_drives}
    assert stack.minio_drives_by_host(description, ROLE_DRIVES) == expected


def test_minio_hosts_without_drives_are_checked_with_the_role_default():
    description = copy.deepcopy(MULTINODE)
    for host in ("s3a", "s3b"):
        description["hosts"][host].pop("vars")
    assert stack.problems(description, ROLE_DRIVES) == []
    assert [problem.split(": ", 1)[1] for problem in stack.problems(description, ["data"])] == [
        "s3a: drive 'data' must be an absolute directory path of letters, digits, '.', '_',"
        " '-' and '/', without a trailing '/' (not '/' itself)",
        "s3b: drive 'data' must be an absolute directory path of letters, digits, '.', '_',"
        " '-' and '/', without a trailing '/' (not '/' itself)",
    ]
    assert stack.problems(description, None) == []


def test_templated_drives_are_left_to_the_role():
    description = with_host("s3b", vars={"minio_drives": "{{ my_drives }}"})
    assert stack.problems(description, ROLE_DRIVES) == []
