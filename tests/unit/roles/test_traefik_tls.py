# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`mlox_tls_mode: provided`: the traefik role's rendered configuration serves the team's
certificate for the names it holds, and the host certificate for everything else.

The Traefik release the role pins (from the artifact mirror) runs the role's templates on
loopback; the files sit where provided.yml copies them on a host.
"""

import datetime
import socket
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from throwaway_tls import make_tls
from traefik_edge import Backend, Edge, loopback_ports, traefik_binary  # noqa: F401 pylint: disable=unused-import

TEAM_HOST = "app.team.example"


def self_signed(directory, name):
    """The team's certificate for `name` (its own issuer, as a team's CA would be to the stack)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (x509.CertificateBuilder(subject_name=subject, issuer_name=subject, public_key=key.public_key(),
                                    serial_number=x509.random_serial_number(),
                                    not_valid_before=now - datetime.timedelta(minutes=5),
                                    not_valid_after=now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    directory.mkdir(parents=True)
    # The names provided.yml gives the first entry of traefik_provided_certificates.
    (directory / "1.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "1.key").write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                        serialization.NoEncryption()))
    return directory / "1.crt"


def served_certificate(port, server_name, cafile):
    """The subject CN of the certificate served for `server_name` (SNI), verified against `cafile`."""
    context = ssl.create_default_context(cafile=str(cafile))
    context.check_hostname = server_name is not None
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=server_name) as tls:
            return dict(item[0] for item in tls.getpeercert()["subject"])["commonName"]


@pytest.fixture
def edge(traefik_binary, tmp_path):
    backend = Backend()
    host_ca = make_tls(tmp_path / "tls")
    team_ca = self_signed(tmp_path / "tls" / "provided", TEAM_HOST)
    role_vars = {
        **loopback_ports(),
        "mlox_domain": "example.test",
        "mlox_tls_mode": "provided",
        "traefik_provided_certificates": [{"cert": "team.crt", "key": "team.key"}],
        "_traefik_tls_dir": str(tmp_path / "tls"),
        "_traefik_provided_dir": str(tmp_path / "tls" / "provided"),
        "__traefik_metrics_allowed": ["127.0.0.1/32"],
        "_traefik_routes": [{"name": "app", "hostname": TEAM_HOST, "auth": "none", "health_path": "/",
                             "urls": ["http://127.0.0.1:%d" % backend.server_address[1]]}],
    }
    running = Edge(traefik_binary, tmp_path / "edge", host_ca, role_vars)
    try:
        running.wait_loaded(["app@file"])
        yield running, host_ca, team_ca
    finally:
        running.stop()
        backend.stop()


def test_the_teams_certificate_for_its_names_the_host_certificate_otherwise(edge):
    running, host_ca, team_ca = edge
    assert running.edge["tls"]["certificates"] == [{
        "certFile": str(team_ca), "keyFile": str(team_ca.with_suffix(".key"))}]
    assert served_certificate(running.https_port, TEAM_HOST, team_ca) == TEAM_HOST
    # No name, or one the team's certificate does not hold: the default, the host certificate.
    assert served_certificate(running.https_port, None, host_ca) == "127.0.0.1"
    with pytest.raises(ssl.SSLCertVerificationError):
        served_certificate(running.https_port, "other.team.example", team_ca)
