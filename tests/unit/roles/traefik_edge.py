# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Traefik from the artifact mirror, running the traefik role's own rendered configuration on
loopback, and a plain backend to put behind it."""

import http.client
import http.server
import ssl
import subprocess
import threading
import time

import pytest
import yaml

from ansible_collections.mlox.stack.tests.unit.plugins.modules.mlflow_server import free_port
from released_programs import release_arch, stop_program, unpack_release
from role_templates import render, role_default


@pytest.fixture(scope="module")
def traefik_binary(tmp_path_factory):
    """Traefik from the mirror's release archive, in upstream's layout (the binary at the top)."""
    version = role_default("traefik", "traefik_version")
    file_name = "traefik_v%s_linux_%s.tar.gz" % (version, release_arch())
    return unpack_release(tmp_path_factory.mktemp("traefik"), "traefik", version, file_name) / "traefik"


class Backend(http.server.ThreadingHTTPServer):
    """A plain backend on loopback that records the headers (`seen`) and the path (`paths`) of
    every request it gets."""

    def __init__(self):
        seen = self.seen = []
        paths = self.paths = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # pylint: disable=invalid-name
                seen.append(dict(self.headers))
                paths.append(self.path)
                body = b"the protected UI"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):  # pylint: disable=redefined-builtin
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def stop(self):
        self.shutdown()
        self.server_close()


class Edge:
    """Traefik with the role's rendered configuration; HTTPS requests to its websecure entrypoint."""

    def __init__(self, binary_path, workdir, ca_file, role_vars):
        self.https_port, self.api_port = role_vars["traefik_https_port"], role_vars["traefik_api_port"]
        self.log = workdir / "traefik.log"
        dynamic = workdir / "dynamic"
        dynamic.mkdir(parents=True)
        render(workdir, ["_common", "traefik"], {
            "traefik.yml.j2": workdir / "traefik.yml",
            "edge.yml.j2": dynamic / "edge.yml",
            "routes.yml.j2": dynamic / "routes.yml",
            "backend-auth.yml.j2": dynamic / "backend-auth.yml",
        }, dict(role_vars, _traefik_dynamic_dir=str(dynamic)))
        self.static = yaml.safe_load((workdir / "traefik.yml").read_text())
        self.routes = yaml.safe_load((dynamic / "routes.yml").read_text())
        self.backend_auth = yaml.safe_load((dynamic / "backend-auth.yml").read_text()) or {}
        self.edge = yaml.safe_load((dynamic / "edge.yml").read_text())
        self.context = ssl.create_default_context(cafile=str(ca_file))
        with open(self.log, "wb") as stream:
            self.process = subprocess.Popen([str(binary_path), "--configFile=%s" % (workdir / "traefik.yml")],
                                            stdout=stream, stderr=subprocess.STDOUT, start_new_session=True)

    def api(self, path):
        connection = http.client.HTTPConnection("127.0.0.1", self.api_port, timeout=10)
        try:
            connection.request("GET", "/api" + path)
            answer = connection.getresponse()
            return answer.status, yaml.safe_load(answer.read() or b"null")
        finally:
            connection.close()

    def wait_loaded(self, routers, timeout=60):
        """Wait until Traefik serves the given routers (names with @file)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail("Traefik exited with %s:\n%s" % (self.process.returncode, self.log.read_text()))
            try:
                status, found = self.api("/http/routers?per_page=1000")
                if status == 200 and set(routers) <= {router["name"] for router in found}:
                    return {router["name"]: router for router in found}
            except OSError:
                pass
            time.sleep(0.2)
        pytest.fail("Traefik did not load %s within %d s:\n%s" % (routers, timeout, self.log.read_text()))

    def get(self, host, path, cookies=None, extra_headers=None):
        """GET https://<host><path> through the edge, without following redirects."""
        headers = dict({"Host": host, "Accept": "text/html"}, **(extra_headers or {}))
        if cookies:
            headers["Cookie"] = "; ".join("%s=%s" % item for item in cookies.items())
        connection = http.client.HTTPSConnection("127.0.0.1", self.https_port, context=self.context, timeout=30)
        try:
            connection.request("GET", path, headers=headers)
            answer = connection.getresponse()
            return answer.status, answer.headers, answer.read()
        finally:
            connection.close()

    def stop(self):
        stop_program(self.process)


def loopback_ports():
    """The role's four ports, free ones on this machine."""
    return {name: free_port() for name in
            ("traefik_http_port", "traefik_https_port", "traefik_metrics_port", "traefik_api_port")}
