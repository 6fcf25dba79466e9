# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The modules and web config that the blackbox_exporter role writes work with the release it pins.

The role's templates are rendered by Ansible with the role's defaults and vars; the release from
the artifact mirror checks them (`--config.check`, the role's `validate:`), then runs with them
over TLS with a throwaway certificate and probes a TLS server on loopback through `tls_connect`
and `https_2xx`. The throwaway CA is the only one the exporter trusts (SSL_CERT_FILE stands in
for the host's trust store, which holds the stack CA).
"""

import http.server
import os
import re
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml

from ansible_collections.mlox.stack.tests.unit.plugins.modules.mlflow_server import free_port
from released_programs import release_arch, stop_program, unpack_release
from role_templates import COMMON_WEB_CONFIG, include_vars, render, role_default
from throwaway_tls import make_tls

ROOT = Path(__file__).resolve().parents[3]
ROLE = "blackbox_exporter"


@pytest.fixture(scope="module")
def blackbox_exporter(tmp_path_factory):
    """blackbox_exporter from the mirror's release archive, in upstream's layout."""
    version = role_default(ROLE, "blackbox_exporter_version")
    top = "blackbox_exporter-%s.linux-%s" % (version, release_arch())
    directory = unpack_release(tmp_path_factory.mktemp(ROLE), ROLE, version, top + ".tar.gz")
    return directory / top / "blackbox_exporter"


def rendered(workdir, role_vars):
    """blackbox.yml and web-config.yml as the role writes them (the web config from the `_common`
    template with the role's inputs), TLS files in workdir/tls."""
    config, web_config = workdir / "blackbox.yml", workdir / "web-config.yml"
    render(workdir, ["_common", ROLE], {"blackbox.yml.j2": config, COMMON_WEB_CONFIG: web_config},
           {"_blackbox_exporter_tls_dir": str(workdir / "tls"), **role_vars},
           play_vars=include_vars(ROLE, "web_config"))
    return config, web_config


def config_check(binary, config):
    return subprocess.run([str(binary), "--config.check", "--config.file=%s" % config],
                          capture_output=True, text=True, timeout=30, check=False)


def test_the_modules_are_the_contracts_and_pass_the_check(blackbox_exporter, tmp_path):
    config, _files = rendered(tmp_path, {})
    modules = yaml.safe_load(config.read_text())["modules"]
    assert modules == {
        "tls_connect": {"prober": "tcp", "tcp": {"tls": True}},
        "https_2xx": {"prober": "http", "http": {"method": "GET", "fail_if_not_ssl": True}},
    }
    check = config_check(blackbox_exporter, config)
    assert check.returncode == 0, check.stderr


def test_extra_modules_are_merged_and_a_broken_one_fails_the_check(blackbox_exporter, tmp_path):
    extra = {"https_api": {"prober": "http", "http": {"valid_status_codes": [200, 401]}},
             "tls_connect": {"prober": "tcp", "timeout": "5s", "tcp": {"tls": True}}}
    config, _files = rendered(tmp_path / "good", {"blackbox_exporter_modules_extra": extra})
    modules = yaml.safe_load(config.read_text())["modules"]
    assert modules["https_api"] == extra["https_api"]
    assert modules["tls_connect"]["timeout"] == "5s"
    assert "https_2xx" in modules
    assert config_check(blackbox_exporter, config).returncode == 0

    broken = {"https_api": {"prober": "http", "http": {"method": "GET", "no_such_setting": True}}}
    config, _files = rendered(tmp_path / "broken", {"blackbox_exporter_modules_extra": broken})
    check = config_check(blackbox_exporter, config)
    assert check.returncode != 0
    assert "no_such_setting" in check.stderr


class TlsServer(http.server.ThreadingHTTPServer):
    """An HTTPS server on loopback that answers 200 to every GET."""

    def __init__(self, tls_dir):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # pylint: disable=invalid-name
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):  # pylint: disable=arguments-differ
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tls_dir / "cert.pem", tls_dir / "key.pem")
        self.socket = context.wrap_socket(self.socket, server_side=True)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.shutdown()
        self.server_close()


@pytest.fixture
def running_exporter(blackbox_exporter, tmp_path):
    """The exporter with the rendered files on a free loopback port; yields (base URL, CA file)."""
    ca_file = make_tls(tmp_path / "tls")
    config, web_config = rendered(tmp_path, {})
    port = free_port()
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        [str(blackbox_exporter), "--config.file=%s" % config, "--web.config.file=%s" % web_config,
         "--web.listen-address=127.0.0.1:%d" % port],
        env={**os.environ, "SSL_CERT_FILE": str(ca_file)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    context = ssl.create_default_context(cafile=str(ca_file))
    base = "https://127.0.0.1:%d" % port
    try:
        for _attempt in range(50):
            try:
                with urllib.request.urlopen(base + "/-/healthy", context=context, timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("blackbox_exporter did not become healthy")
        yield base, context, tmp_path / "tls"
    finally:
        stop_program(process)


def probe(base, context, module, target):
    query = urllib.parse.urlencode({"module": module, "target": target})
    with urllib.request.urlopen("%s/probe?%s" % (base, query), context=context, timeout=30) as answer:
        return answer.read().decode()


def metric(text, name):
    found = re.search(r"^%s (\S+)$" % re.escape(name), text, re.MULTILINE)
    assert found, "%s missing in:\n%s" % (name, text)
    return float(found.group(1))


def test_probes_a_tls_server_through_the_contracts_modules(running_exporter):
    base, context, tls_dir = running_exporter
    server = TlsServer(tls_dir)
    target = "127.0.0.1:%d" % server.server_address[1]
    try:
        tls = probe(base, context, "tls_connect", target)
        assert metric(tls, "probe_success") == 1, tls
        assert metric(tls, "probe_ssl_earliest_cert_expiry") > time.time()
        https = probe(base, context, "https_2xx", "https://" + target + "/")
        assert metric(https, "probe_success") == 1, https
    finally:
        server.stop()


def test_the_health_gate_checks_the_certificate_for_the_host_name(running_exporter, tmp_path):
    """The role's health gate (tasks/health_gate.yml) connects to the listen address and checks
    the certificate for the host's name: 127.0.0.1 is in the test certificate, localhost is not."""
    base, _context, tls_dir = running_exporter
    role_vars = yaml.safe_load((ROOT / "roles" / ROLE / "vars" / "main.yml").read_text())
    script = role_vars["_blackbox_exporter_health_script"]
    port = urllib.parse.urlsplit(base).port

    def gate(name, path="/-/healthy"):
        return subprocess.run([sys.executable, "-c", script, str(tls_dir / "ca.pem"), name, "127.0.0.1", str(port),
                               path], capture_output=True, text=True, timeout=30, check=False)

    assert gate("127.0.0.1").returncode == 0
    wrong_name = gate("localhost")
    assert wrong_name.returncode != 0 and "CERTIFICATE_VERIFY_FAILED" in wrong_name.stderr
    # /probe without a target answers 400
    bad_request = gate("127.0.0.1", "/probe")
    assert bad_request.returncode != 0 and "answered 400" in bad_request.stderr


def test_an_untrusted_certificate_fails_the_probe(running_exporter, tmp_path):
    base, context, _tls_dir = running_exporter
    server = TlsServer(make_tls(tmp_path / "other-ca").parent)
    try:
        tls = probe(base, context, "tls_connect", "127.0.0.1:%d" % server.server_address[1])
        assert metric(tls, "probe_success") == 0, tls
    finally:
        server.stop()
