# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The traefik role's forward auth works with the oauth2_proxy role's oauth2-proxy.

The traefik role's own templates (static configuration, the edge's dynamic configuration with
the `mlox-forward-auth` middleware, and the routes) are rendered by Ansible for one route with
`auth: forward`; the Traefik release the role pins (from the artifact mirror) runs them on
loopback in front of a plain backend, and asks the oauth2-proxy of test_oauth2_proxy.py, which
signs users in against the stub OpenID provider. The test is the browser.
"""

import http.client
import http.server
import platform
import ssl
import subprocess
import tarfile
import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from ansible_collections.mlox.stack.tests.unit.plugins.modules.mlflow_server import free_port, mirror_root
from role_templates import ROOT, render
# The oauth2-proxy side, with its fixtures (pytest finds them here once imported).
from test_oauth2_proxy import (  # noqa: F401 pylint: disable=unused-import
    ADMIN, CLIENT_SECRET, OUTSIDER, UI_HOST, binary, config, provider, proxy, secrets_dir, set_cookies)

BUILD_HINT = "run `bash tests/harness/mirror/build.sh traefik` (it builds it into the artifact mirror)"


def pinned_version():
    return str(yaml.safe_load((ROOT / "roles" / "traefik" / "defaults" / "main.yml").read_text())["traefik_version"])


@pytest.fixture(scope="module")
def traefik_binary(tmp_path_factory):
    """Traefik from the mirror's release archive, in upstream's layout (the binary at the top)."""
    version = pinned_version()
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
    archive = mirror_root() / "traefik" / version / ("traefik_v%s_linux_%s.tar.gz" % (version, arch))
    if not archive.exists():
        pytest.skip("Traefik %s is not in the artifact mirror (%s); %s" % (version, archive, BUILD_HINT))
    unpacked = tmp_path_factory.mktemp("traefik")
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    return unpacked / "traefik"


class Backend(http.server.ThreadingHTTPServer):
    """A plain backend on loopback that records the headers of every request it gets."""

    def __init__(self):
        seen = self.seen = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # pylint: disable=invalid-name
                seen.append(dict(self.headers))
                body = b"the protected UI"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):  # pylint: disable=redefined-builtin
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def stop(self):
        self.shutdown()
        self.server_close()


class Edge:
    """Traefik with the role's rendered configuration; HTTPS requests to its websecure entrypoint."""

    def __init__(self, binary_path, workdir, ca_file, role_vars):
        self.https_port, self.api_port = role_vars["traefik_https_port"], role_vars["traefik_api_port"]
        self.log = workdir / "traefik.log"
        dynamic = workdir / "dynamic"
        dynamic.mkdir(parents=True)
        render(workdir, ["_common", "traefik"], {
            "traefik.yml.j2": workdir / "traefik.yml",
            "edge.yml.j2": dynamic / "edge.yml",
            "routes.yml.j2": dynamic / "routes.yml",
        }, dict(role_vars, _traefik_dynamic_dir=str(dynamic)))
        self.routes = yaml.safe_load((dynamic / "routes.yml").read_text())
        self.edge = yaml.safe_load((dynamic / "edge.yml").read_text())
        self.context = ssl.create_default_context(cafile=str(ca_file))
        with open(self.log, "wb") as stream:
            self.process = subprocess.Popen([str(binary_path), "--configFile=%s" % (workdir / "traefik.yml")],
                                            stdout=stream, stderr=subprocess.STDOUT, start_new_session=True)

    def api(self, path):
        connection = http.client.HTTPConnection("127.0.0.1", self.api_port, timeout=10)
        try:
            connection.request("GET", "/api" + path)
            answer = connection.getresponse()
            return answer.status, yaml.safe_load(answer.read() or b"null")
        finally:
            connection.close()

    def wait_loaded(self, routers, timeout=60):
        """Wait until Traefik serves the given routers (names with @file)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail("Traefik exited with %s:\n%s" % (self.process.returncode, self.log.read_text()))
            try:
                status, found = self.api("/http/routers?per_page=1000")
                if status == 200 and set(routers) <= {router["name"] for router in found}:
                    return {router["name"]: router for router in found}
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail("Traefik did not load %s within %d s:\n%s" % (routers, timeout, self.log.read_text()))

    def get(self, path, cookies=None):
        """GET https://<UI_HOST><path> through the edge, without following redirects."""
        headers = {"Host": UI_HOST, "Accept": "text/html"}
        if cookies:
            headers["Cookie"] = "; ".join("%s=%s" % item for item in cookies.items())
        connection = http.client.HTTPSConnection("127.0.0.1", self.https_port, context=self.context, timeout=30)
        try:
            connection.request("GET", path, headers=headers)
            answer = connection.getresponse()
            return answer.status, answer.headers, answer.read()
        finally:
            connection.close()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def backend():
    server = Backend()
    yield server
    server.stop()


@pytest.fixture
def edge(traefik_binary, config, proxy, backend, tmp_path):
    """Traefik in front of the backend, with one route behind forward auth to `proxy`."""
    _path, _settings, proxy_port, ca_file = config
    role_vars = {
        "mlox_domain": UI_HOST.split(".", 1)[1],
        "mlox_tls_mode": "internal",
        "traefik_http_port": free_port(), "traefik_https_port": free_port(),
        "traefik_metrics_port": free_port(), "traefik_api_port": free_port(),
        # What configure.yml and vars/main.yml settle on a host.
        "_traefik_tls_dir": str(ca_file.parent),
        "__traefik_metrics_allowed": ["127.0.0.1/32"],
        "_traefik_forward_auth_url": "https://127.0.0.1:%d/" % proxy_port,
        "_traefik_routes": [{"name": "prometheus", "hostname": UI_HOST, "auth": "forward", "health_path": "/-/ready",
                             "urls": ["http://127.0.0.1:%d" % backend.server_address[1]]}],
    }
    running = Edge(traefik_binary, tmp_path / "edge", ca_file, role_vars)
    try:
        running.wait_loaded(["prometheus@file", "prometheus-oauth2@file"])
        yield running
    finally:
        running.stop()


def sign_in_through_the_edge(edge, provider, settings, claims):
    """A browser asks for /graph, signs in at the provider and comes back to the callback, all
    through the edge: the callback's answer and the cookies it set."""
    status, headers, body = edge.get("/graph")
    assert status == 302, (status, body, edge.log.read_text()[-3000:])
    query = {key: values[0] for key, values in parse_qs(urlsplit(headers["Location"]).query).items()}
    code = provider.issue_code(claims, client_id=settings["client_id"], client_secret=CLIENT_SECRET,
                               nonce=query.get("nonce"), code_challenge=query["code_challenge"],
                               redirect_uri=query["redirect_uri"])
    status, headers, body = edge.get("/oauth2/callback?code=%s&state=%s" % (code, query["state"]), set_cookies(headers))
    return status, headers, body, set_cookies(headers)


def test_routers_and_middleware_load_without_errors(edge):
    routers = edge.wait_loaded(["prometheus@file", "prometheus-oauth2@file"])
    for name in ("prometheus@file", "prometheus-oauth2@file"):
        assert routers[name]["status"] == "enabled" and "error" not in routers[name], routers[name]
    assert routers["prometheus@file"]["middlewares"] == ["mlox-security-headers@file", "mlox-forward-auth@file"]
    status, middleware = edge.api("/http/middlewares/mlox-forward-auth@file")
    assert status == 200 and middleware["status"] == "enabled" and "error" not in middleware, middleware
    assert middleware["forwardAuth"]["authResponseHeaders"] == [
        "X-Auth-Request-User", "X-Auth-Request-Email", "X-Auth-Request-Groups"]


def test_a_stranger_is_sent_to_the_login_and_never_reaches_the_backend(edge, provider, backend):
    status, headers, body = edge.get("/graph")
    assert status == 302, (status, body, edge.log.read_text()[-3000:])
    location = urlsplit(headers["Location"])
    assert location.geturl().startswith(provider.metadata["authorization_endpoint"])
    assert parse_qs(location.query)["redirect_uri"] == ["https://%s/oauth2/callback" % UI_HOST]
    # The edge's headers are on the login redirect too.
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    assert backend.seen == []


def test_a_signed_in_member_reaches_the_backend_as_themself(edge, provider, backend, config):
    _path, settings, _port, _ca_file = config
    status, headers, _body, cookies = sign_in_through_the_edge(edge, provider, settings, ADMIN)
    # The callback on the protected hostname reached oauth2-proxy through the /oauth2/ route.
    assert status == 302 and headers["Location"] == "https://%s/graph" % UI_HOST, (status, headers)
    assert backend.seen == []

    status, _headers, body = edge.get("/graph", {settings["cookie_name"]: cookies[settings["cookie_name"]]})
    assert (status, body) == (200, b"the protected UI")
    assert len(backend.seen) == 1
    assert backend.seen[0]["X-Auth-Request-User"] == ADMIN["sub"]
    assert backend.seen[0]["X-Auth-Request-Email"] == ADMIN["email"]


def test_a_user_outside_the_allowed_group_never_reaches_the_backend(edge, provider, backend, config):
    _path, settings, _port, _ca_file = config
    status, _headers, _body, cookies = sign_in_through_the_edge(edge, provider, settings, OUTSIDER)
    assert status == 403 and settings["cookie_name"] not in cookies
    assert edge.get("/graph", cookies)[0] == 302
    assert backend.seen == []
