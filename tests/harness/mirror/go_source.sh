# Building Go programs from a copy of their release source, for recipes that cannot use go_install:
# the module proxy refuses the version list that `go install <module>@<version>` asks for, or the
# source needs a change before it builds. A recipe sources this file and names it in INPUTS.
# shellcheck shell=bash

# go_source <module>@<version> <dir>: a writable copy of the module's release source in <dir>.
go_source() {
  local module_at="$1" dest="$2" work cached
  ensure_go
  work="$(mktemp -d)"
  cached="$(cd "$work" && go mod download -json "$module_at" | sed -n -E 's/^[[:space:]]*"Dir": "(.*)",?$/\1/p')"
  rm -rf "$work"
  [ -n "$cached" ] || die "could not fetch $module_at from the module proxy"
  cp -r "$cached" "$dest"
  chmod -R u+w "$dest"
}

# go_build_source <source dir> <output dir> <ldflags> [go build flag...] <package>...: static linux
# binaries of the packages (paths relative to the source, such as ./cmd/amtool), as go_install
# builds them. A go.work in the source names nested modules that module zips leave out, so the
# build uses go.mod alone, as go_install does.
go_build_source() {
  local src="$1" out="$2" ldflags="$3"
  shift 3
  (cd "$src" && CGO_ENABLED=0 GOOS=linux GOARCH="$(mirror_arch)" GOFLAGS="-trimpath -buildvcs=false" \
    GOWORK=off go build -ldflags "-s -w $ldflags" -o "$out/" "$@")
}
