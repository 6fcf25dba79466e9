# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input stops mlox.stack.keycloak before any change, naming the variable at fault."""

import pytest

# A database and a domain, so that each case fails for its own reason.
BASE = {"mlox_domain": "example.org", "keycloak_database_host": "db.example.org"}
ADA = {"username": "ada", "groups": ["mlox-users"]}

CASES = {
    # wrong types, caught by the argument specs
    "users-not-a-list": ({**BASE, "keycloak_users": "ada"}, "keycloak_users"),
    "heap-not-a-number": ({**BASE, "keycloak_heap_mb": "plenty"}, "keycloak_heap_mb"),
    # rules of preflight.yml
    "java-unsupported": ({**BASE, "keycloak_java_version": "11"}, "keycloak_java_version"),
    "java-not-a-version": ({**BASE, "keycloak_java_version": "latest"}, "keycloak_java_version"),
    "admin-password-short": ({**BASE, "keycloak_admin_password": "only-12-char"}, "keycloak_admin_password"),
    "bootstrap-password-short": ({**BASE, "keycloak_bootstrap_admin_password": "short"},
                                 "keycloak_bootstrap_admin_password"),
    "admin-names-equal": ({**BASE, "keycloak_admin_username": "mlox-bootstrap"}, "keycloak_admin_username"),
    "no-database": ({"mlox_domain": "example.org"}, "keycloak_database_host"),
    "no-public-url": ({"keycloak_database_host": "db.example.org"}, "keycloak_public_url"),
    "admin-url-with-path": ({**BASE, "keycloak_admin_url": "https://kc-1.internal:8443/admin/"}, "keycloak_admin_url"),
    "admin-url-over-http": ({**BASE, "keycloak_admin_url": "http://kc-1.internal:8080"}, "keycloak_admin_url"),
    "trusted-proxy-by-name": ({**BASE, "keycloak_trusted_proxies": ["edge.example.org"]},
                              "keycloak_trusted_proxies"),
    "group-without-name": ({**BASE, "keycloak_groups": [{"attributes": {}}]}, "keycloak_groups"),
    "user-without-username": ({**BASE, "keycloak_users": [{"email": "ada@example.org"}]}, "keycloak_users"),
    "user-password-short": ({**BASE, "keycloak_users": [{**ADA, "password": "short"}]}, "keycloak_users"),
    "user-in-unknown-group": ({**BASE, "keycloak_users": [{**ADA, "groups": ["wizards"]}]}, "keycloak_users"),
    "stack-client-unknown": ({**BASE, "keycloak_stack_clients": ["grafana"]}, "keycloak_stack_clients"),
    "client-without-redirect-uris": ({**BASE, "keycloak_clients_extra": [{"client_id": "app"}]},
                                     "keycloak_clients_extra"),
    "client-without-id": ({**BASE, "keycloak_clients_extra": [{"redirect_uris": ["https://app.example.org/cb"]}]},
                          "keycloak_clients_extra"),
    "client-wildcard-redirect": ({**BASE, "keycloak_clients_extra": [{"client_id": "app", "redirect_uris": ["*"]}]},
                                 "keycloak_clients_extra"),
    "client-unknown-mapper": ({**BASE, "keycloak_clients_extra": [
        {"client_id": "app", "redirect_uris": ["https://app.example.org/cb"], "mappers": ["roles"]}]},
        "keycloak_clients_extra"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_fails_before_any_change(run_role, assert_failed_before_change, case):
    role_vars, variable = case
    assert_failed_before_change(run_role("keycloak", role_vars), variable)
