# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Calling the REST API of an MLflow server with its basic-auth app, for the MLflow admin modules.

Only the standard library and ansible.module_utils.urls, so that the modules need no Python
package on the host that runs them. Every request carries HTTP basic auth; redirects are not
followed, so the credentials go to the tracking_uri's host and nowhere else.
"""

from __future__ import annotations

import json
import socket
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit

from ansible.module_utils.urls import ConnectionError as UrlsConnectionError
from ansible.module_utils.urls import SSLValidationError, open_url
from ansible_collections.mlox.stack.plugins.module_utils._secret_mask import SecretMask

MISSING = "RESOURCE_DOES_NOT_EXIST"
# How MLflow's basic-auth app names the role that holds a user's direct grants.
SYNTHETIC_ROLE = "__user_%s__"


def connection_argument_spec():
    """The options of every module that talks to MLflow (documented in the
    mlox.stack.mlflow_connection doc fragment)."""
    return dict(
        tracking_uri=dict(type="str", required=True),
        login_username=dict(type="str", required=True, no_log=False),
        login_password=dict(type="str", required=True, no_log=True),
        ca_path=dict(type="path"),
        validate_certs=dict(type="bool", default=True),
        timeout=dict(type="int", default=30),
    )


class MlflowError(Exception):
    """A request failed; the message is readable and free of secrets. `status` is the HTTP
    status (None when no answer came) and `code` MLflow's error_code when it gave one."""

    def __init__(self, message, status=None, code=None):
        super().__init__(message)
        self.status = status
        self.code = code


def parse_tracking_uri(uri):
    """The base URL of the server, without a trailing slash; raise ValueError when it cannot be
    one. A path is kept (a server behind a prefix)."""
    if not isinstance(uri, str) or not uri.strip():
        raise ValueError("tracking_uri is required, for example https://mlflow.example.org:5000")
    parts = urlsplit(uri.strip())
    if parts.username is not None or parts.password is not None:
        raise ValueError("tracking_uri must not contain credentials; use login_username and login_password")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("tracking_uri %r must be http(s)://host[:port][/path]" % uri)
    if parts.query or parts.fragment:
        raise ValueError("tracking_uri %r must not have a query or fragment" % uri)
    try:
        parts.port
    except ValueError:
        raise ValueError("tracking_uri %r has an invalid port" % uri) from None
    return "%s://%s%s" % (parts.scheme, parts.netloc, parts.path.rstrip("/"))


def first_line(message):
    """MLflow's message without the SQL statement and parameters it sometimes appends (they
    may hold password hashes)."""
    lines = str(message or "").strip().splitlines()
    return lines[0].split(" Error: (", maxsplit=1)[0].strip() if lines else ""


class MlflowClient(SecretMask):
    """Sends requests to the server of the module's connection options, as the login user."""

    def __init__(self, module):
        self.module = module
        params = module.params
        try:
            self.base = parse_tracking_uri(params["tracking_uri"])
        except ValueError as error:
            raise MlflowError(str(error)) from None
        self.login = (params["login_username"], params["login_password"])
        super().__init__()
        self.add_secret(params["login_password"])

    def request(self, method, path, body=None, query=None, login=None):
        """Send a request (as the login user, or as `login`, a (username, password) pair);
        return the decoded JSON answer. Raise MlflowError for anything but a 2xx answer."""
        username, password = login or self.login
        url = self.base + path + ("?" + urlencode(query) if query else "")
        params = self.module.params
        data = None if body is None else json.dumps(body)
        try:
            answer = open_url(url, data=data, method=method, headers={"Content-Type": "application/json",
                                                                      "Accept": "application/json"},
                              url_username=username, url_password=password, force_basic_auth=True,
                              use_netrc=False, follow_redirects="none", timeout=params["timeout"],
                              validate_certs=params["validate_certs"], ca_path=params["ca_path"],
                              http_agent="mlox.stack")
            status, content = answer.getcode(), answer.read()
        except HTTPError as error:
            status, content = error.code, _read(error)
            raise self._error(method, path, status, content, username, error.headers) from None
        except SSLValidationError as error:
            raise MlflowError(self.scrub("%s: the server's TLS certificate was not accepted; set ca_path to the "
                                         "PEM file of the CA that issued it (%s)"
                                         % (self.base, _one_line(error)))) from None
        except (URLError, UrlsConnectionError, socket.timeout, OSError) as error:
            reason = getattr(error, "reason", error)
            if "CERTIFICATE_VERIFY_FAILED" in str(reason) or "certificate verify failed" in str(reason):
                raise MlflowError(self.scrub("%s: the server's TLS certificate was not accepted; set ca_path to "
                                             "the PEM file of the CA that issued it (%s)"
                                             % (self.base, _one_line(reason)))) from None
            raise MlflowError(self.scrub("cannot reach MLflow at %s: %s" % (self.base, _one_line(reason)))) from None
        if not content:
            return {}
        try:
            return json.loads(content)
        except ValueError:
            raise MlflowError("%s %s: HTTP %s with an answer that is not JSON; is %s an MLflow server?"
                              % (method, path, status, self.base), status=status) from None

    def _error(self, method, path, status, content, username, headers):
        where = "%s %s" % (method, path.split("?")[0])
        try:
            data = json.loads(content) if content else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        code = data.get("error_code")
        if status == 401:
            text = "%s: HTTP 401, the MLflow server refused the login credentials of %s" % (where, username)
        elif status in (301, 302, 303, 307, 308):
            text = ("%s: HTTP %s, the server redirects to %s; set tracking_uri to the server's own URL"
                    % (where, status, (headers or {}).get("Location", "another address")))
        elif code:
            text = "%s: HTTP %s %s: %s" % (where, status, code, first_line(data.get("message")))
        elif status == 403:
            text = "%s: HTTP 403, permission denied for %s (an MLflow admin is needed)" % (where, username)
        elif status in (404, 405):
            text = ("%s: HTTP %s, no such endpoint; is %s an MLflow server started with --app-name basic-auth, "
                    "of a supported version?" % (where, status, self.base))
        else:
            text = "%s: HTTP %s: %s" % (where, status, _one_line(content.decode("utf-8", "replace"))[:300])
        return MlflowError(self.scrub(text), status=status, code=code)

    def get_or_none(self, path, query, missing_code=MISSING):
        """GET that returns None when the server answers that the thing does not exist."""
        try:
            return self.request("GET", path, query=query)
        except MlflowError as error:
            if error.status == 404 and error.code == missing_code:
                return None
            raise

    def accepts_login(self, username, password):
        """Whether the server accepts this user name and password: a request any authenticated
        user may make, sent as that user."""
        self.add_secret(password)
        try:
            self.request("GET", "/api/2.0/mlflow/users/current", login=(username, password))
        except MlflowError as error:
            if error.status == 401:
                return False
            raise
        return True

    def get_user(self, username):
        """{"id", "username", "is_admin"} of a user, or None."""
        answer = self.get_or_none("/api/2.0/mlflow/users/get", {"username": username})
        return None if answer is None else answer["user"]

    def get_experiment(self, name):
        """The experiment of that name (active or deleted), or None."""
        answer = self.get_or_none("/api/2.0/mlflow/experiments/get-by-name", {"experiment_name": name})
        return None if answer is None else answer["experiment"]


def _read(error):
    try:
        return error.read() or b""
    except Exception:  # pylint: disable=broad-except
        return b""


def _one_line(value):
    return " ".join(str(value).split())
