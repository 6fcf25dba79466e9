# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A stub OpenID provider on loopback: its discovery document and signing keys, nothing more.

It answers what a relying party reads before it sends a browser away (discovery, JWKS) and
records every path asked for. The endpoints it names (authorize, token, userinfo) only
answer 404: a test follows the redirect to them by reading the Location header, not by calling.
"""

import base64
import http.server
import json
import threading

from cryptography.hazmat.primitives.asymmetric import rsa

DISCOVERY_PATH = "/.well-known/openid-configuration"
JWKS_PATH = "/jwks"


def _b64url_uint(number):
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class StubOpenIdProvider(http.server.ThreadingHTTPServer):
    """`issuer`, `discovery_url` and the `metadata` it serves; `requested` lists the paths asked for."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.issuer = "http://127.0.0.1:%d" % self.server_address[1]
        self.discovery_url = self.issuer + DISCOVERY_PATH
        self.metadata = {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "userinfo_endpoint": self.issuer + "/userinfo",
            "jwks_uri": self.issuer + JWKS_PATH,
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "code_challenge_methods_supported": ["S256"],
        }
        public = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key().public_numbers()
        self.jwks = {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": "stub-1",
                               "n": _b64url_uint(public.n), "e": _b64url_uint(public.e)}]}
        self.requested = []
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        self.shutdown()
        self.server_close()


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # pylint: disable=invalid-name
        self.server.requested.append(self.path)
        documents = {DISCOVERY_PATH: self.server.metadata, JWKS_PATH: self.server.jwks}
        document = documents.get(self.path.split("?", 1)[0])
        body = json.dumps(document if document is not None else {"error": "not_found"}).encode()
        self.send_response(200 if document is not None else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass
