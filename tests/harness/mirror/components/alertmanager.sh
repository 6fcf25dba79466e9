# shellcheck shell=bash
# Alertmanager and amtool, built from their pinned release source, in the upstream tarball layout
# (alertmanager-<version>.linux-<arch>/{alertmanager,amtool}). The release source embeds the web
# UI from ui/app/dist, which upstream builds with npm and Elm and does not publish in the Go
# module: `go install` refuses it. The build therefore runs in a copy of the module source with a
# page in place of the UI saying so; the API, amtool and clustering are the release's own.
VERSION="$(role_default alertmanager alertmanager_version)"
INPUTS="$(dirname "${BASH_SOURCE[0]}")/../go_source.sh"
# shellcheck source=tests/harness/mirror/go_source.sh
. "$INPUTS"

build_artifacts() {
  local out="$1" work ui
  work="$(mktemp -d)"
  go_source "github.com/prometheus/alertmanager@v$VERSION" "$work/src"
  for ui in elm mantine; do
    mkdir -p "$work/src/ui/app/dist/$ui"
    echo "<!doctype html><title>Alertmanager</title><p>This build has no web UI; use the API or amtool." \
      > "$work/src/ui/app/dist/$ui/index.html"
  done
  go_build_source "$work/src" "$work/bin" "$(prometheus_version_ldflags "$VERSION")" ./cmd/alertmanager ./cmd/amtool
  pack_tarball "$out" "alertmanager-$VERSION.linux-$(mirror_arch)" "$work/bin/alertmanager" "$work/bin/amtool"
  rm -rf "$work"
}
