# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The client entries of the keycloak role: what is refused, and what keycloak_client gets."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.mlox.stack.plugins.filter.keycloak import FilterModule

FILTERS = FilterModule().filters()
client_errors = FILTERS["keycloak_client_errors"]
clients = FILTERS["keycloak_clients"]

APP = {"client_id": "app", "redirect_uris": ["https://app.example.org/callback"]}


def test_a_plain_client_becomes_a_confidential_browser_client():
    [spec] = clients([APP])
    assert spec["client_id"] == "app"
    assert spec["public_client"] is False
    assert spec["standard_flow_enabled"] is True
    assert spec["direct_access_grants_enabled"] is False
    assert spec["service_accounts_enabled"] is False
    assert spec["redirect_uris"] == ["https://app.example.org/callback"]
    assert spec["web_origins"] == ["+"]
    assert "secret" not in spec
    assert [m["name"] for m in spec["protocol_mappers"]] == ["groups", "audience"]


def test_the_audience_mapper_names_its_own_client():
    [spec] = clients([APP])
    audience = next(m for m in spec["protocol_mappers"] if m["name"] == "audience")
    assert audience["config"]["included.client.audience"] == "app"
    assert audience["protocolMapper"] == "oidc-audience-mapper"


def test_the_groups_claim_carries_plain_group_names():
    [spec] = clients([APP])
    groups = next(m for m in spec["protocol_mappers"] if m["name"] == "groups")
    assert groups["config"]["claim.name"] == "groups"
    assert groups["config"]["full.path"] == "false"


def test_the_policy_claim_aggregates_group_attributes():
    [spec] = clients([dict(APP, mappers=["policy"])])
    [policy] = spec["protocol_mappers"]
    assert policy["config"]["user.attribute"] == "policy"
    assert policy["config"]["aggregate.attrs"] == "true"
    assert policy["config"]["multivalued"] == "true"


def test_a_script_client_issues_tokens_for_another_application():
    # The stack's mlflow-cli: a password grant without browser or secret, whose access tokens
    # MLflow (client mlflow) accepts.
    entry = {"client_id": "mlflow-cli", "public": True, "standard_flow": False, "direct_access_grants": True,
             "audience": "mlflow", "mappers": ["groups", "audience"]}
    assert client_errors([entry]) == []
    [spec] = clients([entry])
    assert (spec["public_client"], spec["standard_flow_enabled"], spec["direct_access_grants_enabled"]) == (
        True, False, True)
    assert spec["redirect_uris"] == []
    audience = next(m for m in spec["protocol_mappers"] if m["name"] == "audience")
    assert audience["config"]["included.client.audience"] == "mlflow"
    assert audience["config"]["access.token.claim"] == "true"
    groups = next(m for m in spec["protocol_mappers"] if m["name"] == "groups")
    assert groups["config"]["access.token.claim"] == "true"


def test_a_machine_client_needs_no_redirect_uris():
    entry = {"client_id": "robot", "standard_flow": False, "service_accounts": True}
    assert client_errors([entry]) == []
    [spec] = clients([entry])
    assert spec["service_accounts_enabled"] is True
    assert spec["standard_flow_enabled"] is False


def test_an_absent_client_needs_nothing_else():
    assert client_errors([{"client_id": "old", "state": "absent"}]) == []


@pytest.mark.parametrize("entry, fragment", [
    ({"client_id": "app"}, "needs redirect_uris"),
    ({"redirect_uris": ["https://a.example.org/cb"]}, "needs a client_id"),
    ("app", "needs a client_id"),
    (dict(APP, redirect_uris=["*"]), "no bare wildcard"),
    (dict(APP, redirect_uris=["http://app.example.org/cb"]), "must be an https:// URL"),
    (dict(APP, mappers=["roles"]), "unknown mappers roles"),
    (dict(APP, colour="blue"), "unknown keys colour"),
    (dict(APP, public=True, secret="s3cret-value"), "public client has no secret"),
    (dict(APP, state="gone"), "state must be present or absent"),
    (dict(APP, audience=""), "audience must be the client_id"),
    (dict(APP, audience=["mlflow"]), "audience must be the client_id"),
])
def test_unusable_entries_are_named(entry, fragment):
    [error] = client_errors([entry], "keycloak_clients_extra")
    assert error.startswith("keycloak_clients_extra")
    assert fragment in error


def test_a_client_id_given_twice_is_refused():
    errors = client_errors([APP, APP])
    assert any("given twice" in error for error in errors)


def test_loopback_redirects_are_allowed_for_local_tools():
    assert client_errors([dict(APP, redirect_uris=["http://127.0.0.1:8250/callback"])]) == []


def test_the_filter_refuses_what_the_checks_refuse():
    with pytest.raises(AnsibleFilterError, match="needs redirect_uris"):
        clients([{"client_id": "app"}])
