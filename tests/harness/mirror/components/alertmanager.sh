# shellcheck shell=bash
# Alertmanager and amtool, built from their pinned release source, in the upstream tarball layout
# (alertmanager-<version>.linux-<arch>/{alertmanager,amtool}). The release source embeds the web
# UI from ui/app/dist, which upstream builds with npm and Elm and does not publish in the Go
# module: `go install` refuses it. The build therefore runs in a copy of the module source with a
# page in place of the UI saying so; the API, amtool and clustering are the release's own.
VERSION="$(role_default alertmanager alertmanager_version)"

build_artifacts() {
  local out="$1" work module dir
  ensure_go
  work="$(mktemp -d)"
  module="github.com/prometheus/alertmanager@v$VERSION"
  dir="$(cd "$work" && go mod download -json "$module" | sed -n -E 's/^[[:space:]]*"Dir": "(.*)",?$/\1/p')"
  [ -n "$dir" ] || die "could not fetch $module from the module proxy"
  cp -r "$dir" "$work/src"
  chmod -R u+w "$work/src"
  for ui in elm mantine; do
    mkdir -p "$work/src/ui/app/dist/$ui"
    echo "<!doctype html><title>Alertmanager</title><p>This build has no web UI; use the API or amtool." \
      > "$work/src/ui/app/dist/$ui/index.html"
  done
  mkdir "$work/bin"
  (cd "$work/src" && CGO_ENABLED=0 GOOS=linux GOARCH="$(mirror_arch)" GOFLAGS="-trimpath -buildvcs=false" \
    go build -ldflags "-s -w $(prometheus_version_ldflags "$VERSION")" -o "$work/bin/" ./cmd/alertmanager ./cmd/amtool)
  pack_tarball "$out" "alertmanager-$VERSION.linux-$(mirror_arch)" "$work/bin/alertmanager" "$work/bin/amtool"
  rm -rf "$work"
}
