# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The environment file the mlflow role writes for `mlflow_auth: oidc` starts a working
OIDC-protected server.

The role's own template is rendered by Ansible with the role's defaults and vars, then MLflow
with mlflow-oidc-auth (the versions the role pins, from the artifact mirror's wheelhouse) runs
with exactly those variables against a stub OpenID provider on loopback: browsers are sent to the
provider, Prometheus reads /metrics without credentials, and scripts get in with a bearer token
the provider issued for MLflow's client, or with an access token the plugin issues for one.
"""

import base64
import http.client
import json
import os
import subprocess
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from ansible_collections.mlox.stack.tests.unit.plugins.modules.mlflow_server import (
    MlflowServer, free_port, mirror_root, pinned_version, server_venv)
from oidc_provider import DISCOVERY_PATH, StubOpenIdProvider
from role_templates import read_env_file, render

ROOT = Path(__file__).resolve().parents[3]
ROLE = ROOT / "roles" / "mlflow"
CLIENT_ID = "mlflow-under-test"
PUBLIC_HOSTNAME = "mlflow.example.test"
SEARCH = "/api/2.0/mlflow/experiments/search?max_results=1"
ADA = {"sub": "sub-ada", "email": "ada@example.test", "preferred_username": "ada", "name": "Ada Lovelace",
       "groups": ["mlox-users"]}


def render_env_file(workdir, role_vars, groups=None):
    """The role's mlflow.env.j2, rendered by ansible.builtin.template with the defaults and vars
    of _common and the role; `role_vars` are extra vars, so they win as a user's inventory would."""
    dest = workdir / "mlflow.env"
    render(workdir, ["_common", "mlflow"], {"mlflow.env.j2": dest}, role_vars, groups)
    return dest


def request(port, path, method="GET", headers=None, body=None):
    """One request, without following redirects: (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        answer = connection.getresponse()
        return answer.status, answer.headers, answer.read()
    finally:
        connection.close()


def get(port, path, headers=None):
    return request(port, path, headers=headers)


def bearer(token):
    return {"Authorization": "Bearer " + token}


def basic(username, password):
    return {"Authorization": "Basic " + base64.b64encode(("%s:%s" % (username, password)).encode()).decode()}


def access_token(provider, claims, audience=CLIENT_ID, issuer=None, lifetime=300):
    """An access token as the provider issues it to a script: signed with its key, for `audience`."""
    now = int(time.time())
    return provider.id_token(dict(claims, iss=issuer or provider.issuer, aud=audience, iat=now, exp=now + lifetime))


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
        # As the role runs it: metrics of the workers in a directory of their own.
        metrics = workdir / "metrics"
        metrics.mkdir()
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [str(venv / "bin" / "python"), "-m", "mlflow", "server", "--app-name", "oidc-auth",
                 "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1",
                 "--expose-prometheus", str(metrics)],
                env=env, cwd=str(home), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


@pytest.fixture(scope="module")
def oidc_venv():
    defaults = yaml.safe_load((ROLE / "defaults" / "main.yml").read_text())
    version = pinned_version()
    # The metrics exporter of --expose-prometheus, pinned beside MLflow by the role.
    exporter = tuple(pin for pin in defaults["mlflow_pip_packages"] if pin.startswith("prometheus-flask-exporter=="))
    try:
        return server_venv(mirror_root() / "mlflow" / version, version,
                           ("mlflow-oidc-auth==%s" % defaults["mlflow_oidc_auth_version"],) + exporter)
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="module")
def provider():
    """The stub OpenID provider (oidc_provider.py), one for the server the module's tests share."""
    stub = StubOpenIdProvider()
    yield stub
    stub.stop()


@pytest.fixture(scope="module")
def deployment(oidc_venv, provider, tmp_path_factory):
    """The rendered settings, the server running with them and its working directory; one
    server for the module (each start takes a while)."""
    tmp_path = tmp_path_factory.mktemp("mlflow-oidc")
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
        yield settings, server, tmp_path
    finally:
        server.stop()


def test_oidc_settings_protect_the_server_and_send_logins_to_the_provider(deployment, provider):
    settings, server, tmp_path = deployment
    assert settings["OIDC_DISCOVERY_URL"] == provider.discovery_url
    assert settings["OIDC_REDIRECT_URI"] == "https://%s/callback" % PUBLIC_HOSTNAME

    status, _headers, _body = get(server.port, "/health")
    assert status == 200

    # The API refuses a caller without credentials with a 401 and no redirect.
    status, headers, body = get(server.port, SEARCH)
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


def test_the_oidc_defaults_come_from_the_stack(tmp_path):
    """In a stack with Keycloak, the role signs in through it with no OIDC variable set: the
    realm mlox at the public name of Keycloak, the client secret the keycloak role stored."""
    secrets = tmp_path / "secrets"
    (secrets / "keycloak" / "clients").mkdir(parents=True)
    (secrets / "keycloak" / "clients" / "mlflow_secret").write_text("secret-from-the-keycloak-role\n")
    settings = read_env_file(render_env_file(tmp_path, {
        "mlox_domain": "example.test",
        "mlox_secrets_dir": str(secrets),
        "mlflow_backend_store_uri": "sqlite:///%s" % (tmp_path / "mlflow.db"),
        "mlflow_s3_endpoint_url": "https://127.0.0.1:9",
        "mlflow_s3_secret_key": "s3-secret-for-tests",
    }, groups={"mlox_keycloak": ["kc-1"], "mlox_mlflow": ["localhost"]}))
    assert "MLFLOW_AUTH_CONFIG_PATH" not in settings
    assert settings["OIDC_DISCOVERY_URL"] == "https://auth.example.test/realms/mlox/.well-known/openid-configuration"
    assert settings["OIDC_ISSUER"] == "https://auth.example.test/realms/mlox"
    assert settings["OIDC_CLIENT_ID"] == settings["OIDC_AUDIENCE"] == "mlflow"
    assert settings["OIDC_CLIENT_SECRET"] == "secret-from-the-keycloak-role"
    assert settings["OIDC_REDIRECT_URI"] == "https://mlflow.example.test/callback"
    assert (settings["OIDC_GROUP_NAME"], settings["OIDC_ADMIN_GROUP_NAME"]) == ("mlox-users", "mlox-admins")


def test_without_keycloak_the_role_keeps_basic_auth(tmp_path):
    settings = read_env_file(render_env_file(tmp_path, {
        "mlox_domain": "example.test",
        "mlflow_backend_store_uri": "sqlite:///%s" % (tmp_path / "mlflow.db"),
        "mlflow_s3_endpoint_url": "https://127.0.0.1:9",
        "mlflow_s3_secret_key": "s3-secret-for-tests",
        "mlox_secrets_dir": str(tmp_path / "secrets"),
    }, groups={"mlox_mlflow": ["localhost"]}))
    assert settings["MLFLOW_AUTH_CONFIG_PATH"].endswith("/auth.ini")
    assert not [name for name in settings if name.startswith("OIDC_")]


def test_prometheus_reads_the_metrics_without_credentials(deployment):
    _settings, server, _workdir = deployment
    status, _headers, body = get(server.port, "/metrics")
    assert status == 200, body[:500]
    assert b"mlflow_http_request" in body or b"# TYPE" in body, body[:500]


def test_a_script_signs_in_with_a_bearer_token_of_the_provider(deployment, provider):
    settings, server, _workdir = deployment
    assert settings["OIDC_ISSUER"] == provider.issuer
    assert settings["OIDC_AUDIENCE"] == CLIENT_ID

    # A member of the users group who never signed in through the browser gets an account, and
    # what it creates is its own.
    token = access_token(provider, ADA)
    status, _headers, body = request(
        server.port, "/api/2.0/mlflow/experiments/create", method="POST",
        headers=dict(bearer(token), **{"Content-Type": "application/json"}), body=json.dumps({"name": "ada-from-ci"}))
    assert status == 200, "%s %s\n%s" % (status, body, server.log.read_text()[-3000:])
    created = json.loads(body)["experiment_id"]
    status, _headers, body = get(server.port, "/api/2.0/mlflow/experiments/get-by-name?experiment_name=ada-from-ci",
                                 bearer(token))
    assert status == 200, (status, body)
    assert json.loads(body)["experiment"]["experiment_id"] == created


@pytest.mark.parametrize("case", ["other-audience", "other-issuer", "no-group", "expired"])
def test_tokens_not_meant_for_mlflow_are_refused(deployment, provider, case):
    _settings, server, _workdir = deployment
    token = {
        # A token the provider issued to another application (oauth2-proxy, the MinIO console).
        "other-audience": lambda: access_token(provider, ADA, audience="minio"),
        "other-issuer": lambda: access_token(provider, ADA, issuer="https://elsewhere.example.test"),
        "no-group": lambda: access_token(provider, dict(ADA, sub="sub-eve", email="eve@example.test",
                                                        preferred_username="eve", groups=["guests"])),
        "expired": lambda: access_token(provider, ADA, lifetime=-60),
    }[case]()
    # Ada has an account (her token is good), so the refusal is the token's.
    status, _headers, body = get(server.port, SEARCH, bearer(access_token(provider, ADA)))
    assert status == 200, (status, body)
    status, _headers, body = get(server.port, SEARCH, bearer(token))
    assert status in (401, 403), (status, body)


def test_a_bearer_token_buys_a_long_lived_access_token_for_basic_auth(deployment, provider):
    """What docs/tracking.md tells a CI job: trade the provider's short-lived token for an
    access token of the plugin, then sign in with MLFLOW_TRACKING_USERNAME/PASSWORD."""
    _settings, server, _workdir = deployment
    expiration = (datetime.now(timezone.utc) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    status, _headers, body = request(
        server.port, "/api/2.0/mlflow/users/access-token", method="PATCH",
        headers=dict(bearer(access_token(provider, ADA)), **{"Content-Type": "application/json"}),
        body=json.dumps({"expiration": expiration}))
    assert status == 200, "%s %s\n%s" % (status, body, server.log.read_text()[-3000:])
    issued = json.loads(body)["token"]

    status, _headers, body = get(server.port, SEARCH, basic(ADA["email"], issued))
    assert status == 200, (status, body)
    status, _headers, _body = get(server.port, SEARCH, basic(ADA["email"], issued + "x"))
    assert status == 401
