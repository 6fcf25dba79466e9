# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""mlox.stack.minio_policy against a real MinIO server."""

import json
import secrets

import pytest

from ansible_collections.mlox.stack.plugins.modules import minio_policy


def document(bucket, actions=("s3:GetObject",)):
    return {"Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": ["arn:aws:s3:::%s/*" % bucket]}]}


def stored(server, name):
    rc, messages = server.mc("admin", "policy", "info", "t", name)
    if rc != 0:
        assert server.error_code(messages) == "XMinioAdminNoSuchPolicy", messages
        return None
    return messages[-1]["policyInfo"]["Policy"]


def test_create_unchanged_update_absent(minio_server, run_module, unique):
    name = unique("pol")
    created = run_module(minio_policy, {"name": name, "policy": document("one")})
    assert created["changed"] is True and created["policy"] == document("one")
    assert stored(minio_server, name) == document("one")

    assert run_module(minio_policy, {"name": name, "policy": document("one")})["changed"] is False

    updated = run_module(minio_policy, {"name": name, "policy": document("one", ("s3:GetObject", "s3:PutObject"))})
    assert updated["changed"] is True
    # MinIO keeps actions as a set: the order it answers with is its own.
    assert sorted(stored(minio_server, name)["Statement"][0]["Action"]) == ["s3:GetObject", "s3:PutObject"]

    removed = run_module(minio_policy, {"name": name, "state": "absent"})
    assert removed["changed"] is True and removed["policy"] is None
    assert stored(minio_server, name) is None
    assert run_module(minio_policy, {"name": name, "state": "absent"})["changed"] is False


@pytest.mark.parametrize("written", [
    # A single string where MinIO stores a one-element list.
    {"Version": "2012-10-17",
     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::one/*"}]},
    # One statement object instead of a list, an empty Sid, keys in another order.
    {"Statement": {"Sid": "", "Resource": "arn:aws:s3:::one/*", "Action": ["s3:GetObject"], "Effect": "Allow"},
     "Version": "2012-10-17"},
    # JSON text, with a repeated action.
    json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObject"], "Resource": ["arn:aws:s3:::one/*"]}]}),
], ids=["single-strings", "statement-object", "json-text"])
def test_equivalent_documents_are_unchanged(run_module, unique, written):
    name = unique("pol")
    assert run_module(minio_policy, {"name": name, "policy": written})["changed"] is True
    assert run_module(minio_policy, {"name": name, "policy": written})["changed"] is False
    assert run_module(minio_policy, {"name": name, "policy": document("one")})["changed"] is False


def test_check_mode_changes_nothing(minio_server, run_module, unique):
    name = unique("pol")
    result = run_module(minio_policy, {"name": name, "policy": document("one")}, check_mode=True)
    assert result["changed"] is True and result["policy"] == document("one")
    assert stored(minio_server, name) is None

    run_module(minio_policy, {"name": name, "policy": document("one")})
    result = run_module(minio_policy, {"name": name, "policy": document("two")}, check_mode=True)
    assert result["changed"] is True and result["policy"] == document("two")
    assert stored(minio_server, name) == document("one")

    result = run_module(minio_policy, {"name": name, "state": "absent"}, check_mode=True)
    assert result["changed"] is True and stored(minio_server, name) == document("one")


def test_diff_shows_the_documents(run_module, unique):
    name = unique("pol")
    created = run_module(minio_policy, {"name": name, "policy": document("one")}, diff=True)
    assert created["diff"] == {"before": {}, "after": {"name": name, "policy": document("one")}}
    updated = run_module(minio_policy, {"name": name, "policy": document("two")}, diff=True)
    assert updated["diff"]["before"]["policy"] == document("one")
    assert updated["diff"]["after"]["policy"] == document("two")
    removed = run_module(minio_policy, {"name": name, "state": "absent"}, diff=True)
    assert removed["diff"] == {"before": {"name": name, "policy": document("two")}, "after": {}}


@pytest.mark.parametrize("policy, problem", [
    ('{"Version": "2012-10-17", "Statement": [', "not valid JSON"),
    ("[1, 2]", "JSON object"),
    ({"Version": "2012-10-17"}, "Statement"),
    ({"Version": "2012-10-17", "Statement": []}, "Statement"),
])
def test_bad_documents_fail_before_any_change(run_module, unique, policy, problem):
    result = run_module(minio_policy, {"name": unique("pol"), "policy": policy})
    assert result["failed"] and result["msg"].startswith("policy: ") and problem in result["msg"], result
    assert run_module.commands == []


def test_server_rejection_is_reported(run_module, unique):
    bad = {"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": ["s3:GetObject"],
                                                   "Resource": ["arn:aws:s3:::x/*"]}]}
    result = run_module(minio_policy, {"name": unique("pol"), "policy": bad})
    assert result["failed"] and "invalid Effect Maybe" in result["msg"]


def test_policy_in_use_is_not_removed(minio_server, run_module, unique):
    name, user = unique("pol"), unique("user")
    run_module(minio_policy, {"name": name, "policy": document("one")})
    minio_server.mc_ok("admin", "user", "add", "t", stdin="%s\n%s\n" % (user, secrets.token_hex(16)))
    minio_server.mc_ok("admin", "policy", "attach", "t", name, "--user", user)

    result = run_module(minio_policy, {"name": name, "state": "absent"})
    assert result["failed"] and "attached" in result["msg"]
    assert stored(minio_server, name) == document("one")


def test_present_needs_a_policy(run_module, unique):
    result = run_module(minio_policy, {"name": unique("pol")})
    assert result["failed"] and "policy" in result["msg"]


def test_no_secret_on_a_command_line(minio_server, run_module, unique):
    name = unique("pol")
    run_module(minio_policy, {"name": name, "policy": document("one")})
    run_module(minio_policy, {"name": name, "state": "absent"})
    for argv, stdin, environ in run_module.commands:
        assert not any(minio_server.root_password in arg for arg in argv)
        assert stdin is None
