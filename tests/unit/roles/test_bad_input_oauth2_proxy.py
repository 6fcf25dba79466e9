# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input stops mlox.stack.oauth2_proxy before any change, naming the variable at fault."""

import pytest

# A domain and a client secret, so that each case fails for its own reason.
GOOD = {"mlox_domain": "example.test", "oauth2_proxy_client_secret": "client-secret-for-tests"}

CASES = {
    # wrong types and choices, caught by the argument specs
    "port-not-an-int": ({**GOOD, "oauth2_proxy_port": "https"}, "oauth2_proxy_port"),
    "allowed-groups-not-a-list": ({**GOOD, "oauth2_proxy_allowed_groups": {"mlox-admins": True}},
                                  "oauth2_proxy_allowed_groups"),
    "unverified-email-not-a-bool": ({**GOOD, "oauth2_proxy_allow_unverified_email": "sometimes"},
                                    "oauth2_proxy_allow_unverified_email"),
    "cookie-expire-not-seconds": ({**GOOD, "oauth2_proxy_cookie_expire_seconds": "8h"},
                                  "oauth2_proxy_cookie_expire_seconds"),
    "tls-version-unknown": ({**GOOD, "oauth2_proxy_tls_min_version": "TLS1.1"}, "oauth2_proxy_tls_min_version"),
    # rules of preflight.yml
    "port-out-of-range": ({**GOOD, "oauth2_proxy_port": 70000}, "oauth2_proxy_port"),
    "listen-address-with-port": ({**GOOD, "oauth2_proxy_listen_address": "0.0.0.0:4180"},
                                 "oauth2_proxy_listen_address"),
    "trusted-proxy-by-name": ({**GOOD, "oauth2_proxy_trusted_proxies": ["traefik.example.test"]},
                              "oauth2_proxy_trusted_proxies"),
    "issuer-without-domain": ({"oauth2_proxy_client_secret": "client-secret-for-tests"},
                              "oauth2_proxy_oidc_issuer_url"),
    "issuer-over-http": ({**GOOD, "oauth2_proxy_oidc_issuer_url": "http://auth.example.test/realms/mlox"},
                         "oauth2_proxy_oidc_issuer_url"),
    "client-id-empty": ({**GOOD, "oauth2_proxy_client_id": ""}, "oauth2_proxy_client_id"),
    # Neither the variable nor the keycloak role's file on the controller.
    "client-secret-missing": ({"mlox_domain": "example.test"}, "oauth2_proxy_client_secret"),
    "allowed-group-empty": ({**GOOD, "oauth2_proxy_allowed_groups": ["mlox-admins", ""]},
                            "oauth2_proxy_allowed_groups"),
    "email-domains-empty": ({**GOOD, "oauth2_proxy_email_domains": []}, "oauth2_proxy_email_domains"),
    "email-domain-with-at": ({**GOOD, "oauth2_proxy_email_domains": ["@example.org"]},
                             "oauth2_proxy_email_domains"),
    "email-domain-rule-on-unverified-emails": ({**GOOD, "oauth2_proxy_email_domains": ["example.org"]},
                                               "oauth2_proxy_allow_unverified_email"),
    "whitelist-everything": ({**GOOD, "oauth2_proxy_whitelist_domains": ["*"]}, "oauth2_proxy_whitelist_domains"),
    "cookie-never-expires": ({**GOOD, "oauth2_proxy_cookie_expire_seconds": 0}, "oauth2_proxy_cookie_expire_seconds"),
    "cookie-refresh-after-expiry": ({**GOOD, "oauth2_proxy_cookie_expire_seconds": 3600,
                                     "oauth2_proxy_cookie_refresh_seconds": 3600},
                                    "oauth2_proxy_cookie_refresh_seconds"),
    "cookie-secret-wrong-length": ({**GOOD, "oauth2_proxy_cookie_secret": "too-short"}, "oauth2_proxy_cookie_secret"),
    "cookie-secret-standard-base64": ({**GOOD, "oauth2_proxy_cookie_secret": "a+b/" * 10 + "abc="},
                                      "oauth2_proxy_cookie_secret"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_fails_before_any_change(run_role, assert_failed_before_change, case):
    role_vars, variable = case
    assert_failed_before_change(run_role("oauth2_proxy", role_vars), variable)
