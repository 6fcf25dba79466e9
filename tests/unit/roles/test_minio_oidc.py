# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The OpenID settings the minio role writes let people sign in to MinIO through the provider.

The role's own minio.env.j2 is rendered by Ansible with the defaults and vars of _common and the
role. Then the MinIO server build the role pins (from the artifact mirror) runs with exactly those
settings against a stub OpenID provider that serves HTTPS with a certificate of a throwaway CA,
which only MinIO's certs/CAs directory holds, as the role links the stack CA there. MinIO's STS
trades the provider's ID token for credentials with the policies of the token's policy claim,
and the console's form takes them. (The console of the pinned build has no single sign-on
button: its login page offers only that form.)
"""

import json
import os
import re
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest

from ansible_collections.mlox.stack.tests.unit.plugins.modules.mlflow_server import free_port, mirror_root
from oidc_provider import DISCOVERY_PATH, StubOpenIdProvider
from released_programs import stop_program
from role_templates import read_env_file, render, role_default
from throwaway_tls import make_tls

DOMAIN = "example.test"
CLIENT_ID = "minio-under-test"
CLIENT_SECRET = "secret-from-the-keycloak-role"
STACK = {"mlox_keycloak": ["kc-1"], "mlox_minio": ["localhost"]}


def render_env_file(workdir, role_vars, groups=None):
    """The role's minio.env.j2 as ansible.builtin.template writes it; `role_vars` are extra vars."""
    dest = workdir / "minio.env"
    render(workdir, ["_common", "minio"], {"minio.env.j2": dest}, role_vars, groups)
    return dest


@pytest.fixture
def secrets_dir(tmp_path):
    """mlox_secrets_dir with the client secret where the keycloak role stores it."""
    directory = tmp_path / "secrets"
    (directory / "keycloak" / "clients").mkdir(parents=True)
    (directory / "keycloak" / "clients" / "minio_secret").write_text(CLIENT_SECRET + "\n")
    return directory


def openid_settings(settings):
    return {name: value for name, value in settings.items() if name.startswith("MINIO_IDENTITY_OPENID_")}


def test_turned_on_in_a_stack_with_keycloak_minio_signs_in_through_its_realm(tmp_path, secrets_dir):
    settings = read_env_file(render_env_file(
        tmp_path, {"mlox_domain": DOMAIN, "mlox_secrets_dir": str(secrets_dir), "minio_oidc_enabled": True}, STACK))
    assert openid_settings(settings) == {
        "MINIO_IDENTITY_OPENID_CONFIG_URL": "https://auth.%s/realms/mlox/.well-known/openid-configuration" % DOMAIN,
        "MINIO_IDENTITY_OPENID_CLIENT_ID": "minio",
        "MINIO_IDENTITY_OPENID_CLIENT_SECRET": CLIENT_SECRET,
        "MINIO_IDENTITY_OPENID_CLAIM_NAME": "policy",
        "MINIO_IDENTITY_OPENID_SCOPES": "openid,profile,email",
        # The redirect URI the keycloak role registers for its client minio.
        "MINIO_IDENTITY_OPENID_REDIRECT_URI": "https://minio.%s/oauth_callback" % DOMAIN,
        "MINIO_IDENTITY_OPENID_DISPLAY_NAME": "mlox.stack single sign-on",
    }


@pytest.mark.parametrize("role_vars, groups", [
    ({}, {"mlox_minio": ["localhost"]}),
    # MinIO's users would wait for Keycloak at every start of MinIO: only on request.
    ({}, STACK),
    ({"minio_oidc_enabled": False,
      "minio_oidc_discovery_url": "https://idp.example.test/.well-known/openid-configuration"}, STACK),
], ids=["no-keycloak", "keycloak-alone", "turned-off"])
def test_without_a_provider_minio_keeps_its_own_sign_in(tmp_path, role_vars, groups):
    settings = read_env_file(render_env_file(
        tmp_path, dict(role_vars, mlox_domain=DOMAIN, mlox_secrets_dir=str(tmp_path / "secrets")), groups))
    assert openid_settings(settings) == {}
    assert settings["MINIO_ROOT_USER"] == "mlox-root"


@pytest.fixture(scope="module")
def binary():
    """The MinIO server build the role pins, from the artifact mirror."""
    version = role_default("minio", "minio_version")
    path = mirror_root() / "minio" / version / "minio"
    if not path.is_file():
        pytest.skip("MinIO %s is not in the artifact mirror (%s); run `bash tests/harness/mirror/build.sh minio`"
                    % (version, path))
    return path


@pytest.fixture
def tls_provider(tmp_path):
    """The stub provider over HTTPS, and the CA that signed its certificate."""
    tls_dir = tmp_path / "provider-tls"
    ca_file = make_tls(tls_dir)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls_dir / "cert.pem", tls_dir / "key.pem")
    stub = StubOpenIdProvider(tls_context=context)
    yield stub, ca_file
    stub.stop()


@pytest.fixture
def minio(binary, tls_provider, secrets_dir, tmp_path):
    """MinIO running with the rendered settings: (settings, S3 port, console port, provider)."""
    provider, ca_file = tls_provider
    settings = read_env_file(render_env_file(tmp_path, {
        "mlox_domain": DOMAIN,
        "mlox_secrets_dir": str(secrets_dir),
        "minio_oidc_discovery_url": provider.discovery_url,
        "minio_oidc_client_id": CLIENT_ID,
        "minio_oidc_client_secret": CLIENT_SECRET,
    }, STACK))
    # As configure.yml lays it out: the stack CA in certs/CAs (no certificate of its own: the
    # test talks plain HTTP to MinIO, and TLS to the provider only).
    certs = tmp_path / "certs"
    (certs / "CAs").mkdir(parents=True)
    (certs / "CAs" / "mlox-stack-ca.crt").write_bytes(ca_file.read_bytes())
    data = tmp_path / "data"
    data.mkdir()
    port, console_port = free_port(), free_port()
    log = tmp_path / "minio.log"
    env = dict(settings, HOME=str(tmp_path), PATH=os.environ.get("PATH", ""))
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [str(binary), "server", "--address", "127.0.0.1:%d" % port,
             "--console-address", "127.0.0.1:%d" % console_port, "--certs-dir", str(certs), str(data)],
            env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen("http://127.0.0.1:%d/minio/health/live" % port, timeout=5):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("MinIO did not start:\n" + log.read_text()[-3000:])
                time.sleep(0.5)
        yield settings, port, console_port, provider, log
    finally:
        stop_program(process)


def assume_role(port, token):
    """MinIO's STS AssumeRoleWithWebIdentity, as the console calls it after sign-in: (status, body)."""
    form = urlencode({"Action": "AssumeRoleWithWebIdentity", "Version": "2011-06-15",
                      "DurationSeconds": "900", "WebIdentityToken": token}).encode()
    request = urllib.request.Request("http://127.0.0.1:%d/" % port, data=form, method="POST",
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def id_token(provider, audience=CLIENT_ID, **claims):
    now = int(time.time())
    return provider.id_token(dict({"iss": provider.issuer, "aud": audience, "azp": audience, "sub": "sub-ada",
                                   "preferred_username": "ada", "iat": now, "exp": now + 300}, **claims))


def test_the_policy_claim_decides_what_a_signed_in_user_may_do(minio):
    _settings, port, _console_port, provider, log = minio
    token = id_token(provider, policy=["readwrite"])
    deadline = time.monotonic() + 60
    while True:
        status, body = assume_role(port, token)
        # Until MinIO has read the provider's discovery document it knows no OpenID provider.
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert status == 200, "%s %s\n%s" % (status, body, log.read_text()[-3000:])
    assert re.search(r"<AccessKeyId>\w+</AccessKeyId>", body), body

    # Not for the console's client, no policy, or a policy MinIO does not have: refused.
    for token in (id_token(provider, audience="mlflow", policy=["readwrite"]),
                  id_token(provider),
                  id_token(provider, policy=["no-such-policy"])):
        status, body = assume_role(port, token)
        assert status in (400, 403), (status, body)
        assert "<AccessKeyId>" not in body


def credentials_of(body):
    return {name: re.search(r"<%s>([^<]+)</%s>" % (name, name), body).group(1)
            for name in ("AccessKeyId", "SecretAccessKey", "SessionToken")}


def test_a_signed_in_user_opens_the_console_with_the_credentials(minio):
    """The console of the pinned build takes temporary credentials in its form: the user's
    session has the policy of the token's claim."""
    _settings, port, console_port, provider, log = minio
    token = id_token(provider, policy=["readwrite"])
    deadline = time.monotonic() + 60
    status, body = assume_role(port, token)
    while status != 200 and time.monotonic() < deadline:
        time.sleep(1)
        status, body = assume_role(port, token)
    assert status == 200, "%s %s\n%s" % (status, body, log.read_text()[-3000:])
    credentials = credentials_of(body)
    # MinIO read the provider's documents over TLS, trusting only the CA in certs/CAs.
    assert DISCOVERY_PATH in provider.requested

    login = json.dumps({"accessKey": credentials["AccessKeyId"], "secretKey": credentials["SecretAccessKey"],
                        "sts": credentials["SessionToken"]}).encode()
    deadline = time.monotonic() + 60
    while True:
        request = urllib.request.Request("http://127.0.0.1:%d/api/v1/login" % console_port, data=login,
                                         method="POST", headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                cookie = answer.headers["Set-Cookie"].split(";", 1)[0]
                break
        except OSError as error:
            if time.monotonic() > deadline:
                raise AssertionError("console login failed: %s\n%s" % (error, log.read_text()[-3000:])) from error
            time.sleep(1)
    session = urllib.request.Request("http://127.0.0.1:%d/api/v1/session" % console_port, headers={"Cookie": cookie})
    with urllib.request.urlopen(session, timeout=30) as answer:
        permissions = json.loads(answer.read())["permissions"]
    # readwrite: every S3 action on every bucket, no administration of the server.
    assert "s3:*" in permissions["arn:aws:s3:::*"], permissions
    assert "admin:*" not in [action for actions in permissions.values() for action in actions], permissions
