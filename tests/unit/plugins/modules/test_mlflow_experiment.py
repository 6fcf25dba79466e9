# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""mlox.stack.mlflow_experiment against a real MLflow server: creation, tags, soft delete and
restore, as the server reports them."""

import pytest

from ansible.module_utils import basic
from ansible_collections.mlox.stack.plugins.modules import mlflow_experiment

API = "/api/2.0/mlflow/experiments/"


@pytest.fixture
def warnings(monkeypatch):
    """The warnings the module gives, in order."""
    given = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, warning: given.append(warning))
    return given


def experiment(server, name):
    status, answer = server.call("GET", API + "get-by-name", query={"experiment_name": name})
    if status == 404:
        return None
    assert status == 200, answer
    found = answer["experiment"]
    found["tags"] = {tag["key"]: tag["value"] for tag in found.get("tags") or []}
    return found


def test_create_and_idempotence(mlflow_server, run_mlflow_module, unique, tmp_path, warnings):
    name = unique("exp")
    location = (tmp_path / "artifacts").as_uri()
    args = {"name": name, "tags": {"team": "growth", "stage": 2}, "artifact_location": location}
    created = run_mlflow_module(mlflow_experiment, args)
    assert created["changed"] is True, created
    found = experiment(mlflow_server, name)
    assert created["experiment"] == {"experiment_id": found["experiment_id"], "name": name,
                                     "tags": {"team": "growth", "stage": "2"}, "lifecycle_stage": "active",
                                     "artifact_location": location}
    assert found["tags"] == {"team": "growth", "stage": "2"} and found["artifact_location"] == location

    again = run_mlflow_module(mlflow_experiment, args)
    assert again["changed"] is False and again["experiment"] == created["experiment"]
    assert warnings == []


def test_tags_set_and_purged(mlflow_server, run_mlflow_module, unique):
    name = unique("exp")
    run_mlflow_module(mlflow_experiment, {"name": name, "tags": {"team": "a", "old": "x",
                                                                 "mlflow.note.content": "About"}})

    # Listed tags are set; unlisted ones stay unless purged; mlflow.* tags always stay.
    updated = run_mlflow_module(mlflow_experiment, {"name": name, "tags": {"team": "b"}}, diff=True)
    assert updated["changed"] is True
    assert updated["diff"]["before"]["tags"]["team"] == "a" and updated["diff"]["after"]["tags"]["team"] == "b"
    assert experiment(mlflow_server, name)["tags"] == {"team": "b", "old": "x", "mlflow.note.content": "About"}

    purged = run_mlflow_module(mlflow_experiment, {"name": name, "tags": {"team": "b"}, "purge_tags": True})
    assert purged["changed"] is True and purged["experiment"]["tags"] == {"team": "b", "mlflow.note.content": "About"}
    assert experiment(mlflow_server, name)["tags"] == {"team": "b", "mlflow.note.content": "About"}
    again = run_mlflow_module(mlflow_experiment, {"name": name, "tags": {"team": "b"}, "purge_tags": True})
    assert again["changed"] is False


def test_check_mode_and_diff(mlflow_server, run_mlflow_module, unique):
    name = unique("exp")
    result = run_mlflow_module(mlflow_experiment, {"name": name, "tags": {"team": "a"}}, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"] == {"experiment_id": None, "name": name, "tags": {"team": "a"},
                                       "lifecycle_stage": "active", "artifact_location": None}
    assert experiment(mlflow_server, name) is None

    run_mlflow_module(mlflow_experiment, {"name": name, "tags": {"team": "a", "old": "x"}})
    for args in ({"tags": {"team": "b"}}, {"tags": {}, "purge_tags": True}, {"state": "absent"}):
        result = run_mlflow_module(mlflow_experiment, dict(args, name=name), check_mode=True, diff=True)
        assert result["changed"] is True and result["diff"]["before"] != result["diff"]["after"], args
        found = experiment(mlflow_server, name)
        assert found["tags"] == {"team": "a", "old": "x"} and found["lifecycle_stage"] == "active"


def test_absent_soft_deletes_and_present_restores(mlflow_server, run_mlflow_module, unique):
    name = unique("exp")
    created = run_mlflow_module(mlflow_experiment, {"name": name})
    deleted = run_mlflow_module(mlflow_experiment, {"name": name, "state": "absent"})
    assert deleted["changed"] is True and deleted["experiment"]["lifecycle_stage"] == "deleted"
    assert experiment(mlflow_server, name)["lifecycle_stage"] == "deleted"
    assert run_mlflow_module(mlflow_experiment, {"name": name, "state": "absent"})["changed"] is False

    restored = run_mlflow_module(mlflow_experiment, {"name": name, "tags": {"back": "yes"}})
    assert restored["changed"] is True
    assert restored["experiment"]["experiment_id"] == created["experiment"]["experiment_id"]
    found = experiment(mlflow_server, name)
    assert found["lifecycle_stage"] == "active" and found["tags"] == {"back": "yes"}


def test_absent_of_a_missing_experiment(run_mlflow_module, unique):
    result = run_mlflow_module(mlflow_experiment, {"name": unique("exp"), "state": "absent"})
    assert result["changed"] is False and result["experiment"] is None


def test_other_artifact_location_warns_and_stays(mlflow_server, run_mlflow_module, unique, tmp_path, warnings):
    name = unique("exp")
    created = run_mlflow_module(mlflow_experiment, {"name": name})
    result = run_mlflow_module(mlflow_experiment, {"name": name, "artifact_location": (tmp_path / "x").as_uri()})
    assert result["changed"] is False
    [warning] = warnings
    assert "keeps its artifact location %s" % created["experiment"]["artifact_location"] in warning
    assert experiment(mlflow_server, name)["artifact_location"] == created["experiment"]["artifact_location"]


@pytest.mark.parametrize("tags, message", [
    ({"": "x"}, "must not be empty"),
    ({"nested": {"a": 1}}, "must be a string"),
])
def test_bad_tags_fail_before_contacting_the_server(run_mlflow_module, unique, tags, message):
    result = run_mlflow_module(mlflow_experiment, {"name": unique("exp"), "tags": tags,
                                                   "tracking_uri": "http://127.0.0.1:9"})
    assert result["failed"] and message in result["msg"], result
