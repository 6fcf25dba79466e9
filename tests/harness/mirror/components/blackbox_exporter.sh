# shellcheck shell=bash
# blackbox_exporter, built from its pinned release source, in the upstream tarball layout.
VERSION="$(role_default blackbox_exporter blackbox_exporter_version)"

build_artifacts() {
  local out="$1" bin
  bin="$(mktemp -d)"
  go_install "github.com/prometheus/blackbox_exporter@v$VERSION" github.com/prometheus/blackbox_exporter \
    "$bin" "$(prometheus_version_ldflags "$VERSION")"
  pack_tarball "$out" "blackbox_exporter-$VERSION.linux-$(mirror_arch)" "$bin/blackbox_exporter"
  rm -rf "$bin"
}
