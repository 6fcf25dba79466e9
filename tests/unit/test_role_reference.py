# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The committed role reference under docs/reference/ is what the generator writes."""

import textwrap

import pytest

import role_reference

PAGES = role_reference.pages()


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_committed_page_is_current(page):
    current = page.is_file() and page.read_text(encoding="utf-8") == PAGES[page]
    assert current, "%s is stale; run make docs" % page


def test_no_page_of_a_role_that_is_gone():
    assert role_reference.leftovers(role_reference.ROOT, PAGES) == []


def test_every_public_role_has_a_page():
    names = {page.name for page in PAGES}
    for role in role_reference.public_roles():
        assert "%s.md" % role.name in names


@pytest.fixture
def tree(tmp_path):
    """A checkout with the internal role and one public role."""
    common = tmp_path / "roles" / "_common"
    (common / "meta").mkdir(parents=True)
    (common / "defaults").mkdir()
    (common / "meta" / "argument_specs.yml").write_text(textwrap.dedent("""\
        argument_specs:
          main:
            options:
              mlox_domain:
                type: str
                description: Domain of the stack.
          artifact:
            options:
              _common_component:
                type: str
                required: true
                description: Component.
        """))
    (common / "defaults" / "main.yml").write_text("mlox_domain: ''\n")
    (common / "README.md").write_text("# _common\n\nBuilding blocks.\n")
    demo = tmp_path / "roles" / "demo"
    (demo / "meta").mkdir(parents=True)
    (demo / "defaults").mkdir()
    (demo / "meta" / "argument_specs.yml").write_text(textwrap.dedent("""\
        argument_specs:
          main:
            short_description: Run the demo service.
            options:
              demo_port:
                type: int
                default: 1
                description: I(Listening) port | see C(demo_mode).
              demo_mode:
                choices: [a, b]
                description: Mode.
              demo_token:
                required: true
                no_log: true
                description: Token.
              demo_users:
                type: list
                elements: dict
                description: Users.
                options:
                  name:
                    type: str
                    required: true
                    description: User name.
                  role:
                    type: str
                    default: reader
                    description: What the user may do.
        """))
    # The real default is the one in defaults/main.yml, not the documented one.
    (demo / "defaults" / "main.yml").write_text(
        "demo_port: 8080\ndemo_mode: a\ndemo_users: []\n"
    )
    (demo / "README.md").write_text(textwrap.dedent("""\
        # mlox.stack.demo

        Runs the demo service (see [the guide](../../docs/demo.md) and
        [upstream](https://demo.example)):

        - a list item that the page leaves out.
        """))
    return tmp_path


def test_renders_a_role_page(tree):
    assert role_reference.role_page(tree / "roles" / "demo", tree) == textwrap.dedent("""\
        %s

        # mlox.stack.demo

        Runs the demo service (see [the guide](../../demo.md) and [upstream](https://demo.example)).

        How it works, with an example: [the role's README](../../../roles/demo/README.md).

        ## Entry point `main`

        Run the demo service.

        | Option | Type | Required | Default | Choices | Description |
        |---|---|---|---|---|---|
        | `demo_port` | int |  | `8080` |  | *Listening* port \\| see `demo_mode`. |
        | `demo_mode` | str |  | `a` | `a`, `b` | Mode. |
        | `demo_token` | str | yes |  |  | Token. Kept out of logs (`no_log`). |
        | `demo_users` | list of dict |  | `[]` |  | Users. |
        | `demo_users[].name` | str | yes |  |  | User name. |
        | `demo_users[].role` | str |  | `reader` |  | What the user may do. |
        """) % role_reference.GENERATED


def test_stack_variables_come_from_the_main_entry_point_of_common(tree):
    page = role_reference.stack_variables_page(tree / "roles" / "_common", tree)
    assert "| `mlox_domain` | str |  | `''` |  | Domain of the stack. |" in page
    assert "_common_component" not in page
    assert "[the internal role's README](../../roles/_common/README.md)" in page


def test_check_fails_until_written_and_removes_pages_of_roles_that_are_gone(tree, capsys):
    leftover = tree / "docs" / "reference" / "roles" / "gone.md"
    leftover.parent.mkdir(parents=True)
    leftover.write_text("old\n")
    assert role_reference.main(["--check"], root=tree) == 1
    err = capsys.readouterr().err
    assert "stale: docs/reference/roles/demo.md" in err
    assert "stale: docs/reference/stack-variables.md" in err
    assert "left over: docs/reference/roles/gone.md" in err
    assert role_reference.main(["--write"], root=tree) == 0
    assert not leftover.exists()
    assert "[mlox.stack.demo](demo.md) | Run the demo service." in (
        tree / "docs" / "reference" / "roles" / "README.md"
    ).read_text()
    assert role_reference.main(["--check"], root=tree) == 0
    (tree / "roles" / "demo" / "defaults" / "main.yml").write_text("demo_port: 9090\n")
    assert role_reference.main(["--check"], root=tree) == 1


def test_a_readme_without_a_paragraph_is_an_error(tree):
    (tree / "roles" / "demo" / "README.md").write_text("# mlox.stack.demo\n")
    with pytest.raises(SystemExit) as exit_info:
        role_reference.main(["--check"], root=tree)
    assert exit_info.value.code == 2
