# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rule by which the stack's MLflow signs users in, in one place: the mlflow role's default
and the roles that talk to MLflow (Prometheus, the stack check) all read it here."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError


def mlflow_auth(groups, hostvars=None):
    """The sign-in mode of the stack's MLflow.

    With hostvars: the mlflow_auth that the inventory gives the first host of mlox_mlflow, when
    it gives one. Otherwise the mlflow role's default: oidc when mlox_keycloak has hosts (the
    stack's Keycloak), basic when it has none.
    """
    if not isinstance(groups, dict):
        raise AnsibleFilterError(f"mlflow_auth expects the inventory groups (groups), got {type(groups).__name__}")
    mlflow_hosts = groups.get("mlox_mlflow") or []
    if hostvars is not None and mlflow_hosts:
        host_vars = hostvars[mlflow_hosts[0]]
        if "mlflow_auth" in host_vars:
            return host_vars["mlflow_auth"]
    return "oidc" if groups.get("mlox_keycloak") else "basic"


class FilterModule:
    def filters(self):
        return {"mlflow_auth": mlflow_auth}
