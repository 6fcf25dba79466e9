# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The connection options of the MLflow admin modules."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
attributes:
  action_group:
    description: Use C(group/mlox.stack.mlflow) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - mlox.stack.mlflow
options:
  tracking_uri:
    description:
      - Base URL of the MLflow server, for example V(https://mlflow-host.example.org:5000). A path is
        kept, for a server behind a prefix.
      - Redirects are not followed, so that the login credentials go to this host only.
    type: str
    required: true
  login_username:
    description:
      - An MLflow admin of the server's basic-auth app, with which the module connects.
      - Named C(login_) so that it does not collide with the options of M(mlox.stack.mlflow_user)
        when set once for all modules through C(module_defaults) (group C(mlox.stack.mlflow)).
    type: str
    required: true
  login_password:
    description: Password of O(login_username), sent with HTTP basic auth.
    type: str
    required: true
  ca_path:
    description:
      - PEM file of the certificate authorities trusted for O(tracking_uri), for example the stack CA.
        Unset, the system trust store is used.
    type: path
  validate_certs:
    description:
      - Whether the server's TLS certificate is checked. Set V(false) only for tests; the login
        credentials are sent on every request.
    type: bool
    default: true
  timeout:
    description: Seconds to wait for each answer of the server.
    type: int
    default: 30
notes:
  - The module talks to the MLflow REST API from the host that runs it, with nothing but the Python
    standard library, so it needs no Python packages there. Run it on the controller or on any host
    that reaches O(tracking_uri).
  - Written for the basic-auth app of MLflow 3.17 (C(mlflow server --app-name basic-auth)).
"""
