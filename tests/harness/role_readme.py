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
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BEGIN = "<!-- BEGIN VARIABLES -->"
END = "<!-- END VARIABLES -->"


def public_roles(roles_dir: Path = ROOT / "roles") -> list[Path]:
    if not roles_dir.is_dir():
        return []
    return sorted(
        path for path in roles_dir.iterdir()
        if path.is_dir() and not path.name.startswith(("_", "."))
    )


def _load_yaml(path: Path):
    with path.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def main_options(role: Path) -> dict:
    """Options of the `main` entry point of the role's argument specs."""
    path = role / "meta" / "argument_specs.yml"
    specs = (_load_yaml(path) or {}).get("argument_specs") or {}
    if "main" not in specs:
        raise ValueError("%s has no `main` entry point" % path)
    return (specs["main"] or {}).get("options") or {}


def role_defaults(role: Path) -> dict:
    path = role / "defaults" / "main.yml"
    return (_load_yaml(path) or {}) if path.is_file() else {}


# Ansible's documentation markup, as ansible-doc renders it, in Markdown.
_MARKUP = [
    (re.compile(r"\b[CVOEMP]\(([^)]*)\)"), r"`\1`"),
    (re.compile(r"\bI\(([^)]*)\)"), r"*\1*"),
    (re.compile(r"\bB\(([^)]*)\)"), r"**\1**"),
    (re.compile(r"\bU\(([^)]*)\)"), r"<\1>"),
    (re.compile(r"\bL\(([^,)]*),\s*([^)]*)\)"), r"[\1](\2)"),
]


def _markdown(text: str) -> str:
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text


def _cell(text: str) -> str:
    """One line of text that cannot break the table."""
    return " ".join(text.split()).replace("|", "\\|")


def _code(value) -> str:
    dumped = yaml.safe_dump(value, default_flow_style=True, width=sys.maxsize)
    return "`%s`" % dumped.removesuffix("...\n").strip()


def _type(option: dict) -> str:
    kind = option.get("type", "str")
    return "%s of %s" % (kind, option["elements"]) if "elements" in option else kind


def _description(option: dict) -> str:
    description = option.get("description", "")
    text = _markdown(" ".join(description) if isinstance(description, list) else str(description))
    if "choices" in option:
        text += " Choices: %s." % ", ".join(_code(choice) for choice in option["choices"])
    return text


def variable_table(role: Path) -> str:
    options = main_options(role)
    if not options:
        return "This role has no variables.\n"
    defaults = role_defaults(role)
    rows = ["| Variable | Type | Default | Description |", "|---|---|---|---|"]
    for name, option in options.items():
        option = option or {}
        if name in defaults:
            default = _code(defaults[name])
        else:
            default = "*required*" if option.get("required") else ""
        cells = ["`%s`" % name, _type(option), default, _description(option)]
        rows.append("| %s |" % " | ".join(_cell(cell) for cell in cells))
    return "\n".join(rows) + "\n"


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
