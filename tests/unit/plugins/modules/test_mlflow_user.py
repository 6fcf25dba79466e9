# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""mlox.stack.mlflow_user against a real MLflow server: the password works for REST calls made
as the user, the admin flag is what was asked, and no password shows where it must not."""

import json
import secrets

import pytest

from ansible_collections.mlox.stack.plugins.modules import mlflow_user

USERS = "/api/2.0/mlflow/users/"


def new_password():
    """Long enough for MLflow (12 characters), with characters a URL or a header would escape."""
    return secrets.token_urlsafe(18) + ":/+%@é"


def user_info(server, name):
    status, answer = server.call("GET", USERS + "get", query={"username": name})
    if status == 404:
        return None
    assert status == 200, answer
    return answer["user"]


def login_status(server, name, password):
    return server.call("GET", USERS + "current", user=name, password=password)[0]


def test_create_and_idempotence(mlflow_server, run_mlflow_module, unique):
    name, password = unique("user"), new_password()
    created = run_mlflow_module(mlflow_user, {"name": name, "password": password})
    assert created["changed"] is True, created
    info = user_info(mlflow_server, name)
    assert created["user"] == {"name": name, "exists": True, "id": info["id"], "is_admin": False}
    assert login_status(mlflow_server, name, password) == 200

    again = run_mlflow_module(mlflow_user, {"name": name, "password": password})
    assert again["changed"] is False and again["password_changed"] is False
    assert again["user"] == created["user"]


def test_password_required_to_create(mlflow_server, run_mlflow_module, unique):
    name = unique("user")
    result = run_mlflow_module(mlflow_user, {"name": name})
    assert result["failed"] and "password is required" in result["msg"]
    assert user_info(mlflow_server, name) is None


@pytest.mark.parametrize("check_mode", [True, False])
def test_password_update_detected_by_login(mlflow_server, run_mlflow_module, unique, check_mode):
    name, old, new = unique("user"), new_password(), new_password()
    run_mlflow_module(mlflow_user, {"name": name, "password": old})

    # on_create leaves the password as it is.
    kept = run_mlflow_module(mlflow_user, {"name": name, "password": new, "update_password": "on_create"})
    assert kept["changed"] is False and login_status(mlflow_server, name, new) == 401

    updated = run_mlflow_module(mlflow_user, {"name": name, "password": new}, check_mode=check_mode, diff=True)
    assert updated["changed"] is True and updated["password_changed"] is True
    assert updated["diff"]["after"]["password_changed"] is True
    assert "password_changed" not in updated["diff"]["before"]
    works, refused = (old, new) if check_mode else (new, old)
    assert login_status(mlflow_server, name, works) == 200
    assert login_status(mlflow_server, name, refused) == 401

    if not check_mode:
        again = run_mlflow_module(mlflow_user, {"name": name, "password": new})
        assert again["changed"] is False and again["password_changed"] is False


def test_admin_flag(mlflow_server, run_mlflow_module, unique):
    name, password = unique("user"), new_password()
    created = run_mlflow_module(mlflow_user, {"name": name, "password": password, "admin": True})
    assert created["changed"] is True and created["user"]["is_admin"] is True
    assert user_info(mlflow_server, name)["is_admin"] is True

    # Unset leaves it; false demotes.
    assert run_mlflow_module(mlflow_user, {"name": name})["changed"] is False
    demoted = run_mlflow_module(mlflow_user, {"name": name, "admin": False}, diff=True)
    assert demoted["changed"] is True
    assert demoted["diff"]["before"]["is_admin"] is True and demoted["diff"]["after"]["is_admin"] is False
    assert user_info(mlflow_server, name)["is_admin"] is False
    assert run_mlflow_module(mlflow_user, {"name": name, "admin": False})["changed"] is False

    # An admin may create users; the demoted user may not.
    status = mlflow_server.call("POST", USERS + "create", {"username": unique("user"), "password": new_password()},
                                user=name, password=password)[0]
    assert status == 403


def test_check_mode_and_diff(mlflow_server, run_mlflow_module, unique):
    name, password = unique("user"), new_password()
    args = {"name": name, "password": password, "admin": True}
    result = run_mlflow_module(mlflow_user, args, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"] == {"before": {"name": name, "exists": False, "id": None},
                              "after": {"name": name, "exists": True, "id": None, "is_admin": True}}
    assert user_info(mlflow_server, name) is None

    run_mlflow_module(mlflow_user, args)
    result = run_mlflow_module(mlflow_user, {"name": name, "state": "absent"}, check_mode=True, diff=True)
    assert result["changed"] is True and result["diff"]["after"]["exists"] is False
    assert user_info(mlflow_server, name) is not None


def test_absent(mlflow_server, run_mlflow_module, unique):
    name, password = unique("user"), new_password()
    run_mlflow_module(mlflow_user, {"name": name, "password": password})
    result = run_mlflow_module(mlflow_user, {"name": name, "state": "absent"})
    assert result["changed"] is True and result["user"] == {"name": name, "exists": False, "id": None}
    assert user_info(mlflow_server, name) is None
    assert login_status(mlflow_server, name, password) == 401
    assert run_mlflow_module(mlflow_user, {"name": name, "state": "absent"})["changed"] is False


def test_login_user_changes_its_own_password(mlflow_server, run_mlflow_module, unique):
    # MLflow wants the current password when users change their own; the module sends it.
    name, old, new = unique("admin"), new_password(), new_password()
    run_mlflow_module(mlflow_user, {"name": name, "password": old, "admin": True})
    login = {"login_username": name, "login_password": old}
    result = run_mlflow_module(mlflow_user, dict(login, name=name, password=new))
    assert result["changed"] is True and result["password_changed"] is True, result
    assert login_status(mlflow_server, name, new) == 200


def test_refused_password_is_a_clear_error(mlflow_server, run_mlflow_module, unique):
    name = unique("user")
    result = run_mlflow_module(mlflow_user, {"name": name, "password": "short"})
    assert result["failed"] and "INVALID_PARAMETER_VALUE" in result["msg"] and "12 characters" in result["msg"]
    assert "short" not in result["msg"]


def test_wrong_login_is_a_clear_error(mlflow_server, run_mlflow_module, unique):
    result = run_mlflow_module(mlflow_user, {"name": unique("user"), "password": new_password(),
                                             "login_password": "not-the-admin-password"})
    assert result["failed"]
    assert "HTTP 401" in result["msg"] and "refused the login credentials of %s" % mlflow_server.admin_user \
        in result["msg"]
    assert "not-the-admin-password" not in result["msg"]


def test_non_admin_login_is_a_clear_error(mlflow_server, run_mlflow_module, unique):
    name, password = unique("user"), new_password()
    run_mlflow_module(mlflow_user, {"name": name, "password": password})
    result = run_mlflow_module(mlflow_user, {"name": unique("user"), "password": new_password(),
                                             "login_username": name, "login_password": password})
    assert result["failed"] and "HTTP 403" in result["msg"] and "admin" in result["msg"], result


def test_passwords_never_leak(mlflow_server, run_mlflow_module, unique):
    name, old, new = unique("user"), new_password(), new_password()
    results = [
        run_mlflow_module(mlflow_user, {"name": name, "password": old}, diff=True),
        run_mlflow_module(mlflow_user, {"name": name, "password": new}, diff=True),
        run_mlflow_module(mlflow_user, {"name": name, "password": new, "admin": True}, check_mode=True, diff=True),
        run_mlflow_module(mlflow_user, {"name": name, "password": old, "login_password": new}),
    ]
    assert results[3]["failed"]
    for result in results:
        for secret in (old, new, mlflow_server.admin_password):
            assert secret not in json.dumps(result)
