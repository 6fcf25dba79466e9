# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""mlox.stack.mlflow_auth: the one rule for how the stack's MLflow signs users in."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mlox.stack.plugins.filter.mlflow import FilterModule

mlflow_auth = FilterModule().filters()["mlflow_auth"]


@pytest.mark.parametrize("groups, expected", [
    ({"mlox_keycloak": ["idp"], "mlox_mlflow": ["ml"]}, "oidc"),
    ({"mlox_keycloak": [], "mlox_mlflow": ["ml"]}, "basic"),
    ({"mlox_mlflow": ["ml"]}, "basic"),
    ({}, "basic"),
])
def test_default_follows_the_stacks_keycloak(groups, expected):
    assert mlflow_auth(groups) == expected
    assert mlflow_auth(groups, {"ml": {}, "idp": {}}) == expected


@pytest.mark.parametrize("keycloak_hosts", [[], ["idp"]])
@pytest.mark.parametrize("given", ["basic", "oidc", "none"])
def test_the_inventory_value_of_the_first_mlflow_host_wins(keycloak_hosts, given):
    groups = {"mlox_keycloak": keycloak_hosts, "mlox_mlflow": ["ml1", "ml2"]}
    hostvars = {"ml1": {"mlflow_auth": given}, "ml2": {"mlflow_auth": "something else"}}
    assert mlflow_auth(groups, hostvars) == given


def test_without_hostvars_the_inventory_value_is_not_read():
    groups = {"mlox_keycloak": ["idp"], "mlox_mlflow": ["ml"]}
    assert mlflow_auth(groups) == "oidc"


@pytest.mark.parametrize("groups", [None, ["mlox_keycloak"], "mlox_keycloak"])
def test_anything_but_the_groups_is_refused(groups):
    with pytest.raises(AnsibleFilterError, match=r"expects the inventory groups \(groups\)"):
        mlflow_auth(groups)
