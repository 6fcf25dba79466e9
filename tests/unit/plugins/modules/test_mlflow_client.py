# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The shared MLflow client: tracking URIs, error messages, and TLS through a proxy in front of
the real server."""

import pytest

from ansible_collections.mlox.stack.plugins.module_utils._mlflow_client import first_line, parse_tracking_uri
from ansible_collections.mlox.stack.plugins.modules import mlflow_experiment, mlflow_user


@pytest.mark.parametrize("uri, base", [
    ("https://mlflow.example.org:5000", "https://mlflow.example.org:5000"),
    ("https://mlflow.example.org:5000/", "https://mlflow.example.org:5000"),
    ("https://example.org/mlflow/", "https://example.org/mlflow"),
    ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
    ("https://[::1]:5000", "https://[::1]:5000"),
])
def test_parse_tracking_uri(uri, base):
    assert parse_tracking_uri(uri) == base


@pytest.mark.parametrize("uri, problem", [
    ("mlflow.example.org:5000", "http(s)://host"),
    ("file:///tmp/mlruns", "http(s)://host"),
    ("https://mlflow.example.org:5000/?x=1", "query"),
    ("https://mlflow.example.org:99999", "port"),
    ("", "required"),
])
def test_parse_tracking_uri_refuses(uri, problem):
    with pytest.raises(ValueError, match="tracking_uri") as error:
        parse_tracking_uri(uri)
    assert problem in str(error.value)


def test_parse_tracking_uri_does_not_echo_credentials():
    with pytest.raises(ValueError) as error:
        parse_tracking_uri("https://admin:hunter2secret@mlflow.example.org")
    assert "hunter2secret" not in str(error.value)


def test_first_line_drops_sql_and_hashes():
    message = ("User (username=alice) already exists. Error: (sqlite3.IntegrityError) UNIQUE constraint failed\n"
               "[SQL: INSERT INTO users ...]\n[parameters: ('alice', 'scrypt:32768:8:1$abc', 0)]")
    assert first_line(message) == "User (username=alice) already exists."


def test_existing_user_error_shows_no_hash(mlflow_server, run_mlflow_module, unique):
    # Creating a user that exists only happens in a race, so the request is made directly.
    name = unique("user")
    run_mlflow_module(mlflow_user, {"name": name, "password": "a-long-enough-password"})
    status, answer = mlflow_server.call("POST", "/api/2.0/mlflow/users/create",
                                        {"username": name, "password": "a-long-enough-password"})
    hash_method = "scrypt:" if "scrypt:" in answer["message"] else "pbkdf2:"
    assert status == 400 and hash_method in answer["message"]
    assert first_line(answer["message"]).startswith("User (username=%s) already exists" % name)
    assert hash_method not in first_line(answer["message"])


def test_unreachable_server_is_a_clear_error(run_mlflow_module, unique):
    result = run_mlflow_module(mlflow_experiment, {"name": unique("exp"), "tracking_uri": "http://127.0.0.1:9"})
    assert result["failed"] and "cannot reach MLflow at http://127.0.0.1:9" in result["msg"], result


def test_not_an_mlflow_server(mlflow_server, run_mlflow_module, unique):
    result = run_mlflow_module(mlflow_experiment, {"name": unique("exp"),
                                                   "tracking_uri": mlflow_server.tracking_uri + "/no/such/prefix"})
    assert result["failed"] and "HTTP 404" in result["msg"] and "basic-auth" in result["msg"], result


def test_tls_with_the_right_ca(mlflow_tls, run_mlflow_module, unique):
    url, ca_file = mlflow_tls
    result = run_mlflow_module(mlflow_experiment, {"name": unique("exp"), "tracking_uri": url, "ca_path": ca_file})
    assert result["changed"] is True, result


def test_tls_with_another_ca_is_refused(mlflow_tls, run_mlflow_module, unique, foreign_ca):
    url = mlflow_tls[0]
    for args in ({"ca_path": foreign_ca}, {}):  # another CA; the system trust store
        result = run_mlflow_module(mlflow_experiment, dict(args, name=unique("exp"), tracking_uri=url))
        assert result["failed"] and "TLS certificate was not accepted" in result["msg"] and "ca_path" in \
            result["msg"], result


def test_tls_without_validation(mlflow_tls, run_mlflow_module, unique):
    result = run_mlflow_module(mlflow_experiment, {"name": unique("exp"), "tracking_uri": mlflow_tls[0],
                                                   "validate_certs": False})
    assert result["changed"] is True, result
