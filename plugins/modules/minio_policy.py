#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: minio_policy
short_description: Manage an IAM policy on a MinIO server
version_added: 0.2.0
author: mlox.stack contributors (!UNKNOWN)
description:
  - Creates, updates and removes a named IAM policy on a MinIO server with the MinIO client C(mc).
  - The wanted and the stored document are compared by meaning, not text; MinIO reformats documents,
    and a single value and a one-element list (for example in C(Action) or C(Resource)) are the same.
extends_documentation_fragment:
  - mlox.stack.minio_connection
attributes:
  check_mode:
    description: Can run in check mode and return the changed status without changing the server.
    support: full
  diff_mode:
    description: Returns the policy document before and after in diff mode.
    support: full
options:
  name:
    description: Name of the policy.
    type: str
    required: true
  policy:
    description:
      - The policy document, as a dictionary or as JSON text. It must be an object with a C(Statement)
        (and, for MinIO, C(Version) V(2012-10-17)). Required with O(state=present).
      - The module fails, before any change, when it is not such a document.
    type: raw
  state:
    description:
      - Whether the policy exists.
      - A policy still attached to a user, group or service account cannot be removed.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: mlox.stack.minio_user
  - module: mlox.stack.s3_bucket
"""

EXAMPLES = r"""
- name: Read and write on one bucket, nothing else
  mlox.stack.minio_policy:
    endpoint_url: https://s3-host.example.org:9000
    login_access_key: "{{ minio_root_user }}"
    login_secret_key: "{{ minio_root_password }}"
    ca_file: /etc/mlox/ca.pem
    name: mlflow-artifacts-rw
    policy:
      Version: "2012-10-17"
      Statement:
        - Effect: Allow
          Action: ["s3:GetBucketLocation", "s3:ListBucket"]
          Resource: arn:aws:s3:::mlflow-artifacts
        - Effect: Allow
          Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
          Resource: arn:aws:s3:::mlflow-artifacts/*

- name: A policy from a JSON file on the controller
  mlox.stack.minio_policy:
    name: datasets-readonly
    policy: "{{ lookup('ansible.builtin.file', 'policies/datasets-readonly.json') }}"
  module_defaults:
    group/mlox.stack.minio: "{{ my_minio_connection }}"

- name: Remove a policy
  mlox.stack.minio_policy:
    name: old-policy
    state: absent
  module_defaults:
    group/mlox.stack.minio: "{{ my_minio_connection }}"
"""

RETURN = r"""
name:
  description: Name of the policy.
  returned: always
  type: str
  sample: mlflow-artifacts-rw
policy:
  description: The policy document after the task (as it would be, in check mode); null when the policy does not exist.
  returned: always
  type: dict
  sample:
    Version: "2012-10-17"
    Statement:
      - Effect: Allow
        Action: ["s3:GetObject"]
        Resource: ["arn:aws:s3:::mlflow-artifacts/*"]
"""

import json

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mlox.stack.plugins.module_utils._minio_client import (
    MinioClient,
    MinioError,
    connection_argument_spec,
    policies_equal,
    policy_document,
)


def read_policy(client, name):
    """The stored document of policy `name`, or None when there is no such policy."""
    messages = client.run_or_none("XMinioAdminNoSuchPolicy", "admin", "policy", "info", client.admin(), name)
    if messages is None:
        return None
    return ((messages[-1] if messages else {}).get("policyInfo") or {}).get("Policy")


def write_policy(client, name, document):
    path = client.private_file("policy.json", json.dumps(document))
    client.run("admin", "policy", "create", client.admin(), name, path)


def remove_policy(module, client, name):
    try:
        client.run("admin", "policy", "rm", client.admin(), name)
    except MinioError as error:
        if error.code == "XMinioIAMPolicyInUse":
            module.fail_json(msg="policy %s is attached to users, groups or service accounts; detach it "
                                 "(for example with mlox.stack.minio_user) before removing it" % name)
        raise


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        name=dict(type="str", required=True),
        policy=dict(type="raw"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True,
                           required_if=[("state", "present", ("policy",))])
    name, state = module.params["name"], module.params["state"]
    if not name.strip() or "," in name:
        module.fail_json(msg="name: a policy name must not be empty or contain ','")
    wanted = None
    if state == "present":
        try:
            wanted = policy_document(module.params["policy"])
        except ValueError as error:
            module.fail_json(msg="policy: %s" % error)

    try:
        with MinioClient(module) as client:
            current = read_policy(client, name)
            if state == "present":
                changed = current is None or not policies_equal(current, wanted)
                after = wanted if changed else current
                if changed and not module.check_mode:
                    write_policy(client, name, wanted)
            else:
                changed, after = current is not None, None
                if changed and not module.check_mode:
                    remove_policy(module, client, name)
            result = dict(changed=changed, name=name, policy=after)
            if module._diff:
                result["diff"] = dict(before={"name": name, "policy": current} if current is not None else {},
                                      after={"name": name, "policy": after} if after is not None else {})
            module.exit_json(**result)
    except MinioError as error:
        module.fail_json(msg="policy %s: %s" % (name, error))


if __name__ == "__main__":
    main()
