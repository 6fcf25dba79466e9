# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shared helpers of the MinIO modules, and how they hand credentials to mc."""

import secrets

import pytest

from ansible_collections.mlox.stack.plugins.module_utils._minio_client import (
    canonical_policy,
    parse_endpoint,
    parse_size,
    policies_equal,
    policy_document,
)
from ansible_collections.mlox.stack.plugins.modules import minio_policy, minio_user, s3_bucket


@pytest.mark.parametrize("text, size", [
    ("10GiB", 10 * 1024 ** 3),
    ("10 gib", 10 * 1024 ** 3),
    ("1.5GiB", 1610612736),
    ("500MB", 500 * 1000 ** 2),
    ("1T", 1000 ** 4),
    ("2Ki", 2048),
    ("1073741824", 1073741824),
    ("0", 0),
])
def test_parse_size(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "GiB", "ten", "10 XB", "-1GiB", "1,5GiB"])
def test_parse_size_refuses(text):
    with pytest.raises(ValueError, match="is not a size"):
        parse_size(text)


@pytest.mark.parametrize("url, endpoint", [
    ("https://s3.example.org:9000", "https://s3.example.org:9000"),
    ("https://s3.example.org:9000/", "https://s3.example.org:9000"),
    ("http://127.0.0.1:9000", "http://127.0.0.1:9000"),
    ("https://[::1]:9000", "https://[::1]:9000"),
])
def test_parse_endpoint(url, endpoint):
    assert parse_endpoint(url) == endpoint


@pytest.mark.parametrize("url, problem", [
    ("s3.example.org:9000", "http(s)://host"),
    ("ftp://s3.example.org", "http(s)://host"),
    ("https://s3.example.org:9000/bucket", "path"),
    ("https://s3.example.org:9000/?x=1", "query"),
    ("https://s3.example.org:99999", "port"),
    ("", "required"),
])
def test_parse_endpoint_refuses(url, problem):
    with pytest.raises(ValueError, match="endpoint_url") as error:
        parse_endpoint(url)
    assert problem in str(error.value)


def test_parse_endpoint_does_not_echo_credentials():
    with pytest.raises(ValueError) as error:
        parse_endpoint("https://admin:hunter2secret@s3.example.org:9000")
    assert "hunter2secret" not in str(error.value)


STORED = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::b/*"],
     "Condition": {"StringEquals": {"s3:prefix": ["home/"]}}}]}


@pytest.mark.parametrize("written", [
    {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": "arn:aws:s3:::b/*",
         "Condition": {"StringEquals": {"s3:prefix": "home/"}}}]},
    {"Statement": {"Sid": "", "Condition": {"StringEquals": {"s3:prefix": "home/"}}, "Effect": ["Allow"],
                   "Resource": ["arn:aws:s3:::b/*", "arn:aws:s3:::b/*"], "Action": ["s3:GetObject", "s3:PutObject"]},
     "Version": "2012-10-17"},
], ids=["reordered-single-strings", "statement-object-duplicates"])
def test_equivalent_policies(written):
    assert policies_equal(written, STORED)


@pytest.mark.parametrize("written", [
    {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::b/*"],
         "Condition": {"StringEquals": {"s3:prefix": ["home/"]}}}]},
    {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::b/*"],
         "Condition": {"StringEquals": {"s3:prefix": ["home/"]}}}]},
    {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": ["arn:aws:s3:::b/*"]}]},
    {"Version": "2012-10-17", "Statement": [
        {"Sid": "named", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
         "Resource": ["arn:aws:s3:::b/*"], "Condition": {"StringEquals": {"s3:prefix": ["home/"]}}}]},
], ids=["effect", "fewer-actions", "no-condition", "sid"])
def test_different_policies(written):
    assert not policies_equal(written, STORED)


def test_canonical_policy_does_not_change_its_input():
    written = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}
    canonical_policy(written)
    assert written["Statement"]["Action"] == "s3:GetObject"


def test_policy_document_wraps_one_statement():
    assert policy_document('{"Version": "2012-10-17", "Statement": {"Effect": "Allow"}}')["Statement"] == [
        {"Effect": "Allow"}]


def test_private_directory_and_files(run_module, unique):
    name = unique("pol")
    run_module(minio_policy, {"name": name, "policy": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::x/*"]}]}})
    run_module(minio_user, {"access_key": unique("user"), "secret_key": secrets.token_hex(12),
                            "service_accounts": [{"access_key": unique("svc"), "policy": {
                                "Version": "2012-10-17", "Statement": [
                                    {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*"]}]}}]})
    files = {}
    for modes in run_module.file_modes:
        files.update(modes)
    assert any(path.endswith("policy.json") for path in files)
    for path, mode in files.items():
        assert mode in (0o700, 0o600) and not mode & 0o077, (path, oct(mode))


def test_credentials_with_a_colon_reach_mc_through_a_private_config_file(minio_server, run_module, unique):
    # mc cannot read a ':' in MC_HOST credentials, so the module writes them into its 0600 config file.
    user, secret = unique("user"), secrets.token_hex(8) + ":" + secrets.token_hex(8)
    created = run_module(minio_user, {"access_key": user, "secret_key": secret, "policies": ["readwrite"]})
    assert created["changed"] is True, created
    run_module.commands.clear()
    run_module.file_modes.clear()

    as_user = dict(login_access_key=user, login_secret_key=secret)
    result = run_module(s3_bucket, dict(as_user, name=unique("bkt")))
    assert result["changed"] is True, result
    for argv, _stdin, environ in run_module.commands:
        assert "MC_HOST_mloxadmin" not in environ
        assert not any(secret in arg for arg in argv)
    config_modes = [mode for modes in run_module.file_modes for path, mode in modes.items()
                    if path.endswith("config.json")]
    assert config_modes and set(config_modes) == {0o600}


def test_wrong_login_secret_fails_without_showing_it(minio_server, run_module, unique):
    wrong = "not-the-root-password-" + secrets.token_hex(4)
    result = run_module(s3_bucket, {"name": unique("bkt"), "login_secret_key": wrong})
    assert result["failed"] and "SignatureDoesNotMatch" in result["msg"]
    assert wrong not in result["msg"]


def test_missing_mc_is_reported(run_module, unique, tmp_path):
    result = run_module(s3_bucket, {"name": unique("bkt"), "mc_path": str(tmp_path / "mc")})
    assert result["failed"] and "mc_path" in result["msg"] and "not an executable" in result["msg"]
