# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The scrape jobs of the stack (mlox.stack.prometheus_scrape_configs), the checks of the
team's own jobs, and the alert rule helpers, called as Ansible calls them."""

import re

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mlox.stack.plugins.filter.prometheus import FilterModule

FILTERS = FilterModule().filters()

HOSTVARS = {
    "mon": {"inventory_hostname": "mon"},
    "edge": {"inventory_hostname": "edge", "ansible_host": "10.0.0.2"},
    "s3a": {"inventory_hostname": "s3a", "ansible_host": "fd00::7"},
    "db": {"inventory_hostname": "db", "node_exporter_port": 9200},
    "gpu1": {"inventory_hostname": "gpu1"},
    "tracker": {"inventory_hostname": "tracker", "mlflow_port": 5443},
}
GROUPS = {
    "mlox": ["mon", "edge", "s3a", "db", "gpu1", "tracker"],
    "mlox_prometheus": ["mon"],
    "mlox_alertmanager": ["mon"],
    "mlox_traefik": ["edge"],
    "mlox_minio": ["s3a"],
    "mlox_postgresql": ["db"],
    "mlox_gpu": ["gpu1"],
    "mlox_mlflow": ["tracker"],
    "mlox_keycloak": [],
}
SETTINGS = {
    "ca_file": "/etc/mlox/prometheus/tls/ca.pem",
    "credentials_dir": "/etc/mlox/prometheus/credentials",
    "users": {"prometheus": "admin", "alertmanager": "prometheus", "node_exporter": "prometheus",
              "mlflow": "mlox-prometheus"},
    "domain": "example.org",
}
BLACKBOX = {"host": "mon", "address": "127.0.0.1", "port": 9115, "server_name": "mon"}


def jobs(groups=None, **settings):
    found = FILTERS["prometheus_scrape_configs"](groups or GROUPS, HOSTVARS, dict(SETTINGS, **settings))
    return {job["job_name"]: job for job in found}


def targets(job):
    return [(config["targets"], config.get("labels")) for config in job["static_configs"]]


def test_one_job_per_service_with_hosts_in_registry_order():
    assert list(jobs()) == ["prometheus", "alertmanager", "node", "minio", "traefik", "mlflow", "postgresql", "gpu"]


def test_targets_come_from_the_registry_and_the_hosts_port_variables():
    found = jobs()
    assert targets(found["node"]) == [
        (["mon:9100"], {"instance": "mon"}),
        (["10.0.0.2:9100"], {"instance": "edge"}),
        (["[fd00::7]:9100"], {"instance": "s3a"}),
        (["db:9200"], {"instance": "db"}),
        (["gpu1:9100"], {"instance": "gpu1"}),
        (["tracker:9100"], {"instance": "tracker"}),
    ]
    assert targets(found["mlflow"]) == [(["tracker:5443"], {"instance": "tracker"})]
    assert targets(found["traefik"]) == [(["10.0.0.2:8082"], {"instance": "edge"})]
    assert targets(found["postgresql"]) == [(["db:9187"], {"instance": "db"})]
    assert targets(found["gpu"]) == [(["gpu1:9835"], {"instance": "gpu1"})]
    assert found["minio"]["metrics_path"] == "/minio/v2/metrics/cluster"
    assert found["node"]["metrics_path"] == "/metrics"


def test_every_job_scrapes_https_verified_against_the_stack_ca():
    for job in jobs(blackbox=BLACKBOX).values():
        assert job["scheme"] == "https"
        assert job["tls_config"]["ca_file"] == SETTINGS["ca_file"]
        assert job["tls_config"].get("insecure_skip_verify") is None


def test_credentials_come_from_files():
    found = jobs()
    assert found["node"]["basic_auth"] == {
        "username": "prometheus", "password_file": "/etc/mlox/prometheus/credentials/node_exporter_password"}
    assert found["prometheus"]["basic_auth"]["username"] == "admin"
    assert found["alertmanager"]["basic_auth"]["password_file"].endswith("/alertmanager_password")
    assert found["minio"]["authorization"] == {
        "type": "Bearer", "credentials_file": "/etc/mlox/prometheus/credentials/minio_token"}
    assert found["mlflow"]["basic_auth"] == {
        "username": "mlox-prometheus", "password_file": "/etc/mlox/prometheus/credentials/mlflow_password"}
    assert "basic_auth" not in found["traefik"] and "authorization" not in found["gpu"]


def test_a_job_without_a_user_sends_no_credentials():
    # MLflow with OIDC serves /metrics without sign-in; the role then passes no MLflow user.
    found = jobs(users=dict(SETTINGS["users"], mlflow=""))
    assert "basic_auth" not in found["mlflow"] and "authorization" not in found["mlflow"]
    assert targets(found["mlflow"]) == [(["tracker:5443"], {"instance": "tracker"})]
    assert found["node"]["basic_auth"]["username"] == "prometheus"


def test_probes_cover_every_public_hostname_through_the_local_blackbox_exporter():
    found = jobs(blackbox=BLACKBOX, probe_targets_extra=["www.example.org:443", "s3.example.org:443"])
    assert targets(found["blackbox"]) == [(["127.0.0.1:9115"], {"instance": "mon"})]
    probes = found["https_probes"]
    assert probes["static_configs"] == [{"targets": [
        "alertmanager.example.org:443", "minio.example.org:443", "mlflow.example.org:443", "prometheus.example.org:443",
        "s3.example.org:443", "traefik.example.org:443", "www.example.org:443"]}]
    assert probes["params"] == {"module": ["tls_connect"]}
    assert probes["tls_config"]["server_name"] == "mon"
    assert probes["relabel_configs"][-1] == {"target_label": "__address__", "replacement": "127.0.0.1:9115"}


def test_probes_ask_the_edge_on_its_public_port():
    found = jobs(blackbox=BLACKBOX, public_port=9443)
    probed = found["https_probes"]["static_configs"][0]["targets"]
    assert "mlflow.example.org:9443" in probed and all(target.endswith(":9443") for target in probed)


def test_without_an_edge_only_the_extra_targets_are_probed():
    groups = dict(GROUPS, mlox_traefik=[])
    assert "https_probes" not in jobs(groups, blackbox=BLACKBOX)
    found = jobs(groups, blackbox=BLACKBOX, probe_targets_extra=["node-a:9100"])
    assert found["https_probes"]["static_configs"] == [{"targets": ["node-a:9100"]}]


def test_no_blackbox_no_probe_jobs():
    assert "blackbox" not in jobs() and "https_probes" not in jobs()


@pytest.mark.parametrize("settings, message", [
    ({"ca_file": ""}, "settings.ca_file is required"),
    ({"credentials_dir": None}, "settings.credentials_dir is required"),
])
def test_required_settings(settings, message):
    with pytest.raises(AnsibleFilterError, match=message):
        jobs(**settings)


@pytest.mark.parametrize("extra, message", [
    ({"job_name": "x"}, "must be a list"),
    (["x"], r"extra\[0\] must be a dict"),
    ([{"static_configs": []}], r"extra\[0\] needs a job_name"),
    ([{"job_name": "node"}], r"job_name 'node' is taken"),
    ([{"job_name": "a"}, {"job_name": "a"}], r"extra\[1\]: job_name 'a' is taken"),
    ([{"job_name": "a", "targets": ["x:1"], "scrape_intervall": "5s"}],
     "keys Prometheus does not know: scrape_intervall, targets"),
])
def test_scrape_config_errors_name_the_variable_and_entry(extra, message):
    errors = FILTERS["prometheus_scrape_config_errors"](extra, "extra")
    assert len(errors) == 1 and errors[0].startswith("extra")
    assert re.search(message, errors[0]), errors


def test_valid_scrape_configs_pass():
    extra = [{"job_name": "app", "static_configs": [{"targets": ["app:8000"]}], "consul_sd_configs": [],
              "scrape_interval": "15s", "tls_config": {"ca_file": "/x"}}]
    assert FILTERS["prometheus_scrape_config_errors"](extra, "extra") == []


RULES = {"groups": [{"name": "hosts", "rules": [
    {"alert": "TargetDown", "expr": "up == 0", "for": "5m"},
    {"record": "job:up:sum", "expr": "sum by (job) (up)"},
    {"alert": "HostDiskSpaceLow", "expr": "x > 0.85", "for": "15m"},
]}]}


def test_rules_with_for_changes_only_the_named_alerts_and_copies():
    changed = FILTERS["prometheus_rules_with_for"](RULES, {"TargetDown": "30s"})
    assert [rule.get("for") for rule in changed["groups"][0]["rules"]] == ["30s", None, "15m"]
    assert RULES["groups"][0]["rules"][0]["for"] == "5m"


def test_alert_names_leave_out_recording_rules():
    assert FILTERS["prometheus_alert_names"]([RULES, {"groups": []}]) == ["TargetDown", "HostDiskSpaceLow"]
