# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Run one role of the collection against localhost, in check mode, and look at what happened.

The fixture `run_role(role, role_vars)` applies `mlox.stack.<role>` with `role_vars` as play
variables through ansible-runner and returns a `RoleRun` (status, rc, events). `--check` is a
safety net: the tests feed bad input that must stop a role before it touches anything, and if a
role wrongly went on, check mode keeps it from changing this machine.

The fixture `assert_failed_before_change` is the function of the same name below, which states
what every bad-input test expects: `assert_failed_before_change(run, variable)`.

The fixture `promtool` is the path of promtool from the mirror's release of the Prometheus the
prometheus role pins, for the tests that check the files it must accept.
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
from pathlib import Path

import ansible_runner
import pytest
import yaml

from ansible_collections.mlox.stack.tests.unit.plugins.modules.mlflow_server import mirror_root
from oidc_provider import StubOpenIdProvider
from released_programs import release_arch, unpack_release
from role_templates import role_default

ROOT = Path(__file__).resolve().parents[3]
COLLECTIONS = ROOT / ".collections"
RUN_TIMEOUT_S = 300
CHANGE_EVENTS = ("runner_on_ok", "runner_item_on_ok")
FAIL_EVENTS = ("runner_on_failed", "runner_item_on_failed", "runner_on_unreachable")


@dataclasses.dataclass
class RoleRun:
    """The outcome of one ansible-playbook run: runner status, exit code and runner events."""

    status: str
    rc: int
    events: list[dict]

    def failure(self) -> dict | None:
        """The first event of a task that failed (and whose failure was not ignored)."""
        for event in self.events:
            data = event.get("event_data", {})
            if event.get("event") in FAIL_EVENTS and not data.get("ignore_errors"):
                return event
        return None

    def changes_before(self, stop: dict | None = None) -> list[str]:
        """Names of the tasks that reported a change before the event `stop` (or at all)."""
        changed = []
        for event in self.events:
            if event is stop:
                break
            data = event.get("event_data", {})
            if event.get("event") in CHANGE_EVENTS and (data.get("res") or {}).get("changed"):
                changed.append(data.get("task", "?"))
        return changed

    def output(self) -> str:
        """The run's console output, for assertion messages."""
        return "".join(event.get("stdout", "") + "\n" for event in self.events if event.get("stdout"))


def failure_message(event: dict) -> str:
    """What a failed task said: its msg plus the argument errors of a spec validation."""
    res = event.get("event_data", {}).get("res") or {}
    parts = [str(res.get("msg", ""))]
    parts += [str(error) for error in res.get("argument_errors") or []]
    for item in res.get("results") or []:
        if isinstance(item, dict) and item.get("failed"):
            parts.append(str(item.get("msg", "")))
    return "\n".join(parts)


@pytest.fixture
def run_role(tmp_path):
    """Return `run(role: str, role_vars: dict) -> RoleRun`, which applies mlox.stack.<role>.

    The play targets localhost (local connection, this interpreter) with `role_vars` as play
    variables; `mlox_secrets_dir` points into tmp_path unless `role_vars` sets it.
    """
    runs = iter(range(1000))

    def run(role: str, role_vars: dict) -> RoleRun:
        base = tmp_path / ("run-%d" % next(runs))
        project = base / "project"
        project.mkdir(parents=True)
        play_vars = {"mlox_secrets_dir": str(tmp_path / "secrets"), **role_vars}
        playbook = [{
            "name": "Apply mlox.stack.%s" % role,
            "hosts": "localhost",
            "gather_facts": False,
            "vars": play_vars,
            "roles": [{"role": "mlox.stack.%s" % role}],
        }]
        (project / "play.yml").write_text(yaml.safe_dump(playbook, sort_keys=False))
        config = base / "ansible.cfg"
        config.write_text("[defaults]\ninterpreter_python = auto_silent\nretry_files_enabled = false\n")
        inventory = {"all": {"hosts": {"localhost": {
            "ansible_connection": "local",
            "ansible_python_interpreter": sys.executable,
        }}}}
        envvars = {
            "ANSIBLE_CONFIG": str(config),
            "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
            "ANSIBLE_HOME": str(base / "ansible-home"),
            "ANSIBLE_LOCAL_TEMP": str(base / "tmp"),
            "ANSIBLE_NOCOLOR": "1",
            # ansible-playbook of the interpreter that runs the tests
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        }
        runner = ansible_runner.run(
            private_data_dir=str(base),
            playbook="play.yml",
            inventory=inventory,
            envvars=envvars,
            cmdline="--check",
            quiet=True,
            timeout=RUN_TIMEOUT_S,
            suppress_env_files=True,
        )
        return RoleRun(status=runner.status, rc=runner.rc, events=list(runner.events))

    return run


def assert_failed_before_change(run: RoleRun, variable: str) -> None:
    """The run failed, no task reported a change before the failure, and the failure names `variable`."""
    assert run.status == "failed", "the run did not fail:\n" + run.output()
    failure = run.failure()
    assert failure is not None, "the run failed without a failed task:\n" + run.output()
    changed = run.changes_before(failure)
    assert changed == [], "tasks changed something before the failure: %s" % changed
    message = failure_message(failure)
    assert re.search(r"(?<![\w])%s(?![\w])" % re.escape(variable), message), (
        "the failure does not name %s:\n%s" % (variable, message)
    )


@pytest.fixture(name="assert_failed_before_change")
def assert_failed_before_change_fixture():
    """The function assert_failed_before_change(run, variable), for tests to request by name."""
    return assert_failed_before_change


@pytest.fixture
def provider():
    """A stub OpenID provider on loopback (oidc_provider.py)."""
    stub = StubOpenIdProvider()
    yield stub
    stub.stop()


@pytest.fixture(scope="session")
def promtool(tmp_path_factory):
    """promtool from the mirror's Prometheus release, at the version the prometheus role pins."""
    version = role_default("prometheus", "prometheus_version")
    top = "prometheus-%s.linux-%s" % (version, release_arch())
    archive = mirror_root() / "prometheus" / version / (top + ".tar.gz")
    if not archive.exists():
        pytest.fail("promtool %s is not in the artifact mirror (%s); run `bash tests/harness/mirror/build.sh "
                    "prometheus`" % (version, archive), pytrace=False)
    return str(unpack_release(tmp_path_factory.mktemp("prometheus"), "prometheus", version, top + ".tar.gz")
               / top / "promtool")
