# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input stops mlox.stack.minio before any change, naming the variable at fault.

Layouts that need several hosts are covered by the tests of the minio_layout_errors filter,
which preflight.yml applies to the drives of every host.
"""

import pytest

# An address where nothing answers: the runs must stop before they download anything.
MIRROR = {"mlox_artifact_mirror": "http://127.0.0.1:9/"}
# The console's sign-in through a provider (a discovery URL turns it on), complete.
OIDC = {**MIRROR, "mlox_domain": "example.org", "minio_oidc_client_secret": "client-secret-for-tests",
        "minio_oidc_discovery_url": "https://auth.example.org/realms/mlox/.well-known/openid-configuration"}

CASES = {
    # wrong types and missing keys, caught by the argument specs
    "drives-not-a-list": ({**MIRROR, "minio_drives": "/srv/d1"}, "minio_drives"),
    "bucket-without-name": ({**MIRROR, "minio_buckets": [{"versioning": True}]}, "minio_buckets"),
    "anonymous-access-unknown": ({**MIRROR, "minio_buckets": [{"name": "data", "anonymous_access": "all"}]},
                                 "minio_buckets"),
    "policy-without-document": ({**MIRROR, "minio_policies": [{"name": "p"}]}, "minio_policies"),
    # rules of preflight.yml
    "drive-relative": ({**MIRROR, "minio_drives": ["srv/d1"]}, "minio_drives"),
    "drive-twice": ({**MIRROR, "minio_drives": ["/srv/d1", "/srv/d1"]}, "minio_drives"),
    "drive-inside-drive": ({**MIRROR, "minio_drives": ["/srv/d1", "/srv/d1/d2"]}, "minio_drives"),
    "drive-count-not-splittable": ({**MIRROR, "minio_drives": ["/srv/d%d" % n for n in range(17)]},
                                   "minio_drives"),
    "drive-with-ellipsis": ({**MIRROR, "minio_drives": ["/srv/d{1...4}"]}, "minio_drives"),
    "no-binary-source": ({}, "minio_download_url"),
    "custom-url-without-checksum": ({"minio_download_url": "https://builds.example.org/minio",
                                     "minio_client_download_url": "https://builds.example.org/mc",
                                     "minio_client_checksum": "sha256:" + "0" * 64},
                                    "minio_checksum"),
    "client-url-without-checksum": ({"minio_download_url": "https://builds.example.org/minio",
                                     "minio_checksum": "sha256:" + "0" * 64,
                                     "minio_client_download_url": "https://builds.example.org/mc"},
                                    "minio_client_checksum"),
    "root-password-short": ({**MIRROR, "minio_root_password": "short"}, "minio_root_password"),
    "ports-equal": ({**MIRROR, "minio_console_port": 9000}, "minio_console_port"),
    "application-name-invalid": ({**MIRROR, "minio_applications": [{"name": "ML Flow", "bucket": "mlflow"}]},
                                 "minio_applications"),
    "application-bucket-invalid": ({**MIRROR, "minio_applications": [{"name": "mlflow", "bucket": "MLflow"}]},
                                   "minio_applications"),
    "bucket-name-uppercase": ({**MIRROR, "minio_buckets": [{"name": "Team-Data"}]}, "minio_buckets"),
    "bucket-name-short": ({**MIRROR, "minio_buckets": [{"name": "ab"}]}, "minio_buckets"),
    "bucket-name-ip": ({**MIRROR, "minio_buckets": [{"name": "192.168.1.10"}]}, "minio_buckets"),
    "policy-not-json": ({**MIRROR, "minio_policies": [{"name": "readers", "policy": '{"Statement": ['}]},
                        "minio_policies"),
    "policy-without-statement": ({**MIRROR, "minio_policies": [{"name": "readers", "policy": {"Version": "1"}}]},
                                 "minio_policies"),
    "user-access-key-invalid": ({**MIRROR, "minio_users": [{"access_key": "a b"}]}, "minio_users"),
    "oidc-enabled-not-a-bool": ({**OIDC, "minio_oidc_enabled": "sometimes"}, "minio_oidc_enabled"),
    "oidc-scopes-not-a-list": ({**OIDC, "minio_oidc_scopes": "openid profile"}, "minio_oidc_scopes"),
    "oidc-discovery-url-over-http": ({**OIDC, "minio_oidc_discovery_url":
                                      "http://auth.example.org/realms/mlox/.well-known/openid-configuration"},
                                     "minio_oidc_discovery_url"),
    "oidc-on-without-discovery-url": ({**MIRROR, "minio_oidc_enabled": True, "minio_oidc_client_secret": "s"},
                                      "minio_oidc_discovery_url"),
    "oidc-claim-name-empty": ({**OIDC, "minio_oidc_claim_name": ""}, "minio_oidc_claim_name"),
    "oidc-scopes-without-openid": ({**OIDC, "minio_oidc_scopes": ["profile", "email"]}, "minio_oidc_scopes"),
    "oidc-scope-with-comma": ({**OIDC, "minio_oidc_scopes": ["openid", "profile,email"]}, "minio_oidc_scopes"),
    "oidc-redirect-over-http": ({**OIDC, "minio_oidc_redirect_uri": "http://minio.example.org/oauth_callback"},
                                "minio_oidc_redirect_uri"),
    # No redirect URI to derive: no domain, no console URL.
    "oidc-without-redirect-uri": ({**OIDC, "mlox_domain": ""}, "minio_oidc_redirect_uri"),
    # Neither the variable nor the keycloak role's file on the controller.
    "oidc-without-client-secret": ({**OIDC, "minio_oidc_client_secret": ""}, "minio_oidc_client_secret"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_fails_before_any_change(run_role, assert_failed_before_change, case):
    role_vars, variable = case
    assert_failed_before_change(run_role("minio", role_vars), variable)
