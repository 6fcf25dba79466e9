# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The mlox.stack.secret lookup and the secret registry behind it, loaded as Ansible loads them."""

import re
import stat
import string
from pathlib import Path

import pytest
from ansible.errors import AnsibleError
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import lookup_loader
from ansible.template import Templar

try:
    from ansible.template import trust_as_template
except ImportError:  # ansible-core < 2.19 templates every string
    def trust_as_template(value):
        return value

ROOT = Path(__file__).resolve().parents[4]
LETTERS_DIGITS = set(string.ascii_letters + string.digits)

# Plugins load through Ansible's loader (tests/unit/plugins/conftest.py).
pytestmark = pytest.mark.usefixtures("collection_loader")


@pytest.fixture(name="registry")
def registry_fixture():
    """The registry module as the lookup sees it (imported through the collection finder)."""
    from ansible_collections.mlox.stack.plugins.module_utils import _secrets  # pylint: disable=import-outside-toplevel
    return _secrets


def lookup(terms, variables, **options):
    """lookup('mlox.stack.secret', *terms, **options) with `variables` as the play's variables."""
    loader = DataLoader()
    plugin = lookup_loader.get("mlox.stack.secret", loader=loader, templar=Templar(loader=loader, variables=variables))
    return plugin.run(list(terms), variables, **options)


def secret(kind, secrets_dir, **options):
    return lookup([kind], {"mlox_secrets_dir": str(secrets_dir)}, **options)[0]


def test_first_use_generates_the_file_with_the_kinds_length_and_characters(tmp_path):
    value = secret("minio_root_password", tmp_path)
    path = tmp_path / "minio" / "root_password"
    assert path.read_text() == value + "\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(value) == 40
    assert set(value) <= LETTERS_DIGITS


@pytest.mark.parametrize("kind, length", [
    ("alertmanager_basic_auth_password", 32), ("prometheus_basic_auth_salt", 22),
    ("mlflow_flask_secret_key", 64), ("oauth2_proxy_cookie_secret", 32),
])
def test_each_kind_has_its_own_length(tmp_path, kind, length):
    assert len(secret(kind, tmp_path)) == length


def test_later_calls_read_the_same_value(tmp_path):
    first = secret("mlflow_admin_password", tmp_path)
    assert secret("mlflow_admin_password", tmp_path) == first
    assert secret("mlflow_admin_password", tmp_path, generate=False) == first


def test_an_existing_file_is_read_as_it_is(tmp_path):
    (tmp_path / "prometheus").mkdir()
    (tmp_path / "prometheus" / "basic_auth_password").write_text("set-by-hand\n")
    assert secret("prometheus_basic_auth_password", tmp_path) == "set-by-hand"


def test_per_name_kinds_keep_one_file_per_name(tmp_path):
    mlflow = secret("postgresql_password", tmp_path, name="mlflow")
    keycloak = secret("postgresql_password", tmp_path, name="keycloak")
    assert mlflow != keycloak
    assert (tmp_path / "postgresql" / "mlflow_password").read_text() == mlflow + "\n"
    assert (tmp_path / "postgresql" / "keycloak_password").read_text() == keycloak + "\n"
    assert secret("postgresql_password", tmp_path, name="mlflow") == mlflow


def test_min_length_lengthens_a_generated_secret_only(tmp_path):
    assert len(secret("keycloak_user_password", tmp_path, name="ada", min_length=30)) == 30
    assert len(secret("keycloak_user_password", tmp_path, name="grace", min_length=8)) == 20


@pytest.mark.parametrize("kind, options, message", [
    ("postgresql_password", {}, "one file per name"),
    ("keycloak_client_secret", {"name": ""}, "one file per name"),
    ("minio_root_password", {"name": "mlflow"}, "give no name"),
    ("minio_user_secret_key", {"name": "../root_password"}, "must not contain /"),
    ("minio_user_secret_key", {"name": ".."}, "must not contain /"),
])
def test_a_name_missing_or_out_of_place_is_an_error(tmp_path, kind, options, message):
    with pytest.raises(AnsibleError, match=message):
        secret(kind, tmp_path, **options)
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_kind_is_an_error_that_lists_the_known_ones(tmp_path, registry):
    with pytest.raises(AnsibleError) as error:
        secret("minio_password", tmp_path)
    assert "unknown secret kind 'minio_password'" in str(error.value)
    for kind in registry.SECRETS:
        assert kind in str(error.value)


def test_path_only_returns_the_file_and_creates_nothing(tmp_path):
    path = secret("keycloak_client_secret", tmp_path / "secrets", name="minio", path_only=True)
    assert path == str(tmp_path / "secrets" / "keycloak" / "clients" / "minio_secret")
    assert list(tmp_path.iterdir()) == []


def test_without_generate_a_missing_file_is_an_error_naming_its_owner(tmp_path):
    with pytest.raises(AnsibleError, match=r"minio_secret \(keycloak_client_secret\) does not exist.*mlox\.stack\.keycloak"):
        secret("keycloak_client_secret", tmp_path, name="minio", generate=False)
    assert list(tmp_path.iterdir()) == []


def test_files_their_role_writes_otherwise_are_never_generated(tmp_path):
    with pytest.raises(AnsibleError, match=r"mlox\.stack\.pki creates it"):
        secret("pki_ca_key", tmp_path)
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "minio").mkdir()
    (tmp_path / "minio" / "metrics_bearer_token").write_text("a.b.c\n")
    assert secret("minio_metrics_bearer_token", tmp_path) == "a.b.c"


def test_secrets_dir_defaults_to_the_templated_stack_variable(tmp_path):
    # As a play gives it: a template from a vars file, which ansible-core trusts.
    variables = {"mlox_stack_name": "team", "mlox_secrets_dir": trust_as_template(str(tmp_path) + "/{{ mlox_stack_name }}")}
    [path] = lookup(["oauth2_proxy_cookie_secret"], variables, path_only=True)
    assert path == str(tmp_path / "team" / "oauth2_proxy" / "cookie_secret")
    [given] = lookup(["oauth2_proxy_cookie_secret"], variables, path_only=True, secrets_dir=str(tmp_path / "x"))
    assert given == str(tmp_path / "x" / "oauth2_proxy" / "cookie_secret")


def test_without_a_secrets_dir_the_lookup_says_what_to_set():
    with pytest.raises(AnsibleError, match="mlox_secrets_dir is not defined"):
        lookup(["minio_root_password"], {}, path_only=True)


def test_the_registry_keeps_every_file_under_its_owners_directory(registry):
    for kind, record in registry.SECRETS.items():
        assert kind.startswith(record["owner"] + "_"), kind
        assert record["path"].startswith(record["owner"] + "/"), kind
        assert (record["length"] is None) == (record["chars"] is None), kind


# Secret files are named only in the registry; these lines of the roles may still name the
# directory: the pki role's public default for where its CA lives.
ALLOWED = {("roles/pki/defaults/main.yml", 'pki_ca_dir: "{{ mlox_secrets_dir }}/pki"')}


def test_roles_take_secret_files_from_the_registry():
    found = []
    for path in sorted((ROOT / "roles").rglob("*.yml")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.endswith("meta/argument_specs.yml"):
            continue
        for line in path.read_text().splitlines():
            code = line.split("#", 1)[0]
            if re.search(r"ansible\.builtin\.password|mlox_secrets_dir\s*~|\{\{\s*mlox_secrets_dir\s*\}\}/", code) \
                    and (relative, line.strip()) not in ALLOWED:
                found.append("%s: %s" % (relative, line.strip()))
    assert found == []
