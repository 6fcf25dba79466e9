# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A real MinIO server over TLS for the S3/MinIO module tests, a real MLflow server for the
MLflow module tests (see mlflow_server.py), and a way to run a module in process and get its
result.

The server and mc binaries come from the artifact mirror, at the versions the minio role pins.
One server runs for the whole session; every test uses names of its own.
"""

import datetime
import ipaddress
import json
import os
import secrets
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from unittest import mock

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible.module_utils import basic
from mlflow_server import MlflowServer, TlsProxy, mirror_root, pinned_version, server_venv

ROOT = Path(__file__).resolve().parents[4]
BUILD_HINT = "run `bash tests/harness/mirror/build.sh minio mc` (it builds them into the artifact mirror)"


def pinned_binaries():
    defaults = yaml.safe_load((ROOT / "roles" / "minio" / "defaults" / "main.yml").read_text())
    mirror = mirror_root()
    return (mirror / "minio" / str(defaults["minio_version"]) / "minio",
            mirror / "mc" / str(defaults["minio_client_version"]) / "mc")


def make_tls(directory):
    """A throwaway CA and a server certificate for 127.0.0.1 and localhost, as MinIO's certs dir."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mlox.stack test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False, data_encipherment=False,
                                       key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    certs = directory / "certs"
    certs.mkdir(mode=0o700)
    (certs / "public.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (certs / "private.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                          serialization.PrivateFormat.PKCS8,
                                                          serialization.NoEncryption()))
    (directory / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return certs, directory / "ca.pem"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MinioServer:
    """The running server, how to connect to it, and direct checks that bypass the modules."""

    def __init__(self, minio, mc, workdir):
        self.mc_path = str(mc)
        self.root_user = "root-" + secrets.token_hex(4)
        self.root_password = secrets.token_urlsafe(24)
        self.certs, ca_file = make_tls(workdir)
        self.ca_file = str(ca_file)
        self.port = free_port()
        self.endpoint = "https://127.0.0.1:%d" % self.port
        self.log = workdir / "minio.log"
        (workdir / "data").mkdir()
        env = dict(os.environ, MINIO_ROOT_USER=self.root_user, MINIO_ROOT_PASSWORD=self.root_password,
                   MINIO_BROWSER="off", MINIO_UPDATE="off")
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [str(minio), "server", "--quiet", "--address", "127.0.0.1:%d" % self.port,
                 "--console-address", "127.0.0.1:%d" % free_port(), "--certs-dir", str(self.certs),
                 str(workdir / "data")],
                env=env, stdout=log, stderr=subprocess.STDOUT)
        self.ssl_context = ssl.create_default_context(cafile=self.ca_file)

    def wait_live(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            if self.http_status("/minio/health/live") == 200:
                return
            time.sleep(0.2)
        self.stop()
        pytest.fail("MinIO did not come up on %s:\n%s" % (self.endpoint, self.log.read_text()[-3000:]))

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def connection(self):
        """The connection options of the modules, as root."""
        return dict(endpoint_url=self.endpoint, login_access_key=self.root_user,
                    login_secret_key=self.root_password, ca_file=self.ca_file, mc_path=self.mc_path)

    def http_status(self, path):
        """Status of an anonymous (unsigned) GET."""
        try:
            with urllib.request.urlopen(self.endpoint + path, context=self.ssl_context, timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return None

    def mc(self, *args, access_key=None, secret_key=None, stdin=None):
        """Run mc --json as root (or as the given user); return (rc, list of JSON messages)."""
        access_key = access_key or self.root_user
        secret_key = secret_key or self.root_password
        with tempfile.TemporaryDirectory() as config_dir:
            env = dict(os.environ, MC_CONFIG_DIR=config_dir, SSL_CERT_FILE=self.ca_file)
            # mc reads no ':' in MC_HOST credentials, so such keys go into its config file.
            alias = {"url": self.endpoint, "accessKey": access_key, "secretKey": secret_key, "api": "s3v4",
                     "path": "auto"}
            Path(config_dir, "config.json").write_text(json.dumps({"version": "10", "aliases": {"t": alias}}))
            done = subprocess.run([self.mc_path, "--json"] + list(args), env=env, input=stdin,
                                  capture_output=True, text=True, timeout=60, check=False)
        messages = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        return done.returncode, messages

    def mc_ok(self, *args, **kwargs):
        rc, messages = self.mc(*args, **kwargs)
        assert rc == 0, messages
        return messages

    @staticmethod
    def error_code(messages):
        for message in messages:
            cause = (message.get("error") or {}).get("cause") or {}
            if isinstance(cause.get("error"), dict) and cause["error"].get("Code"):
                return cause["error"]["Code"]
        return None


@pytest.fixture(scope="session")
def minio_server(tmp_path_factory):
    minio, mc = pinned_binaries()
    missing = [str(path) for path in (minio, mc) if not os.access(path, os.X_OK)]
    if missing:
        pytest.fail("MinIO test binaries missing (%s): %s" % (", ".join(missing), BUILD_HINT), pytrace=False)
    server = MinioServer(minio, mc, tmp_path_factory.mktemp("minio"))
    server.wait_live()
    yield server
    server.stop()


@pytest.fixture
def foreign_ca(tmp_path):
    """A CA file that does not hold the server's CA."""
    return str(make_tls(tmp_path)[1])


@pytest.fixture
def unique():
    """A name no other test uses: unique('bkt') -> 'bkt-1a2b3c4d'."""
    return lambda prefix: "%s-%s" % (prefix, uuid.uuid4().hex[:10])


class _ModuleExit(Exception):
    def __init__(self, result):
        super().__init__(result)
        self.result = result


def _exit_json(self, **result):
    result.setdefault("changed", False)
    raise _ModuleExit(result)


def _fail_json(self, msg, **result):
    result.update(failed=True, msg=msg)
    raise _ModuleExit(result)


class ModuleRunner:
    """Runs a module's main() in process. Results are returned as the module passed them to
    exit_json/fail_json (before Ansible's no_log masking, so a leaked secret shows); every
    command the module ran is kept in `commands` as (argv, stdin, environ_update), and the
    permissions of the files in mc's config directory at that time in `file_modes`."""

    def __init__(self, server):
        self.server = server
        self.commands = []
        self.file_modes = []

    def __call__(self, module, args, check_mode=False, diff=False, connection=True):
        params = dict(self.server.connection()) if connection else {}
        params.update(args)
        params.update(_ansible_check_mode=check_mode, _ansible_diff=diff)
        real_run_command = basic.AnsibleModule.run_command
        commands = self.commands

        def recording_run_command(module_self, argv, *pargs, **kwargs):
            environ = dict(kwargs.get("environ_update") or {})
            commands.append((list(argv), kwargs.get("data"), environ))
            if environ.get("MC_CONFIG_DIR"):
                self.file_modes.append(_modes(environ["MC_CONFIG_DIR"]))
            return real_run_command(module_self, argv, *pargs, **kwargs)

        with _module_args(params), \
                mock.patch.object(basic.AnsibleModule, "exit_json", _exit_json), \
                mock.patch.object(basic.AnsibleModule, "fail_json", _fail_json), \
                mock.patch.object(basic.AnsibleModule, "run_command", recording_run_command):
            try:
                module.main()
            except _ModuleExit as done:
                return done.result
        raise AssertionError("%s returned without exit_json or fail_json" % module.__name__)


def _modes(directory):
    """Permission bits of a directory and of the files in it: {path: mode}."""
    modes = {directory: os.stat(directory).st_mode & 0o777}
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            modes[path] = os.stat(path).st_mode & 0o777
    return modes


def _module_args(params):
    try:
        from ansible.module_utils.testing import patch_module_args
    except ImportError:  # ansible-core < 2.19
        return mock.patch.object(basic, "_ANSIBLE_ARGS",
                                 json.dumps({"ANSIBLE_MODULE_ARGS": params}).encode())
    return patch_module_args(params)


@pytest.fixture
def run_module(minio_server):
    return ModuleRunner(minio_server)


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory):
    version = pinned_version()
    try:
        venv = server_venv(mirror_root() / "mlflow" / version, version)
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    server = MlflowServer(venv, tmp_path_factory.mktemp("mlflow"))
    try:
        server.wait_healthy()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mlflow_tls(mlflow_server, tmp_path_factory):
    """HTTPS in front of the MLflow server: (URL, CA file that issued its certificate)."""
    certs, ca_file = make_tls(tmp_path_factory.mktemp("mlflow-tls"))
    proxy = TlsProxy(str(certs / "public.crt"), str(certs / "private.key"), mlflow_server.port)
    yield proxy.url, str(ca_file)
    proxy.stop()


@pytest.fixture
def run_mlflow_module(mlflow_server):
    return ModuleRunner(mlflow_server)
