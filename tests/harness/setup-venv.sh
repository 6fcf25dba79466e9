#!/usr/bin/env bash
# Creates .venv with the pinned tools of requirements-dev.txt (re-installed only when that file
# changes) and makes this checkout reachable as the collection mlox.stack under .collections/.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/harness/lib.sh
. "$here/lib.sh"

python="${MLOX_PYTHON:-python3}"
"$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || die "$python is older than 3.11; set MLOX_PYTHON to a Python >= 3.11"
"$python" -c 'import venv, ensurepip' 2> /dev/null || need_command false "apt-get install python3-venv"

venv="$root/.venv"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$root/requirements-dev.txt" | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ]; then
  log "creating $venv"
  "$python" -m venv "$venv"
fi
if [ "$(cat "$stamp" 2> /dev/null)" != "$want" ]; then
  log "installing pinned tools into $venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet -r "$root/requirements-dev.txt"
  echo "$want" > "$stamp"
fi

link="$root/.collections/ansible_collections/mlox/stack"
mkdir -p "$(dirname "$link")"
[ -L "$link" ] || ln -s ../../.. "$link"
