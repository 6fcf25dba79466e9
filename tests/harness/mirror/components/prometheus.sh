# shellcheck shell=bash
# Prometheus and promtool, built from their pinned release source, in the upstream tarball layout
# (prometheus-<version>.linux-<arch>/{prometheus,promtool}). Prometheus 3.x.y is the Go module
# version v0.3xx.y. `go install` builds no web UI: its assets come from an npm build upstream
# embeds in release binaries; the role README says what that means.
VERSION="$(role_default prometheus prometheus_version)"

build_artifacts() {
  local out="$1" bin module major minor patch
  IFS=. read -r major minor patch <<< "$VERSION"
  module="github.com/prometheus/prometheus@v0.$((major * 100 + minor)).$patch"
  bin="$(mktemp -d)"
  go_install "$module" github.com/prometheus/prometheus/cmd/prometheus "$bin" "$(prometheus_version_ldflags "$VERSION")"
  go_install "$module" github.com/prometheus/prometheus/cmd/promtool "$bin" "$(prometheus_version_ldflags "$VERSION")"
  pack_tarball "$out" "prometheus-$VERSION.linux-$(mirror_arch)" "$bin/prometheus" "$bin/promtool"
  rm -rf "$bin"
}
