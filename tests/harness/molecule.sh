#!/usr/bin/env bash
# Runs molecule scenarios on Debian test hosts: converge in check mode on the fresh hosts (must not
# fail), converge, idempotence (zero changes), converge in check mode (zero changes), verify; the
# variants and checked_in_prepare (below) skip the steps that other runs cover.
# Prepares what they need first: Docker engine, test-host images, the artifact mirror and its
# HTTP server. Then several runs go at once (they mostly wait for containers, downloads and
# docker exec), never one scenario on two distros at the same time: its containers are named after
# its platforms and molecule keeps one state directory per scenario. A run's output is printed
# whole when it ends, then its verdict; at the end a summary. Exit status non-zero if a run failed.
#
# usage: molecule.sh [-s scenario]... [-d 12|13]...
#   default scenarios: every directory under molecule/ with a molecule.yml, each on the distros
#                      that distro_plan (below) gives it and that are among the given distros:
#                      `-d 12` runs the scenarios planned for Debian 12 and skips the others
#   default distros:   $MLOX_TEST_DISTROS, else "13 12"
#   MLOX_TEST_MATRIX=full, or scenarios named with -s: every scenario on every given distro
#   MLOX_TEST_MATRIX=full also runs every step of the variants (see variants below)
#   MLOX_TEST_JOBS:    how many runs at once (default 2); with one (or one scenario) the runs go
#                      one after another and their output is printed as it comes
#   MLOX_TEST_PLAN_ONLY=1: print the planned runs in their order and exit
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/harness/lib.sh
. "$here/lib.sh"

# The distros each scenario runs on by default; a scenario not listed runs on both. What depends
# on the distribution is tested on both releases, by one scenario or by two that share a role.
declare -A distro_plan=(
  # The older release's host side: its packages and CA trust store (base), PostgreSQL 15,
  # python3-cryptography (pki), systemd (minio), OpenJDK 17 (keycloak). Their roles run on
  # Debian 13 in the scenarios below, with idempotence (and check mode, but in the variants and
  # the stack): base and pki in all of them, PostgreSQL 17, MinIO and OpenJDK 21 (Keycloak) in
  # the stack, PostgreSQL 17 and MinIO under mlflow too.
  [base]=12
  [postgresql]=12
  [pki]=12
  [minio]=12
  [keycloak]=12
  # Packaging; the monitoring programs (node_exporter among them) are static binaries from the
  # mirror; MLflow's venv comes from the same wheelhouse on both (the module tests run its Python
  # 3.11 wheels).
  [installed_collection]=13
  [prometheus]=13
  [minio-distributed]=13
  [mlflow]=13
  [keycloak-cluster]=13
  # One host per release in one run: its platforms name their distro.
  [nvidia]=13
  # Traefik is one static binary from the mirror: the edge in internal mode on the older release,
  # ACME on the newer one.
  [traefik]=12
  [traefik-acme]=13
  # The whole stack: site.yml on the newer release (the older one's host side is above).
  [stack]=13
  [stack-multinode]=13
)
# Scenarios that only MLOX_TEST_MATRIX=full (or -s) runs, to keep `make test` within CI's time:
# the multi-host compositions. The stack scenario converges every role of them on Debian 13, the
# roles' own scenarios test them alone; the Keycloak cluster and distributed MinIO run here and in
# the multi-host stack.
full_matrix_only=(stack-multinode keycloak-cluster minio-distributed)
# Lanes take runs in this order, then the others': the longest first, so the short ones fill
# the end (the whole stack first of all: the longest run, its verdict comes early).
longest_first=(stack stack-multinode prometheus mlflow minio-distributed keycloak-cluster keycloak traefik traefik-acme nvidia)

in_list() {
  local item="$1"
  shift
  [[ " $* " == *" $item "* ]]
}

scenarios=()
distros=()
while getopts "s:d:" opt; do
  case "$opt" in
    s) scenarios+=("$OPTARG") ;;
    d) distros+=("$OPTARG") ;;
    *) die "usage: $0 [-s scenario]... [-d 12|13]..." ;;
  esac
done
full_matrix="${MLOX_TEST_MATRIX:-}"
# Every step of every scenario only with MLOX_TEST_MATRIX=full (see variants).
every_step="$full_matrix"
if [ "${#scenarios[@]}" -gt 0 ]; then
  full_matrix=full
else
  for config in "$root"/molecule/*/molecule.yml; do
    scenarios+=("$(basename "$(dirname "$config")")")
  done
fi
# shellcheck disable=SC2206
[ "${#distros[@]}" -gt 0 ] || distros=(${MLOX_TEST_DISTROS:-13 12})
jobs="${MLOX_TEST_JOBS:-2}"
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || die "MLOX_TEST_JOBS must be a positive number, not '$jobs'"

cd "$root"
ordered=()
for scenario in "${longest_first[@]}" "${scenarios[@]}"; do
  if in_list "$scenario" "${scenarios[@]}" && ! in_list "$scenario" "${ordered[@]}"; then
    ordered+=("$scenario")
  fi
done
runs=()
skipped=()
run_scenarios=0
for scenario in "${ordered[@]}"; do
  [ -f "molecule/$scenario/molecule.yml" ] \
    || die "no molecule scenario '$scenario' (molecule/$scenario/molecule.yml)"
  planned="${distros[*]}"
  if [ "$full_matrix" != full ]; then
    planned="${distro_plan[$scenario]:-13 12}"
    ! in_list "$scenario" "${full_matrix_only[@]}" || planned=""
  fi
  count="${#runs[@]}"
  for distro in "${distros[@]}"; do
    in_list "$distro" "$planned" && runs+=("$scenario $distro")
  done
  if [ "${#runs[@]}" -gt "$count" ]; then
    run_scenarios=$((run_scenarios + 1))
  else
    skipped+=("$scenario")
  fi
done
[ "${#runs[@]}" -gt 0 ] \
  || die "no scenario is planned for Debian ${distros[*]} (MLOX_TEST_MATRIX=full runs them all)"
# More lanes than scenarios would only wait: a scenario runs in one lane at a time.
lanes=$((jobs < run_scenarios ? jobs : run_scenarios))

if [ -n "${MLOX_TEST_PLAN_ONLY:-}" ]; then
  for run in "${runs[@]}"; do
    read -r scenario distro <<< "$run"
    printf '%-24s debian%s\n' "$scenario" "$distro"
  done
  [ "${#skipped[@]}" -eq 0 ] || echo "not planned for Debian ${distros[*]}: ${skipped[*]}"
  echo "runs: ${#runs[@]}, at once: $lanes"
  exit 0
fi

state="$(mktemp -d)"
lane_pids=()
# Stops the lanes with everything they run, removes the hosts of the runs they were in, and
# releases the mirror server (which stops when no other run uses it).
cleanup() {
  local pid marker
  for pid in "${lane_pids[@]}"; do
    kill -TERM -- "-$pid" 2> /dev/null || true
  done
  if [ "${#lane_pids[@]}" -gt 0 ]; then
    wait "${lane_pids[@]}" 2> /dev/null || true
    for marker in "$state"/running/*; do
      [ -e "$marker" ] || continue
      log "removing the test hosts of the interrupted scenario $(basename "$marker")"
      molecule destroy -s "$(basename "$marker")" > /dev/null 2>&1 || true
    done
  fi
  "$here/mirror/serve.sh" release "$$" || true
  rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The images of the runs' releases and of those that a planned scenario's platforms name
# (`distro:`, a host of another release in the same run).
images=("${distros[@]}")
for run in "${runs[@]}"; do
  read -r scenario _ <<< "$run"
  # shellcheck disable=SC2207
  images+=($(sed -nE 's/^ +distro: *"?([0-9]+)"? *$/\1/p' "molecule/$scenario/molecule.yml"))
done
ensure_docker
# The whole-stack scenarios sign in through a real browser (driven by Playwright from the venv).
for run in "${runs[@]}"; do
  if [[ "$run" == stack* ]]; then
    need_command chromium "apt-get install chromium"
    break
  fi
done
# shellcheck disable=SC2046
"$here/images/build.sh" $(printf '%s\n' "${images[@]}" | sort -u)
"$here/mirror/build.sh"
# A server already running (another run in progress) is shared.
MLOX_TEST_MIRROR_URL="$("$here/mirror/serve.sh" acquire "$$")"
export MLOX_TEST_MIRROR_URL
export MLOX_TEST_CA_BUNDLE="${MLOX_TEST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
export ANSIBLE_COLLECTIONS_PATH="$root/.collections"
export PY_COLORS=0 ANSIBLE_FORCE_COLOR=0 NO_COLOR=1
export PATH="$root/.venv/bin:$PATH"

# Scenarios whose prepare.yml checks the fresh hosts in check mode itself and then converges them
# (the MLflow upgrade test): when the converge in check mode would run, they are no longer fresh.
checked_in_prepare=(mlflow)
# Variants of a role's own scenario (a cluster, distributed MinIO, ACME): they run converge,
# idempotence and verify, and leave check mode on fresh and on converged hosts to the role's own
# scenario (keycloak, minio, traefik), which keeps `make test` within CI's time.
# MLOX_TEST_MATRIX=full runs every step of every scenario.
variants=(keycloak-cluster minio-distributed traefik-acme)
# The whole-stack scenarios run converge, idempotence and verify too: check mode is each role's.
variants+=(stack stack-multinode)

# Converge in check mode must report zero changes on converged hosts.
check_converged() {
  molecule converge -s "$1" -- --check 2>&1 | python3 "$here/assert_no_changes.py"
}

run_scenario() {
  local scenario="$1" fresh_check converged_check
  fresh_check=(molecule converge -s "$scenario" -- --check)
  converged_check=(check_converged "$scenario")
  if in_list "$scenario" "${checked_in_prepare[@]}"; then
    fresh_check=(true)
  fi
  if [ "$every_step" != full ] && in_list "$scenario" "${variants[@]}"; then
    fresh_check=(true)
    converged_check=(true)
  fi
  molecule destroy -s "$scenario" > /dev/null 2>&1 || true
  molecule create -s "$scenario" \
    && molecule prepare -s "$scenario" \
    && "${fresh_check[@]}" \
    && molecule converge -s "$scenario" \
    && molecule idempotence -s "$scenario" \
    && "${converged_check[@]}" \
    && molecule verify -s "$scenario"
  local rc=$?
  molecule destroy -s "$scenario" > /dev/null 2>&1 || true
  return "$rc"
}

# The lanes share, in $state: queue (runs not started, "index scenario distro" a line, taken
# under queue.lock), running/<scenario> (a lane runs it), logs/ and results.
mkdir "$state/running" "$state/logs"
: > "$state/results"
index=0
for run in "${runs[@]}"; do
  index=$((index + 1))
  echo "$index $run"
done > "$state/queue"

# Prints the first queued run whose scenario no lane runs, and marks that scenario running.
# Status 1: the queue is empty; 2: every queued run waits for its scenario to end in a lane.
next_run() {
  (
    flock 9
    [ -s "$state/queue" ] || exit 1
    taken=""
    while read -r entry; do
      read -r _ scenario _ <<< "$entry"
      if [ -z "$taken" ] && [ ! -e "$state/running/$scenario" ]; then
        taken="$entry"
        touch "$state/running/$scenario"
      else
        echo "$entry"
      fi
    done < "$state/queue" > "$state/queue.rest"
    [ -n "$taken" ] || exit 2
    mv "$state/queue.rest" "$state/queue"
    echo "$taken"
  ) 9> "$state/queue.lock"
}

# Prints its input as one block: lanes never interleave their output.
say() { flock "$state/output.lock" cat; }

lane() {
  local lane_id="$1" entry status index scenario distro log_file start title verdict seconds
  while :; do
    if entry="$(next_run)"; then
      :
    else
      status=$?
      case "$status" in
        1) return 0 ;;
        2) sleep 2; continue ;;
        *) return "$status" ;;
      esac
    fi
    read -r index scenario distro <<< "$entry"
    export MLOX_TEST_DISTRO="$distro"
    log_file="$state/logs/$index-$scenario-debian$distro.log"
    start=$SECONDS
    title="scenario $scenario on Debian $distro"
    verdict=PASS
    if [ "$lanes" -eq 1 ]; then
      echo "[harness] ===== $title =====" | say
      run_scenario "$scenario" 2>&1 | tee "$log_file" || verdict=FAIL
    else
      echo "[harness] lane $lane_id: $title started" | say
      run_scenario "$scenario" > "$log_file" 2>&1 || verdict=FAIL
    fi
    seconds=$((SECONDS - start))
    rm -f "$state/running/$scenario"
    {
      if [ "$lanes" -gt 1 ]; then
        echo "[harness] ===== $title (lane $lane_id, $seconds s) ====="
        cat "$log_file"
      fi
      echo "[harness] $verdict $title in $seconds s"
    } | say
    printf '%s %-4s %-24s debian%s %5ss\n' "$index" "$verdict" "$scenario" "$distro" "$seconds" \
      >> "$state/results"
  done
}

log "scenario runs: ${#runs[@]}, at once: $lanes"
[ "${#skipped[@]}" -eq 0 ] || log "not planned for Debian ${distros[*]}: ${skipped[*]}"
# Each lane in a process group of its own, so that cleanup stops it with all it runs.
set -m
for ((lane_id = 1; lane_id <= lanes; lane_id++)); do
  lane "$lane_id" < /dev/null &
  lane_pids+=("$!")
done
set +m
for _ in "${lane_pids[@]}"; do
  wait -n || die "a lane stopped with status $?"
done
lane_pids=()

printf '\nmolecule scenarios:\n'
sort -n "$state/results" | cut -d' ' -f2- | sed 's/^/  /'
read -r reported passed failed < <(awk '{ n++ } $2 == "PASS" { p++ } $2 == "FAIL" { f++ }
  END { print n + 0, p + 0, f + 0 }' "$state/results")
echo "molecule: $passed passed, $failed failed"
[ "$reported" -eq "${#runs[@]}" ] || die "$reported of ${#runs[@]} runs reported a verdict"
[ "$failed" -eq 0 ]
