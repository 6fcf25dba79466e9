# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input stops mlox.stack.postgresql before any change, naming the variable at fault."""

import pytest

APP = {"postgresql_users": [{"name": "app"}], "postgresql_databases": [{"name": "appdb", "owner": "app"}]}

CASES = {
    # wrong types and missing keys, caught by the argument specs
    "users-not-a-list": ({"postgresql_users": "app"}, "postgresql_users"),
    "user-without-name": ({"postgresql_users": [{"clients": ["10.0.0.7"]}]}, "postgresql_users"),
    "database-without-owner": ({**APP, "postgresql_databases": [{"name": "appdb"}]}, "postgresql_databases"),
    "retention-not-an-int": ({"postgresql_backup_retention_days": "two weeks"}, "postgresql_backup_retention_days"),
    "stack-consumers-not-a-bool": ({"postgresql_stack_consumers": "sometimes"}, "postgresql_stack_consumers"),
    "tls-version-unknown": ({"postgresql_ssl_min_protocol_version": "TLSv1.1"}, "postgresql_ssl_min_protocol_version"),
    # rules of preflight.yml
    "version-not-a-major": ({"postgresql_version": "17.2"}, "postgresql_version"),
    "port-out-of-range": ({"postgresql_port": 70000}, "postgresql_port"),
    "listen-address-with-port": ({"postgresql_listen_address": "10.0.0.5:5432"}, "postgresql_listen_address"),
    "listen-address-list": ({"postgresql_listen_address": "10.0.0.5,10.0.0.6"}, "postgresql_listen_address"),
    "user-name-invalid": ({**APP, "postgresql_users": [{"name": "App-User"}]}, "postgresql_users"),
    "user-name-reserved": ({"postgresql_users": [{"name": "postgres"}]}, "postgresql_users"),
    "user-name-pg-prefix": ({"postgresql_users": [{"name": "pg_app"}]}, "postgresql_users"),
    "user-twice": ({"postgresql_users": [{"name": "app"}, {"name": "app"}]}, "postgresql_users"),
    "database-name-invalid": ({**APP, "postgresql_databases": [{"name": "app db", "owner": "app"}]},
                              "postgresql_databases"),
    "database-name-reserved": ({**APP, "postgresql_databases": [{"name": "template1", "owner": "app"}]},
                               "postgresql_databases"),
    "database-twice": ({**APP, "postgresql_databases": [{"name": "appdb", "owner": "app"}] * 2},
                       "postgresql_databases"),
    "owner-not-a-user": ({**APP, "postgresql_databases": [{"name": "appdb", "owner": "bob"}]},
                         "postgresql_databases"),
    "password-short": ({"postgresql_users": [{"name": "app", "password": "short"}]}, "postgresql_users"),
    "client-invalid": ({"postgresql_users": [{"name": "app", "clients": ["10.0.0.0/24 trust"]}]},
                       "postgresql_users"),
    "setting-managed-by-the-role": ({"postgresql_settings": {"listen_addresses": "*"}}, "postgresql_settings"),
    "retention-zero": ({"postgresql_backup_retention_days": 0}, "postgresql_backup_retention_days"),
    "randomized-delay-negative": ({"postgresql_backup_randomized_delay_sec": -1},
                                  "postgresql_backup_randomized_delay_sec"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_fails_before_any_change(run_role, assert_failed_before_change, case):
    role_vars, variable = case
    assert_failed_before_change(run_role("postgresql", role_vars), variable)
