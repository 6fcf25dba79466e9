# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""mlox.stack.s3_bucket against a real MinIO server."""

import os

import pytest

from ansible_collections.mlox.stack.plugins.modules import s3_bucket

GIB = 1024 ** 3


def stat(server, name):
    return server.mc_ok("stat", "t/" + name)[-1]


def quota(server, name):
    return server.mc_ok("quota", "info", "t/" + name)[-1].get("quota")


def exists(server, name):
    rc, messages = server.mc("version", "info", "t/" + name)
    if rc == 0:
        return True
    assert server.error_code(messages) == "NoSuchBucket", messages
    return False


def test_create_then_unchanged_then_absent(minio_server, run_module, unique):
    name = unique("bkt")
    result = run_module(s3_bucket, {"name": name})
    assert result["changed"] is True, result
    assert result["bucket"] == {"name": name, "exists": True, "versioning": "off", "object_lock": False,
                                "quota": None, "anonymous_access": "none"}
    assert exists(minio_server, name)

    again = run_module(s3_bucket, {"name": name})
    assert again["changed"] is False, again
    assert again["bucket"] == result["bucket"]

    gone = run_module(s3_bucket, {"name": name, "state": "absent"})
    assert gone["changed"] is True and gone["bucket"] == {"name": name, "exists": False}
    assert not exists(minio_server, name)
    assert run_module(s3_bucket, {"name": name, "state": "absent"})["changed"] is False


def test_check_mode_reports_without_changing(minio_server, run_module, unique):
    name = unique("bkt")
    result = run_module(s3_bucket, {"name": name, "versioning": True, "quota": "1GiB"}, check_mode=True)
    assert result["changed"] is True
    assert result["bucket"]["versioning"] == "enabled" and result["bucket"]["quota"] == GIB
    assert not exists(minio_server, name)

    run_module(s3_bucket, {"name": name})
    result = run_module(s3_bucket, {"name": name, "versioning": True, "anonymous_access": "download"},
                        check_mode=True)
    assert result["changed"] is True
    assert stat(minio_server, name)["Versioning"]["status"] == ""
    assert minio_server.mc_ok("anonymous", "get", "t/" + name)[-1]["permission"] == "private"

    result = run_module(s3_bucket, {"name": name, "state": "absent"}, check_mode=True)
    assert result["changed"] is True and exists(minio_server, name)


def test_diff_shows_before_and_after(run_module, unique):
    name = unique("bkt")
    created = run_module(s3_bucket, {"name": name}, diff=True)
    assert created["diff"]["before"] == {"name": name, "exists": False}
    assert created["diff"]["after"]["exists"] is True

    changed = run_module(s3_bucket, {"name": name, "quota": "2GiB", "versioning": True}, diff=True)
    assert changed["diff"]["before"]["quota"] is None and changed["diff"]["before"]["versioning"] == "off"
    assert changed["diff"]["after"]["quota"] == 2 * GIB and changed["diff"]["after"]["versioning"] == "enabled"


def test_versioning_toggle(minio_server, run_module, unique):
    name = unique("bkt")
    run_module(s3_bucket, {"name": name, "versioning": False})
    assert stat(minio_server, name)["Versioning"]["status"] == ""

    assert run_module(s3_bucket, {"name": name, "versioning": True})["changed"] is True
    assert stat(minio_server, name)["Versioning"]["status"] == "Enabled"
    assert run_module(s3_bucket, {"name": name, "versioning": True})["changed"] is False
    # Unset leaves versioning as it is.
    assert run_module(s3_bucket, {"name": name})["bucket"]["versioning"] == "enabled"

    suspended = run_module(s3_bucket, {"name": name, "versioning": False})
    assert suspended["changed"] is True and suspended["bucket"]["versioning"] == "suspended"
    assert stat(minio_server, name)["Versioning"]["status"] == "Suspended"
    assert run_module(s3_bucket, {"name": name, "versioning": False})["changed"] is False


def test_quota_set_change_clear(minio_server, run_module, unique):
    name = unique("bkt")
    result = run_module(s3_bucket, {"name": name, "quota": "10GiB"})
    assert result["changed"] is True and result["bucket"]["quota"] == 10 * GIB
    assert quota(minio_server, name) == 10 * GIB
    assert run_module(s3_bucket, {"name": name, "quota": "10 GiB"})["changed"] is False
    assert run_module(s3_bucket, {"name": name, "quota": str(10 * GIB)})["changed"] is False
    # Unset leaves the quota.
    assert run_module(s3_bucket, {"name": name})["bucket"]["quota"] == 10 * GIB

    assert run_module(s3_bucket, {"name": name, "quota": "5GB"})["changed"] is True
    assert quota(minio_server, name) == 5 * 1000 ** 3

    for clear in ("0", ""):
        result = run_module(s3_bucket, {"name": name, "quota": clear})
        assert result["bucket"]["quota"] is None
        assert quota(minio_server, name) is None
    assert run_module(s3_bucket, {"name": name, "quota": "0"})["changed"] is False


def test_bad_quota_fails_before_contacting_the_server(run_module, unique):
    result = run_module(s3_bucket, {"name": unique("bkt"), "quota": "ten gigs"})
    assert result["failed"] and result["msg"].startswith("quota: ")


def test_anonymous_access_is_off_by_default(minio_server, run_module, unique):
    name = unique("bkt")
    run_module(s3_bucket, {"name": name})
    minio_server.mc_ok("pipe", "t/%s/hello.txt" % name, stdin="hello")
    assert minio_server.http_status("/%s/hello.txt" % name) == 403

    result = run_module(s3_bucket, {"name": name, "anonymous_access": "download"})
    assert result["changed"] is True and result["bucket"]["anonymous_access"] == "download"
    assert minio_server.http_status("/%s/hello.txt" % name) == 200
    assert run_module(s3_bucket, {"name": name, "anonymous_access": "download"})["changed"] is False

    # Leaving the option out turns anonymous access off again.
    assert run_module(s3_bucket, {"name": name, "force": True})["changed"] is True
    assert minio_server.http_status("/%s/hello.txt" % name) == 403


@pytest.mark.parametrize("access, permission", [("upload", "upload"), ("public", "public")])
def test_anonymous_access_levels(minio_server, run_module, unique, access, permission):
    name = unique("bkt")
    assert run_module(s3_bucket, {"name": name, "anonymous_access": access})["bucket"]["anonymous_access"] == access
    assert minio_server.mc_ok("anonymous", "get", "t/" + name)[-1]["permission"] == permission
    assert run_module(s3_bucket, {"name": name, "anonymous_access": access})["changed"] is False


def test_object_lock_only_at_creation(minio_server, run_module, unique):
    locked = unique("lock")
    result = run_module(s3_bucket, {"name": locked, "object_lock": True})
    assert result["changed"] is True
    assert result["bucket"]["object_lock"] is True and result["bucket"]["versioning"] == "enabled"
    assert stat(minio_server, locked)["ObjectLock"]["enabled"] == "Enabled"
    assert run_module(s3_bucket, {"name": locked, "object_lock": True})["changed"] is False

    mismatch = run_module(s3_bucket, {"name": locked})
    assert mismatch["failed"] and "object_lock" in mismatch["msg"] and "created" in mismatch["msg"]

    plain = unique("bkt")
    run_module(s3_bucket, {"name": plain})
    mismatch = run_module(s3_bucket, {"name": plain, "object_lock": True})
    assert mismatch["failed"] and "without object lock" in mismatch["msg"]
    assert stat(minio_server, plain)["ObjectLock"]["enabled"] == ""

    refused = run_module(s3_bucket, {"name": locked, "object_lock": True, "versioning": False})
    assert refused["failed"] and refused["msg"].startswith("versioning:")


def test_non_empty_bucket_needs_force(minio_server, run_module, unique):
    name = unique("bkt")
    run_module(s3_bucket, {"name": name})
    minio_server.mc_ok("pipe", "t/%s/data.bin" % name, stdin="payload")

    refused = run_module(s3_bucket, {"name": name, "state": "absent"})
    assert refused["failed"] and "not empty" in refused["msg"] and "force" in refused["msg"]
    assert exists(minio_server, name)

    assert run_module(s3_bucket, {"name": name, "state": "absent", "force": True})["changed"] is True
    assert not exists(minio_server, name)


@pytest.mark.parametrize("name, rule", [
    ("ab", "3 to 63 characters"),
    ("a" * 64, "3 to 63 characters"),
    ("My-Bucket", "lowercase"),
    ("under_score", "lowercase"),
    ("-starts-with-dash", "start and end"),
    ("ends-with-dot.", "start and end"),
    ("two..dots", ".."),
    ("192.168.1.10", "IP address"),
    ("xn--punycode", "xn--"),
    ("name-s3alias", "-s3alias"),
    ("name--ol-s3", "--ol-s3"),
])
def test_invalid_names_are_refused_before_contacting_the_server(run_module, name, rule):
    result = run_module(s3_bucket, {"name": name})
    assert result["failed"], result
    assert result["msg"].startswith("name: ") and rule in result["msg"]
    assert run_module.commands == []


def test_no_secret_on_a_command_line(minio_server, run_module, unique):
    name = unique("bkt")
    run_module(s3_bucket, {"name": name, "versioning": True, "quota": "1GiB", "anonymous_access": "download"})
    run_module(s3_bucket, {"name": name, "state": "absent"})
    assert run_module.commands
    for argv, stdin, environ in run_module.commands:
        assert not any(minio_server.root_password in arg for arg in argv)
        assert stdin is None
        assert minio_server.root_password in environ["MC_HOST_mloxadmin"]
        assert environ["SSL_CERT_FILE"] == minio_server.ca_file
        assert environ["SSL_CERT_DIR"].startswith(environ["MC_CONFIG_DIR"])  # ca_file only, not /etc/ssl/certs
        assert "--insecure" not in argv
        assert not os.path.exists(environ["MC_CONFIG_DIR"])


def test_unreachable_server_fails_with_a_clear_message(minio_server, run_module, unique):
    result = run_module(s3_bucket, {"name": unique("bkt"), "endpoint_url": "https://127.0.0.1:1"})
    assert result["failed"] and "connection refused" in result["msg"]
    assert minio_server.root_password not in result["msg"]


def test_a_server_certificate_from_another_ca_is_refused(run_module, unique, foreign_ca):
    result = run_module(s3_bucket, {"name": unique("bkt"), "ca_file": foreign_ca})
    assert result["failed"] and "certificate" in result["msg"], result
