# shellcheck shell=bash
# gpu_exporter, the collection's own exporter (exporters/gpu_exporter), built from this checkout
# with the pinned dependencies of its go.sum, in the tarball layout of the other exporters.
VERSION="$(role_default gpu_exporter gpu_exporter_version)"
gpu_exporter_src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../../exporters/gpu_exporter" && pwd)"
# shellcheck disable=SC2034 # read by build.sh
INPUTS="$(find "$gpu_exporter_src" -type f | sort | tr '\n' ' ')"

build_artifacts() {
  local out="$1" bin
  ensure_go
  bin="$(mktemp -d)"
  (cd "$gpu_exporter_src" \
    && CGO_ENABLED=0 GOOS=linux GOARCH="$(mirror_arch)" GOFLAGS="-trimpath -buildvcs=false -mod=readonly" \
      go build -ldflags "-s -w $(prometheus_version_ldflags "$VERSION")" -o "$bin/gpu_exporter" .)
  pack_tarball "$out" "gpu_exporter-$VERSION.linux-$(mirror_arch)" "$bin/gpu_exporter"
  rm -rf "$bin"
}
