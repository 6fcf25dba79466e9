#!/usr/bin/env bash
# Builds the artifact mirror the test hosts download from, laid out as DESIGN.md "Artifacts":
# <mirror>/<component>/<version>/<file> plus a SHA256SUMS beside each version's files.
# Upstream download sites are unreachable in tests, so every entry is made from a package
# registry. An entry is rebuilt only when its recipe (components/<name>.sh) changes.
#
# usage: build.sh [component ...]    (default: every recipe in components/)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/harness/lib.sh
. "$here/../lib.sh"
# shellcheck source=tests/harness/mirror/recipes.sh
. "$here/recipes.sh"

mirror_dir="$(mirror_dir)"

build_component() {
  local name="$1" recipe="$here/components/$1.sh" hash target work
  [ -f "$recipe" ] || die "no mirror recipe for '$name' (expected $recipe)"
  # Each recipe sets VERSION, defines build_artifacts <output dir>, and may set COMPONENT (when
  # it is not the recipe's name) and INPUTS (more files whose change means a rebuild).
  unset VERSION COMPONENT INPUTS
  unset -f build_artifacts
  # shellcheck source=/dev/null
  . "$recipe"
  [ -n "${VERSION:-}" ] || die "$recipe does not set VERSION"
  # shellcheck disable=SC2086
  hash="$(cat "$recipe" "$here/recipes.sh" ${INPUTS:-} | sha256sum | cut -c1-16)"
  target="$mirror_dir/${COMPONENT:-$name}/$VERSION"
  if [ "$(cat "$target/.recipe" 2> /dev/null)" = "$hash" ]; then
    log "mirror: $name $VERSION is up to date"
    return 0
  fi
  log "mirror: building $name $VERSION"
  work="$(mktemp -d)"
  build_artifacts "$work"
  (cd "$work" && sha256sum -- * > SHA256SUMS)
  echo "$hash" > "$work/.recipe"
  rm -rf "$target"
  mkdir -p "$(dirname "$target")"
  mv "$work" "$target"
  chmod -R a+rX "$target"
}

if [ "$#" -eq 0 ]; then
  for recipe in "$here"/components/*.sh; do
    set -- "$@" "$(basename "$recipe" .sh)"
  done
fi
for component in "$@"; do
  build_component "$component"
done
log "mirror ready in $mirror_dir"
