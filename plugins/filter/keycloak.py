# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters of the keycloak role: OIDC client entries as the role documents them, checked, and
turned into the parameters of community.general.keycloak_client."""

from __future__ import annotations

from ansible_collections.mlox.stack.plugins.plugin_utils import _filters


_TOKEN_CLAIMS = {
    "id.token.claim": "true",
    "access.token.claim": "true",
    "userinfo.token.claim": "true",
}

# The claims a client can ask for, by the name its `mappers` list uses.
MAPPERS = {
    # Group names without path, as mlflow-oidc-auth and oauth2-proxy match them.
    "groups": {
        "protocolMapper": "oidc-group-membership-mapper",
        "config": dict(_TOKEN_CLAIMS, **{"claim.name": "groups", "full.path": "false"}),
    },
    # A client id in `aud` of the access token: the client's own (oauth2-proxy and MinIO check
    # it), or the one its `audience` names (tokens a script gets for MLflow).
    "audience": {
        "protocolMapper": "oidc-audience-mapper",
        # All three keys: Keycloak stores a missing one as "false" when it creates the mapper.
        "config": {"id.token.claim": "false", "access.token.claim": "true", "userinfo.token.claim": "false"},
    },
    # MinIO policies from the `policy` attribute of the user and the user's groups.
    "policy": {
        "protocolMapper": "oidc-usermodel-attribute-mapper",
        "config": dict(
            _TOKEN_CLAIMS,
            **{
                "user.attribute": "policy",
                "claim.name": "policy",
                "jsonType.label": "String",
                "multivalued": "true",
                "aggregate.attrs": "true",
            }
        ),
    },
}

FLAGS = {
    "public": ("public_client", False),
    "standard_flow": ("standard_flow_enabled", True),
    "direct_access_grants": ("direct_access_grants_enabled", False),
    "service_accounts": ("service_accounts_enabled", False),
}
KEYS = {"client_id", "name", "description", "redirect_uris", "web_origins", "mappers", "audience", "secret", "state"}
KEYS.update(FLAGS)


def keycloak_client_errors(clients, variable="keycloak_clients_extra"):
    """Return one message per problem of the client entries; empty when all are usable."""
    if not isinstance(clients, list):
        return ["%s must be a list of client entries" % variable]
    errors = []
    seen = set()
    for index, client in enumerate(clients):
        where = "%s[%d]" % (variable, index)
        if not isinstance(client, dict) or not client.get("client_id"):
            errors.append("%s: every client needs a client_id" % where)
            continue
        where = "%s (client %s)" % (variable, client["client_id"])
        if client["client_id"] in seen:
            errors.append("%s: client_id given twice" % where)
        seen.add(client["client_id"])
        unknown = sorted(set(client) - KEYS)
        if unknown:
            errors.append("%s: unknown keys %s; known: %s" % (where, ", ".join(unknown), ", ".join(sorted(KEYS))))
        if client.get("state", "present") not in ("present", "absent"):
            errors.append("%s: state must be present or absent" % where)
        if client.get("state", "present") == "absent":
            continue
        standard_flow = client.get("standard_flow", True)
        if standard_flow and not client.get("redirect_uris"):
            errors.append(
                "%s: a client that signs users in (standard_flow) needs redirect_uris, the exact "
                "https://<host>/<path> of its callback" % where
            )
        for uri in client.get("redirect_uris") or []:
            if not isinstance(uri, str) or uri.strip() in ("*", "/*", "") or not uri.startswith(("https://", "http://localhost", "http://127.0.0.1")):
                errors.append("%s: redirect URI %r must be an https:// URL (no bare wildcard)" % (where, uri))
        unknown_mappers = sorted(set(client.get("mappers", [])) - set(MAPPERS))
        if unknown_mappers:
            errors.append("%s: unknown mappers %s; known: %s" % (where, ", ".join(unknown_mappers), ", ".join(sorted(MAPPERS))))
        if client.get("public") and (client.get("secret") or client.get("service_accounts")):
            errors.append("%s: a public client has no secret and no service account" % where)
        if "audience" in client and not (isinstance(client["audience"], str) and client["audience"].strip()):
            errors.append("%s: audience must be the client_id of the application its tokens are for" % where)
    return errors


def _mapper(kind, client):
    mapper = MAPPERS[kind]
    config = dict(mapper["config"])
    if kind == "audience":
        config["included.client.audience"] = client.get("audience") or client["client_id"]
    return {"name": kind, "protocol": "openid-connect", "protocolMapper": mapper["protocolMapper"], "config": config}


def keycloak_clients(clients):
    """Return the parameters of community.general.keycloak_client for each client entry.

    The secret is left out: the role looks it up (or generates it) where it sets it.
    """
    errors = keycloak_client_errors(clients, "clients")
    if errors:
        raise ValueError("; ".join(errors))
    specs = []
    for client in clients:
        spec = {
            "client_id": client["client_id"],
            "name": client.get("name", client["client_id"]),
            "description": client.get("description", ""),
            "redirect_uris": list(client.get("redirect_uris") or []),
            "web_origins": list(client.get("web_origins", ["+"])),
            "protocol": "openid-connect",
            "protocol_mappers": [_mapper(kind, client) for kind in client.get("mappers", ["groups", "audience"])],
            "state": client.get("state", "present"),
        }
        for key, (parameter, default) in FLAGS.items():
            spec[parameter] = bool(client.get(key, default))
        spec["client_authenticator_type"] = "client-secret"
        spec["enabled"] = True
        specs.append(spec)
    return specs


FILTERS = {
    "keycloak_client_errors": keycloak_client_errors,
    "keycloak_clients": keycloak_clients,
}


class FilterModule:
    def filters(self):
        return _filters.filters(FILTERS)
