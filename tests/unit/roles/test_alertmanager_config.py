# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The files the alertmanager role writes are what Alertmanager accepts and what the role means.

The role's own templates are rendered by Ansible with the role's defaults and vars. Each
configuration goes through the `amtool check-config` of the release the role pins (from the
artifact mirror), as the role's `validate:` does on a host; a broken one that preflight would
stop shows that the check bites. Then two Alertmanagers of that release run on loopback with the
rendered web and cluster TLS configs, as an HA pair over mutual TLS: a silence made on one shows on
the other, and the API wants the password.
"""

import base64
import datetime
import http.client
import json
import os
import ssl
import subprocess
import time

import pytest
import yaml

from ansible_collections.mlox.stack.tests.unit.plugins.modules.mlflow_server import free_port
from released_programs import release_arch, stop_program, unpack_release
from role_templates import COMMON_WEB_CONFIG, include_vars, render, role_default
from throwaway_tls import make_tls

DOMAIN = "example.test"
PASSWORD = "test-password-of-the-api"
SMTP = {"smarthost": "mail.example.org:587", "from": "alertmanager@example.org",
        "auth_username": "alerts", "auth_password": "smtp-secret"}
EMAIL = {"name": "ops", "email_to": ["ops@example.org", "oncall@example.org"]}
MATRIX = {"name": "matrix", "webhook_urls": ["https://matrix-bridge.example.org/alerts/room1"],
          "webhook_bearer_token": "bridge-token"}

# name: (role variables, what the rendered configuration must hold)
SETUPS = {
    "no-receivers": ({}, {"route": "default", "receivers": ["default"]}),
    "email": ({"alertmanager_smtp": SMTP, "alertmanager_receivers": [EMAIL]},
              {"route": "ops", "receivers": ["ops"]}),
    "webhook-with-bearer-token": ({"alertmanager_receivers": [MATRIX]},
                                  {"route": "matrix", "receivers": ["matrix"]}),
    "email-and-webhooks": ({"alertmanager_smtp": dict(SMTP, require_tls=False),
                            "alertmanager_receivers": [EMAIL, dict(MATRIX, send_resolved=False),
                                                       {"name": "both", "email_to": ["boss@example.org"],
                                                        "webhook_urls": ["http://hooks.internal:8080/a",
                                                                         "https://hooks.internal/b"],
                                                        "webhook_username": "hook", "webhook_password": "pw"}]},
                           {"route": "ops", "receivers": ["ops", "matrix", "both"]}),
    "custom-route": ({"alertmanager_smtp": SMTP, "alertmanager_receivers": [EMAIL, MATRIX],
                      "alertmanager_route_receiver": "matrix",
                      "alertmanager_group_by": ["..."], "alertmanager_group_wait": "10s",
                      "alertmanager_repeat_interval": "1h30m",
                      "alertmanager_routes": [{"matchers": ['severity="critical"'], "receiver": "ops",
                                               "continue": True,
                                               "routes": [{"matchers": ['job="node"'], "receiver": "matrix"}]}],
                      "alertmanager_inhibit_rules": []},
                     {"route": "matrix", "receivers": ["ops", "matrix"]}),
}


def release_name():
    return "alertmanager-%s.linux-%s" % (role_default("alertmanager", "alertmanager_version"), release_arch())


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    """The directory of alertmanager and amtool from the mirror's release archive."""
    version = role_default("alertmanager", "alertmanager_version")
    path = unpack_release(tmp_path_factory.mktemp("alertmanager"), "alertmanager", version,
                          release_name() + ".tar.gz") / release_name()
    for program in ("alertmanager", "amtool"):
        assert (path / program).is_file(), "the archive has no %s/%s" % (release_name(), program)
    return path


def render_files(workdir, role_vars, templates=("alertmanager.yml.j2",)):
    """Render the role's templates into workdir; return {template: path}. `web-config.yml.j2` is
    the `_common` template, with the inputs that the role passes to it."""
    workdir.mkdir(parents=True, exist_ok=True)
    dests = {name: workdir / name.removesuffix(".j2") for name in templates}
    sources = {(COMMON_WEB_CONFIG if name == "web-config.yml.j2" else name): dest for name, dest in dests.items()}
    render(workdir, ["_common", "alertmanager"], sources,
           {"mlox_secrets_dir": str(workdir / "secrets"), **role_vars},
           play_vars=include_vars("alertmanager", "web_config"))
    return dests


def check_config(release, path):
    return subprocess.run([str(release / "amtool"), "check-config", str(path)],
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("setup", SETUPS.values(), ids=SETUPS.keys())
def test_amtool_accepts_the_configuration(release, tmp_path, setup):
    role_vars, expected = setup
    path = render_files(tmp_path, role_vars)["alertmanager.yml.j2"]
    result = check_config(release, path)
    assert result.returncode == 0, "amtool check-config rejected:\n%s%s\n%s" % (
        result.stdout, result.stderr, path.read_text())
    config = yaml.safe_load(path.read_text())
    assert config["route"]["receiver"] == expected["route"]
    assert [receiver["name"] for receiver in config["receivers"]] == expected["receivers"]


def test_receivers_carry_their_targets_and_credentials(tmp_path):
    config = yaml.safe_load(render_files(tmp_path, SETUPS["email-and-webhooks"][0])
                            ["alertmanager.yml.j2"].read_text())
    assert config["global"]["smtp_smarthost"] == SMTP["smarthost"]
    assert config["global"]["smtp_auth_password"] == SMTP["auth_password"]
    assert config["global"]["smtp_require_tls"] is False
    ops, matrix, both = config["receivers"]
    assert ops["email_configs"] == [{"to": "ops@example.org, oncall@example.org", "send_resolved": True}]
    assert matrix["webhook_configs"] == [{
        "url": MATRIX["webhook_urls"][0], "send_resolved": False,
        "http_config": {"authorization": {"type": "Bearer", "credentials": "bridge-token"}}}]
    assert [hook["url"] for hook in both["webhook_configs"]] == ["http://hooks.internal:8080/a",
                                                                 "https://hooks.internal/b"]
    assert {hook["http_config"]["basic_auth"]["password"] for hook in both["webhook_configs"]} == {"pw"}
    # Certificates of webhook servers are verified (Alertmanager's default), never switched off.
    assert "insecure_skip_verify" not in json.dumps(config)


def test_defaults_group_and_inhibit(tmp_path):
    config = yaml.safe_load(render_files(tmp_path, {})["alertmanager.yml.j2"].read_text())
    assert config["route"]["group_by"] == ["alertname", "job"]
    assert config["inhibit_rules"] == [{"source_matchers": ['severity="critical"'],
                                        "target_matchers": ['severity="warning"'],
                                        "equal": ["alertname", "instance"]}]
    assert "smtp_smarthost" not in config["global"]


# Each of these is stopped by preflight; rendered anyway, amtool must refuse it, so the
# validate step on the host would keep the previous configuration.
BROKEN = {
    "email-without-smtp": ({"alertmanager_receivers": [EMAIL]}, "SMTP smarthost"),
    "route-to-unknown-receiver": ({"alertmanager_receivers": [MATRIX], "alertmanager_route_receiver": "pager"},
                                  "pager"),
    "bad-duration": ({"alertmanager_group_wait": "30 seconds"}, "30 seconds"),
}


@pytest.mark.parametrize("case", BROKEN.values(), ids=BROKEN.keys())
def test_amtool_rejects_a_broken_configuration(release, tmp_path, case):
    role_vars, said = case
    result = check_config(release, render_files(tmp_path, role_vars)["alertmanager.yml.j2"])
    assert result.returncode != 0
    assert said in result.stdout + result.stderr


def test_web_and_cluster_tls_configs(tmp_path):
    tls_dir = tmp_path / "tls"
    files = render_files(tmp_path / "files", {"mlox_domain": DOMAIN, "_alertmanager_tls_dir": str(tls_dir),
                                              "alertmanager_basic_auth_password": PASSWORD},
                         ("web-config.yml.j2", "cluster-tls.yml.j2"))
    web = yaml.safe_load(files["web-config.yml.j2"].read_text())
    assert web["tls_server_config"] == {"cert_file": str(tls_dir / "cert.pem"), "key_file": str(tls_dir / "key.pem"),
                                        "min_version": "TLS12"}
    assert list(web["basic_auth_users"]) == ["prometheus"]
    assert web["basic_auth_users"]["prometheus"].startswith("$2b$")
    assert PASSWORD not in files["web-config.yml.j2"].read_text()
    cluster = yaml.safe_load(files["cluster-tls.yml.j2"].read_text())
    assert cluster["tls_server_config"]["client_auth_type"] == "RequireAndVerifyClientCert"
    assert cluster["tls_server_config"]["client_ca_file"] == str(tls_dir / "ca.pem")
    assert cluster["tls_client_config"] == {
        "cert_file": str(tls_dir / "cert.pem"), "key_file": str(tls_dir / "key.pem"),
        "ca_file": str(tls_dir / "ca.pem"), "server_name": "alertmanager." + DOMAIN, "min_version": "TLS12"}
    # Without a domain the peers verify each other's IP address; no name is forced.
    files = render_files(tmp_path / "bare", {"_alertmanager_tls_dir": str(tls_dir)}, ("cluster-tls.yml.j2",))
    assert "server_name" not in yaml.safe_load(files["cluster-tls.yml.j2"].read_text())["tls_client_config"]


class Alertmanager:
    """One Alertmanager of the pinned release on loopback, with the rendered files."""

    def __init__(self, release, workdir, files, ca_file, port, cluster_port, peer_port):
        self.port = port
        self.log = workdir / "alertmanager.log"
        self.context = ssl.create_default_context(cafile=str(ca_file))
        (workdir / "data").mkdir()
        args = [str(release / "alertmanager"),
                "--config.file=%s" % files["alertmanager.yml.j2"],
                "--storage.path=%s" % (workdir / "data"),
                "--web.listen-address=127.0.0.1:%d" % port,
                "--web.config.file=%s" % files["web-config.yml.j2"],
                "--cluster.listen-address=127.0.0.1:%d" % cluster_port,
                "--cluster.advertise-address=127.0.0.1:%d" % cluster_port,
                "--cluster.tls-config=%s" % files["cluster-tls.yml.j2"],
                "--cluster.peer=127.0.0.1:%d" % peer_port]
        with open(self.log, "wb") as stream:
            self.process = subprocess.Popen(args, stdout=stream, stderr=subprocess.STDOUT,
                                            env={"PATH": os.environ.get("PATH", "")}, start_new_session=True)

    def request(self, method, path, body=None, password=PASSWORD):
        connection = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=10)
        headers = {"Content-Type": "application/json"}
        if password is not None:
            headers["Authorization"] = "Basic " + base64.b64encode(b"prometheus:" + password.encode()).decode()
        try:
            connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def wait_until(self, check, what, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail("alertmanager exited with %s:\n%s" % (self.process.returncode, self.log.read_text()))
            try:
                if check():
                    return
            except OSError:
                pass
            time.sleep(0.5)
        pytest.fail("alertmanager on port %d: %s did not happen within %d s:\n%s"
                    % (self.port, what, timeout, self.log.read_text()))

    def peers(self):
        status, body = self.request("GET", "/api/v2/status")
        return json.loads(body)["cluster"] if status == 200 else {}

    def silence_ids(self):
        status, body = self.request("GET", "/api/v2/silences")
        return [silence["id"] for silence in json.loads(body)] if status == 200 else []

    def alert_names(self):
        status, body = self.request("GET", "/api/v2/alerts")
        return [alert["labels"]["alertname"] for alert in json.loads(body)] if status == 200 else []


@pytest.fixture
def pair(release, tmp_path):
    tls_dir = tmp_path / "tls"
    ca_file = make_tls(tls_dir, dns_names=["alertmanager." + DOMAIN], client=True)
    files = render_files(tmp_path / "files", {"mlox_domain": DOMAIN, "_alertmanager_tls_dir": str(tls_dir),
                                              "alertmanager_basic_auth_password": PASSWORD},
                         ("alertmanager.yml.j2", "web-config.yml.j2", "cluster-tls.yml.j2"))
    ports = [free_port() for _port in range(4)]
    peers = []
    for index in range(2):
        workdir = tmp_path / ("am%d" % index)
        workdir.mkdir()
        peers.append(Alertmanager(release, workdir, files, ca_file, ports[index], ports[2 + index],
                                  ports[3 - index]))
    yield peers
    for peer in peers:
        stop_program(peer.process)


def test_two_peers_form_a_cluster_over_mutual_tls(pair):
    first, second = pair
    for peer in pair:
        peer.wait_until(lambda peer=peer: peer.request("GET", "/-/ready")[0] == 200, "ready")
        peer.wait_until(lambda peer=peer: len(peer.peers().get("peers", [])) == 2
                        and peer.peers()["status"] == "ready", "two peers in a settled cluster")
    # The API and UI want the password.
    assert first.request("GET", "/-/ready", password=None)[0] == 401
    assert first.request("GET", "/api/v2/alerts", password="wrong")[0] == 401
    # Peers share silences and the notification log (so that a group is notified once), not
    # alerts: Prometheus sends every alert to every peer.
    now = datetime.datetime.now(datetime.timezone.utc)
    silence = {"matchers": [{"name": "alertname", "value": "MloxClusterTest", "isRegex": False, "isEqual": True}],
               "startsAt": now.isoformat(), "endsAt": (now + datetime.timedelta(hours=1)).isoformat(),
               "createdBy": "test", "comment": "made on one peer"}
    status, body = first.request("POST", "/api/v2/silences", silence)
    assert status == 200, body
    silence_id = json.loads(body)["silenceID"]
    second.wait_until(lambda: silence_id in second.silence_ids(), "the silence gossiped to the other peer")
    alert = [{"labels": {"alertname": "MloxClusterTest", "severity": "warning", "instance": "am0"},
              "annotations": {"summary": "sent to one peer"}}]
    assert first.request("POST", "/api/v2/alerts", alert)[0] == 200
    first.wait_until(lambda: "MloxClusterTest" in first.alert_names(), "the alert shows on the peer it was sent to")
