# shellcheck shell=bash
# Prometheus and promtool, built as upstream's `make build` builds its release, from the pinned
# release source, in the upstream tarball layout (prometheus-<version>.linux-<arch>/{prometheus,
# promtool}). Prometheus 3.x.y is the Go module version v0.3xx.y. The web UI is built with pnpm
# from the source's lock file, compressed by upstream's script and embedded with the
# builtinassets tag. Only the default UI is built (upstream's BUILD_UI=mantine): the old one,
# behind --enable-feature=old-ui, is not in this build.
VERSION="$(role_default prometheus prometheus_version)"
INPUTS="$(dirname "${BASH_SOURCE[0]}")/../go_source.sh $(dirname "${BASH_SOURCE[0]}")/../node_tools.sh"
for input in $INPUTS; do
  # shellcheck source=/dev/null
  . "$input"
done

# The pnpm releases that upstream's CI builds the UI with (.github/workflows/ci.yml); the source
# names none itself.
prometheus_pnpm="pnpm@<13"
# Locked versions the npm registry no longer serves, each with the newest release it has.
prometheus_ui_replacements=("@mantine/code-highlight@9.7.2=9.6.2")

build_artifacts() {
  local out="$1" work src major minor patch
  IFS=. read -r major minor patch <<< "$VERSION"
  work="$(mktemp -d)"
  src="$work/src"
  go_source "github.com/prometheus/prometheus@v0.$((major * 100 + minor)).$patch" "$src"
  use_node "$src/web/ui/.nvmrc" "$work/node" "$prometheus_pnpm"
  pnpm_install "$src/web/ui" "${prometheus_ui_replacements[@]}"
  (cd "$src/web/ui" && CI="" pnpm run build:mantine-ui)
  # Module zips carry no file modes, hence bash rather than the script itself.
  (cd "$src" && bash scripts/compress_assets.sh)
  go_build_source "$src" "$work/bin" "$(prometheus_version_ldflags "$VERSION")" -tags builtinassets \
    ./cmd/prometheus ./cmd/promtool
  pack_tarball "$out" "prometheus-$VERSION.linux-$(mirror_arch)" "$work/bin/prometheus" "$work/bin/promtool"
  rm -rf "$work"
}
