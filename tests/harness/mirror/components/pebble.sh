# shellcheck shell=bash
# Pebble, the ACME test server, built from its pinned release source (version stamped as
# upstream's release build does) and packed as pebble-v<version>.linux-<arch>/pebble. No role
# installs it (only test scenarios run it), so its version is pinned here, not in a role default.
VERSION=2.10.3

build_artifacts() {
  local out="$1" bin
  bin="$(mktemp -d)"
  go_install "github.com/letsencrypt/pebble/v2@v$VERSION" github.com/letsencrypt/pebble/v2/cmd/pebble \
    "$bin" "-X main.version=v$VERSION"
  pack_tarball "$out" "pebble-v$VERSION.linux-$(mirror_arch)" "$bin/pebble"
  rm -rf "$bin"
}
