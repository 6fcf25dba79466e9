# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The service registry: the one place that knows each service's defaults.

Every port, scheme, public hostname prefix, health path and metrics path of
the stack is defined here once. Roles read these values through the
mlox.stack.endpoint filter family, and every value can be overridden by the
user. The helpers are pure functions raising ValueError, so that filters,
modules and tests can share them.
"""

from __future__ import annotations

from collections.abc import Mapping

SERVICES = {
    "node_exporter": {
        "group": "mlox",
        "port": 9100,
        "scheme": "https",
        "hostname_prefix": None,
        "health_path": "/",
        "metrics_path": "/metrics",
    },
    "minio": {
        "group": "mlox_minio",
        "port": 9000,
        "scheme": "https",
        "hostname_prefix": "s3",
        "health_path": "/minio/health/live",
        "metrics_path": "/minio/v2/metrics/cluster",
    },
    "minio_console": {
        "group": "mlox_minio",
        "port": 9001,
        "scheme": "https",
        "hostname_prefix": "minio",
        "health_path": "/",
        "metrics_path": None,
    },
    "postgresql": {
        "group": "mlox_postgresql",
        "port": 5432,
        "scheme": "postgresql",
        "hostname_prefix": None,
        "health_path": None,
        "metrics_path": None,
    },
    "keycloak": {
        "group": "mlox_keycloak",
        "port": 8443,
        "scheme": "https",
        "hostname_prefix": "auth",
        "health_path": None,
        "metrics_path": None,
    },
    # Upstream's management port is 9000, which is MinIO's S3 port; an
    # all-in-one host runs both services.
    "keycloak_management": {
        "group": "mlox_keycloak",
        "port": 9002,
        "scheme": "https",
        "hostname_prefix": None,
        "health_path": "/health/ready",
        "metrics_path": "/metrics",
    },
    "mlflow": {
        "group": "mlox_mlflow",
        "port": 5000,
        "scheme": "https",
        "hostname_prefix": "mlflow",
        "health_path": "/health",
        "metrics_path": "/metrics",
    },
    "prometheus": {
        "group": "mlox_prometheus",
        "port": 9090,
        "scheme": "https",
        "hostname_prefix": "prometheus",
        "health_path": "/-/ready",
        "metrics_path": "/metrics",
    },
    "alertmanager": {
        "group": "mlox_alertmanager",
        "port": 9093,
        "scheme": "https",
        "hostname_prefix": "alertmanager",
        "health_path": "/-/ready",
        "metrics_path": "/metrics",
    },
    "traefik": {
        "group": "mlox_traefik",
        "port": 443,
        "scheme": "https",
        "hostname_prefix": "traefik",
        "health_path": None,
        "metrics_path": None,
    },
    # oauth2-proxy runs next to Traefik on the edge hosts; only Traefik talks to it.
    "oauth2_proxy": {
        "group": "mlox_traefik",
        "port": 4180,
        "scheme": "https",
        "hostname_prefix": None,
        "health_path": "/ping",
        "metrics_path": None,
    },
    # Prometheus probes HTTPS endpoints through it, on the Prometheus hosts.
    "blackbox_exporter": {
        "group": "mlox_prometheus",
        "port": 9115,
        "scheme": "https",
        "hostname_prefix": None,
        "health_path": "/-/healthy",
        "metrics_path": "/metrics",
    },
    # Alertmanager peers gossip with each other here (TCP, mutual TLS).
    "alertmanager_cluster": {
        "group": "mlox_alertmanager",
        "port": 9094,
        "scheme": "tcp",
        "hostname_prefix": None,
        "health_path": None,
        "metrics_path": None,
    },
    "postgres_exporter": {
        "group": "mlox_postgresql",
        "port": 9187,
        "scheme": "https",
        "hostname_prefix": None,
        "health_path": "/",
        "metrics_path": "/metrics",
    },
    "gpu_exporter": {
        "group": "mlox_gpu",
        "port": 9835,
        "scheme": "https",
        "hostname_prefix": None,
        "health_path": "/",
        "metrics_path": "/metrics",
    },
    "traefik_metrics": {
        "group": "mlox_traefik",
        "port": 8082,
        "scheme": "https",
        "hostname_prefix": None,
        "health_path": "/ping",
        "metrics_path": "/metrics",
    },
}

ENDPOINT_OVERRIDES = ("address", "port", "scheme", "health_path", "metrics_path")


def service(name):
    """Return a copy of the record of service `name`, with its name added."""
    try:
        record = SERVICES[name]
    except (KeyError, TypeError):
        raise ValueError(
            "unknown service %r; known services: %s" % (name, ", ".join(sorted(SERVICES)))
        ) from None
    return dict(record, name=name)


def base_url(scheme, address, port):
    """Return `scheme://address:port`, with brackets around an IPv6 literal."""
    # Only IPv6 literals contain a colon; hostnames and IPv4 addresses cannot.
    if ":" in address and not address.startswith("["):
        address = "[%s]" % address
    return "%s://%s:%d" % (scheme, address, port)


def _given_overrides(overrides):
    """Return the overrides that carry a value; None and "" mean "keep the default"."""
    if overrides is None:
        return {}
    if not isinstance(overrides, Mapping):
        raise ValueError("overrides must be a dict, got %s" % type(overrides).__name__)
    unknown = sorted(set(overrides) - set(ENDPOINT_OVERRIDES))
    if unknown:
        raise ValueError(
            "unknown override(s) %s; allowed: %s"
            % (", ".join(unknown), ", ".join(ENDPOINT_OVERRIDES))
        )
    return {key: value for key, value in overrides.items() if value not in (None, "")}


def endpoint(name, host_vars, overrides=None):
    """Describe how to reach service `name` on the host whose variables are `host_vars`."""
    record = dict(service(name), **_given_overrides(overrides))
    host = host_vars.get("inventory_hostname")
    if not host:
        raise ValueError("host_vars must be hostvars[<host>]; it has no inventory_hostname")
    address = str(record.get("address") or host_vars.get("ansible_host") or host)
    try:
        port = int(record["port"])
    except (TypeError, ValueError):
        raise ValueError("port of %s must be an integer, got %r" % (name, record["port"])) from None
    url = base_url(record["scheme"], address, port)
    return {
        "service": name,
        "host": host,
        "address": address,
        "port": port,
        "scheme": record["scheme"],
        "url": url,
        "health_url": None if record["health_path"] is None else url + record["health_path"],
        "metrics_url": None if record["metrics_path"] is None else url + record["metrics_path"],
    }


def endpoints(name, groups, hostvars, overrides=None):
    """Return endpoint() for every host of the service's group, in inventory order."""
    hosts = groups.get(service(name)["group"]) or []
    return [endpoint(name, hostvars[host], overrides) for host in hosts]


def public_hostname(name, domain, override=None):
    """Return `<prefix>.<domain>` for service `name`, or `override` when given."""
    prefix = service(name)["hostname_prefix"]
    if override:
        return override
    if prefix is None:
        raise ValueError("service %s has no public hostname; give one explicitly" % name)
    if not domain:
        raise ValueError("the public hostname of %s needs a domain, got an empty one" % name)
    return "%s.%s" % (prefix, domain)


def public_url(name, domain, override=None, port=None):
    """Return the public HTTPS URL of service `name`; `port` is the edge's public port, named in
    the URL when it is not HTTPS's own (443)."""
    url = "https://" + public_hostname(name, domain, override)
    if port in (None, ""):
        return url
    try:
        number = int(port)
    except (TypeError, ValueError):
        raise ValueError("the public port must be a TCP port number, got %r" % (port,))
    if not 1 <= number <= 65535:
        raise ValueError("the public port must be between 1 and 65535, got %d" % number)
    return url if number == 443 else "%s:%d" % (url, number)


def public_hostnames(host, groups, domain):
    """Return the sorted public hostnames that `host` answers for: those of every service that
    runs on it, and on an edge host (group of `traefik`) those of every service of the stack,
    since the edge terminates TLS for all of them."""
    if not domain:
        return []
    edge = host in groups.get(SERVICES["traefik"]["group"], ())
    return sorted({
        public_hostname(name, domain)
        for name, record in SERVICES.items()
        if record["hostname_prefix"]
        and (host in groups.get(record["group"], ()) or (edge and groups.get(record["group"])))
    })
