# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Render a role's variable table from meta/argument_specs.yml into its README.md.

The table (name, type, default, description of every option of the `main` entry point) goes
between the lines `<!-- BEGIN VARIABLES -->` and `<!-- END VARIABLES -->`. Defaults are read
from defaults/main.yml, the values the role really uses.

    role_readme.py --check [ROLE_DIR ...]   exit 1 naming the READMEs whose table is stale
    role_readme.py --write [ROLE_DIR ...]   rewrite those tables

Without ROLE_DIR, every public role (roles/<name>, name not starting with _) whose README has
the markers is processed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from argument_specs import (
    choices, code, main_options, markdown, public_roles, role_defaults, table, type_name,
)

BEGIN = "<!-- BEGIN VARIABLES -->"
END = "<!-- END VARIABLES -->"


def _description(option: dict) -> str:
    text = markdown(option.get("description", ""))
    if "choices" in option:
        text += " Choices: %s." % choices(option)
    return text


def variable_table(role: Path) -> str:
    options = main_options(role)
    if not options:
        return "This role has no variables.\n"
    defaults = role_defaults(role)
    rows = []
    for name, option in options.items():
        option = option or {}
        if name in defaults:
            default = code(defaults[name])
        else:
            default = "*required*" if option.get("required") else ""
        rows.append(["`%s`" % name, type_name(option), default, _description(option)])
    return table(["Variable", "Type", "Default", "Description"], rows)


def _readme_parts(role: Path):
    """(text before the table, text after it), or None when the README lacks the markers."""
    readme = role / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    begin = text.find(BEGIN)
    end = text.find(END, begin)
    if begin < 0 or end < 0:
        return None
    return text[:begin + len(BEGIN)], text[end:]


def has_markers(role: Path) -> bool:
    return _readme_parts(role) is not None


def rendered_readme(role: Path) -> str:
    parts = _readme_parts(role)
    if parts is None:
        raise ValueError("%s lacks the lines %s and %s" % (role / "README.md", BEGIN, END))
    before, after = parts
    return "%s\n\n%s\n%s" % (before, variable_table(role), after)


def is_stale(role: Path) -> bool:
    expected = rendered_readme(role)
    return (role / "README.md").read_text(encoding="utf-8") != expected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true", help="exit 1 if a README table is stale")
    mode.add_argument("--write", action="store_true", help="rewrite the README tables")
    parser.add_argument("roles", nargs="*", type=Path,
                        help="role directories (default: every public role with the markers)")
    args = parser.parse_args(argv)
    roles = args.roles or [role for role in public_roles() if has_markers(role)]
    try:
        stale = [role / "README.md" for role in roles if is_stale(role)]
    except (OSError, ValueError) as error:
        parser.exit(2, "error: %s\n" % error)
    if args.write:
        for readme in stale:
            readme.write_text(rendered_readme(readme.parent), encoding="utf-8")
            print("updated %s" % readme)
        return 0
    for readme in stale:
        print("stale: %s (run tests/harness/role_readme.py --write)" % readme, file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
