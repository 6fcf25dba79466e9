# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What a team's script does with MLflow, run by the verify playbook on another host.

The server, user and CA come from the environment (MLFLOW_TRACKING_URI, MLFLOW_TRACKING_USERNAME,
MLFLOW_TRACKING_PASSWORD, MLFLOW_TRACKING_SERVER_CERT_PATH). Each command prints one JSON object, on the last line (MLflow prints run links before it).
"""

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path

import mlflow
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient

METRIC_POINTS = 300
MODEL_NAME = "verify-model"
ALIAS = "champion"


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class Doubler(mlflow.pyfunc.PythonModel):
    def predict(self, context, model_input, params=None):
        return [2 * value for value in model_input]


def log_old_run(server_release):
    """A run logged before the upgrade; verify.yml reads it back after."""
    mlflow.set_experiment("upgrade-check")
    with mlflow.start_run() as run:
        mlflow.log_param("server_release", server_release)
        mlflow.log_metric("loss", 0.5)
    return {"run_id": run.info.run_id, "server_release": server_release}


def round_trip(artifact):
    """Experiment, run, params, a batch of metrics, an artifact, a model, a version with an alias."""
    client = MlflowClient()
    experiment_id = mlflow.set_experiment("round-trip").experiment_id
    with mlflow.start_run() as run:
        mlflow.log_params({"optimizer": "adam", "learning_rate": "0.01"})
        timestamp = 1700000000000
        metrics = [
            mlflow.entities.Metric("loss", 1.0 / (step + 1), timestamp + step, step)
            for step in range(METRIC_POINTS)
        ]
        client.log_batch(run.info.run_id, metrics=metrics)
        mlflow.log_artifact(artifact)
        mlflow.pyfunc.log_model(name="model", python_model=Doubler())
    version = mlflow.register_model("runs:/%s/model" % run.info.run_id, MODEL_NAME)
    client.set_registered_model_alias(MODEL_NAME, ALIAS, version.version)
    return {
        "run_id": run.info.run_id,
        "experiment_id": experiment_id,
        "artifact_uri": run.info.artifact_uri,
        "model_version": version.version,
    }


def check_run(run_id, artifact_name=None):
    """Read a run back: params, metric history, and the sha256 of an artifact."""
    client = MlflowClient()
    run = client.get_run(run_id)
    result = {
        "params": run.data.params,
        "metric_points": {key: len(client.get_metric_history(run_id, key)) for key in run.data.metrics},
    }
    if artifact_name:
        with tempfile.TemporaryDirectory() as work:
            result["artifact_sha256"] = sha256(client.download_artifacts(run_id, artifact_name, work))
    return result


def check_model():
    """The model version behind the alias, loaded and asked for a prediction."""
    alias = MlflowClient().get_model_version_by_alias(MODEL_NAME, ALIAS)
    model = mlflow.pyfunc.load_model("models:/%s@%s" % (MODEL_NAME, ALIAS))
    return {"run_id": alias.run_id, "version": alias.version, "prediction": list(model.predict([1, 2, 3]))}


def try_write(experiment_name):
    """Try to start a run in an experiment as the user of the environment."""
    client = MlflowClient()
    experiment = client.get_experiment_by_name(experiment_name)
    try:
        client.create_run(experiment.experiment_id)
    except MlflowException as error:
        return {"written": False, "error_code": error.error_code}
    return {"written": True}


def s3_sha256(bucket, key):
    """Read an object straight from S3 (AWS_* and MLFLOW_S3_ENDPOINT_URL in the environment)."""
    import boto3

    s3 = boto3.client("s3", endpoint_url=os.environ["MLFLOW_S3_ENDPOINT_URL"])
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    return {"sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}


COMMANDS = {
    "log-old-run": log_old_run,
    "round-trip": round_trip,
    "check-run": check_run,
    "check-model": check_model,
    "try-write": try_write,
    "s3-sha256": s3_sha256,
}

if __name__ == "__main__":
    print(json.dumps(COMMANDS[sys.argv[1]](*sys.argv[2:])))
