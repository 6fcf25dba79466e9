# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The connection options of the S3/MinIO admin modules."""

from __future__ import annotations


class ModuleDocFragment:
    DOCUMENTATION = r"""
attributes:
  action_group:
    description: Use C(group/mlox.stack.minio) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - mlox.stack.minio
options:
  endpoint_url:
    description:
      - URL of the MinIO S3 API, C(scheme://host:port) with no path, for example
        V(https://s3-host.example.org:9000).
    type: str
    required: true
  login_access_key:
    description:
      - Access key (user name) with which the module connects, usually the MinIO root user.
      - Named C(login_) so that it does not collide with the options of M(mlox.stack.minio_user)
        when set once for all modules through C(module_defaults) (group C(mlox.stack.minio)).
    type: str
    required: true
  login_secret_key:
    description:
      - Secret key of O(login_access_key).
      - It reaches C(mc) only through its environment (or, when a key contains C(:), which
        C(MC_HOST_*) cannot carry, through a 0600 config file in a private temporary directory that
        is removed afterwards), never through its command line.
    type: str
    required: true
  ca_file:
    description:
      - PEM file of the certificate authorities that C(mc) trusts for O(endpoint_url), for example
        the stack CA. When set it replaces the system trust store (it is given to C(mc) as
        E(SSL_CERT_FILE)).
      - Certificate checks are never turned off.
    type: path
  mc_path:
    description:
      - Path of the MinIO client C(mc) on the host that runs the module.
      - Default is C(/opt/mlox/mc/current/mc), where the mlox.stack.minio role installs it, when
        that file exists, else C(mc) found on E(PATH).
    type: path
notes:
  - The module runs the MinIO client C(mc) on the target host with C(--json) and a private, temporary
    C(MC_CONFIG_DIR), so it needs no Python packages and no internet access.
requirements:
  - The MinIO client C(mc) on the host that runs the module.
"""
