# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Keeping secrets out of the messages that the admin modules' clients return."""

from __future__ import annotations

MASK = "********"


class SecretMask:
    """Remembers secrets and replaces them in any text with MASK."""

    def __init__(self):
        self._secrets = set()

    def add_secret(self, secret):
        """Never show `secret` in a message."""
        if secret:
            self._secrets.add(secret)

    def scrub(self, text):
        """Return `text` with every remembered secret masked, longest first."""
        for secret in sorted(self._secrets, key=len, reverse=True):
            text = text.replace(secret, MASK)
        return text
