# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""mlox.stack.minio_user against a real MinIO server: the user's secret works for S3 calls,
its policies are exactly the listed ones, and no secret shows where it must not."""

import json
import secrets

import pytest

from ansible_collections.mlox.stack.plugins.modules import minio_policy, minio_user


def new_secret(colon=False):
    """A secret with characters that a URL would have to escape (mc takes them raw), and with
    `colon` a ':', which MC_HOST cannot carry (the module then uses a private config file)."""
    return secrets.token_urlsafe(18) + "/+%@" + (":" if colon else "")


def user_info(server, access_key):
    rc, messages = server.mc("admin", "user", "info", "t", access_key)
    if rc != 0:
        assert server.error_code(messages) == "XMinioAdminNoSuchUser", messages
        return None
    return messages[-1]


def s3_answer(server, access_key, secret_key, *args):
    """None when an S3 call signed with these credentials succeeds, else the error code (or
    "AccessDenied" where mc reports a denial in its own words)."""
    rc, messages = server.mc(*args, access_key=access_key, secret_key=secret_key)
    if rc == 0:
        return None
    if "Insufficient permissions" in json.dumps(messages):
        return "AccessDenied"
    return server.error_code(messages) or messages


@pytest.fixture
def bucket_policy(minio_server, run_module, unique):
    """A bucket with an object, and a policy allowing to read it: (bucket, policy name)."""
    bucket, policy = unique("bkt"), unique("read")
    minio_server.mc_ok("mb", "t/" + bucket)
    minio_server.mc_ok("pipe", "t/%s/object.txt" % bucket, stdin="content")
    result = run_module(minio_policy, {"name": policy, "policy": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": ["arn:aws:s3:::%s" % bucket, "arn:aws:s3:::%s/*" % bucket]}]}})
    assert not result.get("failed"), result
    return bucket, policy


def test_create_user_with_policies(minio_server, run_module, unique, bucket_policy):
    bucket, policy = bucket_policy
    user, secret = unique("user"), new_secret()
    created = run_module(minio_user, {"access_key": user, "secret_key": secret, "policies": [policy]})
    assert created["changed"] is True, created
    assert created["user"] == {"access_key": user, "exists": True, "enabled": True, "policies": [policy],
                               "service_accounts": []}
    assert user_info(minio_server, user)["policyName"] == policy

    # The secret works, and the policy allows this bucket and nothing else.
    assert s3_answer(minio_server, user, secret, "cat", "t/%s/object.txt" % bucket) is None
    other = unique("other")
    minio_server.mc_ok("mb", "t/" + other)
    assert s3_answer(minio_server, user, secret, "ls", "t/" + other) == "AccessDenied"

    again = run_module(minio_user, {"access_key": user, "secret_key": secret, "policies": [policy]})
    assert again["changed"] is False and again["secret_updated"] is False


def test_policies_are_exactly_the_listed_ones(minio_server, run_module, unique, bucket_policy):
    policy = bucket_policy[1]
    user = unique("user")
    run_module(minio_user, {"access_key": user, "secret_key": new_secret(), "policies": [policy, "readonly"]})
    assert sorted(user_info(minio_server, user)["policyName"].split(",")) == sorted([policy, "readonly"])

    result = run_module(minio_user, {"access_key": user, "policies": ["readonly", "writeonly"]})
    assert result["changed"] is True and result["user"]["policies"] == ["readonly", "writeonly"]
    assert sorted(user_info(minio_server, user)["policyName"].split(",")) == ["readonly", "writeonly"]

    # Unset leaves them; an empty list detaches all.
    assert run_module(minio_user, {"access_key": user})["changed"] is False
    assert run_module(minio_user, {"access_key": user, "policies": []})["changed"] is True
    assert not user_info(minio_server, user).get("policyName")


def test_missing_policy_fails_before_any_change(minio_server, run_module, unique):
    user = unique("user")
    result = run_module(minio_user, {"access_key": user, "secret_key": new_secret(), "policies": ["no-such-policy"]})
    assert result["failed"] and "no-such-policy" in result["msg"] and "minio_policy" in result["msg"]
    assert user_info(minio_server, user) is None


def test_secret_required_to_create(run_module, unique):
    result = run_module(minio_user, {"access_key": unique("user")})
    assert result["failed"] and "secret_key is required" in result["msg"]


def test_enable_disable(minio_server, run_module, unique):
    user, secret = unique("user"), new_secret()
    created = run_module(minio_user, {"access_key": user, "secret_key": secret, "enabled": False})
    assert created["user"]["enabled"] is False
    assert user_info(minio_server, user)["userStatus"] == "disabled"
    assert run_module(minio_user, {"access_key": user, "enabled": False})["changed"] is False

    assert run_module(minio_user, {"access_key": user})["changed"] is True
    assert user_info(minio_server, user)["userStatus"] == "enabled"


def test_update_secret_always_resets_a_wrong_secret(minio_server, run_module, unique):
    user, old, new = unique("user"), new_secret(), new_secret(colon=True)
    run_module(minio_user, {"access_key": user, "secret_key": old, "policies": ["readonly"]})

    # on_create leaves the secret as it is.
    assert run_module(minio_user, {"access_key": user, "secret_key": new})["changed"] is False
    assert s3_answer(minio_server, user, new, "ls", "t") == "SignatureDoesNotMatch"

    checked = run_module(minio_user, {"access_key": user, "secret_key": new, "update_secret": "always"},
                         check_mode=True)
    assert checked["changed"] is True and checked["secret_updated"] is True
    assert s3_answer(minio_server, user, old, "ls", "t") is None

    reset = run_module(minio_user, {"access_key": user, "secret_key": new, "update_secret": "always"})
    assert reset["changed"] is True and reset["secret_updated"] is True
    assert s3_answer(minio_server, user, new, "ls", "t") is None
    assert s3_answer(minio_server, user, old, "ls", "t") == "SignatureDoesNotMatch"
    assert user_info(minio_server, user)["policyName"] == "readonly"

    again = run_module(minio_user, {"access_key": user, "secret_key": new, "update_secret": "always"})
    assert again["changed"] is False and again["secret_updated"] is False


def test_update_secret_always_accepts_access_denied_as_proof(run_module, unique):
    # A user without policies gets AccessDenied on every call, which still proves the secret.
    user, secret = unique("user"), new_secret()
    run_module(minio_user, {"access_key": user, "secret_key": secret})
    result = run_module(minio_user, {"access_key": user, "secret_key": secret, "update_secret": "always"})
    assert result["changed"] is False, result


def test_update_secret_of_disabled_user_warns(run_module, unique):
    user, secret = unique("user"), new_secret()
    run_module(minio_user, {"access_key": user, "secret_key": secret, "enabled": False})
    result = run_module(minio_user, {"access_key": user, "secret_key": new_secret(), "enabled": False,
                                     "update_secret": "always"})
    assert result["changed"] is False and result["secret_updated"] is False


def test_check_mode_and_diff(minio_server, run_module, unique):
    user = unique("user")
    args = {"access_key": user, "secret_key": new_secret(), "policies": ["readonly"],
            "service_accounts": [{"access_key": unique("svc")}]}
    result = run_module(minio_user, args, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"] == {"access_key": user, "exists": False}
    assert result["diff"]["after"]["policies"] == ["readonly"]
    assert result["created_service_accounts"] == [{"access_key": args["service_accounts"][0]["access_key"]}]
    assert user_info(minio_server, user) is None

    run_module(minio_user, args)
    changed = dict(args, policies=["writeonly"], enabled=False)
    result = run_module(minio_user, changed, check_mode=True, diff=True)
    assert result["changed"] is True
    assert result["diff"]["before"]["policies"] == ["readonly"] and result["diff"]["before"]["enabled"] is True
    assert result["diff"]["after"]["policies"] == ["writeonly"] and result["diff"]["after"]["enabled"] is False
    info = user_info(minio_server, user)
    assert info["policyName"] == "readonly" and info["userStatus"] == "enabled"

    result = run_module(minio_user, {"access_key": user, "state": "absent"}, check_mode=True)
    assert result["changed"] is True and user_info(minio_server, user) is not None


def test_absent(minio_server, run_module, unique):
    user = unique("user")
    run_module(minio_user, {"access_key": user, "secret_key": new_secret()})
    result = run_module(minio_user, {"access_key": user, "state": "absent"})
    assert result["changed"] is True and result["user"] == {"access_key": user, "exists": False}
    assert user_info(minio_server, user) is None
    assert run_module(minio_user, {"access_key": user, "state": "absent"})["changed"] is False


def test_service_accounts(minio_server, run_module, unique, bucket_policy):
    bucket, policy = bucket_policy
    user = unique("user")
    first, second = unique("svc"), unique("svc")
    restricted = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::%s" % bucket}]}
    args = {"access_key": user, "secret_key": new_secret(), "policies": [policy],
            "service_accounts": [{"access_key": first, "description": "training job"},
                                 {"access_key": second, "policy": json.dumps(restricted)}]}
    result = run_module(minio_user, args)
    created = {account["access_key"]: account["secret_key"] for account in result["created_service_accounts"]}
    assert sorted(created) == sorted([first, second]) and all(created.values())
    assert result["user"]["service_accounts"] == sorted([first, second])

    # The returned secrets work; the restricted account cannot read objects.
    assert s3_answer(minio_server, first, created[first], "cat", "t/%s/object.txt" % bucket) is None
    assert s3_answer(minio_server, second, created[second], "ls", "t/" + bucket) is None
    assert s3_answer(minio_server, second, created[second], "cat", "t/%s/object.txt" % bucket) == "AccessDenied"
    info = minio_server.mc_ok("admin", "user", "svcacct", "info", "t", first)[-1]
    assert info["parentUser"] == user and info["description"] == "training job"

    again = run_module(minio_user, args)
    assert again["changed"] is False and again["created_service_accounts"] == []

    # An unlisted account stays unless purged.
    kept = run_module(minio_user, dict(args, service_accounts=[{"access_key": first}]))
    assert kept["changed"] is False and kept["user"]["service_accounts"] == sorted([first, second])
    purged = run_module(minio_user, dict(args, service_accounts=[{"access_key": first}],
                                         purge_service_accounts=True))
    assert purged["changed"] is True and purged["removed_service_accounts"] == [second]
    listed = minio_server.mc_ok("admin", "user", "svcacct", "ls", "t", user)
    assert [account["accessKey"] for account in listed] == [first]


def test_access_key_taken_fails_before_any_change(minio_server, run_module, unique):
    owner, shared = unique("user"), unique("svc")
    run_module(minio_user, {"access_key": owner, "secret_key": new_secret(),
                            "service_accounts": [{"access_key": shared}]})
    for taken in (shared, owner):
        user = unique("user")
        result = run_module(minio_user, {"access_key": user, "secret_key": new_secret(),
                                         "service_accounts": [{"access_key": taken}]})
        assert result["failed"] and "%s is already used" % taken in result["msg"], result
        assert user_info(minio_server, user) is None


@pytest.mark.parametrize("accounts, message", [
    ([{"access_key": "dup-key"}, {"access_key": "dup-key"}], "used twice"),
    ([{"access_key": "svc-key", "policy": "{not json"}], "service_accounts[0].policy: "),
    ([{"access_key": "svc-key", "policy": {"Version": "2012-10-17"}}], "Statement"),
])
def test_bad_service_accounts_fail_before_contacting_the_server(run_module, unique, accounts, message):
    result = run_module(minio_user, {"access_key": unique("user"), "secret_key": new_secret(),
                                     "service_accounts": accounts})
    assert result["failed"] and message in result["msg"], result
    assert run_module.commands == []


def test_secrets_never_leak(minio_server, run_module, unique, bucket_policy):
    policy = bucket_policy[1]
    user, old, new = unique("user"), new_secret(colon=True), new_secret()
    results = [
        run_module(minio_user, {"access_key": user, "secret_key": old, "policies": [policy],
                                "service_accounts": [{"access_key": unique("svc")}]}, diff=True),
        run_module(minio_user, {"access_key": user, "secret_key": new, "update_secret": "always"}, diff=True),
        run_module(minio_user, {"access_key": unique("user"), "secret_key": "short"}),  # refused by MinIO
        run_module(minio_user, {"access_key": user, "secret_key": new, "policies": ["nope"]}),
    ]
    assert results[2]["failed"] and results[3]["failed"]
    generated = results[0]["created_service_accounts"][0]["secret_key"]
    for secret in (old, new, "short", minio_server.root_password):
        for result in results:
            assert secret not in json.dumps(result)
    for result in results[1:]:
        assert generated not in json.dumps(result)

    user_secret_stdin = 0
    for argv, stdin, environ in run_module.commands:
        for secret in (old, new, "short", minio_server.root_password, generated):
            assert not any(secret in arg for arg in argv), argv
        assert "--secret-key" not in argv
        if stdin is not None:
            assert argv[2:4] == ["admin", "user"] and argv[4] == "add"
            user_secret_stdin += 1
    assert user_secret_stdin == 3  # create, reset, and the refused one


def test_secrets_created_before_a_failure_are_returned(minio_server, run_module, unique):
    first, second = unique("svc"), unique("svc")
    refused = {"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": ["s3:GetObject"],
                                                       "Resource": ["*"]}]}
    result = run_module(minio_user, {"access_key": unique("user"), "secret_key": new_secret(),
                                     "service_accounts": [{"access_key": first},
                                                          {"access_key": second, "policy": refused}]})
    assert result["failed"] and "Maybe" in result["msg"], result
    [created] = result["created_service_accounts"]
    assert created["access_key"] == first
    assert s3_answer(minio_server, first, created["secret_key"], "ls", "t") in (None, "AccessDenied")
