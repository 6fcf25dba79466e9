# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The site playbook checks the inventory before anything changes, and every playbook parses.

Each test runs the real `ansible-playbook playbooks/site.yml` against an inventory whose hosts
use a connection plugin that does not exist: a run that got past the preflight fails at the
first task that needs a host, so nothing ever leaves this machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
PLAYBOOKS = sorted((ROOT / "playbooks").glob("*.yml"))
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"
NO_CONNECTION = "mlox_test_no_such_connection"
PREFLIGHT_PLAY = "Check the inventory of the stack"
REQUIRED = {
    "mlox_traefik": "edge-1",
    "mlox_keycloak": "services-1",
    "mlox_mlflow": "services-1",
    "mlox_minio": "storage-1",
    "mlox_postgresql": "services-1",
    "mlox_prometheus": "services-1",
}
RUN_TIMEOUT_S = 120


def inventory(groups=None, **stack_vars):
    """A static inventory: `groups` maps group -> host (the complete stack by default)."""
    groups = REQUIRED if groups is None else groups
    return {"mlox": {
        "children": {group: {"hosts": {host: None}} for group, host in groups.items()},
        "vars": {"ansible_connection": NO_CONNECTION, "mlox_domain": "ml.example.org", **stack_vars},
    }}


def without(group):
    return {name: host for name, host in REQUIRED.items() if name != group}


def env(tmp_path):
    return dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".collections"),
        ANSIBLE_HOME=str(tmp_path / "ansible-home"),
        ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_RETRY_FILES_ENABLED="false",
    )


class SiteRun:
    """One ansible-playbook run of site.yml, read through the json callback."""

    def __init__(self, tmp_path, inventory_data, *args):
        path = tmp_path / "hosts.yml"
        path.write_text(yaml.safe_dump(inventory_data))
        environment = dict(env(tmp_path), ANSIBLE_STDOUT_CALLBACK="ansible.posix.json")
        process = subprocess.run(
            [str(ANSIBLE_PLAYBOOK), "-i", str(path), "playbooks/site.yml", *args],
            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False,
        )
        self.rc = process.returncode
        self.text = "stdout:\n%s\nstderr:\n%s" % (process.stdout, process.stderr)
        try:
            self.plays = json.loads(process.stdout)["plays"]
        except (ValueError, KeyError):
            pytest.fail("ansible-playbook gave no json report:\n" + self.text)

    def play_names(self):
        return [play["play"]["name"] for play in self.plays]

    def results(self, play_index):
        """(task name, host, result) of every task result of one play."""
        return [
            (task["task"]["name"], host, result)
            for task in self.plays[play_index]["tasks"]
            for host, result in task["hosts"].items()
        ]

    def failures(self, play_index):
        return [(task, host, result) for task, host, result in self.results(play_index) if result.get("failed")]


def assert_stopped_in_preflight(run, *words):
    """The run failed in the preflight play, no other play started, and the failure says `words`."""
    assert run.rc != 0, run.text
    assert run.play_names() == [PREFLIGHT_PLAY], "plays after the preflight started:\n" + run.text
    failures = run.failures(0)
    assert len(failures) == 1, run.text
    result = failures[0][2]
    message = " ".join([result.get("msg", "")] + [item.get("msg", "") for item in result.get("results", [])
                                                  if item.get("failed")])
    for word in words:
        assert word in message, "the failure does not name %s:\n%s" % (word, message)
    return message


def assert_passed_preflight_then_reached_hosts(run, hosts):
    """The preflight passed; the next play failed on every one of `hosts` at its connection plugin."""
    assert run.rc != 0, run.text
    names = run.play_names()
    assert len(names) == 2 and names[0] == PREFLIGHT_PLAY, run.text
    assert run.failures(0) == [], "the preflight failed:\n" + run.text
    failures = run.failures(1)
    assert {failure[1] for failure in failures} == set(hosts), run.text
    assert all(NO_CONNECTION in failure[2].get("msg", "") for failure in failures), run.text


def test_a_missing_required_group_stops_the_run_before_any_host(tmp_path):
    run = SiteRun(tmp_path, inventory(without("mlox_postgresql")))
    message = assert_stopped_in_preflight(run, "mlox_postgresql")
    assert {result[1] for result in run.results(0)} == {"localhost"}, run.text
    assert "mlox_external_services" in message and "docs/inventory.md" in message
    assert "mlox_minio" not in message


def test_every_missing_group_is_named_at_once(tmp_path):
    run = SiteRun(tmp_path, inventory({"mlox_traefik": "edge-1"}))
    assert_stopped_in_preflight(run, *sorted(set(REQUIRED) - {"mlox_traefik"}))


def test_the_check_runs_under_limit(tmp_path):
    run = SiteRun(tmp_path, inventory(without("mlox_minio")), "--limit", "edge-1")
    assert_stopped_in_preflight(run, "mlox_minio")


@pytest.mark.parametrize("external, words", [
    ("minio", ["mlox_external_services must be a list"]),
    ({"minio": True}, ["mlox_external_services must be a list"]),
    (["minio", 3], ["mlox_external_services must be a list"]),
    (["grafana"], ["grafana", "keycloak, minio, mlflow, postgresql, prometheus, traefik"]),
    (["alertmanager"], ["alertmanager"]),
    (["postgresql"], ["mlox_postgresql", "not both"]),
], ids=["string", "mapping", "not-a-name", "unknown", "optional-part", "deployed-too"])
def test_bad_external_services_stop_the_run(tmp_path, external, words):
    run = SiteRun(tmp_path, inventory(mlox_external_services=external))
    assert_stopped_in_preflight(run, "mlox_external_services", *words)


def test_hosts_need_a_domain(tmp_path):
    data = inventory()
    del data["mlox"]["vars"]["mlox_domain"]
    data["mlox"]["children"]["mlox_traefik"]["hosts"]["edge-1"] = {"mlox_domain": "ml.example.org"}
    data["mlox"]["children"]["mlox_minio"]["hosts"]["storage-1"] = {"mlox_domain": "not a domain"}
    message = assert_stopped_in_preflight(SiteRun(tmp_path, data), "mlox_domain", "services-1", "storage-1")
    assert "edge-1" not in message


def test_a_complete_inventory_passes_and_the_run_reaches_the_hosts(tmp_path):
    assert_passed_preflight_then_reached_hosts(SiteRun(tmp_path, inventory()), REQUIRED.values())


@pytest.mark.parametrize("external", [["minio"], ["minio", "keycloak"]])
def test_an_external_service_needs_no_group(tmp_path, external):
    groups = {group: host for group, host in REQUIRED.items()
              if group.removeprefix("mlox_") not in external}
    run = SiteRun(tmp_path, inventory(groups, mlox_external_services=external))
    assert_passed_preflight_then_reached_hosts(run, groups.values())


@pytest.mark.parametrize("playbook", PLAYBOOKS, ids=[path.name for path in PLAYBOOKS])
def test_playbook_syntax(tmp_path, playbook):
    process = subprocess.run(
        [str(ANSIBLE_PLAYBOOK), "--syntax-check", "-i", "localhost,", str(playbook.relative_to(ROOT))],
        cwd=ROOT, env=env(tmp_path), capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=False,
    )
    assert process.returncode == 0, process.stdout + process.stderr
