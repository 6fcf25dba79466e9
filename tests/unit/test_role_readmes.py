# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every role README's variable table matches the role's argument specs."""

import textwrap

import pytest

import role_readme

ROLES = [role for role in role_readme.public_roles() if role_readme.has_markers(role)]


@pytest.mark.parametrize("role", ROLES, ids=[role.name for role in ROLES])
def test_readme_variable_table_is_current(role):
    assert not role_readme.is_stale(role), (
        "%s/README.md is stale; run tests/harness/role_readme.py --write" % role
    )


@pytest.fixture
def demo_role(tmp_path):
    role = tmp_path / "demo"
    (role / "meta").mkdir(parents=True)
    (role / "defaults").mkdir()
    (role / "meta" / "argument_specs.yml").write_text(textwrap.dedent("""\
        argument_specs:
          main:
            options:
              demo_port:
                type: int
                description: I(Listening) port, see L(docs, https://x.example) | U(https://y.example).
              demo_users:
                type: list
                elements: str
                description:
                  - Users of the demo.
                  - One   per item.
              demo_mode:
                choices: [a, b]
                description: Mode, C(a) or V(b).
              demo_token:
                required: true
                no_log: true
                description: Token.
        """))
    (role / "defaults" / "main.yml").write_text(
        "demo_port: 8080\ndemo_users: [ada, bob]\ndemo_mode: '{{ mode }}'\n"
    )
    (role / "README.md").write_text(
        "# demo\n\n%s\nold table\n%s\n\nMore text.\n" % (role_readme.BEGIN, role_readme.END)
    )
    return role


def test_renders_the_table_between_the_markers(demo_role):
    assert role_readme.rendered_readme(demo_role) == textwrap.dedent("""\
        # demo

        <!-- BEGIN VARIABLES -->

        | Variable | Type | Default | Description |
        |---|---|---|---|
        | `demo_port` | int | `8080` | *Listening* port, see [docs](https://x.example) \\| <https://y.example>. |
        | `demo_users` | list of str | `[ada, bob]` | Users of the demo. One per item. |
        | `demo_mode` | str | `'{{ mode }}'` | Mode, `a` or `b`. Choices: `a`, `b`. |
        | `demo_token` | str | *required* | Token. |

        <!-- END VARIABLES -->

        More text.
        """)


def test_check_fails_until_written(demo_role, capsys):
    assert role_readme.main(["--check", str(demo_role)]) == 1
    assert "stale: %s" % (demo_role / "README.md") in capsys.readouterr().err
    assert role_readme.main(["--write", str(demo_role)]) == 0
    assert role_readme.main(["--check", str(demo_role)]) == 0


def test_a_role_without_options_says_so(demo_role):
    (demo_role / "meta" / "argument_specs.yml").write_text("argument_specs:\n  main: {}\n")
    assert "This role has no variables.\n" in role_readme.rendered_readme(demo_role)


def test_a_readme_without_markers_is_an_error(demo_role):
    (demo_role / "README.md").write_text("# demo\n")
    assert not role_readme.has_markers(demo_role)
    with pytest.raises(SystemExit) as exit_info:
        role_readme.main(["--check", str(demo_role)])
    assert exit_info.value.code == 2
