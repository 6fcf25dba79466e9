#!/usr/bin/env bash
# Runs `ansible-test sanity` (Python 3.11) on a copy of the checkout laid out as
# ansible_collections/mlox/stack, which ansible-test requires. Extra arguments go to ansible-test.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/harness/lib.sh
. "$here/lib.sh"

need_command shellcheck "apt-get install shellcheck"

venv="$root/.venv"
pip_version="$("$venv/bin/python" -c '
from ansible_test._internal.python_requirements import get_venv_packages
from ansible_test._internal.host_configs import NativePythonConfig
print(get_venv_packages(NativePythonConfig(version="3.11"))["pip"])')"
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
mkdir -p "$(dirname "$cache")"
cp "$here/pip_bootstrap.py" "$cache"

work="$root/build/sanity/ansible_collections/mlox/stack"
rm -rf "$work"
mkdir -p "$work"
# Only what git would ship: tracked files and new files that are not ignored.
(cd "$root" && git ls-files -z --cached --others --exclude-standard) \
  | (cd "$root" && xargs -0 cp --parents -t "$work")
cd "$work"
git init -q && git add -A
"$venv/bin/ansible-test" sanity --venv --requirements --python 3.11 --color no "$@"
