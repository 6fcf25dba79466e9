# shellcheck shell=bash
# node_exporter, built from its pinned release source, in the upstream tarball layout.
VERSION="$(role_default node_exporter node_exporter_version)"

build_artifacts() {
  local out="$1" bin
  bin="$(mktemp -d)"
  go_install "github.com/prometheus/node_exporter@v$VERSION" github.com/prometheus/node_exporter \
    "$bin" "$(prometheus_version_ldflags "$VERSION")"
  pack_tarball "$out" "node_exporter-$VERSION.linux-$(mirror_arch)" "$bin/node_exporter"
  rm -rf "$bin"
}
