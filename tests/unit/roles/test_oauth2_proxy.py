# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The configuration the oauth2_proxy role writes makes oauth2-proxy a working forwardAuth target.

The role's own template is rendered by Ansible with the role's defaults and vars (the client
secret read from where the keycloak role stores it, the cookie secret generated on the
controller), then the oauth2-proxy release the role pins (from the artifact mirror) runs with
exactly that file, over TLS with a throwaway certificate, against a stub OpenID provider on
loopback. The test asks it what Traefik's forwardAuth middleware asks, and signs users in by
playing the browser's and the provider's part of the authorization code flow.
"""

import http.client
import os
import ssl
import subprocess
import time
import tomllib
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from ansible_collections.mlox.stack.tests.unit.plugins.modules.mlflow_server import free_port
from oidc_provider import DISCOVERY_PATH
from released_programs import release_arch, stop_program, unpack_release
from role_templates import render, role_default
from throwaway_tls import make_tls

DOMAIN = "example.test"
UI_HOST = "prometheus." + DOMAIN
CLIENT_SECRET = "client-secret-from-the-keycloak-role"


def render_config(workdir, role_vars):
    """The role's oauth2-proxy.cfg.j2, rendered by ansible.builtin.template with the defaults and
    vars of _common and the role; `role_vars` are extra vars, so they win as a user's would."""
    dest = workdir / "oauth2-proxy.cfg"
    render(workdir, ["_common", "oauth2_proxy"], {"oauth2-proxy.cfg.j2": dest}, role_vars)
    return dest


@pytest.fixture(scope="module")
def binary(tmp_path_factory):
    """oauth2-proxy from the mirror's release archive, in upstream's layout."""
    version = role_default("oauth2_proxy", "oauth2_proxy_version")
    top = "oauth2-proxy-v%s.linux-%s" % (version, release_arch())
    path = unpack_release(tmp_path_factory.mktemp("oauth2-proxy"), "oauth2_proxy", version, top + ".tar.gz") / top
    assert (path / "oauth2-proxy").is_file(), "the archive has no %s/oauth2-proxy" % top
    return path / "oauth2-proxy"


@pytest.fixture
def secrets_dir(tmp_path):
    """mlox_secrets_dir with the client secret where the keycloak role stores it."""
    directory = tmp_path / "secrets"
    (directory / "keycloak" / "clients").mkdir(parents=True)
    (directory / "keycloak" / "clients" / "oauth2-proxy_secret").write_text(CLIENT_SECRET + "\n")
    return directory


@pytest.fixture
def config(provider, secrets_dir, tmp_path):
    """The rendered configuration: its path, its settings, the port and the CA that verifies it."""
    ca_file = make_tls(tmp_path / "tls")
    port = free_port()
    path = render_config(tmp_path, {
        "mlox_domain": DOMAIN,
        "mlox_secrets_dir": str(secrets_dir),
        "oauth2_proxy_oidc_issuer_url": provider.issuer,
        "oauth2_proxy_listen_address": "127.0.0.1",
        "oauth2_proxy_port": port,
        # The role's TLS directory, /etc/mlox/oauth2_proxy/tls on a host.
        "_oauth2_proxy_tls_dir": str(tmp_path / "tls"),
    })
    return path, tomllib.loads(path.read_text()), port, ca_file


class Proxy:
    """oauth2-proxy running with one configuration file and nothing else; HTTPS requests to it."""

    def __init__(self, binary, config_file, port, ca_file, log):
        self.port = port
        self.log = log
        self.context = ssl.create_default_context(cafile=str(ca_file))
        with open(log, "wb") as stream:
            self.process = subprocess.Popen([str(binary), "--config=%s" % config_file], stdout=stream,
                                            stderr=subprocess.STDOUT, env={"PATH": os.environ.get("PATH", "")},
                                            start_new_session=True)

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail("oauth2-proxy exited with %s:\n%s" % (self.process.returncode, self.log.read_text()))
            try:
                if self.get("/ping")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail("oauth2-proxy did not answer on /ping within %d s:\n%s" % (timeout, self.log.read_text()))

    def stop(self):
        stop_program(self.process)

    def get(self, path, headers=None):
        """GET over TLS verified against the test CA, without following redirects:
        (status, headers, body)."""
        connection = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=30)
        try:
            connection.request("GET", path, headers=headers or {})
            answer = connection.getresponse()
            return answer.status, answer.headers, answer.read()
        finally:
            connection.close()

    def forward_auth(self, uri="/graph", cookies=None):
        """What Traefik's forwardAuth middleware asks for a request to https://<UI_HOST><uri>."""
        headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": UI_HOST, "X-Forwarded-Uri": uri,
                   "X-Forwarded-Method": "GET", "Accept": "text/html"}
        if cookies:
            headers["Cookie"] = "; ".join("%s=%s" % item for item in cookies.items())
        return self.get("/", headers)

    def callback(self, query, cookies):
        """The browser back from the provider at https://<UI_HOST>/oauth2/callback, routed by
        Traefik to oauth2-proxy."""
        return self.get("/oauth2/callback?" + urlencode(query), {
            "X-Forwarded-Proto": "https", "X-Forwarded-Host": UI_HOST, "Accept": "text/html",
            "Cookie": "; ".join("%s=%s" % item for item in cookies.items())})


def set_cookies(headers):
    """The cookies that an answer sets, by name."""
    jar = SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {name: morsel.value for name, morsel in jar.items() if morsel.value}


@pytest.fixture
def proxy(binary, config, tmp_path):
    path, _settings, port, ca_file = config
    running = Proxy(binary, path, port, ca_file, tmp_path / "oauth2-proxy.log")
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop()


def sign_in(proxy, provider, settings, claims, uri="/graph"):
    """The authorization code flow as a browser and the provider run it, starting from a
    forwardAuth request for `uri`: returns the callback's answer and the cookies it set."""
    status, headers, body = proxy.forward_auth(uri)
    assert status == 302, (status, body)
    csrf_cookies = set_cookies(headers)
    query = {key: values[0] for key, values in parse_qs(urlsplit(headers["Location"]).query).items()}
    code = provider.issue_code(claims, client_id=settings["client_id"], client_secret=CLIENT_SECRET,
                               nonce=query.get("nonce"), code_challenge=query["code_challenge"],
                               redirect_uri=query["redirect_uri"])
    status, headers, body = proxy.callback({"code": code, "state": query["state"]}, csrf_cookies)
    return status, headers, body, set_cookies(headers)


ADMIN = {"sub": "3f1c2a9e-0000-4000-8000-000000000001", "preferred_username": "alice",
         "email": "alice@example.org", "email_verified": False, "groups": ["mlox-admins", "mlox-users"]}
OUTSIDER = {"sub": "3f1c2a9e-0000-4000-8000-000000000002", "preferred_username": "bob",
            "email": "bob@example.org", "email_verified": True, "groups": ["mlox-users"]}


def test_rendered_configuration(config, secrets_dir, binary):
    path, settings, port, _ca_file = config
    # The secrets: the keycloak role's client secret, and a cookie secret generated once on the
    # controller, 32 letters and digits (which oauth2-proxy takes as a 24-byte AES key).
    assert settings["client_secret"] == CLIENT_SECRET
    cookie_secret = (secrets_dir / "oauth2_proxy" / "cookie_secret").read_text().split()[0]
    assert settings["cookie_secret"] == cookie_secret and len(cookie_secret) == 32 and cookie_secret.isalnum()
    # The forwardAuth shape: no upstream, headers for Traefik, forwarded headers believed (from
    # loopback only, the default without gathered facts), no fixed callback URL.
    assert settings["upstreams"] == ["static://202"]
    assert settings["reverse_proxy"] is True and settings["set_xauthrequest"] is True
    assert settings["trusted_proxy_ips"] == ["127.0.0.0/8", "::1"]
    assert "redirect_url" not in settings
    assert settings["whitelist_domains"] == ["." + DOMAIN]
    # HTTPS only.
    assert settings["http_address"] == "" and settings["https_address"] == "127.0.0.1:%d" % port
    # The stack's defaults.
    assert settings["provider"] == "oidc" and settings["client_id"] == "oauth2-proxy"
    assert settings["code_challenge_method"] == "S256"
    assert settings["allowed_groups"] == ["mlox-admins"] and settings["email_domains"] == ["*"]
    assert settings["cookie_name"] == "_mlox_oauth2_proxy"
    assert (settings["cookie_expire"], settings["cookie_refresh"]) == ("28800s", "300s")
    # oauth2-proxy's own check, the one the role runs before it replaces the file.
    check = subprocess.run([str(binary), "--config=%s" % path, "--config-test"], capture_output=True, text=True,
                           check=False, env={"PATH": os.environ.get("PATH", "")})
    assert check.returncode == 0 and "configuration is valid" in check.stdout, check.stdout + check.stderr


def test_forward_auth_sends_a_stranger_to_the_provider(proxy, provider, config):
    _path, settings, _port, _ca_file = config
    assert DISCOVERY_PATH in provider.requested
    status, _headers, body = proxy.get("/ping")
    assert (status, body) == (200, b"OK")

    # Nobody signed in: a redirect to the provider's authorization endpoint, for this client,
    # with the callback on the protected host and PKCE.
    status, headers, body = proxy.forward_auth("/graph")
    assert status == 302, (status, body, proxy.log.read_text()[-3000:])
    location = urlsplit(headers["Location"])
    authorize = urlsplit(provider.metadata["authorization_endpoint"])
    assert (location.scheme, location.netloc, location.path) == (authorize.scheme, authorize.netloc, authorize.path)
    query = parse_qs(location.query)
    assert query["client_id"] == [settings["client_id"]]
    assert query["redirect_uri"] == ["https://%s/oauth2/callback" % UI_HOST]
    assert query["response_type"] == ["code"]
    assert query["scope"] == ["openid email profile"]
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"] and query["state"]
    assert query["nonce"]

    # A made-up session cookie does not get through either.
    for forged in ("forged", "c2Vzc2lvbg==|1700000000|c2lnbmF0dXJl"):
        status, headers, body = proxy.forward_auth("/graph", {settings["cookie_name"]: forged})
        assert status != 202 and "X-Auth-Request-User" not in headers, (status, headers, body)
        assert status == 302 and headers["Location"].startswith(provider.metadata["authorization_endpoint"])


def test_a_member_of_the_allowed_group_gets_through(proxy, provider, config):
    _path, settings, _port, _ca_file = config
    status, headers, body, cookies = sign_in(proxy, provider, settings, ADMIN)
    assert status == 302, (status, body, proxy.log.read_text()[-3000:])
    # Back to the page first asked for, with the session cookie.
    assert headers["Location"] == "https://%s/graph" % UI_HOST
    assert settings["cookie_name"] in cookies
    # The stub redeemed the code only for the client secret of the keycloak role's file, the
    # callback URL and the PKCE verifier of the sign-in.
    assert [request["form"].get("grant_type") for request in provider.token_requests] == ["authorization_code"]

    session = {settings["cookie_name"]: cookies[settings["cookie_name"]]}
    status, headers, body = proxy.forward_auth("/api/v1/query", session)
    assert status == 202, (status, body, proxy.log.read_text()[-3000:])
    assert headers["X-Auth-Request-User"] == ADMIN["sub"]
    assert headers["X-Auth-Request-Email"] == ADMIN["email"]
    assert headers["X-Auth-Request-Preferred-Username"] == ADMIN["preferred_username"]
    assert set(headers["X-Auth-Request-Groups"].split(",")) == set(ADMIN["groups"])


def test_a_user_outside_the_allowed_group_is_refused(proxy, provider, config):
    _path, settings, _port, _ca_file = config
    status, headers, body, cookies = sign_in(proxy, provider, settings, OUTSIDER)
    assert status == 403, (status, headers, body)
    assert settings["cookie_name"] not in cookies
