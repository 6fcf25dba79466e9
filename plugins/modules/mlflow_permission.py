#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mlflow_permission
short_description: Grant an MLflow user a permission on an experiment or a registered model
version_added: 0.3.0
author: mlox.stack contributors (!UNKNOWN)
description:
  - Manages the direct grant of one user of MLflow's basic-auth app on one experiment or one
    registered model, through the REST API as an MLflow admin.
  - Without a grant, the server's C(default_permission) applies. Grants that the user holds through
    roles are not touched.
extends_documentation_fragment:
  - mlox.stack.mlflow_connection
attributes:
  check_mode:
    description: Can run in check mode and return the changed status without changing the server.
    support: full
  diff_mode:
    description: Returns the grant before and after in diff mode.
    support: full
options:
  user:
    description: The user name. The user must exist (see M(mlox.stack.mlflow_user)).
    type: str
    required: true
  experiment:
    description:
      - Name of the experiment; it must exist (see M(mlox.stack.mlflow_experiment)).
      - Exactly one of O(experiment) and O(registered_model) is required.
    type: str
  registered_model:
    description:
      - Name of the registered model; it must exist.
      - Exactly one of O(experiment) and O(registered_model) is required.
    type: str
  permission:
    description:
      - V(READ) views; V(USE) also uses (for example, a model to serve); V(EDIT) also changes (logs
        runs, sets tags, adds model versions); V(MANAGE) also deletes and grants permissions to
        others; V(DENY) refuses access even where a role or the default would allow it.
      - MLflow 3.17 accepts no explicit V(NO_PERMISSIONS) grant; remove the grant with
        O(state=absent) and let a C(default_permission) of V(NO_PERMISSIONS) apply, or use V(DENY).
      - Required with O(state=present).
    type: str
    choices: [READ, USE, EDIT, MANAGE, DENY]
  state:
    description: Whether the user has this grant. V(absent) removes the user's grant on the resource, whatever its permission.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: mlox.stack.mlflow_user
  - module: mlox.stack.mlflow_experiment
"""

EXAMPLES = r"""
- name: Alice may log runs to the team's experiment
  mlox.stack.mlflow_permission:
    tracking_uri: https://mlflow-host.example.org:5000
    login_username: "{{ mlflow_admin_username }}"
    login_password: "{{ mlflow_admin_password }}"
    ca_path: /etc/mlox/ca.pem
    user: alice
    experiment: churn-model
    permission: EDIT

- name: The serving account may use the model, nothing more
  mlox.stack.mlflow_permission:
    user: model-server
    registered_model: churn-classifier
    permission: USE
  module_defaults:
    group/mlox.stack.mlflow: "{{ my_mlflow_connection }}"

- name: Remove Bob's grant; the server's default permission applies again
  mlox.stack.mlflow_permission:
    user: bob
    experiment: churn-model
    state: absent
  module_defaults:
    group/mlox.stack.mlflow: "{{ my_mlflow_connection }}"
"""

RETURN = r"""
permission:
  description: The grant after the task (as it would be, in check mode).
  returned: always
  type: dict
  contains:
    user:
      description: The user name.
      type: str
      sample: alice
    experiment_id:
      description: The experiment's id, with O(experiment).
      type: str
      sample: "3"
    registered_model:
      description: The model's name, with O(registered_model).
      type: str
      sample: churn-classifier
    permission:
      description: The granted permission; null when the user has no grant on the resource.
      type: str
      sample: EDIT
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mlox.stack.plugins.module_utils._mlflow_client import (
    SYNTHETIC_ROLE,
    MlflowClient,
    MlflowError,
    connection_argument_spec,
)

PERMISSIONS = ["READ", "USE", "EDIT", "MANAGE", "DENY"]
GRANTS = "/api/3.0/mlflow/users/permissions/"


def resolve(module, client):
    """(resource_type, resource_id, the key of the resource in the result)."""
    params = module.params
    if params["experiment"] is not None:
        experiment = client.get_experiment(params["experiment"])
        if experiment is None:
            module.fail_json(msg="experiment %s not found on the MLflow server; create it with "
                                 "mlox.stack.mlflow_experiment first" % params["experiment"])
        return "experiment", experiment["experiment_id"], "experiment_id"
    name = params["registered_model"]
    if client.get_or_none("/api/2.0/mlflow/registered-models/get", {"name": name}) is None:
        module.fail_json(msg="registered model %s not found on the MLflow server" % name)
    return "registered_model", name, "registered_model"


def direct_grant(client, user, resource_type, resource_id):
    """The user's own grant on the resource ({"id", "permission"}) or None. Grants through other
    roles are left out: the module manages only the user's own."""
    role = SYNTHETIC_ROLE % user["id"]
    rows = client.request("GET", GRANTS + "list", query={"username": user["username"]}).get("permissions") or []
    row = next((row for row in rows if row.get("role_name") == role and row.get("resource_type") == resource_type
                and row.get("resource_pattern") == resource_id), None)
    if row is None:
        return None
    listed = client.request("GET", "/api/3.0/mlflow/roles/permissions/list", query={"role_id": row["role_id"]})
    for grant in listed.get("role_permissions") or []:
        if grant.get("resource_type") == resource_type and grant.get("resource_pattern") == resource_id:
            return grant
    return None


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        user=dict(type="str", required=True),
        experiment=dict(type="str"),
        registered_model=dict(type="str"),
        permission=dict(type="str", choices=PERMISSIONS),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           mutually_exclusive=[("experiment", "registered_model")],
                           required_one_of=[("experiment", "registered_model")],
                           required_if=[("state", "present", ["permission"])])
    params = module.params
    what = "experiment %s" % params["experiment"] if params["experiment"] is not None else \
        "registered model %s" % params["registered_model"]
    try:
        client = MlflowClient(module)
        user = client.get_user(params["user"])
        if user is None:
            module.fail_json(msg="user %s not found on the MLflow server; create it with mlox.stack.mlflow_user "
                                 "first" % params["user"])
        resource_type, resource_id, key = resolve(module, client)
        grant = direct_grant(client, user, resource_type, resource_id)
        before = grant["permission"] if grant else None
        after = params["permission"] if params["state"] == "present" else None
        changed = before != after
        target = {"username": params["user"], "resource_type": resource_type, "resource_id": resource_id}
        if changed and not module.check_mode:
            if after is None:
                client.request("POST", GRANTS + "revoke", body=target)
            elif before is None:
                client.request("POST", GRANTS + "grant", body=dict(target, permission=after))
            else:
                client.request("PATCH", "/api/3.0/mlflow/roles/permissions/update",
                               body={"role_permission_id": grant["id"], "permission": after})
        result = dict(changed=changed, permission={"user": params["user"], key: resource_id, "permission": after})
        if module._diff:
            result["diff"] = dict(before={"user": params["user"], key: resource_id, "permission": before},
                                  after=result["permission"])
        module.exit_json(**result)
    except MlflowError as error:
        module.fail_json(msg="MLflow permission of %s on %s: %s" % (params["user"], what, error))


if __name__ == "__main__":
    main()
