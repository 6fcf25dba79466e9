# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input stops mlox.stack.alertmanager before any change, naming the variable at fault."""

import pytest

SMTP = {"smarthost": "mail.example.org:587", "from": "alertmanager@example.org"}
WEBHOOK = {"name": "chat", "webhook_urls": ["https://bridge.example.org/hook"]}

CASES = {
    # wrong types and unknown keys, caught by the argument specs
    "port-not-an-int": ({"alertmanager_port": "alerts"}, "alertmanager_port"),
    "receivers-not-a-list": ({"alertmanager_receivers": {"name": "ops"}}, "alertmanager_receivers"),
    "receiver-without-name": ({"alertmanager_receivers": [{"email_to": ["ops@example.org"]}]},
                              "alertmanager_receivers"),
    "receiver-unknown-key": ({"alertmanager_receivers": [dict(WEBHOOK, webhook_url="https://x.example.org")]},
                             "alertmanager_receivers"),
    "email-to-not-a-list": ({"alertmanager_smtp": SMTP,
                             "alertmanager_receivers": [{"name": "ops", "email_to": {"ops": "x"}}]},
                            "alertmanager_receivers"),
    "smtp-not-a-dict": ({"alertmanager_smtp": "mail.example.org:587"}, "alertmanager_smtp"),
    "group-by-not-a-list": ({"alertmanager_group_by": {"alertname": True}}, "alertmanager_group_by"),
    # values outside the choices
    "tls-version-unknown": ({"alertmanager_tls_min_version": "TLS11"}, "alertmanager_tls_min_version"),
    "log-level-unknown": ({"alertmanager_log_level": "verbose"}, "alertmanager_log_level"),
    # rules of preflight.yml
    "port-out-of-range": ({"alertmanager_port": 70000}, "alertmanager_port"),
    "ports-equal": ({"alertmanager_cluster_port": 9093}, "alertmanager_cluster_port"),
    "listen-address-with-port": ({"alertmanager_listen_address": "0.0.0.0:9093"}, "alertmanager_listen_address"),
    "advertise-address-not-an-ip": ({"alertmanager_cluster_advertise_address": "am1.example.org"},
                                    "alertmanager_cluster_advertise_address"),
    "basic-auth-user-with-colon": ({"alertmanager_basic_auth_user": "a:b"}, "alertmanager_basic_auth_user"),
    "group-wait-bad-duration": ({"alertmanager_group_wait": "30 seconds"}, "alertmanager_group_wait"),
    "repeat-interval-no-unit": ({"alertmanager_repeat_interval": 4}, "alertmanager_repeat_interval"),
    "retention-bad-duration": ({"alertmanager_data_retention": "5 days"}, "alertmanager_data_retention"),
    "group-by-bad-label": ({"alertmanager_group_by": ["alert-name"]}, "alertmanager_group_by"),
    "receiver-without-targets": ({"alertmanager_receivers": [{"name": "ops"}]}, "alertmanager_receivers"),
    "receiver-empty-targets": ({"alertmanager_receivers": [{"name": "ops", "email_to": [], "webhook_urls": []}]},
                               "alertmanager_receivers"),
    "receivers-same-name": ({"alertmanager_receivers": [WEBHOOK, WEBHOOK]}, "alertmanager_receivers"),
    "email-without-smarthost": ({"alertmanager_receivers": [{"name": "ops", "email_to": ["ops@example.org"]}]},
                                "alertmanager_smtp"),
    "email-without-from": ({"alertmanager_smtp": {"smarthost": "mail.example.org:587"},
                            "alertmanager_receivers": [{"name": "ops", "email_to": ["ops@example.org"]}]},
                           "alertmanager_smtp"),
    "smarthost-without-port": ({"alertmanager_smtp": dict(SMTP, smarthost="mail.example.org"),
                                "alertmanager_receivers": [{"name": "ops", "email_to": ["ops@example.org"]}]},
                               "alertmanager_smtp"),
    "smtp-user-without-password": ({"alertmanager_smtp": dict(SMTP, auth_username="alerts")}, "alertmanager_smtp"),
    "email-not-an-address": ({"alertmanager_smtp": SMTP,
                              "alertmanager_receivers": [{"name": "ops", "email_to": ["ops team"]}]},
                             "alertmanager_receivers"),
    "webhook-not-http": ({"alertmanager_receivers": [dict(WEBHOOK, webhook_urls=["bridge.example.org/hook"])]},
                         "alertmanager_receivers"),
    "webhook-ftp": ({"alertmanager_receivers": [dict(WEBHOOK, webhook_urls=["ftp://bridge.example.org/"])]},
                    "alertmanager_receivers"),
    "webhook-token-and-user": ({"alertmanager_receivers": [dict(WEBHOOK, webhook_bearer_token="t",
                                                                webhook_username="u", webhook_password="p")]},
                               "alertmanager_receivers"),
    "webhook-password-without-user": ({"alertmanager_receivers": [dict(WEBHOOK, webhook_password="p")]},
                                      "alertmanager_receivers"),
    "route-receiver-unknown": ({"alertmanager_receivers": [WEBHOOK], "alertmanager_route_receiver": "pager"},
                               "alertmanager_route_receiver"),
    "route-receiver-without-receivers": ({"alertmanager_route_receiver": "ops"}, "alertmanager_route_receiver"),
    "child-route-receiver-unknown": ({"alertmanager_receivers": [WEBHOOK],
                                      "alertmanager_routes": [{"matchers": ['severity="critical"'],
                                                               "receiver": "pager"}]},
                                     "alertmanager_routes"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_fails_before_any_change(run_role, assert_failed_before_change, case):
    role_vars, variable = case
    assert_failed_before_change(run_role("alertmanager", role_vars), variable)
