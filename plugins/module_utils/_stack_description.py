# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The stack description: one short file that says which host runs which service.

problems() lists everything wrong with a description, inventory() turns a valid one into
groups, host variables and the variables of group `mlox`. Pure functions, so that the
mlox.stack.stack inventory plugin only publishes them and tests need no Ansible.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ansible_collections.mlox.stack.plugins.module_utils._minio_layout import layout_errors
from ansible_collections.mlox.stack.plugins.module_utils._services import SERVICES

STACK_GROUP = "mlox"
GPU_GROUP = "mlox_gpu"
GPU_LABEL = "gpu"

# A deployable service is one whose registry group is named after it; the others (minio_console,
# keycloak_management, oauth2_proxy, exporters, ...) run beside the service of their group.
DEPLOYABLE_SERVICES = tuple(sorted(
    name for name, record in SERVICES.items() if record["group"] == "%s_%s" % (STACK_GROUP, name)
))
SERVICE_GROUPS = {name: SERVICES[name]["group"] for name in DEPLOYABLE_SERVICES}
# Alertmanager is optional: Prometheus evaluates its rules without one.
REQUIRED_SERVICES = ("traefik", "keycloak", "mlflow", "minio", "postgresql", "prometheus")
# One edge terminates TLS for every public hostname; PostgreSQL runs without replication.
SINGLE_HOST_SERVICES = {
    "traefik": "the stack has a single edge",
    "postgresql": "the stack runs one PostgreSQL server, without replication",
}

TLS_MODES = ("internal", "acme", "provided")
DEFAULTS = {"name": "mlox", "tls_mode": "internal"}
TOP_LEVEL_KEYS = ("name", "domain", "tls_mode", "vars", "hosts")
HOST_KEYS = ("address", "user", "connection", "labels", "services", "vars")

# Each of these variables is set from a key of the description, so that it has one place only.
STACK_VARIABLES = {"mlox_stack_name": "name", "mlox_domain": "domain", "mlox_tls_mode": "tls_mode"}
CONNECTION_VARIABLES = {
    "ansible_host": "address",
    "ansible_user": "user",
    "ansible_connection": "connection",
}
HOST_VARIABLES = dict(CONNECTION_VARIABLES, mlox_labels="labels")

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_DNS_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN = re.compile(r"^%s(\.%s)+$" % (_DNS_LABEL, _DNS_LABEL))


def _yaml_type(value):
    """Name the YAML type of `value` (Ansible hands over subclasses of the Python types)."""
    for python_type, name in ((bool, "a boolean"), (str, "a string"), (int, "a number"),
                              (float, "a number"), (Mapping, "a mapping"), (list, "a list")):
        if isinstance(value, python_type):
            return name
    return "null" if value is None else type(value).__name__


def _is_text(value):
    return isinstance(value, str) and value.strip() != ""


def _hosts(description):
    """Return the hosts mapping as {name: settings}, a host without settings as {}."""
    hosts = description.get("hosts")
    if not isinstance(hosts, Mapping):
        return {}
    return {name: (settings if settings is not None else {}) for name, settings in hosts.items()}


def _services_by_host(hosts):
    """Return {host: [services]}; one host without a services key runs every service."""
    if len(hosts) == 1:
        (name, settings), = hosts.items()
        if isinstance(settings, Mapping) and "services" not in settings:
            return {name: list(DEPLOYABLE_SERVICES)}
    services_by_host = {}
    for name, settings in hosts.items():
        services = settings.get("services") if isinstance(settings, Mapping) else None
        services_by_host[name] = [
            service for service in services
            if isinstance(service, str) and service in SERVICE_GROUPS
        ] if isinstance(services, list) else []
    return services_by_host


def _reserved_variable_problems(where, variables, reserved):
    return [
        "%s.%s: set it with the key %s instead, so that it has one place" % (where, variable, key)
        for variable, key in reserved.items() if variable in variables
    ]


def _vars_problems(where, variables, reserved):
    if variables is None:
        return []
    if not isinstance(variables, Mapping):
        return ["%s must be a mapping of variable names to values, got %s"
                % (where, _yaml_type(variables))]
    problems = ["%s: variable name %r must be a string" % (where, name)
                for name in variables if not isinstance(name, str)]
    return problems + _reserved_variable_problems(where, variables, reserved)


def _top_level_problems(description):
    problems = [
        "unknown top-level key %r; the keys are plugin, %s" % (key, ", ".join(TOP_LEVEL_KEYS))
        for key in description if key not in TOP_LEVEL_KEYS
    ]
    name = description.get("name", DEFAULTS["name"])
    if not (isinstance(name, str) and _NAME.match(name)):
        problems.append(
            "name: %r must start with a letter or digit and hold only letters, digits, '.', '_'"
            " and '-' (it names the secrets directory); the default is %s"
            % (name, DEFAULTS["name"])
        )
    domain = description.get("domain")
    if domain is None or domain == "":
        problems.append("domain is missing; set it to the DNS domain of the public hostnames,"
                        " such as ml.example.org")
    elif not (isinstance(domain, str) and _DOMAIN.match(domain)):
        problems.append("domain: %r is not a DNS domain; set it to one such as ml.example.org"
                        % (domain,))
    tls_mode = description.get("tls_mode", DEFAULTS["tls_mode"])
    if tls_mode not in TLS_MODES:
        problems.append("tls_mode: %r is not one of %s; the default is %s"
                        % (tls_mode, ", ".join(TLS_MODES), DEFAULTS["tls_mode"]))
    problems.extend(_vars_problems("vars", description.get("vars"), STACK_VARIABLES))
    hosts = description.get("hosts")
    if not isinstance(hosts, Mapping) or not hosts:
        problems.append("hosts is missing or empty; give a mapping of host names to their"
                        " settings (address, user, connection, labels, services, vars)")
    return problems


def _string_list_problems(where, values, what):
    if not isinstance(values, list):
        return ["%s must be a list of %s, got %s" % (where, what, _yaml_type(values))]
    return ["%s: %r is not a %s; write each as a non-empty string" % (where, value, what[:-1])
            for value in values if not _is_text(value)]


def _host_problems(name, settings):
    where = "hosts.%s" % name
    if not isinstance(name, str) or not _is_text(name) or name != name.strip():
        return ["hosts: host name %r must be a non-empty string without surrounding spaces"
                % (name,)]
    if not isinstance(settings, Mapping):
        return ["%s must be a mapping of its settings (%s), got %s"
                % (where, ", ".join(HOST_KEYS), _yaml_type(settings))]
    problems = [
        "unknown key %r in %s; the keys of a host are %s" % (key, where, ", ".join(HOST_KEYS))
        for key in settings if key not in HOST_KEYS
    ]
    for key in ("address", "user", "connection"):
        if key in settings and not _is_text(settings[key]):
            problems.append("%s.%s: %r must be a non-empty string" % (where, key, settings[key]))
    if "labels" in settings:
        problems.extend(_string_list_problems(where + ".labels", settings["labels"], "labels"))
    services = settings.get("services")
    if "services" in settings:
        problems.extend(_string_list_problems(where + ".services", services, "service names"))
    if isinstance(services, list):
        seen = set()
        for service in services:
            if not _is_text(service):
                continue
            if service not in SERVICE_GROUPS:
                problems.append("%s.services: unknown service %r; the services are %s"
                                % (where, service, ", ".join(DEPLOYABLE_SERVICES)))
            elif service in seen:
                problems.append("%s.services lists %s twice; list it once" % (where, service))
            seen.add(service)
    reserved = dict(HOST_VARIABLES, **STACK_VARIABLES)
    problems.extend(_vars_problems(where + ".vars", settings.get("vars"), reserved))
    return problems


def _placement_problems(services_by_host):
    problems = []
    for service in REQUIRED_SERVICES:
        if not any(service in services for services in services_by_host.values()):
            problems.append(
                "no host runs %s; add it to the services of a host (every stack needs %s)"
                % (service, ", ".join(REQUIRED_SERVICES))
            )
    for service, reason in SINGLE_HOST_SERVICES.items():
        hosts = [host for host, services in services_by_host.items() if service in services]
        if len(hosts) > 1:
            problems.append("%s is listed on %s; %s: list %s on one host only"
                            % (service, ", ".join(hosts), reason, service))
    return problems


def _templated(value):
    if isinstance(value, str):
        return "{{" in value or "{%" in value
    return isinstance(value, list) and any(_templated(item) for item in value)


def minio_drives_by_host(description, minio_default_drives):
    """Return {host: drives} of the MinIO hosts, in file order; the drives are the host's
    vars.minio_drives, else the stack's vars.minio_drives, else `minio_default_drives`."""
    hosts = _hosts(description)
    stack_vars = description.get("vars") if isinstance(description.get("vars"), Mapping) else {}
    fallback = stack_vars.get("minio_drives", minio_default_drives)
    drives = {}
    for host, services in _services_by_host(hosts).items():
        if "minio" in services:
            host_vars = hosts[host].get("vars")
            host_vars = host_vars if isinstance(host_vars, Mapping) else {}
            drives[host] = host_vars.get("minio_drives", fallback)
    return drives


def _minio_problems(description, minio_default_drives):
    drives = minio_drives_by_host(description, minio_default_drives)
    # Templated drives are known only when a play runs; the minio role checks them then.
    if not drives or any(value is None or _templated(value) for value in drives.values()):
        return []
    return ["MinIO drive layout (vars.minio_drives of the minio hosts): %s" % error
            for error in layout_errors(drives)]


def problems(description, minio_default_drives=None):
    """Return every problem of `description` (the parsed file without Ansible's own keys such
    as plugin and the constructed options), each naming its key and the fix; [] when valid.

    `minio_default_drives` is the minio role's default of minio_drives, for MinIO hosts that set
    none; None leaves the drive layout of such hosts unchecked.
    """
    if not isinstance(description, Mapping):
        return ["the stack description must be a mapping of keys (%s), got %s"
                % (", ".join(TOP_LEVEL_KEYS), _yaml_type(description))]
    found = _top_level_problems(description)
    hosts = _hosts(description)
    for name, settings in hosts.items():
        found.extend(_host_problems(name, settings))
    if hosts:
        found.extend(_placement_problems(_services_by_host(hosts)))
    return found + _minio_problems(description, minio_default_drives)


def inventory(description):
    """Return {groups, hostvars, vars} of a valid `description`.

    groups maps every group (mlox, each service's group, mlox_gpu) to its hosts in file order;
    the service groups and mlox_gpu are the children of mlox. vars are the variables of mlox.
    """
    errors = problems(description)
    if errors:
        raise ValueError("\n".join(errors))
    hosts = _hosts(description)
    services_by_host = _services_by_host(hosts)
    groups = {STACK_GROUP: list(hosts)}
    for service in DEPLOYABLE_SERVICES:
        groups[SERVICE_GROUPS[service]] = [
            host for host, services in services_by_host.items() if service in services
        ]
    groups[GPU_GROUP] = [
        host for host, settings in hosts.items() if GPU_LABEL in (settings.get("labels") or [])
    ]
    hostvars = {}
    for host, settings in hosts.items():
        variables = {
            variable: settings[key]
            for variable, key in CONNECTION_VARIABLES.items() if key in settings
        }
        variables["mlox_labels"] = list(settings.get("labels") or [])
        variables.update(settings.get("vars") or {})
        hostvars[host] = variables
    stack_vars = {
        variable: description.get(key, DEFAULTS.get(key))
        for variable, key in STACK_VARIABLES.items()
    }
    stack_vars.update(description.get("vars") or {})
    return {"groups": groups, "hostvars": hostvars, "vars": stack_vars}
