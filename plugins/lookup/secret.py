# -*- coding: utf-8 -*-
# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: secret
short_description: A secret of the stack, read or generated once under mlox_secrets_dir
version_added: 0.8.0
author: mlox.stack contributors (!UNKNOWN)
description:
  - Returns the secret of one kind from its file on the controller, under O(secrets_dir). The
    kinds, their files, lengths and character classes are listed in the collection's secret
    registry (C(plugins/module_utils/_secrets.py)), so the role that owns a secret and every
    role that uses it read the same file.
  - A secret whose file does not exist yet is generated and written exactly as
    P(ansible.builtin.password#lookup) does it (which this lookup calls), with the kind's length
    and characters; directories are created 0700, files 0600. Later calls read the file; it is
    never regenerated.
  - Kinds that their role writes by other means (the stack CA, the MinIO metrics token) are
    never generated; the lookup fails when their file does not exist.
  - Fails, listing the known kinds, for an unknown kind.
options:
  _terms:
    description: Kind of the secret, for example V(minio_root_password) or V(postgresql_password).
    type: list
    elements: str
    required: true
  name:
    description:
      - The user, client or key for kinds that have one file per name (V(postgresql_password),
        V(keycloak_client_secret), V(keycloak_user_password), V(minio_application_secret_key),
        V(minio_user_secret_key)).
      - Required for those kinds; an error for the others.
    type: str
  secrets_dir:
    description:
      - Directory on the controller that holds the secrets of the stack.
      - Empty means the value of the variable C(mlox_secrets_dir).
    type: str
    default: ''
  path_only:
    description:
      - Return the path of the file instead of the secret, and create nothing. For checks
        whether a secret exists (C(is file)) and for tasks that need the file itself.
    type: bool
    default: false
  generate:
    description:
      - Generate the secret when its file does not exist.
      - V(false) reads the file and fails when it does not exist, for a secret that only its
        owner may create because a service must know it (an OIDC client secret that Keycloak
        issued).
    type: bool
    default: true
  min_length:
    description:
      - Generate at least this many characters, when the kind's length is shorter (a password
        policy of the service). Used only when the secret is generated.
    type: int
    default: 0
notes:
  - As every lookup, this runs on the controller as the user who runs the playbook.
  - Use the result in tasks with C(no_log), and give any secret as a (vaulted) variable instead
    where the role offers one.
seealso:
  - plugin: ansible.builtin.password
    plugin_type: lookup
"""

EXAMPLES = r"""
- name: Set the password of the database user mlflow
  community.postgresql.postgresql_user:
    name: mlflow
    password: "{{ lookup('mlox.stack.secret', 'postgresql_password', name='mlflow') }}"
  no_log: true

- name: Read the secret that Keycloak issued to the client minio, never generate it
  ansible.builtin.set_fact:
    minio_oidc_client_secret: >-
      {{ lookup('mlox.stack.secret', 'keycloak_client_secret', name='minio', generate=false) }}
  no_log: true

- name: Use Prometheus' password only when its role has created it
  ansible.builtin.debug:
    msg: >-
      {{ 'present' if lookup('mlox.stack.secret', 'prometheus_basic_auth_password', path_only=true) is file
         else 'absent' }}
"""

RETURN = r"""
_raw:
  description:
    - The secret of each kind, or with O(path_only) the path of its file.
  type: list
  elements: str
"""

import os

from ansible.errors import AnsibleLookupError
from ansible.plugins.loader import lookup_loader
from ansible.plugins.lookup import LookupBase

from ansible_collections.mlox.stack.plugins.module_utils import _secrets


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        secrets_dir = self.get_option("secrets_dir") or self._stack_secrets_dir(variables)
        name = self.get_option("name")
        results = []
        for kind in terms:
            try:
                record = _secrets.secret(kind)
                path = self._loader.path_dwim(_secrets.secret_path(kind, secrets_dir, name))
            except ValueError as error:
                raise AnsibleLookupError("mlox.stack.secret: %s" % error) from error
            if self.get_option("path_only"):
                results.append(path)
            elif record["length"] is None or not self.get_option("generate"):
                results.append(self._read(record, path, variables))
            else:
                results.append(self._read_or_generate(record, path, variables))
        return results

    def _stack_secrets_dir(self, variables):
        value = (variables or {}).get("mlox_secrets_dir")
        if value is None:
            raise AnsibleLookupError(
                "mlox.stack.secret: mlox_secrets_dir is not defined; set it or give secrets_dir")
        return self._templar.template(value)

    def _read(self, record, path, variables):
        if not os.path.isfile(path):
            raise AnsibleLookupError(
                "mlox.stack.secret: %s (%s) does not exist on the controller; the role mlox.stack.%s "
                "creates it" % (path, record["kind"], record["owner"]))
        reader = lookup_loader.get("ansible.builtin.file", loader=self._loader, templar=self._templar)
        return reader.run([path], variables)[0]

    def _read_or_generate(self, record, path, variables):
        # The password lookup writes the file, so format, modes and locking stay its own.
        generator = lookup_loader.get("ansible.builtin.password", loader=self._loader, templar=self._templar)
        length = max(record["length"], int(self.get_option("min_length") or 0))
        return generator.run([path], variables, length=length, chars=record["chars"])[0]
