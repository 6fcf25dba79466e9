# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters of the traefik role: the routes of the edge, from the inventory through the service
registry plus the team's own, checked before any of them is written."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ansible_collections.mlox.stack.plugins.module_utils import _services
from ansible_collections.mlox.stack.plugins.plugin_utils import _filters

# The stack services the edge publishes, and how: UIs without a login of their own sit behind
# forward auth (oauth2-proxy). `paths` are the path prefixes a route publishes (none: every path),
# `refused_paths` regular expressions (Go RE2) of paths it refuses even under those prefixes.
# Keycloak publishes what users and OIDC clients need (upstream's "exposed path
# recommendations"): never the admin console and admin API (/admin/), nor the master realm, where
# the admins sign in (its endpoints, with ;parameters, and its RFC 8414 metadata).
# The MinIO console asks for MinIO credentials itself, but the pinned release has no sign-in
# through an identity provider, so the realm's sign-in guards it too. MLflow's metrics are for
# Prometheus, which scrapes MLflow's own port.
STACK_ROUTES = {
    "minio": {"auth": "none"},
    "minio_console": {"auth": "forward"},
    "mlflow": {"auth": "none", "refused_paths": [r"^/metrics(/|$)"]},
    "keycloak": {
        "auth": "none",
        "paths": ["/realms/", "/resources/", "/.well-known/"],
        "refused_paths": [r"(?i)^(/\.well-known/[^/]+)?/realms/master([/;]|$)"],
    },
    "prometheus": {"auth": "forward"},
    "alertmanager": {"auth": "forward"},
}
AUTH_MODES = ("none", "forward")
ROUTE_KEYS = {"name", "hostname", "urls", "auth", "health_path", "paths", "refused_paths"}
OVERRIDE_KEYS = {"enabled", "hostname", "urls", "auth", "health_path", "paths", "refused_paths"}
DASHBOARD = "traefik"
# Router and service names become file-provider keys and label a route in every message.
_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", re.IGNORECASE)
# Paths go into router rules between backticks: printable ASCII without backtick or space.
_PATH = re.compile(r"^/[!-_a-~]*$")


def is_dns_name(value):
    """True for a fully qualified DNS name of at least two labels (RFC 1123, no trailing dot)."""
    if not isinstance(value, str) or len(value) > 253:
        return False
    labels = value.split(".")
    return len(labels) >= 2 and all(_LABEL.match(label) for label in labels)


def _url_error(url):
    if not isinstance(url, str):
        return "backend URL %r is not a string" % (url,)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "backend URL %r must be http:// or https:// with a host" % url
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return "backend URL %r must have no path (routes forward the request path as it is)" % url
    return None


def _route_errors(route, where):
    errors = []
    if not is_dns_name(route.get("hostname")):
        errors.append("%s: hostname %r is not a DNS name such as app.example.org" % (where, route.get("hostname")))
    if route.get("auth", "none") not in AUTH_MODES:
        errors.append("%s: auth must be one of %s, got %r" % (where, ", ".join(AUTH_MODES), route.get("auth")))
    if "urls" in route:
        urls = route["urls"]
        if not isinstance(urls, list) or not urls:
            errors.append("%s: urls must be a non-empty list of backend URLs" % where)
        else:
            errors.extend("%s: %s" % (where, error) for error in map(_url_error, urls) if error)
    health_path = route.get("health_path", "/")
    if not isinstance(health_path, str) or not health_path.startswith("/"):
        errors.append("%s: health_path must start with /, got %r" % (where, health_path))
    errors.extend(_paths_errors(route, where))
    return errors


def _paths_errors(route, where):
    errors = []
    paths = route.get("paths", [])
    if not isinstance(paths, list) or not all(isinstance(path, str) and _PATH.match(path) for path in paths):
        errors.append("%s: paths must be a list of path prefixes such as /api/ (printable, no spaces or backticks),"
                      " got %r" % (where, paths))
    refused = route.get("refused_paths", [])
    if not isinstance(refused, list):
        return errors + ["%s: refused_paths must be a list of regular expressions, got %r" % (where, refused)]
    for pattern in refused:
        if not isinstance(pattern, str) or not pattern or "`" in pattern or not pattern.isprintable():
            errors.append("%s: refused_paths takes regular expressions without backticks or control characters,"
                          " got %r" % (where, pattern))
            continue
        try:
            re.compile(pattern)
        except re.error as error:
            errors.append("%s: refused_paths: %r is not a regular expression (%s)" % (where, pattern, error))
    return errors


def traefik_route_errors(extra_routes, overrides=None):
    """Return one message per problem of `traefik_extra_routes` and `traefik_route_overrides`."""
    errors = []
    if not isinstance(extra_routes, list):
        return ["traefik_extra_routes must be a list of routes"]
    seen = set()
    for index, route in enumerate(extra_routes):
        where = "traefik_extra_routes[%d]" % index
        if not isinstance(route, dict) or not isinstance(route.get("name"), str) or not _NAME.match(route["name"]):
            errors.append("%s: every route needs a name of lower-case letters, digits and dashes" % where)
            continue
        where = "traefik_extra_routes (route %s)" % route["name"]
        if route["name"] in seen or route["name"] in STACK_ROUTES or route["name"] == DASHBOARD:
            errors.append("%s: the name is taken; every route needs its own" % where)
        seen.add(route["name"])
        unknown = sorted(set(route) - ROUTE_KEYS)
        if unknown:
            errors.append("%s: unknown keys %s; known: %s" % (where, ", ".join(unknown), ", ".join(sorted(ROUTE_KEYS))))
        if "urls" not in route:
            errors.append("%s: urls, the backend URLs, are required" % where)
        errors.extend(_route_errors(route, where))
    if not isinstance(overrides, dict):
        return errors + (["traefik_route_overrides must be a dict keyed by service"] if overrides is not None else [])
    for service, override in overrides.items():
        where = "traefik_route_overrides.%s" % service
        if service not in STACK_ROUTES:
            errors.append("%s: no such route of the stack; known: %s" % (where, ", ".join(sorted(STACK_ROUTES))))
            continue
        if not isinstance(override, dict):
            errors.append("%s must be a dict" % where)
            continue
        unknown = sorted(set(override) - OVERRIDE_KEYS)
        if unknown:
            errors.append("%s: unknown keys %s; known: %s" % (where, ", ".join(unknown), ", ".join(sorted(OVERRIDE_KEYS))))
        errors.extend(_route_errors(dict({"hostname": "checked.below"}, **override), where))
    return errors


def traefik_routes(groups, hostvars, domain, overrides=None, extra_routes=None, dashboard=False):
    """Return the routes of the edge: one per stack service that has hosts, then the dashboard
    (when enabled), then the team's own routes.

    Each route: name, hostname, urls (backends; empty for the dashboard, served by Traefik
    itself), auth (none or forward), health_path (what the role asks after a change), paths (the
    path prefixes it publishes; empty: all) and refused_paths (regular expressions of paths it
    refuses).
    """
    overrides = overrides or {}
    extra_routes = extra_routes or []
    errors = traefik_route_errors(extra_routes, overrides)
    if errors:
        raise ValueError("; ".join(errors))
    routes = []
    for name, defaults in STACK_ROUTES.items():
        override = overrides.get(name, {})
        endpoints = _services.endpoints(name, groups, hostvars)
        if not override.get("enabled", True) or not (endpoints or override.get("urls")):
            continue
        record = _services.service(name)
        paths = list(override.get("paths", defaults.get("paths", [])))
        routes.append({
            "name": name.replace("_", "-"),
            "hostname": _services.public_hostname(name, domain, override.get("hostname")),
            "urls": list(override.get("urls") or [endpoint["url"] for endpoint in endpoints]),
            "auth": override.get("auth", defaults["auth"]),
            # A published path: the check after a change then reaches the backend.
            "health_path": override.get("health_path", record["health_path"] or (paths[:1] or ["/"])[0]),
            "paths": paths,
            "refused_paths": list(override.get("refused_paths", defaults.get("refused_paths", []))),
        })
    if dashboard:
        routes.append({
            "name": DASHBOARD,
            "hostname": _services.public_hostname(DASHBOARD, domain),
            "urls": [],
            "auth": "forward",
            "health_path": "/dashboard/",
            "paths": [],
            "refused_paths": [],
        })
    for route in extra_routes:
        routes.append({
            "name": route["name"],
            "hostname": route["hostname"],
            "urls": list(route["urls"]),
            "auth": route.get("auth", "none"),
            "health_path": route.get("health_path", (route.get("paths", [])[:1] or ["/"])[0]),
            "paths": list(route.get("paths", [])),
            "refused_paths": list(route.get("refused_paths", [])),
        })
    taken = {}
    for route in routes:
        hostname = route["hostname"].lower()
        if hostname in taken:
            raise ValueError("routes %s and %s both claim the hostname %s" % (taken[hostname], route["name"], hostname))
        taken[hostname] = route["name"]
    return routes


FILTERS = {
    "traefik_route_errors": traefik_route_errors,
    "traefik_routes": traefik_routes,
}


class FilterModule:
    def filters(self):
        return _filters.filters(FILTERS)
