# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The traefik role's forward auth works with the oauth2_proxy role's oauth2-proxy.

The traefik role's own templates (static configuration, the edge's dynamic configuration with
the `mlox-forward-auth` middleware, and the routes) are rendered by Ansible for one route with
`auth: forward`; the Traefik release the role pins (from the artifact mirror) runs them on
loopback in front of a plain backend, and asks the oauth2-proxy of test_oauth2_proxy.py, which
signs users in against the stub OpenID provider. The test is the browser.

The route stands for Prometheus, whose basic auth password is in mlox_secrets_dir where the
prometheus role keeps it: once forward auth let a user in, the edge signs in to it itself.
"""

import base64
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

# The oauth2-proxy side, with its fixtures (pytest finds them here once imported).
from test_oauth2_proxy import (  # noqa: F401 pylint: disable=unused-import
    ADMIN, CLIENT_SECRET, OUTSIDER, UI_HOST, binary, config, proxy, secrets_dir, set_cookies)
from role_templates import render
from traefik_edge import Backend, Edge, loopback_ports, traefik_binary  # noqa: F401 pylint: disable=unused-import

DASHBOARD_HOST = "traefik." + UI_HOST.split(".", 1)[1]
PROMETHEUS_PASSWORD = "prometheus-password-from-its-role"
EDGE_BASIC_AUTH = "Basic " + base64.b64encode(b"admin:" + PROMETHEUS_PASSWORD.encode()).decode()


@pytest.fixture
def backend():
    server = Backend()
    yield server
    server.stop()


def edge_vars(secrets_dir, routes, **more):
    """What the role's vars give on an edge host, with `routes`."""
    return {
        "mlox_domain": UI_HOST.split(".", 1)[1],
        "mlox_tls_mode": "internal",
        "mlox_secrets_dir": str(secrets_dir),
        **loopback_ports(),
        "__traefik_metrics_allowed": ["127.0.0.1/32"],
        "_traefik_routes": routes,
        **more,
    }


@pytest.fixture
def edge(traefik_binary, config, proxy, backend, secrets_dir, tmp_path):
    """Traefik in front of the backend with one route behind forward auth to `proxy`, and the
    dashboard published (which the role puts behind forward auth too)."""
    _path, _settings, proxy_port, ca_file = config
    (secrets_dir / "prometheus").mkdir()
    (secrets_dir / "prometheus" / "basic_auth_password").write_text(PROMETHEUS_PASSWORD + "\n")
    role_vars = edge_vars(
        secrets_dir,
        [{"name": "prometheus", "hostname": UI_HOST, "auth": "forward", "health_path": "/-/ready",
          "urls": ["http://127.0.0.1:%d" % backend.server_address[1]]},
         # As mlox.stack.traefik_routes gives it with traefik_dashboard: true.
         {"name": "traefik", "hostname": DASHBOARD_HOST, "auth": "forward", "health_path": "/dashboard/", "urls": []}],
        # What configure.yml and vars/main.yml settle on a host.
        _traefik_tls_dir=str(ca_file.parent),
        _traefik_forward_auth_url="https://127.0.0.1:%d/" % proxy_port,
        traefik_dashboard=True)
    running = Edge(traefik_binary, tmp_path / "edge", ca_file, role_vars)
    try:
        running.wait_loaded(["prometheus@file", "prometheus-oauth2@file", "traefik@file"])
        yield running
    finally:
        running.stop()


def sign_in_through_the_edge(edge, provider, settings, claims):
    """A browser asks for /graph, signs in at the provider and comes back to the callback, all
    through the edge: the callback's answer and the cookies it set."""
    status, headers, body = edge.get(UI_HOST, "/graph")
    assert status == 302, (status, body, edge.log.read_text()[-3000:])
    query = {key: values[0] for key, values in parse_qs(urlsplit(headers["Location"]).query).items()}
    code = provider.issue_code(claims, client_id=settings["client_id"], client_secret=CLIENT_SECRET,
                               nonce=query.get("nonce"), code_challenge=query["code_challenge"],
                               redirect_uri=query["redirect_uri"])
    callback = "/oauth2/callback?code=%s&state=%s" % (code, query["state"])
    status, headers, body = edge.get(UI_HOST, callback, set_cookies(headers))
    return status, headers, body, set_cookies(headers)


def test_routers_and_middleware_load_without_errors(edge):
    routers = edge.wait_loaded(["prometheus@file", "prometheus-oauth2@file"])
    for name in ("prometheus@file", "prometheus-oauth2@file"):
        assert routers[name]["status"] == "enabled" and "error" not in routers[name], routers[name]
    # Forward auth first: the edge's credentials go only to a user it let in.
    assert routers["prometheus@file"]["middlewares"] == [
        "mlox-security-headers@file", "mlox-forward-auth@file", "prometheus-backend-auth@file"]
    status, middleware = edge.api("/http/middlewares/mlox-forward-auth@file")
    assert status == 200 and middleware["status"] == "enabled" and "error" not in middleware, middleware
    assert middleware["forwardAuth"]["authResponseHeaders"] == [
        "X-Auth-Request-User", "X-Auth-Request-Email", "X-Auth-Request-Groups"]
    status, middleware = edge.api("/http/middlewares/prometheus-backend-auth@file")
    assert status == 200 and middleware["status"] == "enabled" and "error" not in middleware, middleware


def test_a_stranger_is_sent_to_the_login_and_never_reaches_the_backend(edge, provider, backend):
    status, headers, body = edge.get(UI_HOST, "/graph")
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

    session = {settings["cookie_name"]: cookies[settings["cookie_name"]]}
    # A header whose name aliases the one forward auth sets must not reach the backend, where
    # a framework that folds `_` into `-` could take it for the signed-in user. Credentials the
    # browser sends are replaced by the edge's own.
    disguised = {"X_Auth_Request_User": "someone-else", "Authorization": "Basic c29tZW9uZTplbHNl"}
    status, _headers, body = edge.get(UI_HOST, "/graph", session, disguised)
    assert (status, body) == (200, b"the protected UI")
    assert len(backend.seen) == 1
    assert backend.seen[0]["X-Auth-Request-User"] == ADMIN["sub"]
    assert backend.seen[0]["X-Auth-Request-Email"] == ADMIN["email"]
    assert "someone-else" not in backend.seen[0].values(), backend.seen[0]
    # The user signed in once; the edge signed in to Prometheus's basic auth.
    assert backend.seen[0]["Authorization"] == EDGE_BASIC_AUTH


def test_a_user_outside_the_allowed_group_never_reaches_the_backend(edge, provider, backend, config):
    _path, settings, _port, _ca_file = config
    status, _headers, _body, cookies = sign_in_through_the_edge(edge, provider, settings, OUTSIDER)
    assert status == 403 and settings["cookie_name"] not in cookies
    assert edge.get(UI_HOST, "/graph", cookies)[0] == 302
    assert backend.seen == []


def test_the_dashboard_is_published_only_behind_forward_auth(edge, provider):
    routers = edge.wait_loaded(["traefik@file", "traefik-oauth2@file"])
    assert routers["traefik@file"]["service"] == "api@internal"
    # Traefik's own dashboard has no login the edge would sign in to.
    assert routers["traefik@file"]["middlewares"] == ["mlox-security-headers@file", "mlox-forward-auth@file"]
    status, headers, _body = edge.get(DASHBOARD_HOST, "/dashboard/")
    assert status == 302 and headers["Location"].startswith(provider.metadata["authorization_endpoint"])
    assert parse_qs(urlsplit(headers["Location"]).query)["redirect_uri"] == [
        "https://%s/oauth2/callback" % DASHBOARD_HOST]
    # Without a login only on loopback, where the role reads the routers' state.
    assert edge.static["entryPoints"]["traefik"]["address"].startswith("127.0.0.1:")
    assert edge.static["api"] == {"insecure": True, "dashboard": True}


def rendered(tmp_path, secrets_dir, routes):
    """The routes and the backends' credentials as the role writes them."""
    dynamic = tmp_path / "dynamic"
    dynamic.mkdir()
    render(tmp_path, ["_common", "traefik"], {
        "routes.yml.j2": dynamic / "routes.yml", "backend-auth.yml.j2": dynamic / "backend-auth.yml",
    }, edge_vars(secrets_dir, routes, _traefik_forward_auth_url="https://127.0.0.1:4180/"))
    backend_auth = yaml.safe_load((dynamic / "backend-auth.yml").read_text()) or {}
    return (yaml.safe_load((dynamic / "routes.yml").read_text())["http"]["routers"],
            backend_auth.get("http", {}).get("middlewares", {}))


ROUTE = {"hostname": UI_HOST, "health_path": "/-/ready", "urls": ["https://prometheus-1.internal:9090"]}


def test_without_the_password_the_route_keeps_forward_auth_only(tmp_path):
    """The role alone, without the prometheus role's file or a password given: nothing is sent
    (a made-up password would lock users out), and no file is made where the prometheus role
    keeps its own."""
    secrets_dir = tmp_path / "secrets"
    routers, middlewares = rendered(tmp_path, secrets_dir, [
        {**ROUTE, "name": "prometheus", "auth": "forward"},
        {**ROUTE, "name": "alertmanager", "hostname": "alertmanager.example.test", "auth": "forward"}])
    assert routers["prometheus"]["middlewares"] == ["mlox-forward-auth@file"]
    assert routers["alertmanager"]["middlewares"] == ["mlox-forward-auth@file"]
    assert middlewares == {}
    assert not secrets_dir.exists()


def test_the_credentials_go_only_to_routes_behind_forward_auth(tmp_path):
    secrets_dir = tmp_path / "secrets"
    for service in ("prometheus", "alertmanager"):
        (secrets_dir / service).mkdir(parents=True)
        (secrets_dir / service / "basic_auth_password").write_text(service + "-password\n")
    routers, middlewares = rendered(tmp_path, secrets_dir, [
        # auth: none would hand Prometheus's login to anyone: no credentials there.
        {**ROUTE, "name": "prometheus", "auth": "none"},
        {**ROUTE, "name": "alertmanager", "hostname": "alertmanager.example.test", "auth": "forward"}])
    assert "middlewares" not in routers["prometheus"]
    assert routers["alertmanager"]["middlewares"] == ["mlox-forward-auth@file", "alertmanager-backend-auth@file"]
    assert middlewares == {"alertmanager-backend-auth": {"headers": {"customRequestHeaders": {
        "Authorization": "Basic " + base64.b64encode(b"prometheus:alertmanager-password").decode()}}}}
