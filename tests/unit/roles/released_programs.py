# Copyright (c) mlox.stack contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The programs the roles pin, from the artifact mirror's release archives, run by tests."""

import platform
import subprocess
import tarfile

import pytest

from ansible_collections.mlox.stack.tests.unit.plugins.modules.mlflow_server import mirror_root


def release_arch():
    """This machine's architecture as release file names spell it."""
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


def unpack_release(directory, component, version, file_name):
    """Unpack <mirror>/<component>/<version>/<file_name> into `directory`; skip the test, saying
    how to build it, when the mirror lacks it."""
    archive = mirror_root() / component / version / file_name
    if not archive.exists():
        pytest.skip("%s %s is not in the artifact mirror (%s); run `bash tests/harness/mirror/build.sh %s`"
                    % (component, version, archive, component))
    with tarfile.open(archive) as tar:
        tar.extractall(directory, filter="data")
    return directory


def stop_program(process, timeout=10):
    """Terminate a program a test started, killing it if it does not end within `timeout` s."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
