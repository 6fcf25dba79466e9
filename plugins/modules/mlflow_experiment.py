#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: mlflow_experiment
short_description: Manage an MLflow experiment and its tags
version_added: 0.3.0
author: mlox.stack contributors (!UNKNOWN)
description:
  - Creates, tags, soft-deletes and restores an experiment of an MLflow tracking server, through its
    REST API.
  - Experiments are found by name, whether active or soft-deleted (MLflow keeps a deleted experiment's
    name taken until it is purged with C(mlflow gc)).
extends_documentation_fragment:
  - mlox.stack.mlflow_connection
attributes:
  check_mode:
    description: Can run in check mode and return the changed status without changing the server.
    support: full
  diff_mode:
    description: Returns the experiment's lifecycle stage and tags before and after in diff mode.
    support: full
options:
  name:
    description: The experiment's name.
    type: str
    required: true
  tags:
    description:
      - Tags that the experiment must have, set or updated. Values are sent as strings.
      - Tags named C(mlflow.*) are MLflow's own, for example C(mlflow.note.content), the description
        shown in the UI; they may be set here.
    type: dict
  purge_tags:
    description:
      - Remove the tags that O(tags) does not list, except MLflow's own C(mlflow.*) tags.
    type: bool
    default: false
  artifact_location:
    description:
      - Where the runs of a new experiment store their artifacts, for example
        V(s3://mlflow-artifacts/team-a). Unset, the server's default applies.
      - Used only when the experiment is created. MLflow cannot move an experiment's artifacts, so a
        differing location of an existing experiment is reported in a warning and left as it is.
    type: str
  state:
    description:
      - V(present) creates the experiment, or restores it when it was soft-deleted.
      - V(absent) soft-deletes it (MLflow marks it deleted and keeps its runs until C(mlflow gc)).
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: mlox.stack.mlflow_permission
"""

EXAMPLES = r"""
- name: The team's experiment, tagged, with its artifacts in its own prefix
  mlox.stack.mlflow_experiment:
    tracking_uri: https://mlflow-host.example.org:5000
    login_username: "{{ mlflow_admin_username }}"
    login_password: "{{ mlflow_admin_password }}"
    ca_path: /etc/mlox/ca.pem
    name: churn-model
    artifact_location: s3://mlflow-artifacts/churn-model
    tags:
      team: growth
      mlflow.note.content: Monthly churn prediction
  register: churn

- name: Exactly these tags (MLflow's own mlflow.* tags stay)
  mlox.stack.mlflow_experiment:
    name: churn-model
    tags:
      team: growth
    purge_tags: true
  module_defaults:
    group/mlox.stack.mlflow: "{{ my_mlflow_connection }}"

- name: Soft-delete an experiment
  mlox.stack.mlflow_experiment:
    name: old-trial
    state: absent
  module_defaults:
    group/mlox.stack.mlflow: "{{ my_mlflow_connection }}"
"""

RETURN = r"""
experiment:
  description:
    - The experiment after the task (as it would be, in check mode), or null when there is no
      experiment of that name.
    - In check mode, a new experiment has no id, and no artifact location unless O(artifact_location) is set.
  returned: always
  type: dict
  contains:
    experiment_id:
      description: The server's id of the experiment.
      type: str
      sample: "3"
    name:
      description: The experiment's name.
      type: str
      sample: churn-model
    tags:
      description: All its tags, MLflow's own included.
      type: dict
      sample: {team: growth}
    lifecycle_stage:
      description: V(active), or V(deleted) for a soft-deleted experiment.
      type: str
      sample: active
    artifact_location:
      description: Where its runs store their artifacts.
      type: str
      sample: s3://mlflow-artifacts/churn-model
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.mlox.stack.plugins.module_utils._mlflow_client import (
    MlflowClient,
    MlflowError,
    connection_argument_spec,
)

API = "/api/2.0/mlflow/experiments/"


def describe(experiment):
    return {
        "experiment_id": experiment.get("experiment_id"),
        "name": experiment["name"],
        "tags": {tag["key"]: tag.get("value", "") for tag in experiment.get("tags") or []},
        "lifecycle_stage": experiment.get("lifecycle_stage", "active"),
        "artifact_location": experiment.get("artifact_location"),
    }


def wanted_tags(module):
    tags = {}
    for key, value in (module.params["tags"] or {}).items():
        if not key:
            module.fail_json(msg="tags: a tag name must not be empty")
        if value is None or isinstance(value, (dict, list)):
            module.fail_json(msg="tags.%s: the value must be a string, not %r" % (key, value))
        tags[str(key)] = _text(value)
    return tags


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class ExperimentTask:
    """Brings one experiment to the wanted state, recording what changed."""

    def __init__(self, module, client):
        self.module, self.client, self.params = module, client, module.params
        self.changed = False

    def send(self, endpoint, body):
        """A request that changes the server (not in check mode)."""
        self.changed = True
        if not self.module.check_mode:
            return self.client.request("POST", API + endpoint, body=body)
        return None

    def absent(self, current):
        if current is None:
            return None
        if current["lifecycle_stage"] != "deleted":
            self.send("delete", {"experiment_id": current["experiment_id"]})
        return dict(current, lifecycle_stage="deleted")

    def present(self, current, tags):
        params = self.params
        if current is None:
            body = {"name": params["name"], "tags": [{"key": key, "value": value} for key, value in tags.items()]}
            if params["artifact_location"]:
                body["artifact_location"] = params["artifact_location"]
            created = self.send("create", body)
            if created:
                return describe(self.client.request("GET", API + "get",
                                                    query={"experiment_id": created["experiment_id"]})["experiment"])
            return {"experiment_id": None, "name": params["name"], "tags": tags, "lifecycle_stage": "active",
                    "artifact_location": params["artifact_location"]}
        after = dict(current, tags=dict(current["tags"]))
        wanted_location = params["artifact_location"]
        if wanted_location and wanted_location.rstrip("/") != (current["artifact_location"] or "").rstrip("/"):
            self.module.warn("experiment %s keeps its artifact location %s: MLflow cannot change it to %s"
                             % (params["name"], current["artifact_location"], wanted_location))
        if current["lifecycle_stage"] == "deleted":
            self.send("restore", {"experiment_id": current["experiment_id"]})
            after["lifecycle_stage"] = "active"
        for key, value in tags.items():
            if current["tags"].get(key) != value:
                self.send("set-experiment-tag", {"experiment_id": current["experiment_id"], "key": key,
                                                 "value": value})
                after["tags"][key] = value
        if params["purge_tags"]:
            for key in sorted(current["tags"]):
                if key not in tags and not key.startswith("mlflow."):
                    self.send("delete-experiment-tag", {"experiment_id": current["experiment_id"], "key": key})
                    del after["tags"][key]
        return after


def main():
    argument_spec = connection_argument_spec()
    argument_spec.update(
        name=dict(type="str", required=True),
        tags=dict(type="dict"),
        purge_tags=dict(type="bool", default=False),
        artifact_location=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    name = module.params["name"]
    if not name:
        module.fail_json(msg="name must not be empty")
    tags = wanted_tags(module)
    try:
        client = MlflowClient(module)
        found = client.get_experiment(name)
        current = describe(found) if found else None
        task = ExperimentTask(module, client)
        after = task.present(current, tags) if module.params["state"] == "present" else task.absent(current)
        result = dict(changed=task.changed, experiment=after)
        if module._diff:
            result["diff"] = dict(before=current or {}, after=after or {})
        module.exit_json(**result)
    except MlflowError as error:
        module.fail_json(msg="MLflow experiment %s: %s" % (name, error))


if __name__ == "__main__":
    main()
