# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The mlox.stack.endpoint filter family, called as Ansible calls it."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mlox.stack.plugins.filter.endpoint import FilterModule
from ansible_collections.mlox.stack.plugins.module_utils._services import SERVICES

FILTERS = FilterModule().filters()

HOSTVARS = {
    "aio": {"inventory_hostname": "aio"},
    "s3a": {"inventory_hostname": "s3a", "ansible_host": "10.0.0.5"},
    "s3b": {"inventory_hostname": "s3b", "ansible_host": "fd00::7"},
    "db1": {"inventory_hostname": "db1", "ansible_host": "db1.lan"},
}
GROUPS = {
    "all": ["aio", "s3a", "s3b", "db1"],
    "mlox": ["aio", "s3a", "s3b", "db1"],
    "mlox_alertmanager": ["aio"],
    "mlox_keycloak": ["aio"],
    "mlox_minio": ["s3b", "s3a", "aio"],
    "mlox_mlflow": ["aio"],
    "mlox_postgresql": ["db1", "aio"],
    "mlox_prometheus": ["aio"],
    "mlox_traefik": ["aio"],
}

ALL_PUBLIC_HOSTNAMES = [
    "alertmanager.example.org", "auth.example.org", "minio.example.org", "mlflow.example.org",
    "prometheus.example.org", "s3.example.org", "traefik.example.org",
]


def call(filter_name, *args):
    return FILTERS[filter_name](*args)


def test_publishes_the_filter_family():
    assert sorted(FILTERS) == [
        "endpoint", "endpoints", "public_hostname", "public_hostnames", "public_url", "service",
    ]


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_service_returns_a_copy_of_the_record_with_its_name(name):
    record = call("service", name)
    assert record == dict(SERVICES[name], name=name)
    record["port"] = 1
    assert SERVICES[name]["port"] != 1


@pytest.mark.parametrize("filter_name, args", [
    ("service", ()),
    ("endpoint", (HOSTVARS["aio"],)),
    ("endpoints", (GROUPS, HOSTVARS)),
    ("public_hostname", ("example.org",)),
    ("public_url", ("example.org", "s3.example.org")),
])
@pytest.mark.parametrize("name", ["nope", "", None, ["minio"]])
def test_unknown_service_fails_listing_the_known_ones(filter_name, args, name):
    known = r"unknown service .*; known services: alertmanager, alertmanager_cluster, blackbox_exporter,"
    with pytest.raises(AnsibleFilterError, match=known):
        call(filter_name, name, *args)


@pytest.mark.parametrize("name, host, overrides, expected", [
    pytest.param("minio", "s3a", None, {
        "service": "minio", "host": "s3a", "address": "10.0.0.5", "port": 9000, "scheme": "https",
        "url": "https://10.0.0.5:9000",
        "health_url": "https://10.0.0.5:9000/minio/health/live",
        "metrics_url": "https://10.0.0.5:9000/minio/v2/metrics/cluster",
    }, id="defaults-from-ansible_host"),
    pytest.param("mlflow", "aio", {}, {
        "service": "mlflow", "host": "aio", "address": "aio", "port": 5000, "scheme": "https",
        "url": "https://aio:5000",
        "health_url": "https://aio:5000/health",
        "metrics_url": "https://aio:5000/metrics",
    }, id="inventory_hostname-without-ansible_host"),
    pytest.param("postgresql", "db1", None, {
        "service": "postgresql", "host": "db1", "address": "db1.lan", "port": 5432,
        "scheme": "postgresql", "url": "postgresql://db1.lan:5432",
        "health_url": None, "metrics_url": None,
    }, id="no-health-or-metrics-path"),
    pytest.param("minio", "s3b", None, {
        "service": "minio", "host": "s3b", "address": "fd00::7", "port": 9000, "scheme": "https",
        "url": "https://[fd00::7]:9000",
        "health_url": "https://[fd00::7]:9000/minio/health/live",
        "metrics_url": "https://[fd00::7]:9000/minio/v2/metrics/cluster",
    }, id="ipv6-bracketed-in-urls-only"),
    pytest.param("minio", "s3a", {
        "address": "objects.corp", "port": "9443", "scheme": "http",
        "health_path": "/ready", "metrics_path": "/stats",
    }, {
        "service": "minio", "host": "s3a", "address": "objects.corp", "port": 9443,
        "scheme": "http",
        "url": "http://objects.corp:9443",
        "health_url": "http://objects.corp:9443/ready",
        "metrics_url": "http://objects.corp:9443/stats",
    }, id="every-override"),
    pytest.param("minio", "s3a", {
        "address": "", "port": None, "scheme": "", "health_path": None, "metrics_path": "",
    }, {
        "service": "minio", "host": "s3a", "address": "10.0.0.5", "port": 9000, "scheme": "https",
        "url": "https://10.0.0.5:9000",
        "health_url": "https://10.0.0.5:9000/minio/health/live",
        "metrics_url": "https://10.0.0.5:9000/minio/v2/metrics/cluster",
    }, id="empty-overrides-keep-defaults"),
    pytest.param("keycloak", "aio", {"address": "[fd00::1]", "health_path": "/health"}, {
        "service": "keycloak", "host": "aio", "address": "[fd00::1]", "port": 8443,
        "scheme": "https", "url": "https://[fd00::1]:8443",
        "health_url": "https://[fd00::1]:8443/health", "metrics_url": None,
    }, id="bracketed-address-and-added-health-path"),
])
def test_endpoint(name, host, overrides, expected):
    assert call("endpoint", name, HOSTVARS[host], overrides) == expected


@pytest.mark.parametrize("host_vars, overrides, message", [
    (HOSTVARS["aio"], {"prot": 1}, r"unknown override\(s\) prot; allowed: address, port"),
    (HOSTVARS["aio"], "port=1", r"overrides must be a dict, got str"),
    (HOSTVARS["aio"], {"port": "https"}, r"port of minio must be an integer, got 'https'"),
    ({"ansible_host": "10.0.0.5"}, None, r"host_vars must be hostvars\[<host>\]"),
])
def test_endpoint_rejects_bad_input(host_vars, overrides, message):
    with pytest.raises(AnsibleFilterError, match=message):
        call("endpoint", "minio", host_vars, overrides)


@pytest.mark.parametrize("name, overrides, expected_urls", [
    ("minio", None, ["https://[fd00::7]:9000", "https://10.0.0.5:9000", "https://aio:9000"]),
    ("minio", {"port": 9443},
     ["https://[fd00::7]:9443", "https://10.0.0.5:9443", "https://aio:9443"]),
    ("node_exporter", None, ["https://aio:9100", "https://10.0.0.5:9100",
                             "https://[fd00::7]:9100", "https://db1.lan:9100"]),
    ("mlflow", None, ["https://aio:5000"]),
])
def test_endpoints_follow_inventory_order(name, overrides, expected_urls):
    found = call("endpoints", name, GROUPS, HOSTVARS, overrides)
    assert [endpoint["url"] for endpoint in found] == expected_urls
    assert found == [call("endpoint", name, HOSTVARS[e["host"]], overrides) for e in found]


@pytest.mark.parametrize("groups", [{}, {"mlox_minio": []}, {"mlox_minio": None}])
def test_endpoints_of_a_missing_or_empty_group_is_empty(groups):
    assert call("endpoints", "minio", groups, HOSTVARS) == []


@pytest.mark.parametrize("name, override, hostname", [
    ("minio", None, "s3.example.org"),
    ("minio_console", None, "minio.example.org"),
    ("keycloak", None, "auth.example.org"),
    ("mlflow", "", "mlflow.example.org"),
    ("mlflow", "ml.corp.example", "ml.corp.example"),
    ("postgresql", "db.example.org", "db.example.org"),
])
def test_public_hostname_and_url(name, override, hostname):
    assert call("public_hostname", name, "example.org", override) == hostname
    assert call("public_url", name, "example.org", override) == "https://" + hostname


@pytest.mark.parametrize("port, url", [
    (None, "https://mlflow.example.org"),
    ("", "https://mlflow.example.org"),
    (443, "https://mlflow.example.org"),
    ("443", "https://mlflow.example.org"),
    (9443, "https://mlflow.example.org:9443"),
    ("8443", "https://mlflow.example.org:8443"),
])
def test_public_url_names_a_port_other_than_https_own(port, url):
    assert call("public_url", "mlflow", "example.org", None, port) == url


@pytest.mark.parametrize("port", [0, 65536, "https", [443]])
def test_public_url_rejects_a_port_that_is_none(port):
    with pytest.raises(AnsibleFilterError, match="public port must be"):
        call("public_url", "mlflow", "example.org", None, port)


@pytest.mark.parametrize("filter_name", ["public_hostname", "public_url"])
def test_override_needs_no_domain(filter_name):
    assert call(filter_name, "mlflow", "", "ml.corp.example").endswith("ml.corp.example")


@pytest.mark.parametrize("filter_name", ["public_hostname", "public_url"])
@pytest.mark.parametrize("name, domain, message", [
    ("postgresql", "example.org", "service postgresql has no public hostname"),
    ("traefik_metrics", "example.org", "service traefik_metrics has no public hostname"),
    ("mlflow", "", "public hostname of mlflow needs a domain"),
    ("mlflow", None, "public hostname of mlflow needs a domain"),
])
def test_public_hostname_errors(filter_name, name, domain, message):
    with pytest.raises(AnsibleFilterError, match=message):
        call(filter_name, name, domain)


@pytest.mark.parametrize("host, domain, expected", [
    ("aio", "example.org", ALL_PUBLIC_HOSTNAMES),
    ("s3a", "example.org", ["minio.example.org", "s3.example.org"]),
    ("db1", "example.org", []),
    ("elsewhere", "example.org", []),
    ("aio", "", []),
    ("aio", None, []),
])
def test_public_hostnames(host, domain, expected):
    assert call("public_hostnames", host, GROUPS, domain) == expected


def test_an_edge_host_answers_for_every_service_of_the_stack():
    groups = {"mlox_traefik": ["edge"], "mlox_minio": ["s3a"], "mlox_mlflow": ["tracker"], "mlox_prometheus": []}
    assert call("public_hostnames", "edge", groups, "example.org") == [
        "minio.example.org", "mlflow.example.org", "s3.example.org", "traefik.example.org"]
    # The backends themselves keep only their own names.
    assert call("public_hostnames", "tracker", groups, "example.org") == ["mlflow.example.org"]
