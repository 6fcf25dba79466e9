#!/usr/bin/env bash
# Measures a deploy of the whole stack with `make demo`'s container: a cold deploy (a fresh host,
# the image and the artifact mirror already built) and a re-run on the deployed host (no
# changes). Writes the numbers, with the machine's cores and memory, to
# benchmarks/results/deploy-<date>.txt and prints them.
#
# usage: benchmarks/deploy.sh
#   It replaces a running demo (the demo's container and secrets are removed first and at the
#   end), so it refuses to start while one runs unless MLOX_BENCH_REPLACE_DEMO=1.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
demo="$root/scripts/demo.sh"
results="$root/benchmarks/results"
# shellcheck source=tests/harness/lib.sh
. "$root/tests/harness/lib.sh"

if docker ps -aq --filter name=^mlox-demo$ 2> /dev/null | grep -q . && [ -z "${MLOX_BENCH_REPLACE_DEMO:-}" ]; then
  die "a demo runs (container mlox-demo); remove it with make demo-down or set MLOX_BENCH_REPLACE_DEMO=1"
fi

# Seconds that "$@" took; its output goes to $log.
timed() {
  local start=$SECONDS
  "$@" >> "$log" 2>&1 || { tail -n 40 "$log" >&2; die "'$*' failed; its output is in $log"; }
  echo $((SECONDS - start))
}

log="$(mktemp --suffix=.deploy.log)"
log "preparing: image, mirror and venv (not measured); output in $log"
ensure_docker
{
  bash "$root/tests/harness/setup-venv.sh"
  "$root/tests/harness/images/build.sh" "${MLOX_DEMO_DISTRO:-13}"
  "$root/tests/harness/mirror/build.sh"
  bash "$demo" down
} >> "$log" 2>&1

log "cold deploy: a fresh container, the whole site.yml"
cold="$(timed bash "$demo" up)"
log "cold deploy took $cold s; re-running on the deployed host"
rerun_start="$(wc -l < "$log")"
warm="$(timed bash "$demo" up)"
# The re-run must change nothing: the sum of changed= over its play recap.
rerun_changed="$(tail -n "+$((rerun_start + 1))" "$log" \
  | sed -n 's/.* changed=\([0-9]*\) .*/\1/p' | awk '{ sum += $1 } END { print sum + 0 }')"
log "re-run took $warm s and changed $rerun_changed tasks; removing the demo"
bash "$demo" down >> "$log" 2>&1

mkdir -p "$results"
file="$results/deploy-$(date -u +%Y-%m-%d).txt"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$root" rev-parse --short HEAD 2> /dev/null || echo unknown)"
  echo "cores: $(nproc)"
  echo "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "target: one container, Debian ${MLOX_DEMO_DISTRO:-13}, every service (inventories/demo/demo.mlox.yml)"
  echo "cold deploy (fresh host, warm mirror): $cold s"
  echo "re-run: $warm s, $rerun_changed tasks changed"
} | tee "$file"
log "written to $file"
[ "$rerun_changed" -eq 0 ] || die "the re-run changed $rerun_changed tasks; a converged stack must change none"
