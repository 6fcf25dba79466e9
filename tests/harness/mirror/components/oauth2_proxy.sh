# shellcheck shell=bash
# oauth2-proxy, built from its pinned release source, in the upstream tarball layout
# (oauth2-proxy-v<version>.linux-<arch>/oauth2-proxy), with the version stamped as upstream's
# dist.sh does.
VERSION="$(role_default oauth2_proxy oauth2_proxy_version)"

build_artifacts() {
  local out="$1" bin
  bin="$(mktemp -d)"
  go_install "github.com/oauth2-proxy/oauth2-proxy/v7@v$VERSION" github.com/oauth2-proxy/oauth2-proxy/v7 \
    "$bin" "-X github.com/oauth2-proxy/oauth2-proxy/v7/pkg/version.VERSION=v$VERSION"
  pack_tarball "$out" "oauth2-proxy-v$VERSION.linux-$(mirror_arch)" "$bin/oauth2-proxy"
  rm -rf "$bin"
}
