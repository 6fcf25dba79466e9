# shellcheck shell=bash
# Alertmanager and amtool, built from their pinned release source, in the upstream tarball layout
# (alertmanager-<version>.linux-<arch>/{alertmanager,amtool}).
VERSION="$(role_default alertmanager alertmanager_version)"

build_artifacts() {
  local out="$1" bin
  bin="$(mktemp -d)"
  go_install "github.com/prometheus/alertmanager@v$VERSION" github.com/prometheus/alertmanager/cmd/alertmanager \
    "$bin" "$(prometheus_version_ldflags "$VERSION")"
  go_install "github.com/prometheus/alertmanager@v$VERSION" github.com/prometheus/alertmanager/cmd/amtool \
    "$bin" "$(prometheus_version_ldflags "$VERSION")"
  pack_tarball "$out" "alertmanager-$VERSION.linux-$(mirror_arch)" "$bin/alertmanager" "$bin/amtool"
  rm -rf "$bin"
}
