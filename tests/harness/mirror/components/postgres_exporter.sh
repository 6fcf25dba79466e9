# shellcheck shell=bash
# postgres_exporter, built from its pinned release source, in the upstream tarball layout. The
# module proxy does not list its versions, so go_install cannot fetch it: go_source can.
VERSION="$(role_default postgres_exporter postgres_exporter_version)"
INPUTS="$(dirname "${BASH_SOURCE[0]}")/../go_source.sh"
# shellcheck source=tests/harness/mirror/go_source.sh
. "$INPUTS"

build_artifacts() {
  local out="$1" work
  work="$(mktemp -d)"
  go_source "github.com/prometheus-community/postgres_exporter@v$VERSION" "$work/src"
  go_build_source "$work/src" "$work/bin" "$(prometheus_version_ldflags "$VERSION")" ./cmd/postgres_exporter
  pack_tarball "$out" "postgres_exporter-$VERSION.linux-$(mirror_arch)" "$work/bin/postgres_exporter"
  rm -rf "$work"
}
