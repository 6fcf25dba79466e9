# Node.js tools for recipes that build a web UI as upstream's release does, taken from the npm
# registry alone. Debian 12's nodejs (18) is too old for the Vite that the UIs build with, so the
# Node.js release that upstream's .nvmrc names comes from the node-linux-<arch> package; npm,
# whichever version is at hand, only fetches it. A recipe sources this file and names it in INPUTS.
#
# Dependencies install exactly as the source's lock file pins them. Where the registry no longer
# serves a pinned version, a recipe names a replacement as <name>@<locked version>=<version>; it
# applies only while the lock file pins that version, and the install fails if any version the
# lock file does not pin comes in besides the replacements (dependencies that only a replaced
# version had may go).
# shellcheck shell=bash

# The npm name of this machine's architecture, as in node-linux-<arch>.
node_arch() {
  case "$(mirror_arch)" in
    amd64) echo x64 ;;
    arm64) echo arm64 ;;
  esac
}

# use_node <.nvmrc> <dir> [package@version...]: installs the Node.js release that the .nvmrc
# names, and the given npm packages (a package manager such as pnpm@<range>), into <dir> and puts
# <dir>/bin first on PATH.
use_node() {
  local nvmrc="$1" dir="$2" version
  shift 2
  need_command npm "apt-get install npm"
  version="$(tr -d '[:space:]' < "$nvmrc")"
  version="${version#v}"
  log "fetching Node.js $version${*:+ and $*} from the npm registry"
  npm install --global --prefix "$dir" --no-audit --no-fund --loglevel=error \
    "node-linux-$(node_arch)@$version" "$@" > /dev/null
  export PATH="$dir/bin:$PATH"
  [ "$(node --version)" = "v$version" ] || die "Node.js $version from the npm registry does not run here"
}

# pnpm_locked <pnpm-lock.yaml>: every name@version the lock file pins, sorted.
pnpm_locked() {
  awk '/^packages:/ { p = 1; next } /^[^ ]/ { p = 0 }
    p && /^  [^ ]/ { sub(/^  /, ""); sub(/:$/, ""); gsub(/\047/, ""); print }' "$1" | LC_ALL=C sort -u
}

# npm_locked <package-lock.json>: every name@version the lock file pins, sorted.
npm_locked() {
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const lock = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    for (const [path, entry] of Object.entries(lock.packages || {})) {
      if (path.includes("node_modules/") && entry.version) {
        console.log(`${path.slice(path.lastIndexOf("node_modules/") + 13)}@${entry.version}`);
      }
    }' "$1" | LC_ALL=C sort -u
}

# _lock_replacements <locked list> <replacement...>: the replacements whose locked version the list
# holds, one a line.
_lock_replacements() {
  local locked="$1" replacement
  shift
  for replacement in "$@"; do
    if grep -qxF -- "${replacement%=*}" <<< "$locked"; then
      echo "$replacement"
    fi
  done
}

# _lock_check <locked list> <lock file list> <replacement...>: fails naming every entry of the
# new lock file list that neither the locked list nor a replacement holds.
_lock_check() {
  local locked="$1" now="$2" replacement unexpected
  shift 2
  for replacement in "$@"; do
    locked+=$'\n'"${replacement%@*}@${replacement##*=}"
  done
  unexpected="$(LC_ALL=C comm -13 <(LC_ALL=C sort -u <<< "$locked") <(echo "$now"))"
  [ -z "$unexpected" ] || die "the install moved locked versions besides the replacements: $unexpected"
}

# pnpm_install <workspace dir> [replacement...]: the workspace's dependencies from pnpm-lock.yaml.
pnpm_install() {
  local dir="$1" locked replacements
  shift
  locked="$(pnpm_locked "$dir/pnpm-lock.yaml")"
  mapfile -t replacements < <(_lock_replacements "$locked" "$@")
  if [ "${#replacements[@]}" -eq 0 ]; then
    (cd "$dir" && pnpm install --frozen-lockfile)
    return
  fi
  log "replacing locked versions the npm registry lacks: ${replacements[*]}"
  # An override per replacement, and an exception to the release-age policy, which cannot date a
  # version the registry lacks.
  "$(dirname "${BASH_SOURCE[0]}")/../../../.venv/bin/python" - "$dir/pnpm-workspace.yaml" \
    "${replacements[@]}" << 'PY'
import sys

import yaml

path = sys.argv[1]
with open(path, encoding="utf-8") as stream:
    settings = yaml.safe_load(stream) or {}
for replacement in sys.argv[2:]:
    locked, version = replacement.rsplit("=", 1)
    settings.setdefault("overrides", {})[locked] = version
    settings.setdefault("minimumReleaseAgeExclude", []).append(locked)
with open(path, "w", encoding="utf-8") as stream:
    yaml.safe_dump(settings, stream, sort_keys=False)
PY
  (cd "$dir" && pnpm install --no-frozen-lockfile)
  _lock_check "$locked" "$(pnpm_locked "$dir/pnpm-lock.yaml")" "${replacements[@]}"
}

# npm_install <package dir> [replacement...]: the package's dependencies from package-lock.json.
npm_install() {
  local dir="$1" locked replacements
  shift
  locked="$(npm_locked "$dir/package-lock.json")"
  mapfile -t replacements < <(_lock_replacements "$locked" "$@")
  if [ "${#replacements[@]}" -eq 0 ]; then
    (cd "$dir" && npm ci --no-audit --no-fund)
    return
  fi
  log "replacing locked versions the npm registry lacks: ${replacements[*]}"
  # npm refuses an override that contradicts a direct dependency, so a direct dependency gets the
  # replacement as its range instead.
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const fs = require("fs");
    const file = process.argv[1];
    const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
    for (const replacement of process.argv.slice(2)) {
      const [locked, version] = [replacement.slice(0, replacement.lastIndexOf("=")),
        replacement.slice(replacement.lastIndexOf("=") + 1)];
      const name = locked.slice(0, locked.lastIndexOf("@"));
      const direct = ["dependencies", "devDependencies", "optionalDependencies"]
        .find((field) => manifest[field] && name in manifest[field]);
      if (direct) {
        manifest[direct][name] = version;
      } else {
        manifest.overrides = { ...manifest.overrides, [name]: version };
      }
    }
    fs.writeFileSync(file, JSON.stringify(manifest, null, 2) + "\n");
  ' "$dir/package.json" "${replacements[@]}"
  # Without --legacy-peer-deps, npm would move the locked packages that a replacement names as
  # exact peers to the replacement's own release, and re-resolve their dependencies too.
  (cd "$dir" && npm install --no-audit --no-fund --legacy-peer-deps)
  _lock_check "$locked" "$(npm_locked "$dir/package-lock.json")" "${replacements[@]}"
}
