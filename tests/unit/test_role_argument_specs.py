# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""meta/argument_specs.yml is the single source of truth of every public role's variables."""

import pytest

from argument_specs import main_options, public_roles, role_defaults

ROLES = public_roles()
each_role = pytest.mark.parametrize("role", ROLES, ids=[role.name for role in ROLES])


@pytest.fixture
def options(role):
    if not (role / "meta" / "argument_specs.yml").is_file():
        pytest.skip("no argument specs; test_argument_specs_exist fails for this role")
    return main_options(role)


def undescribed(options, prefix=""):
    """Dotted names of the options, suboptions included, that lack a description."""
    found = []
    for name, option in options.items():
        option = option or {}
        if not option.get("description"):
            found.append(prefix + name)
        found += undescribed(option.get("options") or {}, prefix + name + ".")
    return found


@each_role
def test_argument_specs_exist(role):
    assert (role / "meta" / "argument_specs.yml").is_file()


@each_role
def test_every_default_is_an_option(role, options):
    assert sorted(set(role_defaults(role)) - set(options)) == []


@each_role
def test_every_option_has_a_default_or_is_required(role, options):
    defaults = role_defaults(role)
    assert sorted(
        name for name, option in options.items()
        if name not in defaults and not (option or {}).get("required")
    ) == []


@each_role
def test_a_documented_default_is_the_real_one(role, options):
    defaults = role_defaults(role)
    assert {
        name: (option["default"], defaults.get(name))
        for name, option in options.items()
        if "default" in (option or {}) and option["default"] != defaults.get(name)
    } == {}


@each_role
def test_every_option_has_a_description(role, options):
    assert undescribed(options) == []
