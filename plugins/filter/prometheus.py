# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters of the prometheus role: the scrape jobs of the stack, from the inventory through the
service registry; checks of the team's own scrape jobs; alert rules with their `for:` changed."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping

from ansible_collections.mlox.stack.plugins.module_utils import _services
from ansible_collections.mlox.stack.plugins.plugin_utils import _filters

# job name -> (service of the registry, the role variable that moves its port on a host,
#              credentials file: how Prometheus proves who it is)
STACK_JOBS = {
    "prometheus": ("prometheus", "prometheus_port", "basic_auth:prometheus"),
    "alertmanager": ("alertmanager", "alertmanager_port", "basic_auth:alertmanager"),
    "node": ("node_exporter", "node_exporter_port", "basic_auth:node_exporter"),
    "minio": ("minio", "minio_port", "bearer:minio"),
    "traefik": ("traefik_metrics", "traefik_metrics_port", None),
    "keycloak": ("keycloak_management", "keycloak_management_port", None),
    "mlflow": ("mlflow", "mlflow_port", "basic_auth:mlflow"),
    "postgresql": ("postgres_exporter", "postgres_exporter_port", None),
    "gpu": ("gpu_exporter", "gpu_exporter_port", None),
}
BLACKBOX_JOB = "blackbox"
PROBE_JOB = "https_probes"
PROBE_MODULE = "tls_connect"

# The keys of a scrape_config that Prometheus 3 knows (docs: configuration/configuration.md),
# besides every `<name>_sd_configs`. Prometheus itself refuses others when it loads the file;
# checking them here stops a run before anything changes.
SCRAPE_CONFIG_KEYS = frozenset("""
job_name scrape_interval scrape_timeout scrape_protocols fallback_scrape_protocol
scrape_failure_log_file scrape_native_histograms always_scrape_classic_histograms
scrape_classic_histograms convert_classic_histograms_to_nhcb metrics_path honor_labels
honor_timestamps track_timestamps_staleness scheme params enable_compression body_size_limit
sample_limit label_limit label_name_length_limit label_value_length_limit target_limit
keep_dropped_targets metric_name_validation_scheme metric_name_escaping_scheme
native_histogram_bucket_limit native_histogram_min_bucket_factor relabel_configs
metric_relabel_configs static_configs basic_auth authorization oauth2 follow_redirects
enable_http2 tls_config proxy_url no_proxy proxy_from_environment proxy_connect_header
http_headers extra_scrape_metrics
""".split())
_SD_KEY = re.compile(r"^[a-z0-9]+_sd_configs$")


def _host_port(endpoint):
    return endpoint["url"].split("://", 1)[1]


def _credentials(kind, credentials_dir, users):
    if kind is None:
        return {}
    method, name = kind.split(":")
    if method == "bearer":
        return {"authorization": {"type": "Bearer", "credentials_file": "%s/%s_token" % (credentials_dir, name)}}
    # No user: the service reads its metrics out without sign-in (MLflow with OIDC does).
    if not users[name]:
        return {}
    return {"basic_auth": {"username": users[name], "password_file": "%s/%s_password" % (credentials_dir, name)}}


def _job(name, targets, tls_config, extra=None):
    job = {"job_name": name, "scheme": "https", "tls_config": dict(tls_config)}
    job.update(extra or {})
    job["static_configs"] = targets
    return job


def _stack_job(job_name, groups, hostvars, settings):
    service, port_variable, kind = STACK_JOBS[job_name]
    record = _services.service(service)
    targets = []
    for host in groups.get(record["group"]) or []:
        endpoint = _services.endpoint(service, hostvars[host], {"port": hostvars[host].get(port_variable)})
        targets.append({"targets": [_host_port(endpoint)], "labels": {"instance": host}})
    if not targets:
        return None
    extra = {"metrics_path": record["metrics_path"]}
    extra.update(_credentials(kind, settings["credentials_dir"], settings.get("users") or {}))
    return _job(job_name, targets, {"ca_file": settings["ca_file"]}, extra)


def probe_targets(groups, domain, extra=(), port=None):
    """The `host:port` targets of the HTTPS probes: the public hostname of every stack service
    that has hosts, when an edge (the group of `traefik`) serves them, on the edge's public `port`
    (default the registry's), then `extra`."""
    edge = _services.SERVICES["traefik"]
    edge_hosts = groups.get(edge["group"]) or []
    names = _services.public_hostnames(edge_hosts[0], groups, domain) if edge_hosts else []
    targets = ["%s:%d" % (name, int(port or edge["port"])) for name in names]
    return targets + [target for target in extra if target not in targets]


def prometheus_scrape_configs(groups, hostvars, settings):
    """The scrape jobs of the stack for one Prometheus host (see prometheus_scrape_configs.yml)."""
    if not isinstance(settings, Mapping):
        raise ValueError("settings must be a dict, got %s" % type(settings).__name__)
    for key in ("ca_file", "credentials_dir"):
        if not settings.get(key):
            raise ValueError("settings.%s is required" % key)
    jobs = [_stack_job(name, groups, hostvars, settings) for name in STACK_JOBS]
    jobs = [job for job in jobs if job is not None]
    blackbox = settings.get("blackbox")
    if blackbox:
        tls_config = {"ca_file": settings["ca_file"], "server_name": blackbox["server_name"]}
        address = _services.base_url("https", blackbox["address"], int(blackbox["port"])).split("://", 1)[1]
        jobs.append(_job(BLACKBOX_JOB, [{"targets": [address], "labels": {"instance": blackbox["host"]}}],
                         tls_config, {"metrics_path": "/metrics"}))
        targets = probe_targets(groups, settings.get("domain"), settings.get("probe_targets_extra") or [],
                                settings.get("public_port"))
        if targets:
            jobs.append(_job(PROBE_JOB, [{"targets": targets}], tls_config, {
                "metrics_path": "/probe",
                "params": {"module": [PROBE_MODULE]},
                "relabel_configs": [
                    {"source_labels": ["__address__"], "target_label": "__param_target"},
                    {"source_labels": ["__param_target"], "target_label": "instance"},
                    {"target_label": "__address__", "replacement": address},
                ],
            }))
    return jobs


def prometheus_scrape_config_errors(extra, variable):
    """What is wrong with the team's own scrape jobs `extra`, each message naming `variable`."""
    if not isinstance(extra, list):
        return ["%s must be a list of scrape configs, got %s" % (variable, type(extra).__name__)]
    errors = []
    names = set(STACK_JOBS) | {BLACKBOX_JOB, PROBE_JOB}
    for index, job in enumerate(extra):
        where = "%s[%d]" % (variable, index)
        if not isinstance(job, Mapping):
            errors.append("%s must be a dict (a Prometheus scrape_config), got %r" % (where, job))
            continue
        unknown = sorted(key for key in job if key not in SCRAPE_CONFIG_KEYS and not _SD_KEY.match(str(key)))
        if unknown:
            errors.append("%s has keys Prometheus does not know: %s" % (where, ", ".join(map(str, unknown))))
        name = job.get("job_name")
        if not isinstance(name, str) or not name:
            errors.append("%s needs a job_name" % where)
        elif name in names:
            errors.append("%s: job_name %r is taken (stack jobs and earlier entries: %s)"
                          % (where, name, ", ".join(sorted(names))))
        else:
            names.add(name)
    return errors


def prometheus_rules_with_for(document, overrides):
    """A rule file's `document` (groups: [...]) with the `for:` of the alerts named in
    `overrides` (alert name -> duration) replaced; the input is left unchanged."""
    overrides = overrides or {}
    result = copy.deepcopy(document)
    for group in result.get("groups") or []:
        for rule in group.get("rules") or []:
            if rule.get("alert") in overrides:
                rule["for"] = overrides[rule["alert"]]
    return result


def prometheus_alert_names(documents):
    """The alert names of rule file documents, in order."""
    return [rule["alert"] for document in documents for group in document.get("groups") or []
            for rule in group.get("rules") or [] if "alert" in rule]


class FilterModule:
    def filters(self):
        return _filters.filters({
            "prometheus_scrape_configs": prometheus_scrape_configs,
            "prometheus_scrape_config_errors": prometheus_scrape_config_errors,
            "prometheus_rules_with_for": prometheus_rules_with_for,
            "prometheus_alert_names": prometheus_alert_names,
        })
