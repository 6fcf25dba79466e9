# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Print what Traefik's ACME store holds, without its private keys.

For every certificate resolver in the store: the account's email and, per certificate, the
domains and the leaf certificate (PEM) with the length of the chain stored with it.

usage: acme_certificates.py ACME_JSON
"""

import base64
import json
import re
import sys

PEM_CERTIFICATE = re.compile(r"-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----\n?")


def describe(store):
    resolvers = {}
    for name, resolver in (store or {}).items():
        certificates = []
        for entry in resolver.get("Certificates") or []:
            chain = PEM_CERTIFICATE.findall(base64.b64decode(entry.get("certificate", "")).decode())
            certificates.append({
                "main": entry.get("domain", {}).get("main", ""),
                "sans": entry.get("domain", {}).get("sans") or [],
                "leaf": chain[0] if chain else "",
                "chain_length": len(chain),
            })
        resolvers[name] = {
            "email": (resolver.get("Account") or {}).get("Email", ""),
            "certificates": certificates,
        }
    return resolvers


def main(path):
    with open(path, encoding="utf-8") as stream:
        print(json.dumps(describe(json.load(stream))))


if __name__ == "__main__":
    main(*sys.argv[1:])
