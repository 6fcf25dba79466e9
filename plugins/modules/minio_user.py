#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: minio_user
short_description: Manage a MinIO user, its policies and its service accounts
version_added: 0.2.0
author: mlox.stack contributors (!UNKNOWN)
description:
  - Creates, updates and removes a user of a MinIO server with the MinIO client C(mc), attaches
    exactly the listed policies, and manages its service accounts (access keys for applications).
  - The secret key reaches C(mc) on its standard input, never on its command line.
  - Use C(no_log) on the task; see O(service_accounts).
extends_documentation_fragment:
  - mlox.stack.minio_connection
attributes:
  check_mode:
    description:
      - Can run in check mode and return the changed status without changing the server.
      - In check mode, O(update_secret=always) still checks the secret (a read-only request), except
        for a user that is disabled at the time.
    support: full
  diff_mode:
    description: Returns the user's status, policies and service accounts before and after in diff mode.
    support: full
options:
  access_key:
    description: The user's access key, that is, its user name.
    type: str
    required: true
  secret_key:
    description:
      - The user's secret key. Required when the user must be created, and with O(update_secret=always).
    type: str
  policies:
    description:
      - Names of the policies attached to the user; exactly these are attached, others are detached.
        The policies must exist (see M(mlox.stack.minio_policy)).
      - Unset leaves the attached policies as they are.
    type: list
    elements: str
  enabled:
    description: Whether the user may sign in.
    type: bool
    default: true
  update_secret:
    description:
      - V(on_create) sets O(secret_key) only when the user is created.
      - V(always) also checks, with a request signed with the user's own credentials, whether the
        server accepts O(secret_key), and sets it when it does not. The secret of a user with
        O(enabled=false) cannot be checked; it is left as it is, with a warning.
    type: str
    choices: [on_create, always]
    default: on_create
  service_accounts:
    description:
      - Service accounts (access keys for applications) that the user must have. A missing one is
        created; the server generates its secret key, which is returned once in
        RV(created_service_accounts) and never again, like a cloud provider's access keys. Use
        C(no_log) on the task and keep the secret right away.
      - Existing service accounts that are listed are left as they are.
      - Unset or empty, no service account is created.
    type: list
    elements: dict
    suboptions:
      access_key:
        description: Access key of the service account.
        type: str
        required: true
      description:
        description: Description of the service account, set when it is created.
        type: str
      policy:
        description:
          - Policy document (a dictionary or JSON text) that further restricts the service account,
            set when it is created. Without it the account has the user's policies.
        type: raw
  purge_service_accounts:
    description: Remove the user's service accounts that O(service_accounts) does not list.
    type: bool
    default: false
  state:
    description: Whether the user exists. Removing a user removes its service accounts.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: mlox.stack.minio_policy
  - module: mlox.stack.s3_bucket
"""

EXAMPLES = r"""
- name: The MLflow server's user, with exactly its own policy
  mlox.stack.minio_user:
    endpoint_url: https://s3-host.example.org:9000
    login_access_key: "{{ minio_root_user }}"
    login_secret_key: "{{ minio_root_password }}"
    ca_file: /etc/mlox/ca.pem
    access_key: mlflow
    secret_key: "{{ mlflow_s3_secret_key }}"
    policies: [mlflow-artifacts-rw]
    update_secret: always
  no_log: true

- name: An access key for a training job; its secret is shown only now
  mlox.stack.minio_user:
    access_key: alice
    secret_key: "{{ alice_secret_key }}"
    service_accounts:
      - access_key: alice-training
        description: nightly training job
  module_defaults:
    group/mlox.stack.minio: "{{ my_minio_connection }}"
  register: alice
  no_log: true

- name: Keep the new secret (only on the run that created the service account)
  ansible.builtin.copy:
    content: >-
      {{ alice.created_service_accounts
         | items2dict(key_name='access_key', value_name='secret_key') | to_json }}
    dest: ~/.mlox/alice-training.json
    mode: "0600"
  delegate_to: localhost
  when: alice.created_service_accounts | length > 0
  no_log: true

- name: Remove a user
  mlox.stack.minio_user:
    access_key: bob
    state: absent
  module_defaults:
    group/mlox.stack.minio: "{{ my_minio_connection }}"
"""

RETURN = r"""
user:
  description: The user after the task (as it would be, in check mode). No secret.
  returned: always
  type: dict
  contains:
    access_key:
      description: The user's access key.
      type: str
      sample: mlflow
    exists:
      description: Whether the user exists.
      type: bool
      sample: true
    enabled:
      description: Whether the user is enabled.
      type: bool
      sample: true
    policies:
      description: Names of the attached policies, sorted.
      type: list
      elements: str
      sample: [mlflow-artifacts-rw]
    service_accounts:
      description: Access keys of the user's service accounts, sorted.
      type: list
      elements: str
      sample: [alice-training]
secret_updated:
  description: Whether the user's secret key was (or, in check mode, would be) set on an existing user.
  returned: always
  type: bool
  sample: false
created_service_accounts:
  description:
    - The service accounts created by this run, with the secret key the server generated. This is
      the only time the secret is shown. In check mode there is no secret key.
    - Also returned when the module fails after creating some.
  returned: always
  type: list
  elements: dict
  sample: [{access_key: alice-training, secret_key: wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY}]
removed_service_accounts:
  description: Access keys of the service accounts removed by O(purge_service_accounts).
  returned: always
  type: list
  elements: str
  sample: []
"""

import json

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mlox.stack.plugins.module_utils._minio_client import (
    MinioClient,
    MinioError,
    connection_argument_spec,
    missing_policies,
    policy_document,
    taken_access_keys,
)


def read_user(client, access_key):
    """The user's state (no secret), or None when there is no such user."""
    messages = client.run_or_none("XMinioAdminNoSuchUser", "admin", "user", "info", client.admin(), access_key)
    if messages is None:
        return None
    info = messages[-1] if messages else {}
    accounts = client.run("admin", "user", "svcacct", "ls", client.admin(), access_key)
    return {
        "access_key": access_key,
        "exists": True,
        "enabled": info.get("userStatus") == "enabled",
        "policies": sorted(name for name in (info.get("policyName") or "").split(",") if name),
        "service_accounts": sorted(account["accessKey"] for account in accounts if account.get("accessKey")),
    }


def check_arguments(module):
    """Fail, before contacting the server, on arguments that cannot work. Return the service
    accounts with their policy documents parsed."""
    params = module.params
    secret = params["secret_key"]
    if secret is not None and ("\n" in secret or "\r" in secret or not secret):
        module.fail_json(msg="secret_key must be a non-empty single line")
    if params["state"] == "present" and params["update_secret"] == "always" and not secret:
        module.fail_json(msg="secret_key is required with update_secret: always")
    for name in params["policies"] or []:
        if not name or "," in name:
            module.fail_json(msg="policies: %r is not a policy name" % name)
    accounts, seen = [], set()
    for index, account in enumerate(params["service_accounts"] or []):
        where = "service_accounts[%d]" % index
        key = account["access_key"]
        if key in seen or key == params["access_key"]:
            module.fail_json(msg="%s.access_key: %s is used twice" % (where, key))
        seen.add(key)
        policy = None
        if account.get("policy") is not None:
            try:
                policy = policy_document(account["policy"])
            except ValueError as error:
                module.fail_json(msg="%s.policy: %s" % (where, error))
        accounts.append(dict(account, policy=policy))
    return accounts


class UserTask:
    """Brings one user to the wanted state, recording what changed."""

    def __init__(self, module, client, accounts):
        self.module, self.client, self.accounts = module, client, accounts
        self.params = module.params
        self.changed = False
        self.secret_updated = False
        self.created, self.removed = [], []

    def run(self, *args, **kwargs):
        """Run an mc command that changes the server (not in check mode)."""
        self.changed = True
        if not self.module.check_mode:
            self.client.run(*args, **kwargs)

    def set_secret(self):
        stdin = "%s\n%s\n" % (self.params["access_key"], self.params["secret_key"])
        self.run("admin", "user", "add", self.client.admin(), stdin=stdin)

    def absent(self, current):
        if current:
            self.run("admin", "user", "rm", self.client.admin(), self.params["access_key"])
        return {"access_key": self.params["access_key"], "exists": False}

    def present(self, current):
        params, admin, user = self.params, self.client.admin(), self.params["access_key"]
        wanted = sorted(set(params["policies"])) if params["policies"] is not None else None
        attached = current["policies"] if current else []
        to_attach = [name for name in wanted or [] if name not in attached]
        to_detach = [name for name in attached if wanted is not None and name not in wanted]
        missing = missing_policies(self.client, to_attach)
        if missing:
            self.module.fail_json(msg="policies: %s not found on the server; create %s with mlox.stack.minio_policy "
                                      "first" % (", ".join(missing), "it" if len(missing) == 1 else "them"))
        existing = current["service_accounts"] if current else []
        taken = taken_access_keys(self.client, [account["access_key"] for account in self.accounts
                                                if account["access_key"] not in existing])
        if taken:
            self.module.fail_json(msg="service_accounts: access key %s is already used by another user or "
                                      "service account" % ", ".join(taken))
        if current is None:
            if not params["secret_key"]:
                self.module.fail_json(msg="secret_key is required to create user %s" % user)
            self.set_secret()
            current = {"access_key": user, "exists": True, "enabled": True, "policies": [], "service_accounts": []}
        else:
            if params["enabled"] and not current["enabled"]:
                self.run("admin", "user", "enable", admin, user)
            if params["update_secret"] == "always":
                self.update_secret(current)
        if to_attach:
            self.run("admin", "policy", "attach", admin, *to_attach, "--user", user)
        if to_detach:
            self.run("admin", "policy", "detach", admin, *to_detach, "--user", user)
        self.sync_service_accounts(current["service_accounts"])
        if not params["enabled"] and current["enabled"]:
            self.run("admin", "user", "disable", admin, user)
        accounts = set(current["service_accounts"]) - set(self.removed)
        accounts.update(account["access_key"] for account in self.created)
        return dict(current, enabled=params["enabled"], service_accounts=sorted(accounts),
                    policies=wanted if wanted is not None else current["policies"])

    def update_secret(self, current):
        if not self.params["enabled"]:
            self.module.warn("update_secret=always: the secret of disabled user %s cannot be checked; "
                             "it was left as it is" % self.params["access_key"])
            return
        if not current["enabled"] and self.module.check_mode:
            return  # still disabled: a signed request would be refused whatever the secret
        if not self.client.secret_is_right(self.params["access_key"], self.params["secret_key"]):
            self.set_secret()
            self.secret_updated = True

    def sync_service_accounts(self, existing):
        admin = self.client.admin()
        listed = [account["access_key"] for account in self.accounts]
        for account in self.accounts:
            if account["access_key"] not in existing:
                self.created.append(self.create_service_account(account))
        if self.params["purge_service_accounts"]:
            for key in existing:
                if key not in listed:
                    self.run("admin", "user", "svcacct", "rm", admin, key)
                    self.removed.append(key)

    def create_service_account(self, account):
        self.changed = True
        key = account["access_key"]
        if self.module.check_mode:
            return {"access_key": key}
        # No --secret-key: the server generates the secret, which never touches a command line.
        args = ["admin", "user", "svcacct", "add", self.client.admin(), self.params["access_key"], "--access-key", key]
        if account.get("description"):
            args += ["--description", account["description"]]
        if account["policy"] is not None:
            args += ["--policy", self.client.private_file("svcacct-policy.json", json.dumps(account["policy"]))]
        messages = self.client.run(*args)
        secret = next((message.get("secretKey") for message in messages if message.get("secretKey")), None)
        if not secret:
            raise MinioError("mc created service account %s but returned no secret key" % key)
        return {"access_key": key, "secret_key": secret}


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        access_key=dict(type="str", required=True, no_log=False),
        secret_key=dict(type="str", no_log=True),
        policies=dict(type="list", elements="str"),
        enabled=dict(type="bool", default=True),
        update_secret=dict(type="str", default="on_create", choices=["on_create", "always"]),
        service_accounts=dict(type="list", elements="dict", options=dict(
            access_key=dict(type="str", required=True, no_log=False),
            description=dict(type="str"),
            policy=dict(type="raw"),
        )),
        purge_service_accounts=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    accounts = check_arguments(module)
    user = module.params["access_key"]
    task = None
    try:
        with MinioClient(module) as client:
            client.add_secret(module.params["secret_key"])
            current = read_user(client, user)
            task = UserTask(module, client, accounts)
            after = task.present(current) if module.params["state"] == "present" else task.absent(current)
            result = dict(changed=task.changed, user=after, secret_updated=task.secret_updated,
                          created_service_accounts=task.created, removed_service_accounts=task.removed)
            if module._diff:
                result["diff"] = dict(before=current or {"access_key": user, "exists": False}, after=after)
            module.exit_json(**result)
    except MinioError as error:
        # Secrets of service accounts created before the failure are shown now or never.
        module.fail_json(msg="user %s: %s" % (user, error), created_service_accounts=task.created if task else [])


if __name__ == "__main__":
    main()
