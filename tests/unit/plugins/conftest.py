# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Ansible's own plugin loader over the checkout, for tests that load plugins as the CLI does."""

import sys
from pathlib import Path

import pytest
from ansible.plugins.loader import init_plugin_loader
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

ROOT = Path(__file__).resolve().parents[3]


def _collection_modules():
    return {name: module for name, module in sys.modules.items()
            if name == "ansible_collections" or name.startswith("ansible_collections.")}


@pytest.fixture(scope="module")
def collection_loader():
    """Let Ansible's plugin loader find mlox.stack.* in the checkout, as the CLI does.

    The collection finder must import the collection itself (it reads the collection's metadata
    then), so the modules that plain imports loaded step aside meanwhile and come back after.
    """
    plain = _collection_modules()
    for name in plain:
        del sys.modules[name]
    init_plugin_loader([str(ROOT / ".collections")])
    yield
    _AnsibleCollectionFinder._remove()
    for name in _collection_modules():
        del sys.modules[name]
    sys.modules.update(plain)
