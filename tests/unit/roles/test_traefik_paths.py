# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The edge publishes only what users and OIDC clients need of Keycloak.

The route `auth` comes from mlox.stack.traefik_routes as the inventory gives it (its paths and
refused paths from the filter), with a plain backend standing in for Keycloak; the traefik role's
own templates run in the Traefik release the role pins (from the artifact mirror). A path the
edge refuses must never reach the backend, however it is spelled.
"""

import pytest

from ansible_collections.mlox.stack.plugins.filter.traefik import FilterModule
from throwaway_tls import make_tls
from traefik_edge import Backend, Edge, loopback_ports, traefik_binary  # noqa: F401 pylint: disable=unused-import

DOMAIN = "example.test"
AUTH_HOST = "auth." + DOMAIN


@pytest.fixture(scope="module")
def keycloak(traefik_binary, tmp_path_factory):
    """The edge with the route of Keycloak, in front of a backend that records each path."""
    backend = Backend()
    workdir = tmp_path_factory.mktemp("paths")
    ca_file = make_tls(workdir / "tls")
    routes = FilterModule().filters()["traefik_routes"](
        {"mlox_keycloak": ["kc"]}, {"kc": {"inventory_hostname": "kc"}}, DOMAIN,
        {"keycloak": {"urls": ["http://127.0.0.1:%d" % backend.server_address[1]]}})
    role_vars = {
        **loopback_ports(),
        "mlox_domain": DOMAIN,
        "mlox_tls_mode": "internal",
        "mlox_secrets_dir": str(workdir / "secrets"),
        "_traefik_tls_dir": str(workdir / "tls"),
        "__traefik_metrics_allowed": ["127.0.0.1/32"],
        "_traefik_routes": routes,
    }
    running = Edge(traefik_binary, workdir / "edge", ca_file, role_vars)
    try:
        router = running.wait_loaded(["keycloak@file"])["keycloak@file"]
        assert router["status"] == "enabled" and "error" not in router, router
        yield running, backend
    finally:
        running.stop()
        backend.stop()


@pytest.mark.parametrize("path", [
    "/realms/mlox/protocol/openid-connect/auth?client_id=oauth2-proxy",
    "/realms/mlox/.well-known/openid-configuration",
    "/realms/mlox/account/",
    "/resources/w4245/login/keycloak.v2/css/login.css",
    "/.well-known/oauth-authorization-server/realms/mlox",
    # Only the realm named master is refused, not one whose name starts so.
    "/realms/masters/account/",
])
def test_what_users_and_clients_need_passes(keycloak, path):
    edge, backend = keycloak
    status, _headers, body = edge.get(AUTH_HOST, path)
    assert (status, body) == (200, b"the protected UI"), (path, status, body)
    assert backend.paths[-1] == path


@pytest.mark.parametrize("path", [
    "/admin/",
    "/admin/master/console/",
    "/admin/realms/mlox/users",
    "/",
    "/realms/master",
    "/realms/master/",
    "/realms/master/protocol/openid-connect/auth?client_id=security-admin-console",
    "/realms/master/protocol/openid-connect/token",
    "/realms/Master/account/",
    "/realms/master;x=1/protocol/openid-connect/certs",
    "/.well-known/oauth-authorization-server/realms/master",
    # Spellings that a backend would read as the master realm or the admin console.
    "/realms/mlox/../master/protocol/openid-connect/auth",
    "/resources/../admin/master/console/",
    "//realms/master/",
    "/realms/./master/",
    "/realms/%6Daster/",
    "/realms/%2e%2e/admin/",
    "/realms%2Fmaster/",
    # Keycloak's management endpoints are on another port, and no route leads there either.
    "/health/ready",
    "/metrics",
])
def test_the_admin_side_never_reaches_keycloak(keycloak, path):
    edge, backend = keycloak
    before = len(backend.paths)
    status, _headers, body = edge.get(AUTH_HOST, path)
    assert status in (400, 403, 404), (path, status, body)
    assert len(backend.paths) == before, (path, backend.paths[before:])
