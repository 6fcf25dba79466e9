# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The environment file the mlflow role writes for `mlflow_auth: oidc` starts a working
OIDC-protected server.

The role's own template is rendered by Ansible with the role's defaults and vars, then MLflow
with mlflow-oidc-auth (the versions the role pins, from the artifact mirror's wheelhouse) runs
with exactly those variables against a stub OpenID provider on loopback.
"""

import http.client
import json
import os
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from ansible_collections.mlox.stack.tests.unit.plugins.modules.mlflow_server import (
    MlflowServer, free_port, mirror_root, pinned_version, server_venv)
from oidc_provider import DISCOVERY_PATH
from role_templates import render

ROOT = Path(__file__).resolve().parents[3]
ROLE = ROOT / "roles" / "mlflow"
CLIENT_ID = "mlflow-under-test"
PUBLIC_HOSTNAME = "mlflow.example.test"


def render_env_file(workdir, role_vars):
    """The role's mlflow.env.j2, rendered by ansible.builtin.template with the role's defaults
    and vars; `role_vars` are extra vars, so they win as a user's inventory would."""
    dest = workdir / "mlflow.env"
    render(workdir, ["mlflow"], {"mlflow.env.j2": dest}, role_vars)
    return dest


def read_env_file(path):
    """KEY=VALUE lines, as systemd's EnvironmentFile reads them (the template quotes nothing)."""
    settings = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _sep, value = line.partition("=")
            settings[key.strip()] = value
    return settings


def get(port, path):
    """GET without following redirects: (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path)
        answer = connection.getresponse()
        return answer.status, answer.headers, answer.read()
    finally:
        connection.close()


class OidcServer(MlflowServer):
    """mlflow server --app-name oidc-auth with the given environment, and nothing else set."""

    def __init__(self, venv, workdir, environment):  # pylint: disable=super-init-not-called
        self.port = free_port()
        self.tracking_uri = "http://127.0.0.1:%d" % self.port
        self.log = workdir / "mlflow.log"
        home = workdir / "home"
        home.mkdir()
        # The plugin reads a .env in its working directory too: home holds none.
        env = dict(environment, PATH=os.environ.get("PATH", ""), HOME=str(home), MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false")
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [str(venv / "bin" / "python"), "-m", "mlflow", "server", "--app-name", "oidc-auth",
                 "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1"],
                env=env, cwd=str(home), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


@pytest.fixture(scope="module")
def oidc_venv():
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    version = pinned_version()
    try:
        return server_venv(mirror_root() / "mlflow" / version, version,
                           ("mlflow-oidc-auth==%s" % defaults["mlflow_oidc_auth_version"],))
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture
def deployment(oidc_venv, provider, tmp_path):
    """The rendered settings and the server running with them."""
    env_file = render_env_file(tmp_path, {
        "mlflow_auth": "oidc",
        "mlflow_backend_store_uri": "sqlite:///%s" % (tmp_path / "mlflow.db"),
        "mlflow_auth_database_uri": "sqlite:///%s" % (tmp_path / "auth.db"),
        # Nothing answers there: the test stores no artifacts.
        "mlflow_s3_endpoint_url": "https://127.0.0.1:9",
        "mlflow_s3_secret_key": "s3-secret-for-tests",
        "mlflow_public_hostname": PUBLIC_HOSTNAME,
        "mlflow_admin_password": "admin-password-for-tests",
        "mlflow_flask_secret_key": "flask-secret-key-for-tests-0123456789abcdef",
        "mlflow_oidc_discovery_url": provider.discovery_url,
        "mlflow_oidc_client_id": CLIENT_ID,
        "mlflow_oidc_client_secret": "client-secret-for-tests",
        "mlox_secrets_dir": str(tmp_path / "secrets"),
    })
    settings = read_env_file(env_file)
    server = OidcServer(oidc_venv, tmp_path, settings)
    try:
        server.wait_healthy(timeout=120)
        yield settings, server
    finally:
        server.stop()


def test_oidc_settings_protect_the_server_and_send_logins_to_the_provider(deployment, provider, tmp_path):
    settings, server = deployment
    assert settings["OIDC_DISCOVERY_URL"] == provider.discovery_url
    assert settings["OIDC_REDIRECT_URI"] == "https://%s/callback" % PUBLIC_HOSTNAME

    status, _headers, _body = get(server.port, "/health")
    assert status == 200

    # The API refuses a caller without credentials with a 401 and no redirect.
    status, headers, body = get(server.port, "/api/2.0/mlflow/experiments/search?max_results=1")
    assert (status, headers.get("Location")) == (401, None), body
    assert json.loads(body) == {"detail": "Authentication required"}

    # /login sends the browser to the provider's authorization endpoint, for this client and
    # with the callback the role configured.
    status, headers, body = get(server.port, "/login")
    assert status == 302, "%s %s\n%s" % (status, body, server.log.read_text()[-3000:])
    location = urlsplit(headers["Location"])
    authorize = urlsplit(provider.metadata["authorization_endpoint"])
    assert (location.scheme, location.netloc, location.path) == (authorize.scheme, authorize.netloc, authorize.path)
    query = parse_qs(location.query)
    assert query["client_id"] == [settings["OIDC_CLIENT_ID"]] == [CLIENT_ID]
    assert query["redirect_uri"] == [settings["OIDC_REDIRECT_URI"]]
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"] and query["state"]
    assert DISCOVERY_PATH in provider.requested

    # The callback path the role derives is the plugin's: without a login under way it sends
    # the browser to the plugin's sign-in page with an error, rather than answering 404.
    status, headers, body = get(server.port, urlsplit(settings["OIDC_REDIRECT_URI"]).path)
    assert status == 302 and "error" in parse_qs(urlsplit(headers["Location"]).query), (status, headers, body)

    # The stores are the ones the role configured, and the session key was read.
    assert (tmp_path / "mlflow.db").exists()
    assert (tmp_path / "auth.db").exists()
    assert "SECRET_KEY is not configured" not in server.log.read_text()
