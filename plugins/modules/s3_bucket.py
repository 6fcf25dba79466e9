#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: s3_bucket
short_description: Manage a bucket on a MinIO server
version_added: 0.2.0
author: mlox.stack contributors (!UNKNOWN)
description:
  - Creates, configures and removes a bucket on a MinIO server with the MinIO client C(mc); sets its
    versioning, object lock, quota and anonymous access.
  - Anonymous access is off unless O(anonymous_access) turns it on.
  - The bucket name is checked against the S3 naming rules before the server is contacted.
extends_documentation_fragment:
  - mlox.stack.minio_connection
attributes:
  check_mode:
    description: Can run in check mode and return the changed status without changing the server.
    support: full
  diff_mode:
    description: Returns the bucket's settings before and after in diff mode.
    support: full
options:
  name:
    description:
      - Name of the bucket. It must follow the S3 rules; 3 to 63 characters; lowercase letters,
        digits, C(.) and C(-); starts and ends with a letter or digit; no C(..), C(.-) or C(-.);
        not an IPv4 address; no C(xn--) prefix; no C(-s3alias) or C(--ol-s3) suffix.
    type: str
    required: true
  state:
    description: Whether the bucket exists.
    type: str
    choices: [present, absent]
    default: present
  versioning:
    description:
      - V(true) enables versioning, V(false) suspends it; unset leaves it as it is.
      - A bucket with object lock always has versioning enabled.
    type: bool
  object_lock:
    description:
      - Whether the bucket has object lock (which also enables versioning).
      - Object lock can only be chosen when the bucket is created. The module fails when an
        existing bucket differs.
    type: bool
    default: false
  quota:
    description:
      - Hard quota of the bucket, for example V(10GiB) or V(500GB) (KB, MB, GB, TB are powers of
        1000; KiB, MiB, GiB, TiB powers of 1024) or a number of bytes.
      - V(0) or an empty string removes the quota; unset leaves it as it is.
      - Bucket quotas are a MinIO admin feature; other S3 servers do not support them.
    type: str
  anonymous_access:
    description:
      - What clients without credentials may do. V(none) (no anonymous access), V(download)
        (list and read objects), V(upload) (write objects), V(public) (both).
    type: str
    choices: [none, download, upload, public]
    default: none
  force:
    description:
      - With O(state=absent), remove the bucket even when it holds objects, deleting them.
      - Without it, removing a bucket that is not empty fails.
    type: bool
    default: false
seealso:
  - module: mlox.stack.minio_policy
  - module: mlox.stack.minio_user
"""

EXAMPLES = r"""
- name: A versioned bucket for MLflow artifacts, with a quota
  mlox.stack.s3_bucket:
    endpoint_url: https://s3-host.example.org:9000
    login_access_key: "{{ minio_root_user }}"
    login_secret_key: "{{ minio_root_password }}"
    ca_file: /etc/mlox/ca.pem
    name: mlflow-artifacts
    versioning: true
    quota: 500GiB

- name: A bucket whose objects anyone may download
  mlox.stack.s3_bucket:
    name: public-datasets
    anonymous_access: download
  module_defaults:
    group/mlox.stack.minio: "{{ my_minio_connection }}"

- name: Remove a bucket and everything in it
  mlox.stack.s3_bucket:
    name: scratch
    state: absent
    force: true
  module_defaults:
    group/mlox.stack.minio: "{{ my_minio_connection }}"
"""

RETURN = r"""
bucket:
  description: The bucket's settings after the task (as they would be, in check mode).
  returned: always
  type: dict
  contains:
    name:
      description: Name of the bucket.
      type: str
      sample: mlflow-artifacts
    exists:
      description: Whether the bucket exists.
      type: bool
      sample: true
    versioning:
      description: V(enabled), V(suspended), or V(off) (never enabled).
      type: str
      sample: enabled
    object_lock:
      description: Whether the bucket has object lock.
      type: bool
      sample: false
    quota:
      description: Hard quota in bytes, or null when there is none.
      type: int
      sample: 536870912000
    anonymous_access:
      description: V(none), V(download), V(upload), V(public), or V(custom) (a bucket policy
        that none of the others describes).
      type: str
      sample: none
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mlox.stack.plugins.module_utils._minio_client import (
    MinioClient,
    MinioError,
    connection_argument_spec,
    parse_size,
)
from ansible_collections.mlox.stack.plugins.module_utils._s3_rules import bucket_name_error

# mc's names for anonymous access, and ours.
_ANONYMOUS = {"private": "none", "none": "none", "download": "download", "upload": "upload", "public": "public"}
_VERSIONING = {"Enabled": "enabled", "Suspended": "suspended", "": "off"}
_QUOTA_HINT = "the server must support MinIO bucket quotas (a MinIO admin feature)"


def read_bucket(client, name):
    """The bucket's settings, or None when it does not exist."""
    anonymous = client.run_or_none("NoSuchBucket", "anonymous", "get", client.admin(name))
    if anonymous is None:
        return None
    permission = anonymous[-1].get("permission", "") if anonymous else ""
    stat = client.run("stat", client.admin(name))
    stat = stat[-1] if stat else {}
    versioning = (stat.get("Versioning") or {}).get("status") or ""
    bucket = {
        "name": name,
        "exists": True,
        "versioning": _VERSIONING.get(versioning, versioning.lower()),
        "object_lock": (stat.get("ObjectLock") or {}).get("enabled") == "Enabled",
        "quota": None,
        "anonymous_access": _ANONYMOUS.get(permission, "custom"),
    }
    try:
        quota = client.run("quota", "info", client.admin(name))
    except MinioError as error:
        bucket["quota_error"] = str(error)
    else:
        bucket["quota"] = (quota[-1].get("quota") or None) if quota else None
    return bucket


def plan(module, current, quota, target):
    """The mc commands that bring the bucket (mc target `target`) to the wanted state, and the
    state after them. Fails, before any change, when the wanted state cannot be reached."""
    params = module.params
    name = params["name"]
    commands = []
    if params["state"] == "absent":
        if current:
            commands.append(["rb", "--force", target] if params["force"] else ["rb", target])
        return commands, {"name": name, "exists": False}

    lock, versioning = params["object_lock"], params["versioning"]
    if lock and versioning is False:
        module.fail_json(msg="versioning: a bucket with object lock always has versioning enabled; "
                             "drop versioning: false or object_lock: true")
    if current is None:
        after = {"name": name, "exists": True, "versioning": "off", "object_lock": lock,
                 "quota": None, "anonymous_access": "none"}
        commands.append(["mb", "--with-lock", target] if lock else ["mb", target])
        if lock:
            after["versioning"] = "enabled"
    else:
        after = dict(current)
        after.pop("quota_error", None)
        if current["object_lock"] != lock:
            module.fail_json(msg="object_lock: bucket %s exists %s object lock, and object lock can only be "
                                 "chosen when a bucket is created; set object_lock: %s or recreate the bucket"
                                 % (name, "with" if current["object_lock"] else "without",
                                    "true" if current["object_lock"] else "false"))
    if versioning and after["versioning"] != "enabled":
        commands.append(["version", "enable", target])
        after["versioning"] = "enabled"
    elif versioning is False and after["versioning"] == "enabled":
        commands.append(["version", "suspend", target])
        after["versioning"] = "suspended"

    if quota is not None:
        if current and "quota_error" in current:
            module.fail_json(msg="quota: cannot read the quota of bucket %s: %s; %s"
                                 % (name, current["quota_error"], _QUOTA_HINT))
        if quota == 0 and after["quota"]:
            commands.append(["quota", "clear", target])
        elif quota and after["quota"] != quota:
            commands.append(["quota", "set", target, "--size", str(quota)])
        after["quota"] = quota or None

    wanted_access = params["anonymous_access"]
    if after["anonymous_access"] != wanted_access:
        commands.append(["anonymous", "set", "private" if wanted_access == "none" else wanted_access, target])
        after["anonymous_access"] = wanted_access
    return commands, after


def apply(module, client, commands):
    for command in commands:
        try:
            client.run(*command)
        except MinioError as error:
            if command[0] == "quota":
                module.fail_json(msg="quota: %s; %s" % (error, _QUOTA_HINT))
            if command[0] == "rb" and "not empty" in str(error):
                module.fail_json(msg="bucket %s is not empty; set force: true to remove it with all its objects"
                                     % module.params["name"])
            raise


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        versioning=dict(type="bool"),
        object_lock=dict(type="bool", default=False),
        quota=dict(type="str"),
        anonymous_access=dict(type="str", default="none", choices=["none", "download", "upload", "public"]),
        force=dict(type="bool", default=False),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    name = module.params["name"]
    error = bucket_name_error(name)
    if error:
        module.fail_json(msg="name: %s" % error)
    quota = module.params["quota"]
    if quota is not None:
        try:
            quota = parse_size(quota) if quota.strip() else 0
        except ValueError as error:
            module.fail_json(msg="quota: %s" % error)

    try:
        with MinioClient(module) as client:
            current = read_bucket(client, name)
            commands, after = plan(module, current, quota, client.admin(name))
            if commands and not module.check_mode:
                apply(module, client, commands)
            result = dict(changed=bool(commands), bucket=after)
            if module._diff:
                before = dict(current) if current else {"name": name, "exists": False}
                before.pop("quota_error", None)
                result["diff"] = dict(before=before, after=after)
            module.exit_json(**result)
    except MinioError as error:
        module.fail_json(msg="bucket %s: %s" % (name, error))


if __name__ == "__main__":
    main()
