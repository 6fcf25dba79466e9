# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bad input stops mlox.stack.pki before any change, naming the variable at fault."""

import pytest


def ca_without_key(tmp):
    ca_dir = tmp / "secrets" / "pki"
    ca_dir.mkdir(parents=True)
    (ca_dir / "ca.crt").write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    return {"pki_ca_dir": str(ca_dir)}


CASES = {
    # wrong types, caught by the argument specs
    "validity-not-an-int": (lambda tmp: {"pki_cert_valid_days": "a year"}, "pki_cert_valid_days"),
    "extra-sans-not-a-list": (lambda tmp: {"pki_extra_sans": {"name": "a.example"}}, "pki_extra_sans"),
    # a value outside the choices
    "unknown-key-algorithm": (lambda tmp: {"pki_key_algorithm": "dsa-1024"}, "pki_key_algorithm"),
    # rules of preflight.yml
    "renewal-window-not-below-validity": (
        lambda tmp: {"pki_cert_valid_days": 90, "pki_renew_before_days": 90}, "pki_renew_before_days"),
    "certificate-outlives-ca": (lambda tmp: {"pki_cert_valid_days": 4000}, "pki_cert_valid_days"),
    "provided-mode-without-files": (lambda tmp: {"mlox_tls_mode": "provided"}, "pki_provided_cert"),
    "ca-certificate-without-key": (ca_without_key, "pki_ca_dir"),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input_fails_before_any_change(run_role, assert_failed_before_change, tmp_path, case):
    make_vars, variable = case
    assert_failed_before_change(run_role("pki", make_vars(tmp_path)), variable)
