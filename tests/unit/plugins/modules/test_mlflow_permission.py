# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""mlox.stack.mlflow_permission against a real MLflow server (default_permission READ): grants
are what the server enforces on REST calls made as the user."""

import secrets

import pytest

from ansible_collections.mlox.stack.plugins.modules import mlflow_experiment, mlflow_permission, mlflow_user


@pytest.fixture
def user(run_mlflow_module, unique):
    """A new ordinary user: (name, password)."""
    name, password = unique("user"), secrets.token_urlsafe(18)
    assert not run_mlflow_module(mlflow_user, {"name": name, "password": password}).get("failed")
    return name, password


@pytest.fixture
def experiment(run_mlflow_module, unique):
    """A new experiment, created by the admin: (name, id)."""
    name = unique("exp")
    created = run_mlflow_module(mlflow_experiment, {"name": name})
    return name, created["experiment"]["experiment_id"]


@pytest.fixture
def model(mlflow_server, unique):
    name = unique("model")
    mlflow_server.ok("POST", "/api/2.0/mlflow/registered-models/create", {"name": name})
    return name


def set_tag_status(server, user, experiment_id):
    """Status of a write to the experiment made as the user."""
    name, password = user
    return server.call("POST", "/api/2.0/mlflow/experiments/set-experiment-tag",
                       {"experiment_id": experiment_id, "key": "written-by", "value": name},
                       user=name, password=password)[0]


def model_update_status(server, user, model):
    name, password = user
    return server.call("PATCH", "/api/2.0/mlflow/registered-models/update",
                       {"name": model, "description": "by " + name}, user=name, password=password)[0]


def test_read_refuses_writes_and_edit_allows_them(mlflow_server, run_mlflow_module, user, experiment):
    name, experiment_id = experiment
    args = {"user": user[0], "experiment": name, "permission": "READ"}
    granted = run_mlflow_module(mlflow_permission, args)
    assert granted["changed"] is True, granted
    assert granted["permission"] == {"user": user[0], "experiment_id": experiment_id, "permission": "READ"}
    assert set_tag_status(mlflow_server, user, experiment_id) == 403
    assert run_mlflow_module(mlflow_permission, args)["changed"] is False

    edit = run_mlflow_module(mlflow_permission, dict(args, permission="EDIT"), diff=True)
    assert edit["changed"] is True
    assert edit["diff"]["before"]["permission"] == "READ" and edit["diff"]["after"]["permission"] == "EDIT"
    assert set_tag_status(mlflow_server, user, experiment_id) == 200
    assert run_mlflow_module(mlflow_permission, dict(args, permission="EDIT"))["changed"] is False


def test_registered_model(mlflow_server, run_mlflow_module, user, model):
    assert model_update_status(mlflow_server, user, model) == 403  # default READ
    args = {"user": user[0], "registered_model": model, "permission": "EDIT"}
    granted = run_mlflow_module(mlflow_permission, args)
    assert granted["changed"] is True
    assert granted["permission"] == {"user": user[0], "registered_model": model, "permission": "EDIT"}
    assert model_update_status(mlflow_server, user, model) == 200
    assert run_mlflow_module(mlflow_permission, args)["changed"] is False

    revoked = run_mlflow_module(mlflow_permission, {"user": user[0], "registered_model": model, "state": "absent"})
    assert revoked["changed"] is True and revoked["permission"]["permission"] is None
    assert model_update_status(mlflow_server, user, model) == 403


def test_deny_overrides_the_default(mlflow_server, run_mlflow_module, user, experiment):
    name, experiment_id = experiment
    query = {"experiment_id": experiment_id}
    login = {"user": user[0], "password": user[1]}
    assert mlflow_server.call("GET", "/api/2.0/mlflow/experiments/get", query=query, **login)[0] == 200
    run_mlflow_module(mlflow_permission, {"user": user[0], "experiment": name, "permission": "DENY"})
    assert mlflow_server.call("GET", "/api/2.0/mlflow/experiments/get", query=query, **login)[0] == 403


def test_check_mode_and_diff(mlflow_server, run_mlflow_module, user, experiment):
    name, experiment_id = experiment
    args = {"user": user[0], "experiment": name, "permission": "EDIT"}
    result = run_mlflow_module(mlflow_permission, args, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"] == {"before": {"user": user[0], "experiment_id": experiment_id, "permission": None},
                              "after": {"user": user[0], "experiment_id": experiment_id, "permission": "EDIT"}}
    assert set_tag_status(mlflow_server, user, experiment_id) == 403

    run_mlflow_module(mlflow_permission, args)
    for changed in ({"permission": "READ"}, {"state": "absent"}):
        result = run_mlflow_module(mlflow_permission, dict(args, **changed), check_mode=True)
        assert result["changed"] is True
        assert set_tag_status(mlflow_server, user, experiment_id) == 200


def test_absent(mlflow_server, run_mlflow_module, user, experiment):
    name, experiment_id = experiment
    run_mlflow_module(mlflow_permission, {"user": user[0], "experiment": name, "permission": "MANAGE"})
    assert set_tag_status(mlflow_server, user, experiment_id) == 200
    args = {"user": user[0], "experiment": name, "state": "absent"}
    result = run_mlflow_module(mlflow_permission, args)
    assert result["changed"] is True
    assert result["permission"] == {"user": user[0], "experiment_id": experiment_id, "permission": None}
    assert set_tag_status(mlflow_server, user, experiment_id) == 403
    assert run_mlflow_module(mlflow_permission, args)["changed"] is False


def test_grants_through_creation_are_seen(mlflow_server, run_mlflow_module, user, unique):
    # MLflow gives the creator of an experiment MANAGE on it: the module sees that grant.
    name = unique("exp")
    experiment_id = mlflow_server.ok("POST", "/api/2.0/mlflow/experiments/create", {"name": name},
                                     user=user[0], password=user[1])["experiment_id"]
    result = run_mlflow_module(mlflow_permission, {"user": user[0], "experiment": name, "permission": "MANAGE"})
    assert result["changed"] is False
    assert result["permission"]["experiment_id"] == experiment_id


@pytest.mark.parametrize("args, message", [
    ({"experiment": "no-such-experiment", "permission": "READ"},
     "experiment no-such-experiment not found on the MLflow server; create it with mlox.stack.mlflow_experiment"),
    ({"registered_model": "no-such-model", "permission": "READ"}, "registered model no-such-model not found"),
])
def test_missing_resource_fails(run_mlflow_module, user, args, message):
    result = run_mlflow_module(mlflow_permission, dict(args, user=user[0]))
    assert result["failed"] and message in result["msg"], result


def test_missing_user_fails(run_mlflow_module, experiment):
    result = run_mlflow_module(mlflow_permission, {"user": "nobody-here", "experiment": experiment[0],
                                                   "permission": "READ"})
    assert result["failed"] and "user nobody-here not found" in result["msg"] and "mlflow_user" in result["msg"]


@pytest.mark.parametrize("args, message", [
    ({"experiment": "e", "registered_model": "m", "permission": "READ"}, "mutually exclusive"),
    ({"permission": "READ"}, "one of the following is required"),
    ({"experiment": "e"}, "permission"),
    ({"experiment": "e", "permission": "NO_PERMISSIONS"}, "value of permission must be one of"),
])
def test_bad_arguments(run_mlflow_module, args, message):
    result = run_mlflow_module(mlflow_permission, dict(args, user="someone"))
    assert result["failed"] and message in result["msg"], result
