# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The alert rules of the prometheus role (roles/prometheus/files/rules/<area>.rules.yml): each
file passes `promtool check rules`, its unit tests (prometheus_rules/<area>_test.yml) pass
`promtool test rules`, and every alert is tested and carries what the runbook-driven alerting
of the stack needs (a `for:`, a severity, summary, description and runbook)."""

import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
RULES_DIR = ROOT / "roles" / "prometheus" / "files" / "rules"
TESTS_DIR = Path(__file__).resolve().parent / "prometheus_rules"
RULE_FILES = sorted(RULES_DIR.glob("*.rules.yml"))
TEST_FILES = sorted(TESTS_DIR.glob("*_test.yml"))
SEVERITIES = {"critical", "warning"}
ANNOTATIONS = ("summary", "description", "runbook")
# A plain Prometheus duration, so the role can replace it per alert (prometheus_alert_for).
DURATION = re.compile(r"^([0-9]+(y|w|d|h|m|s|ms))+$")


def area(path):
    return path.name.split(".", 1)[0]


def alerts(path):
    """The alerting rules of a rule file, with the name of their group."""
    document = yaml.safe_load(path.read_text())
    return [(group["name"], rule) for group in document["groups"] for rule in group["rules"] if "alert" in rule]


def run_promtool(promtool, *args, cwd=None):
    done = subprocess.run([promtool, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    return done.returncode, done.stdout + done.stderr


def test_there_are_rule_files_and_tests():
    assert RULE_FILES, "no rule files in %s" % RULES_DIR
    assert TEST_FILES, "no promtool tests in %s" % TESTS_DIR


@pytest.mark.parametrize("rule_file", RULE_FILES, ids=area)
def test_rule_file_passes_promtool_check(promtool, rule_file):
    rc, output = run_promtool(promtool, "check", "rules", str(rule_file))
    assert rc == 0, output


@pytest.mark.parametrize("test_file", TEST_FILES, ids=lambda path: path.stem)
def test_promtool_unit_tests_pass(promtool, test_file):
    rc, output = run_promtool(promtool, "test", "rules", test_file.name, cwd=test_file.parent)
    assert rc == 0, output


@pytest.mark.parametrize("rule_file", RULE_FILES, ids=area)
def test_rule_file_has_a_test_file_that_loads_it(rule_file):
    test_file = TESTS_DIR / ("%s_test.yml" % area(rule_file))
    assert test_file.exists(), "%s has no promtool test %s" % (rule_file.name, test_file)
    loaded = [(test_file.parent / path).resolve() for path in yaml.safe_load(test_file.read_text())["rule_files"]]
    assert loaded == [rule_file.resolve()], "%s must load only %s, loads %s" % (test_file.name, rule_file, loaded)


@pytest.mark.parametrize("rule_file", RULE_FILES, ids=area)
def test_one_group_per_file_named_after_its_area(rule_file):
    groups = yaml.safe_load(rule_file.read_text())["groups"]
    assert [group["name"] for group in groups] == [area(rule_file)]


@pytest.mark.parametrize("rule_file", RULE_FILES, ids=area)
def test_every_alert_has_for_severity_and_annotations(rule_file):
    problems = []
    for _group, rule in alerts(rule_file):
        name = rule["alert"]
        if not DURATION.match(str(rule.get("for", ""))):
            problems.append("%s: `for` must be a plain duration, is %r" % (name, rule.get("for")))
        severity = (rule.get("labels") or {}).get("severity")
        if severity not in SEVERITIES:
            problems.append("%s: labels.severity must be one of %s, is %r" % (name, sorted(SEVERITIES), severity))
        annotations = rule.get("annotations") or {}
        for key in ANNOTATIONS:
            if not str(annotations.get(key, "")).strip():
                problems.append("%s: annotation %s is missing" % (name, key))
        if not re.match(r"^[A-Z][A-Za-z0-9]+$", name):
            problems.append("%s: alert names are CamelCase" % name)
    assert alerts(rule_file), "%s defines no alert" % rule_file.name
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("rule_file", RULE_FILES, ids=area)
def test_every_alert_fires_in_a_test(rule_file):
    """Each alert name is expected to fire (a non-empty exp_alerts) somewhere in its area's tests,
    so a rule nobody tested fails the suite."""
    test_file = TESTS_DIR / ("%s_test.yml" % area(rule_file))
    if not test_file.exists():
        pytest.fail("%s has no promtool test %s" % (rule_file.name, test_file))
    fired = {case["alertname"]
             for test in yaml.safe_load(test_file.read_text())["tests"]
             for case in test.get("alert_rule_test") or [] if case.get("exp_alerts")}
    untested = sorted({rule["alert"] for _group, rule in alerts(rule_file)} - fired)
    assert not untested, "alerts of %s that no test of %s expects to fire: %s" % (
        rule_file.name, test_file.name, ", ".join(untested))
