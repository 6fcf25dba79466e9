# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input stops mlox.stack.traefik before any change, naming the variable at fault."""

import pytest

BASE = {"mlox_domain": "example.org"}
ACME = {**BASE, "mlox_tls_mode": "acme", "traefik_acme_email": "ops@example.org"}
APP = {"name": "app", "hostname": "app.example.org", "urls": ["https://app-1.internal:8443"]}

CASES = {
    # wrong types and values outside the choices, caught by the argument specs
    "tls-mode-unknown": ({**BASE, "mlox_tls_mode": "letsencrypt"}, "mlox_tls_mode"),
    "challenge-unknown": ({**ACME, "traefik_acme_challenge": "dns-01"}, "traefik_acme_challenge"),
    "extra-routes-not-a-list": ({**BASE, "traefik_extra_routes": "app.example.org"}, "traefik_extra_routes"),
    "provided-without-key": ({**BASE, "mlox_tls_mode": "provided",
                              "traefik_provided_certificates": [{"cert": "/nonexistent/edge.crt"}]},
                             "traefik_provided_certificates"),
    # rules of preflight.yml
    "no-domain": ({}, "mlox_domain"),
    "ports-collide": ({**BASE, "traefik_metrics_port": 443}, "traefik_metrics_port"),
    "metrics-allowed-by-name": ({**BASE, "traefik_metrics_allowed": ["prometheus.example.org"]},
                                "traefik_metrics_allowed"),
    "acme-without-email": ({**BASE, "mlox_tls_mode": "acme"}, "traefik_acme_email"),
    "acme-ca-over-http": ({**ACME, "traefik_acme_ca_server": "http://acme.example.org/dir"},
                          "traefik_acme_ca_server"),
    "dns-without-provider": ({**ACME, "traefik_acme_challenge": "dns"}, "traefik_acme_dns_provider"),
    "dns-credential-names": ({**ACME, "traefik_acme_challenge": "dns", "traefik_acme_dns_provider": "cloudflare",
                              "traefik_acme_dns_environment": {"cf token": "x"}}, "traefik_acme_dns_environment"),
    "provided-without-files": ({**BASE, "mlox_tls_mode": "provided"}, "traefik_provided_certificates"),
    "provided-files-missing": ({**BASE, "mlox_tls_mode": "provided", "traefik_provided_certificates": [
        {"cert": "/nonexistent/edge.crt", "key": "/nonexistent/edge.key"}]}, "traefik_provided_certificates"),
    "route-hostname-not-dns": ({**BASE, "traefik_extra_routes": [{**APP, "hostname": "app_1.example.org"}]},
                               "traefik_extra_routes"),
    "route-hostname-bare": ({**BASE, "traefik_extra_routes": [{**APP, "hostname": "app"}]}, "traefik_extra_routes"),
    "route-without-urls": ({**BASE, "traefik_extra_routes": [{"name": "app", "hostname": "app.example.org"}]},
                           "traefik_extra_routes"),
    "route-url-with-path": ({**BASE, "traefik_extra_routes": [{**APP, "urls": ["https://app-1.internal/ui"]}]},
                            "traefik_extra_routes"),
    "route-auth-unknown": ({**BASE, "traefik_extra_routes": [{**APP, "auth": "basic"}]}, "traefik_extra_routes"),
    "route-name-taken": ({**BASE, "traefik_extra_routes": [{**APP, "name": "mlflow"}]}, "traefik_extra_routes"),
    "override-unknown-service": ({**BASE, "traefik_route_overrides": {"grafana": {"hostname": "g.example.org"}}},
                                 "traefik_route_overrides"),
    "override-hostname-not-dns": ({**BASE, "traefik_route_overrides": {"mlflow": {"hostname": "ml flow"}}},
                                  "traefik_route_overrides"),
    "route-path-with-backtick": ({**BASE, "traefik_extra_routes": [{**APP, "paths": ["/api`) || Path(`/"]}]},
                                 "traefik_extra_routes"),
    "override-refused-not-a-regex": ({**BASE, "traefik_route_overrides": {"keycloak": {"refused_paths": ["(/admin"]}}},
                                     "traefik_route_overrides"),
    "backend-user-with-colon": ({**BASE, "traefik_prometheus_user": "ad:min"}, "traefik_prometheus_user"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_fails_before_any_change(run_role, assert_failed_before_change, case):
    role_vars, variable = case
    assert_failed_before_change(run_role("traefik", role_vars), variable)
