#!/usr/bin/env bash
# The demo: the whole stack in one local systemd container, deployed by playbooks/site.yml with
# the all-in-one inventory inventories/demo/demo.mlox.yml, reachable from this machine at
# https://<service>.mlox.localhost:<port>.
#
# usage: demo.sh up|down
#   up    build or reuse the test-host image and the artifact mirror, start the container
#         mlox-demo, deploy (again: converge, no changes), print the URLs and the logins
#   down  remove what `up` created: the container, its network and the demo's secrets
#         (the image and the mirror stay, shared with the tests; `make clean` removes the build)
#   MLOX_DEMO_PORT      port of the edge on this machine and in the URLs (default 9443)
#   MLOX_DEMO_DISTRO    Debian release of the container (default 13)
#   MLOX_DEMO_CA_BUNDLE a PEM bundle the container must trust for outgoing TLS (a proxy's CA)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
harness="$root/tests/harness"
# shellcheck source=tests/harness/lib.sh
. "$harness/lib.sh"

container=mlox-demo
network=mlox-demo
inventory="$root/inventories/demo/demo.mlox.yml"
port="${MLOX_DEMO_PORT:-9443}"
distro="${MLOX_DEMO_DISTRO:-13}"
secrets_dir="$HOME/.mlox/demo"
if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
  die "MLOX_DEMO_PORT must be a TCP port, not '$port'"
fi

export ANSIBLE_COLLECTIONS_PATH="$root/.collections"
export PATH="$root/.venv/bin:$PATH"
export ANSIBLE_CONFIG="$root/ansible.cfg"

# The stack's public hostnames, from the service registry (one place for them).
public_hostnames() {
  PYTHONPATH="$root/.collections" python3 - "$inventory" << 'PYTHON'
import sys
import yaml
from ansible_collections.mlox.stack.plugins.module_utils import _services
domain = yaml.safe_load(open(sys.argv[1]))["domain"]
for name, record in _services.SERVICES.items():
    if record["hostname_prefix"]:
        print(name, _services.public_hostname(name, domain))
PYTHON
}

start_container() {
  docker network inspect "$network" > /dev/null 2>&1 || docker network create "$network" > /dev/null
  if [ -n "$(docker ps -aq --filter "name=^${container}$")" ]; then
    docker start "$container" > /dev/null
    return 0
  fi
  local aliases=() hostname
  while read -r _ hostname; do
    aliases+=(--network-alias "$hostname")
  done < <(public_hostnames)
  log "starting the container $container (Debian $distro, systemd as PID 1)"
  docker run --detach --name "$container" --hostname "$container" \
    --network "$network" "${aliases[@]}" \
    --publish "127.0.0.1:$port:$port" \
    --cap-add SYS_ADMIN --cap-add NET_ADMIN --cgroupns host \
    --volume /sys/fs/cgroup:/sys/fs/cgroup:rw \
    --tmpfs /run --tmpfs /run/lock --tmpfs /tmp \
    --stop-signal SIGRTMIN+3 --label org.mlox.demo=true \
    "$(test_image "$distro")" /lib/systemd/systemd > /dev/null
}

wait_for_boot() {
  local state
  for _ in $(seq 1 60); do
    state="$(docker exec "$container" systemctl is-system-running 2> /dev/null || true)"
    [[ "$state" == running || "$state" == degraded ]] && return 0
    sleep 2
  done
  docker exec "$container" journalctl --boot --no-pager --lines 40 >&2 || true
  die "systemd in $container did not finish booting (state: ${state:-unknown})"
}

deploy() {
  local mirror_url extra
  mirror_url="$("$harness/mirror/serve.sh" acquire "$$")"
  trap '"$harness/mirror/serve.sh" release "$$" || true' EXIT
  extra="$(mktemp)"
  {
    echo "mlox_artifact_mirror: $mirror_url"
    echo "mlox_public_port: $port"
    if [ -n "${MLOX_DEMO_CA_BUNDLE:-}" ]; then
      echo "mlox_ca_trust_extra: [$MLOX_DEMO_CA_BUNDLE]"
    fi
  } > "$extra"
  log "deploying the stack into $container (ansible-playbook playbooks/site.yml)"
  ansible-playbook -i "$inventory" -e "@$extra" "$root/playbooks/site.yml"
  rm -f "$extra"
}

summary() {
  local name hostname
  echo
  echo "mlox.stack demo is up. From this machine (the browser resolves *.localhost by itself):"
  while read -r name hostname; do
    printf '  %-14s https://%s:%s/\n' "$name" "$hostname" "$port"
  done < <(public_hostnames)
  echo
  echo "Sign in as user 'demo', password in $secrets_dir/keycloak/users/demo_password"
  echo "The certificates come from the demo's own CA: $secrets_dir/pki/ca.crt"
  echo "Generated admin secrets (MinIO root, Keycloak admin, ...): $secrets_dir/"
  echo "Remove it all: make demo-down"
}

up() {
  bash "$harness/setup-venv.sh"
  ensure_docker
  "$harness/images/build.sh" "$distro"
  "$harness/mirror/build.sh"
  start_container
  wait_for_boot
  deploy
  summary
}

down() {
  docker info > /dev/null 2>&1 || die "no Docker engine answers"
  if docker rm --force "$container" > /dev/null 2>&1; then
    log "removed the container $container"
  fi
  if docker network rm "$network" > /dev/null 2>&1; then
    log "removed the network $network"
  fi
  if [ -d "$secrets_dir" ]; then
    rm -rf "$secrets_dir"
    log "removed the demo's secrets $secrets_dir"
  fi
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) die "usage: $0 up|down" ;;
esac
