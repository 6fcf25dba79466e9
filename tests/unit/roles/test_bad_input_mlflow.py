# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input stops mlox.stack.mlflow before any change, naming the variable at fault."""

import pytest

# A backend store and an S3 endpoint, so that each case fails for its own reason. Nothing
# answers on port 9: the S3 probe comes last in preflight.yml and the cases stop before it.
STORES = {
    "mlflow_backend_store_uri": "sqlite:////var/lib/mlox/mlflow/mlflow.db",
    "mlflow_s3_endpoint_url": "https://127.0.0.1:9",
    "mlflow_s3_check_retries": 1,
    "mlflow_s3_check_delay": 1,
}
ALICE = {"name": "alice", "password": "a-long-enough-password"}
OIDC = {**STORES, "mlflow_auth": "oidc", "mlflow_oidc_client_secret": "client-secret-for-tests",
        "mlflow_oidc_discovery_url": "https://auth.example.org/realms/mlox/.well-known/openid-configuration"}

CASES = {
    # wrong types and choices, caught by the argument specs
    "auth-unknown": ({**STORES, "mlflow_auth": "ldap"}, "mlflow_auth"),
    "users-not-a-list": ({**STORES, "mlflow_users": "alice"}, "mlflow_users"),
    "user-without-name": ({**STORES, "mlflow_users": [{"password": "a-long-enough-password"}]}, "mlflow_users"),
    "permission-unknown": ({**STORES, "mlflow_users": [ALICE],
                            "mlflow_permissions": [{"user": "alice", "experiment": "e", "permission": "ALL"}]},
                           "mlflow_permissions"),
    "workers-not-a-number": ({**STORES, "mlflow_workers": "many"}, "mlflow_workers"),
    # rules of preflight.yml
    "auth-none-unacknowledged": ({**STORES, "mlflow_auth": "none"}, "mlflow_auth"),
    "no-backend-store": ({"mlflow_s3_endpoint_url": "https://127.0.0.1:9"}, "mlflow_backend_store_uri"),
    "no-auth-database": ({**STORES, "mlflow_backend_store_uri": "mysql://db.example.org/mlflow"},
                         "mlflow_auth_database_uri"),
    "oidc-without-discovery-url": ({**OIDC, "mlflow_oidc_discovery_url": ""}, "mlflow_oidc_discovery_url"),
    # The issuer is the discovery URL without its well-known path; another URL has none.
    "oidc-discovery-url-not-well-known": ({**OIDC, "mlflow_oidc_discovery_url": "https://auth.example.org/realms/mlox"},
                                          "mlflow_oidc_discovery_url"),
    "oidc-discovery-url-over-http": ({**OIDC, "mlflow_oidc_discovery_url":
                                      "http://auth.example.org/realms/mlox/.well-known/openid-configuration"},
                                     "mlflow_oidc_discovery_url"),
    # Neither the variable nor the keycloak role's file on the controller; the domain gives the
    # discovery URL.
    "oidc-without-client-secret": ({**OIDC, "mlflow_oidc_client_secret": "", "mlflow_oidc_discovery_url": "",
                                    "mlox_domain": "example.org"}, "mlflow_oidc_client_secret"),
    "oidc-with-users": ({**OIDC, "mlflow_users": [ALICE]}, "mlflow_users"),
    "oidc-with-experiments": ({**OIDC, "mlflow_experiments": [{"name": "team-a"}]}, "mlflow_experiments"),
    "user-without-password": ({**STORES, "mlflow_users": [{"name": "alice"}]}, "mlflow_users"),
    "user-password-short": ({**STORES, "mlflow_users": [{"name": "alice", "password": "short"}]}, "mlflow_users"),
    "permission-for-unknown-user": ({**STORES, "mlflow_users": [ALICE],
                                     "mlflow_permissions": [{"user": "bob", "experiment": "e"}]},
                                    "mlflow_permissions"),
    "permission-on-two-things": ({**STORES, "mlflow_users": [ALICE],
                                  "mlflow_permissions": [{"user": "alice", "experiment": "e",
                                                          "registered_model": "m"}]},
                                 "mlflow_permissions"),
    "no-artifact-store": ({**STORES, "mlflow_s3_endpoint_url": ""}, "mlflow_s3_endpoint_url"),
    "s3-endpoint-silent": (STORES, "mlflow_s3_endpoint_url"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_fails_before_any_change(run_role, assert_failed_before_change, case):
    role_vars, variable = case
    assert_failed_before_change(run_role("mlflow", role_vars), variable)
