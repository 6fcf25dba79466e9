# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The routes of the edge (mlox.stack.traefik_routes) and the checks of the team's routes
(mlox.stack.traefik_route_errors), called as Ansible calls them."""

import re

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mlox.stack.plugins.filter.traefik import FilterModule

FILTERS = FilterModule().filters()

HOSTVARS = {
    "edge": {"inventory_hostname": "edge"},
    "s3a": {"inventory_hostname": "s3a", "ansible_host": "10.0.0.5"},
    "s3b": {"inventory_hostname": "s3b", "ansible_host": "fd00::7"},
    "tracker": {"inventory_hostname": "tracker"},
}
GROUPS = {
    "mlox_traefik": ["edge"],
    "mlox_minio": ["s3a", "s3b"],
    "mlox_mlflow": ["tracker"],
    "mlox_prometheus": ["edge"],
    "mlox_keycloak": [],
}
APP = {"name": "app", "hostname": "app.example.org", "urls": ["http://app-1.internal:8080"]}


def routes(groups=None, overrides=None, extra=None, dashboard=False):
    return FILTERS["traefik_routes"](groups or GROUPS, HOSTVARS, "example.org", overrides, extra, dashboard)


def by_name(found):
    return {route["name"]: route for route in found}


def test_one_route_per_stack_service_with_hosts():
    found = by_name(routes())
    assert sorted(found) == ["minio", "minio-console", "mlflow", "prometheus"]
    assert found["minio"] == {
        "name": "minio", "hostname": "s3.example.org", "auth": "none", "health_path": "/minio/health/live",
        "urls": ["https://10.0.0.5:9000", "https://[fd00::7]:9000"], "paths": [], "refused_paths": []}
    assert found["minio-console"]["hostname"] == "minio.example.org"
    assert found["minio-console"]["urls"] == ["https://10.0.0.5:9001", "https://[fd00::7]:9001"]
    assert found["mlflow"]["urls"] == ["https://tracker:5000"]
    # UIs without a login of their own sit behind forward auth.
    assert found["prometheus"]["auth"] == "forward"
    assert found["mlflow"]["auth"] == "none"


def test_overrides_change_or_drop_a_route():
    found = by_name(routes(overrides={
        "mlflow": {"hostname": "tracking.example.org", "auth": "forward", "health_path": "/ready"},
        "minio_console": {"enabled": False},
        # A service this collection did not deploy.
        "keycloak": {"urls": ["https://sso.example.org:8443"]},
    }))
    assert "minio-console" not in found
    assert found["mlflow"]["hostname"] == "tracking.example.org"
    assert found["mlflow"]["auth"] == "forward" and found["mlflow"]["health_path"] == "/ready"
    assert found["keycloak"]["urls"] == ["https://sso.example.org:8443"]
    assert found["keycloak"]["hostname"] == "auth.example.org"


def test_dashboard_and_extra_routes_come_last():
    found = routes(extra=[APP, {**APP, "name": "docs", "hostname": "docs.example.org", "auth": "forward"}],
                   dashboard=True)
    assert [route["name"] for route in found][-3:] == ["traefik", "app", "docs"]
    dashboard, app, docs = found[-3:]
    assert dashboard == {"name": "traefik", "hostname": "traefik.example.org", "urls": [], "auth": "forward",
                         "health_path": "/dashboard/", "paths": [], "refused_paths": []}
    assert app == {**APP, "auth": "none", "health_path": "/", "paths": [], "refused_paths": []}
    assert docs["auth"] == "forward"


def test_keycloak_publishes_what_users_and_clients_need_and_never_the_admins_side():
    found = by_name(routes(groups={**GROUPS, "mlox_keycloak": ["edge"]}))["keycloak"]
    assert found["paths"] == ["/realms/", "/resources/", "/.well-known/"]
    # The check after a change asks a published path, which reaches Keycloak.
    assert found["health_path"] == "/realms/"
    refused = [re.compile(pattern) for pattern in found["refused_paths"]]

    def is_refused(path):
        return any(pattern.search(path) for pattern in refused)

    for path in ("/realms/master", "/realms/master/", "/realms/master/protocol/openid-connect/auth",
                 "/realms/Master/account", "/realms/master;jsessionid=1/protocol/openid-connect/token",
                 "/.well-known/oauth-authorization-server/realms/master"):
        assert is_refused(path), path
    for path in ("/realms/mlox/protocol/openid-connect/auth", "/realms/masters/account", "/realms/mlox/master",
                 "/.well-known/openid-configuration/realms/mlox", "/resources/x/login/keycloak.v2/css/login.css"):
        assert not is_refused(path), path


def test_paths_of_a_route_can_be_changed_and_reopened():
    keycloak = {**GROUPS, "mlox_keycloak": ["edge"]}
    found = by_name(routes(groups=keycloak, overrides={"keycloak": {"paths": [], "refused_paths": []}}))["keycloak"]
    assert (found["paths"], found["refused_paths"], found["health_path"]) == ([], [], "/")
    app = routes(extra=[{**APP, "paths": ["/api/", "/ui/"], "refused_paths": ["^/api/admin"]}])[-1]
    assert (app["paths"], app["refused_paths"], app["health_path"]) == (["/api/", "/ui/"], ["^/api/admin"], "/api/")


def test_no_hosts_no_routes():
    assert routes(groups={"mlox_traefik": ["edge"]}) == []


def test_two_routes_cannot_share_a_hostname():
    with pytest.raises(AnsibleFilterError, match="routes mlflow and app both claim the hostname mlflow.example.org"):
        routes(extra=[{**APP, "hostname": "MLflow.example.org"}])


def test_bad_routes_are_refused_with_the_reasons():
    with pytest.raises(AnsibleFilterError, match=r"traefik_extra_routes \(route app\): hostname 'app' is not"):
        routes(extra=[{**APP, "hostname": "app"}])


@pytest.mark.parametrize("extra, overrides, message", [
    ([{**APP, "hostname": "app_1.example.org"}], None, "hostname 'app_1.example.org' is not a DNS name"),
    ([{**APP, "hostname": "-app.example.org"}], None, "is not a DNS name"),
    ([{**APP, "hostname": "a" * 64 + ".example.org"}], None, "is not a DNS name"),
    ([{"name": "app", "hostname": "app.example.org"}], None, "urls, the backend URLs, are required"),
    ([{**APP, "urls": []}], None, "urls must be a non-empty list"),
    ([{**APP, "urls": ["ftp://app-1.internal"]}], None, "must be http:// or https:// with a host"),
    ([{**APP, "urls": ["https://app-1.internal/ui"]}], None, "must have no path"),
    ([{**APP, "auth": "basic"}], None, "auth must be one of none, forward"),
    ([{**APP, "health_path": "health"}], None, "health_path must start with /"),
    ([{**APP, "tls": "off"}], None, "unknown keys tls"),
    ([{**APP, "name": "App"}], None, "traefik_extra_routes[0]: every route needs a name"),
    ([APP, APP], None, "(route app): the name is taken"),
    ([{**APP, "name": "mlflow"}], None, "(route mlflow): the name is taken"),
    ([], {"grafana": {}}, "traefik_route_overrides.grafana: no such route of the stack"),
    ([], {"mlflow": {"hostname": "ml flow"}}, "traefik_route_overrides.mlflow: hostname 'ml flow'"),
    ([], {"mlflow": {"port": 1}}, "traefik_route_overrides.mlflow: unknown keys port"),
    ([], {"mlflow": "off"}, "traefik_route_overrides.mlflow must be a dict"),
    # Paths go between backticks into the router rule: nothing may end the string early.
    ([{**APP, "paths": ["/api`) || PathPrefix(`/"]}], None, "paths must be a list of path prefixes"),
    ([{**APP, "paths": ["/a b"]}], None, "paths must be a list of path prefixes"),
    ([{**APP, "paths": ["api/"]}], None, "paths must be a list of path prefixes"),
    ([{**APP, "paths": "/api/"}], None, "paths must be a list of path prefixes"),
    ([], {"keycloak": {"refused_paths": "^/admin"}}, "refused_paths must be a list of regular expressions"),
    ([], {"keycloak": {"refused_paths": ["(^/admin"]}}, "'(^/admin' is not a regular expression"),
    ([], {"keycloak": {"refused_paths": ["^/admin`)"]}}, "refused_paths takes regular expressions without backticks"),
    ([], {"keycloak": {"refused_paths": ["^/a\ndmin"]}}, "refused_paths takes regular expressions without"),
    ([], {"keycloak": {"refused_paths": [""]}}, "refused_paths takes regular expressions without"),
])
def test_route_errors(extra, overrides, message):
    errors = FILTERS["traefik_route_errors"](extra, overrides)
    assert any(message in error for error in errors), errors
    assert len(errors) == 1, errors


def test_good_routes_have_no_errors():
    other = {**APP, "name": "b", "hostname": "b.example.org", "urls": ["https://[fd00::9]:8443"], "auth": "forward",
             "health_path": "/healthz"}
    overrides = {"mlflow": {"hostname": "tracking.example.org", "enabled": True}}
    assert FILTERS["traefik_route_errors"]([APP, other], overrides) == []
