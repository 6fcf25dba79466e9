# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The prometheus role's job for MLflow matches how the MLflow hosts sign users in.

MLflow's basic auth lets only admins read /metrics, so Prometheus signs in as the metrics user;
mlflow-oidc-auth serves /metrics without sign-in, so Prometheus sends nothing. The role's
prometheus.yml.j2 is rendered by Ansible with the defaults and vars of _common and the role, for
inventories that decide the MLflow hosts' mlflow_auth in each way the mlflow role does.
"""

import pytest
import yaml

from role_templates import render

MLFLOW_USER = "mlox-prometheus"


def mlflow_job(workdir, groups, role_vars=None):
    """The job `mlflow` of the rendered prometheus.yml, and the names of the credential files the
    role writes (configure.yml writes one per entry of _prometheus_credentials)."""
    dest = workdir / "prometheus.yml"
    names = workdir / "credentials.json"
    (workdir / "credentials.j2").write_text("{{ _prometheus_credentials | list | to_json }}\n")
    render(workdir, ["_common", "prometheus"],
           {"prometheus.yml.j2": dest, str(workdir / "credentials.j2"): names},
           dict(role_vars or {}, mlox_secrets_dir=str(workdir / "secrets")),
           dict(groups, mlox_prometheus=["localhost"]))
    [job] = [job for job in yaml.safe_load(dest.read_text())["scrape_configs"] if job["job_name"] == "mlflow"]
    return job, yaml.safe_load(names.read_text())


@pytest.mark.parametrize("groups, role_vars, basic", [
    # The mlflow role's default: oidc with the stack's Keycloak, basic without.
    ({"mlox_mlflow": ["tracker"], "mlox_keycloak": ["kc"]}, {}, False),
    ({"mlox_mlflow": ["tracker"]}, {}, True),
    # The inventory's mlflow_auth of the MLflow host wins over that default.
    ({"mlox_mlflow": {"tracker": {"mlflow_auth": "basic"}}, "mlox_keycloak": ["kc"]}, {}, True),
    ({"mlox_mlflow": {"tracker": {"mlflow_auth": "oidc"}}}, {}, False),
    # And prometheus_mlflow_auth over both, for a play that sets mlflow_auth itself.
    ({"mlox_mlflow": ["tracker"], "mlox_keycloak": ["kc"]}, {"prometheus_mlflow_auth": "basic"}, True),
], ids=["keycloak", "no-keycloak", "inventory-basic", "inventory-oidc", "prometheus-variable"])
def test_credentials_only_where_mlflow_asks_for_them(tmp_path, groups, role_vars, basic):
    job, credentials = mlflow_job(tmp_path, groups, role_vars)
    assert job["static_configs"][0]["labels"] == {"instance": "tracker"}
    if basic:
        assert job["basic_auth"] == {"username": MLFLOW_USER,
                                     "password_file": "/etc/mlox/prometheus/credentials/mlflow_password"}
    else:
        assert "basic_auth" not in job and "authorization" not in job
    # The MLflow metrics password reaches the Prometheus host only for basic auth.
    assert ("mlflow_password" in credentials) == basic, credentials
