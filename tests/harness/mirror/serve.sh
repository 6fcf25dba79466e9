#!/usr/bin/env bash
# Serves the artifact mirror over HTTP on the test network's gateway address, so test hosts
# (and only they and this machine) reach it. `start` and `url` print the mirror URL; `url` fails
# when no server of ours answers; `stop` ends it.
#
# usage: serve.sh start|url|stop
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/harness/lib.sh
. "$here/../lib.sh"
# shellcheck source=tests/harness/mirror/recipes.sh
. "$here/recipes.sh"

network="${MLOX_TEST_NETWORK:-mlox-test}"
port="${MLOX_TEST_MIRROR_PORT:-18080}"
state_dir="$(mirror_dir)/.server"
pid_file="$state_dir/pid"

gateway() {
  docker network inspect -f '{{ (index .IPAM.Config 0).Gateway }}' "$network" 2> /dev/null
}

url() {
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2> /dev/null || return 1
  local url
  url="http://$(gateway):$port"
  curl -fsS -o /dev/null "$url/" 2> /dev/null || return 1
  echo "$url"
}

stop() {
  if [ -f "$pid_file" ]; then
    kill "$(cat "$pid_file")" 2> /dev/null || true
    rm -f "$pid_file"
  fi
}

start() {
  stop
  docker network inspect "$network" > /dev/null 2>&1 || docker network create "$network" > /dev/null
  local address
  address="$(gateway)"
  [ -n "$address" ] || die "network $network has no gateway address"
  mkdir -p "$state_dir"
  nohup python3 -m http.server --bind "$address" --directory "$(mirror_dir)" "$port" \
    > "$state_dir/access.log" 2>&1 &
  echo $! > "$pid_file"
  local url="http://$address:$port"
  for _ in $(seq 1 50); do
    if curl -fsS -o /dev/null "$url/" 2> /dev/null; then
      echo "$url"
      return 0
    fi
    sleep 0.2
  done
  cat "$state_dir/access.log" >&2
  die "the mirror server did not answer on $url"
}

case "${1:-}" in
  start) start ;;
  url) url ;;
  stop) stop ;;
  *) die "usage: $0 start|url|stop" ;;
esac
