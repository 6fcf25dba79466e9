# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A stub OpenID provider on loopback: its discovery document and signing keys, and a token
endpoint for codes a test hands out.

It answers what a relying party reads before it sends a browser away (discovery, JWKS) and
records every path asked for. The authorize and userinfo endpoints it names only answer 404: a
test follows the redirect to them by reading the Location header, not by calling. A test that
plays the user's part signs in with `issue_code(claims, ...)`, which returns the code the
provider would send back to the callback; the token endpoint redeems it once (authorization
code grant, PKCE S256 checked when the code carries a challenge) for an ID token with those
claims, signed with the key of the JWKS. `token_requests` records the form and the
Authorization header of every token request. Given an `ssl.SSLContext`, it serves HTTPS.
"""

import base64
import hashlib
import http.server
import json
import secrets
import threading
import time
from urllib.parse import parse_qs

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

DISCOVERY_PATH = "/.well-known/openid-configuration"
JWKS_PATH = "/jwks"
TOKEN_PATH = "/token"


def _b64url_uint(number):
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _b64url(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class StubOpenIdProvider(http.server.ThreadingHTTPServer):
    """`issuer`, `discovery_url` and the `metadata` it serves; `requested` lists the paths asked for."""

    daemon_threads = True

    def __init__(self, tls_context=None):
        super().__init__(("127.0.0.1", 0), _Handler)
        if tls_context is not None:
            self.socket = tls_context.wrap_socket(self.socket, server_side=True)
        self.issuer = "%s://127.0.0.1:%d" % ("https" if tls_context else "http", self.server_address[1])
        self.discovery_url = self.issuer + DISCOVERY_PATH
        self.metadata = {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + TOKEN_PATH,
            "userinfo_endpoint": self.issuer + "/userinfo",
            "jwks_uri": self.issuer + JWKS_PATH,
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "code_challenge_methods_supported": ["S256"],
        }
        self._signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = self._signing_key.public_key().public_numbers()
        self.jwks = {"keys": [{"kty": "RSA", "use": "sig", "alg": "RS256", "kid": "stub-1",
                               "n": _b64url_uint(public.n), "e": _b64url_uint(public.e)}]}
        self.requested = []
        self.token_requests = []
        self._codes = {}
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    def stop(self):
        self.shutdown()
        self.server_close()

    def issue_code(self, claims, client_id, client_secret=None, nonce=None, code_challenge=None,
                   redirect_uri=None):
        """A one-time authorization code for an ID token with `claims` (plus iss, aud, iat, exp
        and the `nonce` of the authorization request). The token endpoint refuses it for another
        client, secret or redirect URI, and without the verifier of `code_challenge` (S256)."""
        code = secrets.token_urlsafe(16)
        self._codes[code] = {"claims": dict(claims), "client_id": client_id, "client_secret": client_secret,
                             "nonce": nonce, "code_challenge": code_challenge, "redirect_uri": redirect_uri}
        return code

    def id_token(self, claims):
        """A JWT with `claims`, signed (RS256) with the key the JWKS publishes."""
        header = {"alg": "RS256", "typ": "JWT", "kid": self.jwks["keys"][0]["kid"]}
        signing_input = "%s.%s" % (_b64url(json.dumps(header).encode()), _b64url(json.dumps(claims).encode()))
        signature = self._signing_key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
        return signing_input + "." + _b64url(signature)

    def redeem(self, form):
        """The answer of the token endpoint to an authorization code grant: (status, document)."""
        grant = self._codes.pop(form.get("code", ""), None)
        if form.get("grant_type") != "authorization_code" or grant is None:
            return 400, {"error": "invalid_grant"}
        if form.get("client_id") != grant["client_id"] or (
                grant["client_secret"] is not None and form.get("client_secret") != grant["client_secret"]):
            return 401, {"error": "invalid_client"}
        if grant["redirect_uri"] is not None and form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri differs"}
        if grant["code_challenge"] is not None:
            verifier = form.get("code_verifier", "")
            if _b64url(hashlib.sha256(verifier.encode()).digest()) != grant["code_challenge"]:
                return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        now = int(time.time())
        claims = dict(grant["claims"], iss=self.issuer, aud=grant["client_id"], iat=now, exp=now + 300)
        if grant["nonce"] is not None:
            claims["nonce"] = grant["nonce"]
        return 200, {"access_token": secrets.token_urlsafe(24), "token_type": "Bearer", "expires_in": 300,
                     "id_token": self.id_token(claims)}


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

    def do_POST(self):  # pylint: disable=invalid-name
        self.server.requested.append(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
        authorization = self.headers.get("Authorization", "")
        self.server.token_requests.append({"form": dict(form), "authorization": authorization})
        if authorization.startswith("Basic "):
            # Client credentials in the header (client_secret_basic) instead of the form.
            client_id, _sep, client_secret = base64.b64decode(authorization[6:]).decode().partition(":")
            form.setdefault("client_id", client_id)
            form.setdefault("client_secret", client_secret)
        if self.path.split("?", 1)[0] == TOKEN_PATH:
            status, document = self.server.redeem(form)
        else:
            status, document = 404, {"error": "not_found"}
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass
