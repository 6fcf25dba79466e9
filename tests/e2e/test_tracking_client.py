# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Scripts and CI jobs: with a token from Keycloak, the mlflow client logs a run with an
artifact and registers a model through the edge; the artifact lands in the MinIO bucket."""

import json
import os
import secrets
import subprocess
from pathlib import Path

import pytest
import requests
import yaml

from ansible_collections.mlox.stack.tests.unit.plugins.modules.mlflow_server import (
    mirror_root, pinned_version, server_venv)
from signin import REALM

ROOT = Path(__file__).resolve().parents[2]


def role_default(role, variable):
    return yaml.safe_load((ROOT / "roles" / role / "defaults" / "main.yml").read_text())[variable]


# The roles' defaults: MinIO's root user, MLflow's artifact bucket, the S3 client MLflow pins.
MINIO_ROOT_USER = role_default("minio", "minio_root_user")
ARTIFACT_BUCKET = role_default("mlflow", "mlflow_s3_bucket")
CLIENT_PACKAGES = tuple(package for package in role_default("mlflow", "mlflow_pip_packages")
                        if package.startswith("boto3=="))

# Runs in the MLflow venv, as a user's script would; public hostnames resolve to the edge.
RESOLVE = """
import os, socket
_edge, _suffix, _original = os.environ["MLOX_E2E_EDGE"], "." + os.environ["MLOX_E2E_DOMAIN"], socket.getaddrinfo
def _getaddrinfo(host, *args, **kwargs):
    return _original(_edge if isinstance(host, str) and host.endswith(_suffix) else host, *args, **kwargs)
socket.getaddrinfo = _getaddrinfo
"""
LOG_AND_REGISTER = RESOLVE + """
import json, pathlib, tempfile
import mlflow
tag = os.environ["E2E_TAG"]
mlflow.set_experiment("e2e-" + tag)
with mlflow.start_run() as run:
    mlflow.log_param("alpha", 0.5)
    mlflow.log_metric("loss", 0.25)
    model = pathlib.Path(tempfile.mkdtemp()) / "model.txt"
    model.write_text(tag)
    mlflow.log_artifact(str(model), artifact_path="model")
client = mlflow.MlflowClient()
client.create_registered_model("e2e-" + tag)
version = client.create_model_version("e2e-" + tag, source=run.info.artifact_uri + "/model", run_id=run.info.run_id)
print(json.dumps({"artifact_uri": run.info.artifact_uri, "version": version.version,
                  "metric": client.get_run(run.info.run_id).data.metrics["loss"]}))
"""
READ_OBJECT = RESOLVE + """
import boto3
s3 = boto3.client("s3", endpoint_url=os.environ["E2E_S3"], aws_access_key_id=os.environ["E2E_S3_USER"],
                  aws_secret_access_key=os.environ["E2E_S3_SECRET"], region_name="us-east-1")
print(s3.get_object(Bucket=os.environ["E2E_BUCKET"], Key=os.environ["E2E_KEY"])["Body"].read().decode())
"""


@pytest.fixture(scope="module")
def client_venv():
    version = pinned_version()
    return server_venv(mirror_root() / "mlflow" / version, version, CLIENT_PACKAGES)


def run_in(venv, script, stack, environment):
    environment = dict(os.environ, MLOX_E2E_EDGE=stack.edge, MLOX_E2E_DOMAIN=stack.domain,
                       REQUESTS_CA_BUNDLE=stack.ca_file, AWS_CA_BUNDLE=stack.ca_file, **environment)
    done = subprocess.run([str(venv / "bin" / "python"), "-c", script], env=environment,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1]


def access_token(stack, user):
    """What docs/tracking.md tells a user to do: a password grant at the mlflow-cli client."""
    answer = requests.post(stack.url("keycloak", "/realms/%s/protocol/openid-connect/token" % REALM),
                           data={"grant_type": "password", "client_id": "mlflow-cli", "scope": "openid",
                                 "username": user.username, "password": user.password},
                           verify=stack.ca_file, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def test_the_mlflow_client_logs_a_run_and_registers_a_model_into_s3(client_venv, stack, users):
    tag = secrets.token_hex(4)
    result = json.loads(run_in(client_venv, LOG_AND_REGISTER, stack, {
        "MLFLOW_TRACKING_URI": stack.url("mlflow").rstrip("/"),
        "MLFLOW_TRACKING_TOKEN": access_token(stack, users["ada"]),
        "E2E_TAG": tag,
    }))
    assert result["version"] == "1"
    assert result["metric"] == 0.25
    # MLflow proxies artifacts into the bucket: mlflow-artifacts:/<path> is s3://<bucket>/<path>.
    key = result["artifact_uri"].split("mlflow-artifacts:/", 1)[1].lstrip("/") + "/model/model.txt"
    content = run_in(client_venv, READ_OBJECT, stack, {
        "E2E_S3": stack.url("minio").rstrip("/"),
        "E2E_S3_USER": MINIO_ROOT_USER,
        "E2E_S3_SECRET": stack.secret("minio_root_password"),
        "E2E_BUCKET": ARTIFACT_BUCKET,
        "E2E_KEY": key,
    })
    assert content == tag


def test_a_request_without_a_token_is_refused(stack):
    answer = requests.get(stack.url("mlflow", "/api/2.0/mlflow/experiments/search?max_results=1"),
                          verify=stack.ca_file, allow_redirects=False, timeout=30)
    assert answer.status_code in (302, 401, 403), answer.status_code
