# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a stranger meets: every UI ends at the sign-in, Keycloak's admin console is not there."""

import pytest
import requests

from signin import wait_for_login_page

# The UIs whose every page needs the realm's sign-in.
SIGN_IN_UIS = ["mlflow", "minio_console", "prometheus", "alertmanager", "traefik"]


@pytest.mark.parametrize("service", SIGN_IN_UIS)
def test_a_stranger_ends_at_the_keycloak_sign_in(page, stack, service):
    page.goto(stack.url(service))
    wait_for_login_page(page, stack)


@pytest.mark.parametrize("path", ["/admin/", "/admin/master/console/", "/admin/realms/mlox/users",
                                  "/realms/master/protocol/openid-connect/auth"])
def test_keycloak_administration_is_not_on_the_public_hostname(stack, path):
    answer = requests.get(stack.url("keycloak", path), verify=stack.ca_file, allow_redirects=False, timeout=30)
    assert answer.status_code in (403, 404), "%s answered %d" % (path, answer.status_code)


def test_the_realm_is_on_the_public_hostname(stack):
    answer = requests.get(stack.url("keycloak", "/realms/mlox/.well-known/openid-configuration"),
                          verify=stack.ca_file, timeout=30)
    answer.raise_for_status()
    assert answer.json()["issuer"] == stack.url("keycloak", "/realms/mlox").rstrip("/")
