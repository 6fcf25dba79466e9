# Building blocks for mirror recipes (tests/harness/mirror/components/<name>.sh). Sourced.
# shellcheck shell=bash

mirror_dir() { echo "${MLOX_MIRROR_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mlox-stack/mirror}"; }

role_defaults_file() { echo "$(dirname "${BASH_SOURCE[0]}")/../../../roles/$1/defaults/main.yml"; }

# role_default <role> <variable>: a scalar default of a role, so that a recipe mirrors exactly the
# version the role installs (one fact in one place).
role_default() {
  local file value
  file="$(role_defaults_file "$1")"
  value="$(sed -n -E "s/^$2:[[:space:]]*\"?([^\"#]*[^\"#[:space:]])\"?.*$/\1/p" "$file")"
  [ -n "$value" ] || die "no default for $2 in $file"
  echo "$value"
}

# The Debian/Go name of this machine's architecture; test hosts share it.
mirror_arch() {
  case "$(uname -m)" in
    x86_64) echo amd64 ;;
    aarch64) echo arm64 ;;
    *) die "unsupported architecture $(uname -m)" ;;
  esac
}

# Go >= 1.21 fetches the toolchain a module asks for through the module proxy by itself. An older
# Go (Debian 12 ships 1.19) first fetches this one from the module proxy, as a module.
go_bootstrap_toolchain="${MLOX_GO_TOOLCHAIN:-go1.25.5}"

ensure_go() {
  need_command go "apt-get install golang-go"
  [ "$(go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')" -ge 21 ] && return 0
  log "Go $(go env GOVERSION) cannot fetch toolchains; fetching $go_bootstrap_toolchain from the module proxy"
  local work dir
  work="$(mktemp -d)"
  dir="$(cd "$work" && go mod init mlox-go-bootstrap > /dev/null 2>&1 \
    && GOFLAGS=-modcacherw go mod download -json \
      "golang.org/toolchain@v0.0.1-$go_bootstrap_toolchain.linux-$(mirror_arch)" \
    | sed -n -E 's/^[[:space:]]*"Dir": "(.*)",?$/\1/p')"
  rm -rf "$work"
  [ -n "$dir" ] || die "could not fetch Go $go_bootstrap_toolchain from the module proxy"
  # Module zips carry no file modes.
  chmod +x "$dir"/bin/* "$dir"/pkg/tool/*/*
  export GOROOT="$dir" PATH="$dir/bin:$PATH"
  log "using $(go env GOVERSION) from $dir"
}

# go_install <module>@<version> <package path> <output dir> [ldflags]
# Builds a static linux binary of a pinned release from the module proxy.
go_install() {
  local module_at="$1" package="$2" out="$3" ldflags="${4:-}"
  ensure_go
  local gobin
  gobin="$(mktemp -d)"
  GOBIN="$gobin" CGO_ENABLED=0 GOOS=linux GOARCH="$(mirror_arch)" GOFLAGS="-trimpath -buildvcs=false" \
    go install -ldflags "-s -w $ldflags" "${package}@${module_at#*@}"
  mv "$gobin"/* "$out/"
  rmdir "$gobin"
}

# Version stamp for programs built on github.com/prometheus/common/version.
prometheus_version_ldflags() {
  local v="github.com/prometheus/common/version"
  echo "-X $v.Version=$1 -X $v.Revision=v$1 -X $v.Branch=release -X $v.BuildUser=mlox-mirror"
}

# pack_tarball <output dir> <top dir name> <file>...: an upstream-style .tar.gz holding one top
# directory, with fixed owners and times so rebuilding gives the same bytes.
pack_tarball() {
  local out="$1" top="$2" stage
  shift 2
  stage="$(mktemp -d)"
  mkdir "$stage/$top"
  cp -- "$@" "$stage/$top/"
  tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime='2000-01-01 00:00Z' \
    -cf - "$top" | gzip -n > "$out/$top.tar.gz"
  rm -rf "$stage"
}

# yaml_value <file> <key>: a top-level value of a YAML file; a list prints one item a line.
yaml_value() {
  local python
  python="$(dirname "${BASH_SOURCE[0]}")/../../../.venv/bin/python"
  [ -x "$python" ] || die "no $python; run 'make venv' first"
  "$python" - "$1" "$2" << 'PY'
import sys
import yaml

with open(sys.argv[1], encoding="utf-8") as stream:
    value = yaml.safe_load(stream)[sys.argv[2]]
print("\n".join(map(str, value)) if isinstance(value, list) else value)
PY
}

# role_default_list <role> <variable>: a list default of a role, one item a line.
role_default_list() { yaml_value "$(role_defaults_file "$1")" "$2"; }

# The Python of each supported Debian release (12: 3.11, 13: 3.13); a wheelhouse serves both.
wheelhouse_pythons="${MLOX_WHEELHOUSE_PYTHONS:-3.11 3.13}"

# pip_wheelhouse <output dir> <requirement>...: the wheels of the requirements and all their
# dependencies for every Python in wheelhouse_pythons on glibc Linux, plus index.html, a page of
# links with their sha256 that `pip install --no-index --find-links <URL of index.html>` reads.
pip_wheelhouse() {
  local out="$1" python abi arch platforms=() minor
  shift
  arch="$(uname -m)"
  platforms+=(--platform "manylinux2014_$arch" --platform "linux_$arch")
  for minor in $(seq 17 36); do
    platforms+=(--platform "manylinux_2_${minor}_$arch")
  done
  for python in $wheelhouse_pythons; do
    abi="cp${python/./}"
    log "wheelhouse: Python $python"
    "$(dirname "${BASH_SOURCE[0]}")/../../../.venv/bin/pip" download --quiet --dest "$out" \
      --only-binary=:all: --python-version "$python" --implementation cp --abi "$abi" \
      "${platforms[@]}" "$@"
  done
  {
    echo '<!DOCTYPE html><html><body>'
    (cd "$out" && sha256sum -- *.whl) | while read -r sum file; do
      echo "<a href=\"$file#sha256=$sum\">$file</a><br>"
    done
    echo '</body></html>'
  } > "$out/index.html"
}
