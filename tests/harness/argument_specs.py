# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Read the roles' meta/argument_specs.yml and render its parts as Markdown.

Shared by role_readme.py (the variable table of each role README) and role_reference.py (the
pages under docs/reference/), so that both say the same about every option.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def public_roles(roles_dir: Path = ROOT / "roles") -> list[Path]:
    if not roles_dir.is_dir():
        return []
    return sorted(
        path for path in roles_dir.iterdir()
        if path.is_dir() and not path.name.startswith(("_", "."))
    )


def load_yaml(path: Path):
    with path.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def entry_points(role: Path) -> dict:
    """Every entry point of the role's argument specs, `main` first when it exists."""
    path = role / "meta" / "argument_specs.yml"
    specs = (load_yaml(path) or {}).get("argument_specs") or {}
    if "main" not in specs:
        raise ValueError("%s has no `main` entry point" % path)
    ordered = {"main": specs["main"] or {}}
    ordered.update((name, spec or {}) for name, spec in specs.items() if name != "main")
    return ordered


def main_options(role: Path) -> dict:
    """Options of the `main` entry point of the role's argument specs."""
    return entry_points(role)["main"].get("options") or {}


def role_defaults(role: Path) -> dict:
    path = role / "defaults" / "main.yml"
    return (load_yaml(path) or {}) if path.is_file() else {}


# Ansible's documentation markup, as ansible-doc renders it, in Markdown.
_MARKUP = [
    (re.compile(r"\b[CVOEMP]\(([^)]*)\)"), r"`\1`"),
    (re.compile(r"\bI\(([^)]*)\)"), r"*\1*"),
    (re.compile(r"\bB\(([^)]*)\)"), r"**\1**"),
    (re.compile(r"\bU\(([^)]*)\)"), r"<\1>"),
    (re.compile(r"\bL\(([^,)]*),\s*([^)]*)\)"), r"[\1](\2)"),
]


def markdown(text) -> str:
    """Ansible markup of a description (a string or a list of paragraphs) as one Markdown line."""
    text = " ".join(text) if isinstance(text, list) else str(text)
    for pattern, replacement in _MARKUP:
        text = pattern.sub(replacement, text)
    return text


def cell(text: str) -> str:
    """One line of text that cannot break a table."""
    return " ".join(text.split()).replace("|", "\\|")


def code(value) -> str:
    dumped = yaml.safe_dump(value, default_flow_style=True, width=sys.maxsize)
    return "`%s`" % dumped.removesuffix("...\n").strip()


def type_name(option: dict) -> str:
    kind = option.get("type", "str")
    return "%s of %s" % (kind, option["elements"]) if "elements" in option else kind


def choices(option: dict) -> str:
    return ", ".join(code(choice) for choice in option.get("choices", []))


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| %s |" % " | ".join(header), "|%s" % ("---|" * len(header))]
    lines += ["| %s |" % " | ".join(cell(text) for text in row) for row in rows]
    return "\n".join(lines) + "\n"
