# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Make the collection and the harness scripts importable when pytest runs from the checkout."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# tests/harness/setup-venv.sh links the checkout to .collections/ansible_collections/mlox/stack,
# so `ansible_collections.mlox.stack...` imports resolve to this working tree.
sys.path.insert(0, str(ROOT / ".collections"))
sys.path.insert(0, str(ROOT / "tests" / "harness"))
