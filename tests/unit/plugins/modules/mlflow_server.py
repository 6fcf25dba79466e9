# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A real MLflow server with its basic-auth app, on loopback, for the MLflow module tests.

MLflow is installed, at the version the mlflow role pins, into a venv built once per machine
from the artifact mirror's wheelhouse (never from PyPI). The server keeps everything (sqlite
stores, auth config, artifacts) in a temporary directory, with a random admin password.
"""

import base64
import json
import os
import re
import secrets
import selectors
import shutil
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import yaml

ROOT = Path(__file__).resolve().parents[4]
BUILD_HINT = "run `bash tests/harness/mirror/build.sh mlflow` (it builds the wheelhouse into the artifact mirror)"


def pinned_version():
    defaults = yaml.safe_load((ROOT / "roles" / "mlflow" / "defaults" / "main.yml").read_text())
    return str(defaults["mlflow_version"])


def cache_root():
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "mlox-stack"


def mirror_root():
    """The artifact mirror the harness builds (tests/harness/mirror/recipes.sh, mirror_dir)."""
    if os.environ.get("MLOX_MIRROR_DIR"):
        return Path(os.environ["MLOX_MIRROR_DIR"])
    return cache_root() / "mirror"


def server_venv(wheelhouse, version, extras=()):
    """The venv with MLflow `version` and the pinned requirements `extras` (e.g.
    `("mlflow-oidc-auth==10.2.0",)`), installed from `wheelhouse` the first time, for the
    interpreter running the tests. It is built in a temporary directory beside its place and
    renamed at the end, so a half-built venv is never used. Each set of extras has a venv of
    its own."""
    name = "+".join([version] + [re.sub(r"[^\w.-]+", "-", extra) for extra in extras])
    venv = cache_root() / "mlflow-server-venv" / name
    if (venv / "bin" / "mlflow").exists():
        return venv
    if not (wheelhouse / "index.html").exists():
        raise RuntimeError("MLflow %s wheelhouse missing at %s: %s" % (version, wheelhouse, BUILD_HINT))
    venv.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=".building-%s-" % name, dir=venv.parent))
    try:
        subprocess.run([sys.executable, "-m", "venv", str(building)], check=True)
        # The venv's scripts carry its path in their shebang lines, so it is built at its final
        # path's sibling and used through `python -m mlflow`, which survives the rename.
        done = subprocess.run([str(building / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-index",
                               "--find-links", str(wheelhouse), "mlflow[auth]==%s" % version, *extras],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            hint = ""
            if "flask-wtf" in done.stderr.lower():
                hint = ("\nThe wheelhouse lacks Flask-WTF, which MLflow's basic-auth app imports: the mirror recipe must "
                        "download mlflow[auth]==%s, not just mlflow." % version)
            raise RuntimeError("installing %s from the wheelhouse %s failed:\n%s%s"
                               % (" ".join(["mlflow[auth]==%s" % version, *extras]), wheelhouse, done.stderr[-2000:], hint))
        try:
            building.rename(venv)
        except OSError:
            if not (venv / "bin" / "mlflow").exists():  # not another session that finished first
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return venv


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _group_alive(pgid, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        time.sleep(0.2)
    return True


class MlflowServer:
    """The running server, how to connect to it, and direct REST calls that bypass the modules."""

    def __init__(self, venv, workdir):
        self.admin_user = "admin-" + secrets.token_hex(4)
        self.admin_password = secrets.token_urlsafe(24)
        self.port = free_port()
        self.tracking_uri = "http://127.0.0.1:%d" % self.port
        self.log = workdir / "mlflow.log"
        auth_config = workdir / "basic_auth.ini"
        descriptor = os.open(auth_config, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as stream:
            stream.write("[mlflow]\ndefault_permission = READ\ndatabase_uri = sqlite:///%s\n"
                         "admin_username = %s\nadmin_password = %s\nauthorization_function = "
                         "mlflow.server.auth:authenticate_request_basic_auth\n"
                         # One worker, so a password change empties the cache at once; without
                         # it every request pays for a password hash check.
                         "auth_cache_ttl_seconds = 300\n"
                         % (workdir / "auth.db", self.admin_user, self.admin_password))
        # No background job runners (GenAI evaluation jobs): the tests need none.
        env = dict(os.environ, MLFLOW_AUTH_CONFIG_PATH=str(auth_config),
                   MLFLOW_FLASK_SERVER_SECRET_KEY=secrets.token_hex(32), MLFLOW_SERVER_ENABLE_JOB_EXECUTION="false")
        (workdir / "artifacts").mkdir()
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [str(venv / "bin" / "python"), "-m", "mlflow", "server", "--app-name", "basic-auth",
                 "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1",
                 "--backend-store-uri", "sqlite:///%s" % (workdir / "mlflow.db"),
                 "--default-artifact-root", (workdir / "artifacts").as_uri()],
                env=env, cwd=str(workdir), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def wait_healthy(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(self.tracking_uri + "/health", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError("MLflow did not come up on %s:\n%s" % (self.tracking_uri, self.log.read_text()[-3000:]))

    def stop(self):
        """Stop the server and the workers it started (its own process group)."""
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
            if not _group_alive(self.process.pid, wait):
                return

    def connection(self):
        """The connection options of the modules, as the admin."""
        return dict(tracking_uri=self.tracking_uri, login_username=self.admin_user,
                    login_password=self.admin_password)

    def call(self, method, path, body=None, query=None, user=None, password=None):
        """A REST call as the admin (or as `user`); return (HTTP status, decoded JSON body)."""
        user, password = (user, password) if user else (self.admin_user, self.admin_password)
        url = self.tracking_uri + path
        if query:
            url += "?" + urlencode(query)
        request = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        token = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
        request.add_header("Authorization", "Basic " + token)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, data = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, data = error.code, error.read()
        try:
            return status, json.loads(data or b"{}")
        except ValueError:
            return status, {"text": data.decode(errors="replace")}

    def ok(self, method, path, body=None, query=None, **kwargs):
        status, data = self.call(method, path, body, query, **kwargs)
        assert status == 200, (status, data)
        return data


class TlsProxy(socketserver.ThreadingTCPServer):
    """HTTPS in front of the plain-HTTP server: TLS with the given certificate on a loopback
    port, bytes passed through to `backend_port`."""

    daemon_threads = True

    def __init__(self, cert_file, key_file, backend_port):
        self.backend_port = backend_port
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert_file, key_file)
        super().__init__(("127.0.0.1", 0), _TlsPipe)
        self.url = "https://127.0.0.1:%d" % self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def stop(self):
        self.shutdown()
        self.server_close()


class _TlsPipe(socketserver.BaseRequestHandler):
    def handle(self):
        try:
            client = self.server.context.wrap_socket(self.request, server_side=True)
        except (ssl.SSLError, OSError):
            return  # a client that refused the certificate
        with client, socket.create_connection(("127.0.0.1", self.server.backend_port)) as backend:
            with selectors.DefaultSelector() as selector:
                selector.register(client, selectors.EVENT_READ, backend)
                selector.register(backend, selectors.EVENT_READ, client)
                while True:
                    for key, _events in selector.select(timeout=30):
                        try:
                            data = key.fileobj.recv(65536)
                        except (ssl.SSLError, OSError):
                            data = b""
                        if not data:
                            return
                        key.data.sendall(data)
