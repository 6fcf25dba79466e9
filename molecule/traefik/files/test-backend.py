# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small HTTPS backend for the traefik scenario, standing in for the stack's services.

It serves the host certificate on every port given, answers GET with 200 and the port and path,
and answers PUT or POST with the size and sha256 of the body it received, read as a stream, so
that a large upload through the edge can be checked end to end. Below any path it also serves
the discovery document of an OpenID provider whose issuer is that path (and an empty key set),
enough for oauth2-proxy to start and send browsers to its login.

usage: python3 test-backend.py CERT KEY PORT...
"""

import hashlib
import http.server
import json
import ssl
import sys
import threading

DISCOVERY = "/.well-known/openid-configuration"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.endswith(DISCOVERY):
            issuer = "https://%s%s" % (self.headers["Host"], self.path[:-len(DISCOVERY)])
            self.answer({"issuer": issuer, "authorization_endpoint": issuer + "/auth",
                         "token_endpoint": issuer + "/token", "userinfo_endpoint": issuer + "/userinfo",
                         "jwks_uri": issuer + "/certs", "response_types_supported": ["code"],
                         "subject_types_supported": ["public"], "id_token_signing_alg_values_supported": ["RS256"],
                         "code_challenge_methods_supported": ["S256"]})
        elif self.path.endswith("/certs"):
            self.answer({"keys": []})
        else:
            self.answer({"port": self.server.server_address[1], "path": self.path,
                         "host": self.headers.get("Host", "")})

    def do_PUT(self):
        digest, received = hashlib.sha256(), 0
        remaining = int(self.headers.get("Content-Length", "0"))
        while remaining > 0:
            chunk = self.rfile.read(min(remaining, 1 << 20))
            if not chunk:
                break
            digest.update(chunk)
            received += len(chunk)
            remaining -= len(chunk)
        self.answer({"bytes": received, "sha256": digest.hexdigest()})

    do_POST = do_PUT

    def log_message(self, *args):
        pass


def serve(context, port):
    server = http.server.ThreadingHTTPServer(("", port), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.serve_forever()


def main(cert, key, *ports):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    threads = [threading.Thread(target=serve, args=(context, int(port)), daemon=True) for port in ports]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main(*sys.argv[1:])
