# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Running the MinIO client `mc` for the S3/MinIO admin modules.

The modules run on a MinIO host with nothing but the standard library and the `mc` binary,
which already speaks the encrypted MinIO admin API. No secret ever reaches a command line:
the connection goes to mc through the environment (MC_HOST_<alias>), or, for credentials
that MC_HOST cannot carry, through a config file in a private directory that is removed
afterwards; secrets for mc's prompts go to its standard input.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from urllib.parse import urlsplit

from ansible_collections.mlox.stack.plugins.module_utils._s3_rules import load_policy
from ansible_collections.mlox.stack.plugins.module_utils._secret_mask import SecretMask

DEFAULT_MC_PATH = "/opt/mlox/mc/current/mc"
ADMIN_ALIAS = "mloxadmin"
CHECK_ALIAS = "mloxcheck"

# Answers to a signed request that prove the secret key right (the request was authenticated,
# then allowed or not) or wrong.
_SECRET_RIGHT = frozenset(("AccessDenied",))
_SECRET_WRONG = frozenset(("SignatureDoesNotMatch", "InvalidAccessKeyId"))


def connection_argument_spec():
    """The options of every module that talks to MinIO (documented in the
    mlox.stack.minio_connection doc fragment)."""
    return dict(
        endpoint_url=dict(type="str", required=True),
        login_access_key=dict(type="str", required=True, no_log=False),
        login_secret_key=dict(type="str", required=True, no_log=True),
        ca_file=dict(type="path"),
        mc_path=dict(type="path"),
    )


class MinioError(Exception):
    """mc failed; the message is readable and free of secrets, `code` is the S3/admin error
    code when the server gave one."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code


def parse_endpoint(url):
    """Return `scheme://host[:port]` of a MinIO endpoint URL; raise ValueError when mc could
    not use it."""
    if not isinstance(url, str) or not url.strip():
        raise ValueError("endpoint_url is required, for example https://s3.example.org:9000")
    parts = urlsplit(url.strip())
    if parts.username is not None or parts.password is not None:
        raise ValueError("endpoint_url must not contain credentials; use login_access_key and login_secret_key")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("endpoint_url %r must be http(s)://host[:port]" % url)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise ValueError("endpoint_url %r must not have a path, query or fragment (mc needs the server root)" % url)
    try:
        parts.port
    except ValueError:
        raise ValueError("endpoint_url %r has an invalid port" % url) from None
    return "%s://%s" % (parts.scheme, parts.netloc)


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$")
_SIZE_UNITS = {"": 1, "b": 1}
for _power, _prefix in enumerate("kmgtpe", start=1):
    _SIZE_UNITS[_prefix] = _SIZE_UNITS[_prefix + "b"] = 1000 ** _power
    _SIZE_UNITS[_prefix + "i"] = _SIZE_UNITS[_prefix + "ib"] = 1024 ** _power


def parse_size(text):
    """Bytes in a size such as `10GiB`, `500 MB` or `1073741824`, read as mc reads quotas:
    KB, MB, GB, TB are powers of 1000, KiB, MiB, GiB, TiB powers of 1024. Raise ValueError."""
    match = _SIZE.match(str(text))
    unit = match and _SIZE_UNITS.get(match.group(2).lower())
    if not unit:
        raise ValueError("%r is not a size such as 10GiB, 500MB or a number of bytes" % (text,))
    return int(float(match.group(1)) * unit)


# Keys whose value stays a single string; any other string or object in a policy may also be
# written as a one-element list (MinIO returns lists).
_SCALAR_KEYS = frozenset(("Version", "Id", "Sid"))


def canonical_policy(document):
    """A form of a policy document in which equivalent documents are equal: a single value
    and a one-element list are the same, and the order and repetition of list items do not
    matter."""
    return _canonical(document)


def _canonical(value, key=None):
    if key == "Principal" and value == "*":
        value = {"AWS": ["*"]}
    if key is not None and key not in _SCALAR_KEYS and isinstance(value, (str, dict)):
        value = [value]
    if isinstance(value, dict):
        # MinIO drops empty statement ids.
        return {name: _canonical(item, name) for name, item in value.items() if not (name == "Sid" and item == "")}
    if isinstance(value, list):
        items = {}
        for item in value:
            item = _canonical(item)
            items[json.dumps(item, sort_keys=True)] = item
        return [items[text] for text in sorted(items)]
    return value


def policy_document(policy):
    """`policy` (a dict, or JSON text of one) as the dict to send to MinIO; raise ValueError
    when it is not a policy document. A single statement object becomes a one-element list,
    as MinIO accepts only lists."""
    document = dict(load_policy(policy))
    if isinstance(document["Statement"], dict):
        document["Statement"] = [document["Statement"]]
    return document


def policies_equal(left, right):
    """Whether two policy documents (dicts) say the same."""
    return canonical_policy(left) == canonical_policy(right)


def find_mc(module, mc_path):
    """Path of the mc binary: `mc_path`, else the one the mlox.stack.minio role installs, else
    `mc` on PATH. The role's path comes first because Debian's `mc` on PATH is often Midnight
    Commander."""
    if mc_path:
        if not (os.path.isfile(mc_path) and os.access(mc_path, os.X_OK)):
            raise MinioError("mc_path %s is not an executable file" % mc_path)
        return mc_path
    if os.path.isfile(DEFAULT_MC_PATH) and os.access(DEFAULT_MC_PATH, os.X_OK):
        return DEFAULT_MC_PATH
    found = module.get_bin_path("mc")
    if not found:
        raise MinioError("the MinIO client mc was not found at %s or on PATH; set mc_path "
                         "(the mlox.stack.minio role installs it)" % DEFAULT_MC_PATH)
    return found


class MinioClient(SecretMask):
    """Runs `mc --json` against the server of the module's connection options.

    Use it as a context manager: it owns a private (0700) MC_CONFIG_DIR, removed on exit, so
    that mc writes nothing into anyone's home directory.
    """

    def __init__(self, module):
        self.module = module
        params = module.params
        try:
            self.endpoint = parse_endpoint(params["endpoint_url"])
        except ValueError as error:
            raise MinioError(str(error)) from None
        self.mc_path = find_mc(module, params.get("mc_path"))
        self.ca_file = params.get("ca_file")
        super().__init__()
        self._aliases = {}
        self._config_dir = None
        self.set_alias(ADMIN_ALIAS, params["login_access_key"], params["login_secret_key"])

    def __enter__(self):
        self._config_dir = tempfile.mkdtemp(prefix="mlox-mc-")
        os.chmod(self._config_dir, 0o700)
        return self

    def __exit__(self, *exc_info):
        shutil.rmtree(self._config_dir, ignore_errors=True)
        self._config_dir = None

    def set_alias(self, alias, access_key, secret_key):
        """Let mc reach the server as `alias` with these credentials."""
        if not access_key or not secret_key:
            raise MinioError("an access key and a secret key are needed to reach the server")
        self._aliases[alias] = (access_key, secret_key)
        self.add_secret(secret_key)

    @staticmethod
    def target(alias, *path):
        """An mc target: `alias` or `alias/bucket/...`."""
        return "/".join((alias,) + path)

    def admin(self, *path):
        return self.target(ADMIN_ALIAS, *path)

    def private_file(self, name, content):
        """Write `content` into a 0600 file in the private directory; return its path."""
        path = os.path.join(self._config_dir, name)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as stream:
            stream.write(content)
        return path

    def _environment(self):
        environment = {"MC_CONFIG_DIR": self._config_dir}
        if self.ca_file:
            # Go reads SSL_CERT_FILE and, besides, every file in SSL_CERT_DIR (default
            # /etc/ssl/certs): an empty directory makes ca_file the only trust anchor.
            no_more_cas = os.path.join(self._config_dir, "no-more-cas")
            if not os.path.isdir(no_more_cas):
                os.mkdir(no_more_cas, 0o700)
            environment.update(SSL_CERT_FILE=self.ca_file, SSL_CERT_DIR=no_more_cas)
        scheme, host = self.endpoint.split("://", 1)
        in_file = {}
        for alias, (access_key, secret_key) in self._aliases.items():
            # mc splits MC_HOST at the first ':' (a second one would start a session token)
            # and does not URL-decode, so keys are passed raw and colons need the config file.
            if ":" in access_key or ":" in secret_key:
                in_file[alias] = {"url": self.endpoint, "accessKey": access_key, "secretKey": secret_key,
                                  "api": "s3v4", "path": "auto"}
            else:
                environment["MC_HOST_" + alias] = "%s://%s:%s@%s" % (scheme, access_key, secret_key, host)
        config = os.path.join(self._config_dir, "config.json")
        if in_file:
            self.private_file("config.json", json.dumps({"version": "10", "aliases": in_file}))
        elif os.path.exists(config):
            os.remove(config)
        return environment

    def run(self, *args, **kwargs):
        """Run `mc --json <args>`; return its JSON messages. `stdin` (keyword) is sent to its
        standard input. Raise MinioError when mc reports an error."""
        stdin = kwargs.pop("stdin", None)
        if self._config_dir is None:
            raise RuntimeError("MinioClient must be used as a context manager")
        command = [self.mc_path, "--json"] + list(args)
        rc, out, err = self.module.run_command(command, data=stdin, binary_data=True,
                                               environ_update=self._environment(), check_rc=False)
        messages = []
        for line in out.splitlines():
            line = line.strip()
            if line.startswith("{"):
                try:
                    messages.append(json.loads(line))
                except ValueError:
                    pass
        for message in messages:
            if message.get("status") == "error":
                raise self._error(args, message.get("error") or {})
        if rc != 0:
            detail = (err.strip() or out.strip() or "no output").splitlines()[-1]
            raise MinioError(self.scrub("mc %s failed (rc=%s): %s" % (" ".join(args[:3]), rc, detail)))
        return messages

    def run_or_none(self, missing_code, *args, **kwargs):
        """Like run(), but return None when mc fails with `missing_code` (the error code of
        the server for "no such bucket/user/policy")."""
        try:
            return self.run(*args, **kwargs)
        except MinioError as error:
            if error.code == missing_code:
                return None
            raise

    def _error(self, args, error):
        cause = error.get("cause") or {}
        details = cause.get("error") if isinstance(cause.get("error"), dict) else {}
        code = details.get("Code")
        text = error.get("message") or "mc %s failed" % " ".join(args[:3])
        if cause.get("message"):
            text = "%s: %s" % (text.rstrip("."), cause["message"])
        if code:
            text = "%s (%s)" % (text, code)
        return MinioError(self.scrub(text), code=code)

    def secret_is_right(self, access_key, secret_key):
        """Whether the server accepts a request signed with these credentials. Raises
        MinioError when the answer proves neither."""
        self.set_alias(CHECK_ALIAS, access_key, secret_key)
        try:
            self.run("ls", CHECK_ALIAS)
        except MinioError as error:
            if error.code in _SECRET_RIGHT:
                return True
            if error.code in _SECRET_WRONG:
                return False
            raise
        finally:
            self._aliases.pop(CHECK_ALIAS, None)
        return True


def taken_access_keys(client, keys):
    """Those of `keys` that a user or another service account already has."""
    taken = []
    for key in keys:
        try:
            client.run("admin", "user", "svcacct", "info", client.admin(), key)
        except MinioError as error:
            if error.code == "XMinioInvalidIAMCredentials":
                continue
            if error.code != "AccessDenied":  # the admin API's answer for a user's access key
                raise
        taken.append(key)
    return taken


def missing_policies(client, names):
    """Those of the policy `names` that the server does not have."""
    missing = []
    for name in names:
        try:
            client.run("admin", "policy", "info", client.admin(), name)
        except MinioError as error:
            if error.code != "XMinioAdminNoSuchPolicy":
                raise
            missing.append(name)
    return missing
