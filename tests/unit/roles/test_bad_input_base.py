# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input stops mlox.stack.base before any change, naming the variable at fault."""

import pytest

PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


CASES = {
    # wrong types, caught by the argument specs
    "packages-not-a-list": (lambda tmp: {"base_packages": {"curl": True}}, "base_packages"),
    "extra-packages-not-a-list": (lambda tmp: {"base_packages_extra": {"htop": True}}, "base_packages_extra"),
    # a value outside the choices
    "unknown-package-state": (lambda tmp: {"base_packages_state": "newest"}, "base_packages_state"),
    # rules of preflight.yml
    "extra-ca-missing": (lambda tmp: {"mlox_ca_trust_extra": [str(tmp / "missing.pem")]},
                         "mlox_ca_trust_extra"),
    "extra-ca-relative": (lambda tmp: {"mlox_ca_trust_extra": ["proxy-ca.pem"]},
                          "mlox_ca_trust_extra"),
    "extra-ca-not-pem": (lambda tmp: {"mlox_ca_trust_extra": [write(tmp / "der.crt", "0\x82\x01")]},
                         "mlox_ca_trust_extra"),
    "extra-ca-same-name": (lambda tmp: {"mlox_ca_trust_extra": [write(tmp / "a" / "proxy.pem", PEM),
                                                                write(tmp / "b" / "proxy.crt", PEM)]},
                           "mlox_ca_trust_extra"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_fails_before_any_change(run_role, assert_failed_before_change, tmp_path, case):
    make_vars, variable = case
    assert_failed_before_change(run_role("base", make_vars(tmp_path)), variable)
