# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The web config that _common's `web_config` writes is what exporter-toolkit programs accept.

The template is rendered by Ansible, with and without basic auth users, and, for every role that
includes `web_config`, with the inputs that role passes. Each file goes through `promtool check
web-config` of the Prometheus release the prometheus role pins (as that role's `validate:` does on
a host), with a throwaway certificate in the TLS directory; broken files show that the check bites.
"""

import subprocess

import pytest
import yaml

from role_templates import COMMON_WEB_CONFIG, include_vars, render
from throwaway_tls import make_tls

# bcrypt hashes (cost 12) of throwaway passwords; the template copies them as they are.
HASHES = ["$2b$12$mloxstacktestsalt0000uCBzof7nKwLP5nvTnGqTFF8WmyR47PaK",
          "$2b$12$mloxstacktestsalt0000ud/VputTJL6ls0XqpMMXML9PCDGrLLGu"]

# role: (role variables, the name in the file's comment, the users its web config asks for)
ROLES = {
    "alertmanager": ({}, "Alertmanager", ["prometheus"]),
    "blackbox_exporter": ({}, "blackbox_exporter", []),
    "gpu_exporter": ({}, "gpu_exporter", []),
    "node_exporter": ({}, "node_exporter", []),
    "node_exporter-basic-auth": ({"node_exporter_basic_auth": True}, "node_exporter", ["prometheus"]),
    "postgres_exporter": ({}, "postgres_exporter", []),
    "prometheus": ({"prometheus_basic_auth_user": "admin"}, "Prometheus", ["admin"]),
}


def rendered(workdir, extra_vars, roles=("_common",), play_vars=None, tls_var="_common_web_tls_dir"):
    """The web config rendered into workdir, and its text; `tls_var` names the throwaway
    certificate's directory, workdir/tls."""
    tls_dir = workdir / "tls"
    make_tls(tls_dir)
    dest = workdir / "web-config.yml"
    render(workdir, list(roles), {COMMON_WEB_CONFIG: dest},
           {"mlox_secrets_dir": str(workdir / "secrets"), tls_var: str(tls_dir), **extra_vars}, play_vars=play_vars)
    return dest, dest.read_text()


def check_web_config(promtool, path):
    return subprocess.run([promtool, "check", "web-config", str(path)],
                          capture_output=True, text=True, timeout=60, check=False)


def test_users_are_asked_for(promtool, tmp_path):
    # A user name with YAML's special characters stays one key.
    users = {"prometheus": HASHES[0], "ops: on-call #1": HASHES[1]}
    path, text = rendered(tmp_path, {"_common_component": "prometheus", "_common_web_service_name": "Prometheus",
                                     "_common_web_tls_min_version": "TLS13", "_common_web_basic_auth_users": users})
    config = yaml.safe_load(text)
    assert config == {
        "tls_server_config": {"cert_file": str(tmp_path / "tls" / "cert.pem"),
                              "key_file": str(tmp_path / "tls" / "key.pem"), "min_version": "TLS13"},
        "basic_auth_users": users,
    }
    assert "# Read by Prometheus on every request: changes apply without a restart.\n" in text
    check = check_web_config(promtool, path)
    assert check.returncode == 0, check.stdout + check.stderr + text


def test_without_users_there_is_no_basic_auth(promtool, tmp_path):
    path, text = rendered(tmp_path, {"_common_component": "gpu_exporter", "_common_web_tls_min_version": "TLS12"})
    config = yaml.safe_load(text)
    assert config == {"tls_server_config": {"cert_file": str(tmp_path / "tls" / "cert.pem"),
                                            "key_file": str(tmp_path / "tls" / "key.pem"), "min_version": "TLS12"}}
    # Without a display name the comment names the component.
    assert "# Read by gpu_exporter on every request" in text
    check = check_web_config(promtool, path)
    assert check.returncode == 0, check.stdout + check.stderr + text


# Rendered anyway (the argument specs stop these before), promtool must refuse each file, so the
# validate step on a host would keep the previous one.
BROKEN = {
    "unknown-tls-version": ({"_common_web_tls_min_version": "TLS1.2"}, "TLS1.2"),
    "not-a-bcrypt-hash": ({"_common_web_tls_min_version": "TLS12",
                           "_common_web_basic_auth_users": {"prometheus": "plain-password"}}, "bcrypt"),
}


@pytest.mark.parametrize("case", BROKEN.values(), ids=BROKEN.keys())
def test_promtool_rejects_a_broken_web_config(promtool, tmp_path, case):
    inputs, said = case
    path, _text = rendered(tmp_path, {"_common_component": "prometheus", **inputs})
    check = check_web_config(promtool, path)
    assert check.returncode != 0
    assert said in check.stdout + check.stderr


@pytest.mark.parametrize("case", ROLES.items(), ids=ROLES.keys())
def test_each_role_writes_a_web_config_promtool_accepts(promtool, tmp_path, case):
    """The file each role writes, from the inputs its task passes to `web_config`; the throwaway
    certificate stands in for the role's copy of the host certificate."""
    name, (role_vars, service_name, users) = case
    role = name.split("-", 1)[0]
    path, text = rendered(tmp_path, role_vars, roles=("_common", role), play_vars=include_vars(role, "web_config"),
                          tls_var="_%s_tls_dir" % role)
    config = yaml.safe_load(text)
    assert config["tls_server_config"] == {"cert_file": str(tmp_path / "tls" / "cert.pem"),
                                           "key_file": str(tmp_path / "tls" / "key.pem"), "min_version": "TLS12"}
    assert sorted(config.get("basic_auth_users", {})) == users
    assert all(value.startswith("$2b$12$") for value in config.get("basic_auth_users", {}).values())
    assert "# Read by %s on every request: changes apply without a restart.\n" % service_name in text
    check = check_web_config(promtool, path)
    assert check.returncode == 0, check.stdout + check.stderr + text
