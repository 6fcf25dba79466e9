# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Keycloak's sign-in page, as a browser meets it."""

import re

REALM = "mlox"


def login_url_pattern(stack):
    """The realm's authorization endpoint, where every UI of the stack sends a stranger."""
    return re.compile(r"^%s\?" % re.escape(stack.url("keycloak", "/realms/%s/protocol/openid-connect/auth" % REALM)))


def wait_for_login_page(page, stack):
    page.wait_for_url(login_url_pattern(stack))
    page.locator("#kc-form-login").wait_for()


def sign_in(page, stack, user):
    """Fill in Keycloak's form as `user` on the page that a UI sent the browser to."""
    wait_for_login_page(page, stack)
    page.fill("#username", user.username)
    page.fill("#password", user.password)
    page.click("#kc-login")
