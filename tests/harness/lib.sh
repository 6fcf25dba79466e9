# Shared shell helpers of the test harness. Sourced, never run.
# shellcheck shell=bash

log() { printf '[harness] %s\n' "$*" >&2; }
die() { printf '[harness] ERROR: %s\n' "$*" >&2; exit 1; }

need_command() {
  command -v "$1" > /dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null 2>&1; then
    log "installing $1 ($2)"
    apt_install "${2##* }"
    command -v "$1" > /dev/null 2>&1 && return 0
  fi
  die "'$1' is missing; install it with: $2"
}

apt_install() {
  if [ -z "${_MLOX_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq > /dev/null
    _MLOX_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" > /dev/null
}

# The tag of the test-host image of a Debian release (12, 13).
test_image() { echo "mlox-stack/debian:$1"; }

# Makes sure a Docker engine answers; starts (and if needed installs) Debian's docker.io
# when running as root on Debian, says exactly what is missing otherwise.
ensure_docker() {
  docker info > /dev/null 2>&1 && return 0
  if [ "$(id -u)" != 0 ] || ! command -v apt-get > /dev/null 2>&1; then
    die "no Docker engine answers; start one (or run as root on Debian so the harness can install docker.io)"
  fi
  command -v dockerd > /dev/null 2>&1 || { log "installing docker.io"; apt_install docker.io; }
  command -v docker > /dev/null 2>&1 || apt_install docker.io
  log "starting dockerd"
  nohup dockerd > /var/log/mlox-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker info > /dev/null 2>&1 && return 0
    sleep 1
  done
  tail -n 30 /var/log/mlox-dockerd.log >&2
  die "dockerd did not answer within 60 s"
}
