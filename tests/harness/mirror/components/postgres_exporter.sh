# shellcheck shell=bash
# postgres_exporter, built from its pinned release source, in the upstream tarball layout.
VERSION="$(role_default postgres_exporter postgres_exporter_version)"

build_artifacts() {
  local out="$1" bin
  bin="$(mktemp -d)"
  go_install "github.com/prometheus-community/postgres_exporter@v$VERSION" \
    github.com/prometheus-community/postgres_exporter/cmd/postgres_exporter "$bin" "$(prometheus_version_ldflags "$VERSION")"
  pack_tarball "$out" "postgres_exporter-$VERSION.linux-$(mirror_arch)" "$bin/postgres_exporter"
  rm -rf "$bin"
}
