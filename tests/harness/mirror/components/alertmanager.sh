# shellcheck shell=bash
# Alertmanager and amtool, built from their pinned release source, in the upstream tarball layout
# (alertmanager-<version>.linux-<arch>/{alertmanager,amtool}). The release embeds two web UIs
# from ui/app/dist, which upstream builds and does not publish in the Go module. The Mantine UI
# (served at /ui/) is built here as upstream's Makefile builds it, with npm from the source's lock
# file. The Elm UI (served at /) cannot be: Elm fetches its packages from package.elm-lang.org,
# which is no package registry that this mirror builds from, so a page in its place sends the
# browser on to /ui/. The API, amtool and clustering are the release's own.
VERSION="$(role_default alertmanager alertmanager_version)"
INPUTS="$(dirname "${BASH_SOURCE[0]}")/../go_source.sh $(dirname "${BASH_SOURCE[0]}")/../node_tools.sh"
for input in $INPUTS; do
  # shellcheck source=/dev/null
  . "$input"
done

# Locked versions the npm registry no longer serves, each with the newest release it has.
alertmanager_ui_replacements=("@mantine/code-highlight@9.7.3=9.6.2")

build_artifacts() {
  local out="$1" work src
  work="$(mktemp -d)"
  src="$work/src"
  go_source "github.com/prometheus/alertmanager@v$VERSION" "$src"
  use_node "$src/.nvmrc" "$work/node"
  # The generated API client (src/gen) is part of the source, so upstream's `make build` target
  # suffices; `make assets` would regenerate it with tools that the Go module leaves out.
  npm_install "$src/ui/mantine-ui" "${alertmanager_ui_replacements[@]}"
  (cd "$src/ui/mantine-ui" && npm run build)
  # Alertmanager serves HTML only as the UI build writes it, compressed with gzip and brotli.
  mkdir -p "$src/ui/app/dist/elm"
  # shellcheck disable=SC2016 # JavaScript, not shell
  node -e '
    const fs = require("fs");
    const zlib = require("zlib");
    const page = Buffer.from(process.argv[2]);
    fs.writeFileSync(`${process.argv[1]}.gz`, zlib.gzipSync(page, { level: 9 }));
    fs.writeFileSync(`${process.argv[1]}.br`, zlib.brotliCompressSync(page));
  ' "$src/ui/app/dist/elm/index.html" '<!doctype html><title>Alertmanager</title>
<meta http-equiv="refresh" content="0; url=ui/">
<p>This build of Alertmanager has its web UI at <a href="ui/">ui/</a>.'
  go_build_source "$src" "$work/bin" "$(prometheus_version_ldflags "$VERSION")" ./cmd/alertmanager ./cmd/amtool
  pack_tarball "$out" "alertmanager-$VERSION.linux-$(mirror_arch)" "$work/bin/alertmanager" "$work/bin/amtool"
  rm -rf "$work"
}
