#!/usr/bin/env bash
# Serves the artifact mirror over HTTP on the test network's gateway address, so test hosts
# (and only they and this machine) reach it. `start` and `url` print the mirror URL; `url` fails
# when no server of ours answers; `stop` ends it. Harness runs share one server: `acquire <pid>`
# prints the URL of the running server (starting one if none runs) and records process <pid> as
# a user; `release <pid>` forgets it and stops the server once no user process lives any more.
#
# usage: serve.sh start|url|stop|acquire <pid>|release <pid>
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
users_dir="$state_dir/users"

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
  # Not holding the lock of acquire (fd 9) for as long as it serves.
  nohup python3 -m http.server --bind "$address" --directory "$(mirror_dir)" "$port" \
    > "$state_dir/access.log" 2>&1 9>&- &
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

# Runs "$@" holding the lock that acquire and release share.
locked() {
  mkdir -p "$users_dir"
  (
    flock 9
    "$@"
  ) 9> "$state_dir/lock"
}

acquire() {
  url || start
  touch "$users_dir/$1"
}

release() {
  local user
  rm -f "$users_dir/$1"
  for user in "$users_dir"/*; do
    [ -e "$user" ] || continue
    kill -0 "$(basename "$user")" 2> /dev/null && return 0
    rm -f "$user"
  done
  stop
}

case "${1:-}" in
  start) start ;;
  url) url ;;
  stop) stop ;;
  acquire | release)
    [[ "${2:-}" =~ ^[0-9]+$ ]] || die "usage: $0 $1 <pid>"
    locked "$1" "$2"
    ;;
  *) die "usage: $0 start|url|stop|acquire <pid>|release <pid>" ;;
esac
