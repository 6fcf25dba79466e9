# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The filters of the minio role, called as Ansible calls them."""

import base64
import hashlib
import hmac
import json

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mlox.stack.plugins.filter.minio import FilterModule

FILTERS = FilterModule().filters()
layout_errors = FILTERS["minio_layout_errors"]


@pytest.mark.parametrize("layout", [
    {"aio": ["/var/lib/mlox/minio/data"]},
    {"aio": ["/srv/d1", "/srv/d2"]},
    {"aio": ["/srv/d%d" % n for n in range(16)]},
    {"aio": ["/srv/d%d" % n for n in range(32)]},
    {"s3a": ["/srv/d1"], "s3b": ["/srv/d1"]},
    {"s3a": ["/srv/d1", "/srv/d2"], "s3b": ["/srv/d1", "/srv/d2"]},
    {"s%d" % n: ["/srv/d1"] for n in range(4)},
    {"s%d" % n: ["/mnt/a", "/mnt/b", "/mnt/c"] for n in range(6)},
], ids=["one-drive", "two-drives", "sixteen", "thirty-two", "2x1", "2x2", "4x1", "6x3"])
def test_layouts_minio_runs_pass(layout):
    assert layout_errors(layout) == []


@pytest.mark.parametrize("layout, expected", [
    ({"aio": ["/srv/d%d" % n for n in range(17)]}, "17 drives"),
    ({"aio": ["/srv/d%d" % n for n in range(19)]}, "erasure sets of 2 to 16"),
    ({"s3a": ["/srv/d1"], "s3b": ["/srv/d1", "/srv/d2"]}, "same number of drives"),
    ({"s%d" % n: ["/srv/d1"] for n in range(17)}, "17 hosts with 1 drives each"),
    ({"aio": []}, "non-empty list"),
    ({"aio": "/srv/d1"}, "non-empty list"),
    ({"aio": ["srv/d1"]}, "absolute directory path"),
    ({"aio": ["/srv/d1/"]}, "trailing"),
    ({"aio": ["/"]}, "absolute directory path"),
    ({"aio": ["/srv/my disk"]}, "absolute directory path"),
    ({"aio": ["/srv/d{1...4}"]}, "absolute directory path"),
    ({"aio": ["/srv/d1", "/srv/d1"]}, "same path twice"),
    ({"aio": ["/srv/d1", "/srv/d1/inner"]}, "lies inside"),
    ({}, "no hosts"),
], ids=["17", "19", "unequal", "17-hosts", "empty", "not-a-list", "relative", "trailing-slash",
        "root", "space", "ellipsis", "twice", "nested", "no-hosts"])
def test_layouts_minio_cannot_run_are_explained(layout, expected):
    errors = layout_errors(layout)
    assert errors and any(expected in error for error in errors), errors


def test_volumes_list_every_drive_of_every_host_in_order():
    endpoints = [{"host": "s3b", "url": "https://s3b:9000"}, {"host": "s3a", "url": "https://10.0.0.5:9000"}]
    drives = {"s3a": ["/d1", "/d2"], "s3b": ["/d1", "/d2"]}
    assert FILTERS["minio_volumes"](endpoints, drives) == [
        "https://s3b:9000/d1", "https://s3b:9000/d2", "https://10.0.0.5:9000/d1", "https://10.0.0.5:9000/d2",
    ]


def _b64decode(part):
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_metrics_token_is_an_hs512_jwt_for_prometheus_signed_with_the_secret():
    token = FILTERS["minio_metrics_token"]("mlox-prometheus", "s3cr3t-key")
    header, payload, signature = token.split(".")
    assert json.loads(_b64decode(header)) == {"alg": "HS512", "typ": "JWT"}
    claims = json.loads(_b64decode(payload))
    assert claims["sub"] == "mlox-prometheus" and claims["iss"] == "prometheus"
    assert claims["exp"] > 4_000_000_000
    expected = hmac.new(b"s3cr3t-key", ("%s.%s" % (header, payload)).encode(), hashlib.sha512).digest()
    assert _b64decode(signature) == expected
    assert FILTERS["minio_metrics_token"]("mlox-prometheus", "s3cr3t-key") == token
    assert FILTERS["minio_metrics_token"]("mlox-prometheus", "other") != token


def test_metrics_token_needs_both_keys():
    with pytest.raises(AnsibleFilterError, match="access key and its secret key"):
        FILTERS["minio_metrics_token"]("mlox-prometheus", "")


@pytest.mark.parametrize("name", ["mlflow", "team-data", "a.b.c", "abc", "x" * 63, "1bucket"])
def test_valid_bucket_names_pass(name):
    assert FILTERS["s3_bucket_name_error"](name, "minio_buckets") == ""


@pytest.mark.parametrize("name, rule", [
    ("ab", "3 to 63"), ("x" * 64, "3 to 63"), ("Team", "lowercase"), ("team_data", "lowercase"),
    ("-team", "start and end"), ("team.", "start and end"), ("a..b", "'..'"), ("10.0.0.1", "IP address"),
    ("xn--abc", "xn--"), ("data-s3alias", "-s3alias"), ("", "required"),
], ids=["short", "long", "upper", "underscore", "leading-dash", "trailing-dot", "double-dot", "ip",
        "xn", "s3alias", "empty"])
def test_invalid_bucket_names_are_explained(name, rule):
    message = FILTERS["s3_bucket_name_error"](name, "minio_buckets")
    assert message.startswith("minio_buckets: ") and rule in message


@pytest.mark.parametrize("entry, expected", [
    ({"name": "p", "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}}, ""),
    ({"name": "p", "policy": '{"Statement": [{"Effect": "Allow"}]}'}, ""),
    ({"name": "p", "policy": '{"Statement": ['}, "not valid JSON"),
    ({"name": "p", "policy": "[1, 2]"}, "JSON object"),
    ({"name": "p", "policy": {"Version": "2012-10-17"}}, "no 'Statement'"),
    ({"policy": {}}, "needs a name"),
], ids=["dict", "json", "broken-json", "array", "no-statement", "no-name"])
def test_policy_entries(entry, expected):
    message = FILTERS["minio_policy_error"](entry, "minio_policies")
    if expected:
        assert message.startswith("minio_policies: ") and expected in message
    else:
        assert message == ""
