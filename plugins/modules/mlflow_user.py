#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mlflow_user
short_description: Manage a user of MLflow's basic-auth app
version_added: 0.3.0
author: mlox.stack contributors (!UNKNOWN)
description:
  - Creates, updates and removes a user of an MLflow server that runs its basic-auth app
    (C(mlflow server --app-name basic-auth)), through the REST API as an MLflow admin.
  - Grant the user access to experiments and registered models with M(mlox.stack.mlflow_permission).
extends_documentation_fragment:
  - mlox.stack.mlflow_connection
attributes:
  check_mode:
    description:
      - Can run in check mode and return the changed status without changing the server.
      - In check mode, O(update_password=always) still checks the password (a read-only request made
        as the user).
    support: full
  diff_mode:
    description: Returns whether the user exists and is an admin before and after, and whether its password changes; never the password.
    support: full
options:
  name:
    description: The user name.
    type: str
    required: true
  password:
    description:
      - The user's password. Required to create the user. MLflow refuses passwords shorter than 12
        characters.
    type: str
  admin:
    description:
      - Whether the user is an MLflow admin (may manage users and every experiment and model).
      - Unset leaves an existing user as it is; a new user is then not an admin.
    type: bool
  update_password:
    description:
      - V(always) checks, with a request made as the user, whether the server accepts O(password),
        and sets it when it does not. Without O(password) nothing is checked.
      - V(on_create) sets O(password) only when the user is created.
    type: str
    choices: [always, on_create]
    default: always
  state:
    description: Whether the user exists. Removing a user removes its permissions.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: mlox.stack.mlflow_permission
  - module: mlox.stack.mlflow_experiment
"""

EXAMPLES = r"""
- name: A data scientist's account
  mlox.stack.mlflow_user:
    tracking_uri: https://mlflow-host.example.org:5000
    login_username: "{{ mlflow_admin_username }}"
    login_password: "{{ mlflow_admin_password }}"
    ca_path: /etc/mlox/ca.pem
    name: alice
    password: "{{ alice_mlflow_password }}"
  no_log: true

- name: A second admin, whose password is set once and then left to its owner
  mlox.stack.mlflow_user:
    name: bob
    password: "{{ bob_initial_password }}"
    admin: true
    update_password: on_create
  module_defaults:
    group/mlox.stack.mlflow: "{{ my_mlflow_connection }}"
  no_log: true

- name: Remove a user
  mlox.stack.mlflow_user:
    name: carol
    state: absent
  module_defaults:
    group/mlox.stack.mlflow: "{{ my_mlflow_connection }}"
"""

RETURN = r"""
user:
  description: The user after the task (as it would be, in check mode). Never the password.
  returned: always
  type: dict
  contains:
    name:
      description: The user name.
      type: str
      sample: alice
    exists:
      description: Whether the user exists.
      type: bool
      sample: true
    id:
      description: The server's id of the user; null for a user that does not exist or, in check mode, is not created yet.
      type: int
      sample: 2
    is_admin:
      description: Whether the user is an MLflow admin; absent when the user does not exist.
      type: bool
      sample: false
password_changed:
  description: Whether the password of an existing user was (or, in check mode, would be) set.
  returned: always
  type: bool
  sample: false
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mlox.stack.plugins.module_utils._mlflow_client import (
    MlflowClient,
    MlflowError,
    connection_argument_spec,
)


def describe(user):
    return {"name": user["username"], "exists": True, "id": user.get("id"), "is_admin": bool(user.get("is_admin"))}


class UserTask:
    """Brings one user to the wanted state, recording what changed."""

    def __init__(self, module, client):
        self.module, self.client, self.params = module, client, module.params
        self.changed = False
        self.password_changed = False

    def send(self, method, path, body):
        """A request that changes the server (not in check mode)."""
        self.changed = True
        if not self.module.check_mode:
            return self.client.request(method, path, body=body)
        return None

    def absent(self, current):
        if current:
            self.send("DELETE", "/api/2.0/mlflow/users/delete", {"username": self.params["name"]})
        return {"name": self.params["name"], "exists": False, "id": None}

    def present(self, current):
        params, name = self.params, self.params["name"]
        if current is None:
            if not params["password"]:
                self.module.fail_json(msg="password is required to create MLflow user %s" % name)
            created = self.send("POST", "/api/2.0/mlflow/users/create",
                                {"username": name, "password": params["password"]})
            if created:
                after = describe(created["user"])
            else:
                after = {"name": name, "exists": True, "id": None, "is_admin": False}
        else:
            after = describe(current)
            if params["update_password"] == "always" and params["password"]:
                self.update_password()
        if params["admin"] is not None and params["admin"] != after["is_admin"]:
            self.send("PATCH", "/api/2.0/mlflow/users/update-admin", {"username": name, "is_admin": params["admin"]})
            after["is_admin"] = params["admin"]
        return after

    def update_password(self):
        params = self.params
        if self.client.accepts_login(params["name"], params["password"]):
            return
        body = {"username": params["name"], "password": params["password"]}
        if params["name"] == params["login_username"]:
            # MLflow asks for the current password when users change their own.
            body["current_password"] = params["login_password"]
        self.send("PATCH", "/api/2.0/mlflow/users/update-password", body)
        self.password_changed = True


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        name=dict(type="str", required=True),
        password=dict(type="str", no_log=True),
        admin=dict(type="bool"),
        update_password=dict(type="str", default="always", choices=["always", "on_create"], no_log=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    name = module.params["name"]
    if not name:
        module.fail_json(msg="name must not be empty")
    try:
        client = MlflowClient(module)
        client.add_secret(module.params["password"])
        current = client.get_user(name)
        task = UserTask(module, client)
        after = task.present(current) if module.params["state"] == "present" else task.absent(current)
        result = dict(changed=task.changed, user=after, password_changed=task.password_changed)
        if module._diff:
            before = describe(current) if current else {"name": name, "exists": False, "id": None}
            result["diff"] = dict(before=before, after=dict(after, password_changed=True)
                                  if task.password_changed else after)
        module.exit_json(**result)
    except MlflowError as error:
        module.fail_json(msg="MLflow user %s: %s" % (name, error))


if __name__ == "__main__":
    main()
