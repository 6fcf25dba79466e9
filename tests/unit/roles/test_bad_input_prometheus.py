# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input stops mlox.stack.prometheus before any change, naming the variable at fault."""

import pytest

APP_JOB = {"job_name": "app", "static_configs": [{"targets": ["app.internal:8000"]}]}

CASES = {
    # wrong types and choices, caught by the argument specs
    "port-not-an-int": ({"prometheus_port": "web"}, "prometheus_port"),
    "extra-jobs-not-a-list": ({"prometheus_scrape_configs_extra": APP_JOB}, "prometheus_scrape_configs_extra"),
    "alert-for-not-a-dict": ({"prometheus_alert_for": ["TargetDown", "1m"]}, "prometheus_alert_for"),
    "tls-version-unknown": ({"prometheus_tls_min_version": "TLS11"}, "prometheus_tls_min_version"),
    "log-level-unknown": ({"prometheus_log_level": "verbose"}, "prometheus_log_level"),
    "mlflow-auth-unknown": ({"prometheus_mlflow_auth": "ldap"}, "prometheus_mlflow_auth"),
    # rules of preflight.yml
    "retention-time-not-a-duration": ({"prometheus_retention_time": "30 days"}, "prometheus_retention_time"),
    "retention-time-without-unit": ({"prometheus_retention_time": "30"}, "prometheus_retention_time"),
    "retention-size-not-a-size": ({"prometheus_retention_size": "10G"}, "prometheus_retention_size"),
    "scrape-interval-not-a-duration": ({"prometheus_scrape_interval": "often"}, "prometheus_scrape_interval"),
    "port-out-of-range": ({"prometheus_port": 70000}, "prometheus_port"),
    "listen-address-with-port": ({"prometheus_listen_address": "0.0.0.0:9090"}, "prometheus_listen_address"),
    "user-with-colon": ({"prometheus_basic_auth_user": "ad:min"}, "prometheus_basic_auth_user"),
    "extra-job-unknown-key": ({"prometheus_scrape_configs_extra": [dict(APP_JOB, scrape_intervall="5s")]},
                              "prometheus_scrape_configs_extra"),
    "extra-job-without-name": ({"prometheus_scrape_configs_extra": [{"static_configs": []}]},
                               "prometheus_scrape_configs_extra"),
    "extra-job-name-of-the-stack": ({"prometheus_scrape_configs_extra": [dict(APP_JOB, job_name="node")]},
                                    "prometheus_scrape_configs_extra"),
    "probe-target-without-port": ({"prometheus_probe_targets_extra": ["www.example.org"]},
                                  "prometheus_probe_targets_extra"),
    "alert-for-unknown-alert": ({"prometheus_alert_for": {"TargetGone": "1m"}}, "prometheus_alert_for"),
    "alert-for-bad-duration": ({"prometheus_alert_for": {"TargetDown": "soon"}}, "prometheus_alert_for"),
    "extra-rule-group-without-rules": ({"prometheus_alert_rules_extra": [{"name": "team"}]},
                                       "prometheus_alert_rules_extra"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_fails_before_any_change(run_role, assert_failed_before_change, case):
    role_vars, variable = case
    assert_failed_before_change(run_role("prometheus", role_vars), variable)
