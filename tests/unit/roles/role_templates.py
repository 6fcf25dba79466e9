# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Render a role's own templates through Ansible, as the role would on a host.

`render(workdir, roles, templates, role_vars)` runs one play on localhost with the defaults and
vars of the given roles (in order, so a later role's win) and `role_vars` as extra vars (they win
as a user's inventory would), writing each template to its destination.

A template of the internal role `_common` is rendered with the inputs that the role passes to it:
`render(..., {COMMON_WEB_CONFIG: path}, ..., play_vars=include_vars(role, "web_config"))`.
"""

import os
import sys
from pathlib import Path

import ansible_runner
import yaml

ROOT = Path(__file__).resolve().parents[3]
COMMON_WEB_CONFIG = ROOT / "roles" / "_common" / "templates" / "web-config.yml.j2"


def role_default(role, variable):
    """A default of a role, as a string (the version a test runs must be the one the role pins)."""
    return str(yaml.safe_load((ROOT / "roles" / role / "defaults" / "main.yml").read_text())[variable])


def vars_files(*roles):
    """defaults/main.yml and vars/main.yml of each role, in order."""
    return [str(ROOT / "roles" / role / kind / "main.yml") for role in roles for kind in ("defaults", "vars")]


def include_vars(role, tasks_from, tasks_file="configure.yml"):
    """The inputs (`vars:`) of the role's one task that includes the `_common` entry point `tasks_from`."""
    tasks = yaml.safe_load((ROOT / "roles" / role / "tasks" / tasks_file).read_text())
    found = [task["vars"] for task in tasks
             if (task.get("ansible.builtin.include_role") or {}).get("tasks_from") == tasks_from]
    assert len(found) == 1, "%s/tasks/%s includes _common %s %d times" % (role, tasks_file, tasks_from, len(found))
    return found[0]


def render(workdir, roles, templates, role_vars, groups=None, play_vars=None):
    """Render `templates` ({template path under the last role's templates/, or an absolute one:
    destination path}).

    `groups` ({group: [host, ...] or {host: host vars}}) adds inventory groups beside localhost,
    for the defaults that depend on them; the play runs on localhost only. `play_vars` are
    variables of the play (below the roles' vars and `role_vars`), such as `include_vars`."""
    private = Path(workdir) / ("render-" + roles[-1])
    (private / "project").mkdir(parents=True)
    source = ROOT / "roles" / roles[-1] / "templates"
    play = [{"name": "Render templates of the role " + roles[-1], "hosts": "localhost", "gather_facts": False,
             "vars": play_vars or {}, "vars_files": vars_files(*roles),
             "tasks": [{"ansible.builtin.template": {"src": str(source / name), "dest": str(dest), "mode": "0600"}}
                       for name, dest in templates.items()]}]
    (private / "project" / "render.yml").write_text(yaml.safe_dump(play, sort_keys=False))
    run = ansible_runner.run(
        private_data_dir=str(private), playbook="render.yml", extravars=role_vars, quiet=True, timeout=120,
        inventory={"all": {"hosts": {"localhost": {"ansible_connection": "local",
                                                   "ansible_python_interpreter": sys.executable}},
                           "children": {name: {"hosts": hosts if isinstance(hosts, dict) else {host: {} for host in hosts}}
                                        for name, hosts in (groups or {}).items()}}},
        envvars={"ANSIBLE_COLLECTIONS_PATH": str(ROOT / ".collections"), "ANSIBLE_HOME": str(private / "home"),
                 "ANSIBLE_LOCAL_TEMP": str(private / "tmp"), "ANSIBLE_NOCOLOR": "1",
                 "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])},
        suppress_env_files=True)
    output = "".join(event.get("stdout", "") + "\n" for event in run.events)
    assert run.status == "successful", "rendering %s failed:\n%s" % (", ".join(map(str, templates)), output)


def read_env_file(path):
    """KEY=VALUE lines, as systemd's EnvironmentFile reads them (the template quotes nothing)."""
    settings = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _sep, value = line.partition("=")
            settings[key.strip()] = value
    return settings
