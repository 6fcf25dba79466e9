# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One login for every UI: a user signs in at Keycloak and lands in the UI they asked for."""

import re
import time

from signin import sign_in


def test_a_user_signs_in_to_mlflow_and_sees_the_experiments(page, stack, users):
    page.goto(stack.url("mlflow"))
    sign_in(page, stack, users["ada"])
    page.wait_for_url(re.compile(r"^%s" % re.escape(stack.url("mlflow"))))
    page.get_by_text("Experiments").first.wait_for()


def test_an_admin_signs_in_to_prometheus_and_every_target_is_up(page, stack, users):
    page.goto(stack.url("prometheus"))
    sign_in(page, stack, users["grace"])
    page.wait_for_url(re.compile(r"^%s" % re.escape(stack.url("prometheus"))))
    page.wait_for_function("document.title.includes('Prometheus')")
    # The API from the page, through the same edge and session, as the UI reads it. A target
    # scraped once and failed may need one more scrape interval (30 s) to turn up.
    deadline = time.monotonic() + 90
    while True:
        targets = page.evaluate("fetch('/api/v1/targets?state=active').then(answer => answer.json())")
        active = targets["data"]["activeTargets"]
        down = ["%s (%s)" % (target["scrapeUrl"], target.get("lastError"))
                for target in active if target["health"] != "up"]
        if (active and not down) or time.monotonic() > deadline:
            break
        time.sleep(5)
    assert active, "Prometheus has no active targets"
    assert not down, "targets not up: %s" % ", ".join(down)


def test_a_user_outside_the_admins_may_not_see_prometheus(page, stack, users):
    page.goto(stack.url("prometheus"))
    sign_in(page, stack, users["ada"])
    # oauth2-proxy's own page: she signed in, but is not in the groups it lets through.
    page.wait_for_url(re.compile(r"^%s" % re.escape(stack.url("prometheus"))))
    page.get_by_text("403").first.wait_for()
    assert "Prometheus" not in page.title()


def test_an_admin_signs_in_and_reaches_the_minio_console(page, stack, users):
    # The console then asks for MinIO credentials itself: the pinned release has no sign-in
    # through an identity provider (docs/object-storage.md).
    page.goto(stack.url("minio_console"))
    sign_in(page, stack, users["grace"])
    page.wait_for_url(re.compile(r"^%s" % re.escape(stack.url("minio_console"))))
    page.wait_for_function("document.title.includes('MinIO')")
