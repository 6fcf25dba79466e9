#!/usr/bin/env bash
# Runs molecule scenarios on Debian test hosts: converge in check mode on the fresh hosts (must not
# fail), converge, idempotence (zero changes), converge in check mode (zero changes), verify.
# Prepares what they need first: Docker engine, test-host images, the artifact mirror and its
# HTTP server.
#
# usage: molecule.sh [-s scenario]... [-d 12|13]...
#   default scenarios: every directory under molecule/ with a molecule.yml
#   default distros:   $MLOX_TEST_DISTROS, else "13 12"
# Scenarios whose behaviour does not depend on the distribution run on the first distro only,
# unless MLOX_TEST_MATRIX=full (or scenarios were named with -s).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
# shellcheck source=tests/harness/lib.sh
. "$here/lib.sh"

# Packaging; what the minio scenario already tests on every distro with more hosts; MLflow, whose
# venv comes from the same wheelhouse on both (the module tests run its Python 3.11 wheels, the
# postgresql scenario each distro's PostgreSQL).
first_distro_only=" installed_collection minio-distributed mlflow "

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
if [ "${#scenarios[@]}" -gt 0 ]; then
  full_matrix=full
else
  for config in "$root"/molecule/*/molecule.yml; do
    scenarios+=("$(basename "$(dirname "$config")")")
  done
fi
# shellcheck disable=SC2206
[ "${#distros[@]}" -gt 0 ] || distros=(${MLOX_TEST_DISTROS:-13 12})

cd "$root"
ensure_docker
"$here/images/build.sh" "${distros[@]}"
"$here/mirror/build.sh"
# A server already running (another run in progress) is shared, and left to its owner to stop.
if ! MLOX_TEST_MIRROR_URL="$("$here/mirror/serve.sh" url)"; then
  MLOX_TEST_MIRROR_URL="$("$here/mirror/serve.sh" start)"
  trap '"$here/mirror/serve.sh" stop' EXIT
fi
export MLOX_TEST_MIRROR_URL
export MLOX_TEST_CA_BUNDLE="${MLOX_TEST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
export ANSIBLE_COLLECTIONS_PATH="$root/.collections"
export PY_COLORS=0 ANSIBLE_FORCE_COLOR=0 NO_COLOR=1
export PATH="$root/.venv/bin:$PATH"

run_scenario() {
  local scenario="$1"
  molecule destroy -s "$scenario" > /dev/null 2>&1 || true
  molecule create -s "$scenario" \
    && molecule prepare -s "$scenario" \
    && molecule converge -s "$scenario" -- --check \
    && molecule converge -s "$scenario" \
    && molecule idempotence -s "$scenario" \
    && { molecule converge -s "$scenario" -- --check 2>&1 | python3 "$here/assert_no_changes.py"; } \
    && molecule verify -s "$scenario"
  local rc=$?
  molecule destroy -s "$scenario" > /dev/null 2>&1 || true
  return "$rc"
}

passed=0
failed=0
results=()
for distro in "${distros[@]}"; do
  export MLOX_TEST_DISTRO="$distro"
  for scenario in "${scenarios[@]}"; do
    [ -f "molecule/$scenario/molecule.yml" ] || die "no molecule scenario '$scenario'"
    if [ "$full_matrix" != full ] && [ "$distro" != "${distros[0]}" ] \
      && [[ "$first_distro_only" == *" $scenario "* ]]; then
      continue
    fi
    log "scenario $scenario on Debian $distro"
    start=$SECONDS
    if run_scenario "$scenario"; then
      passed=$((passed + 1)); verdict=PASS
    else
      failed=$((failed + 1)); verdict=FAIL
    fi
    results+=("$(printf '%-4s %-24s debian%s %5ss' "$verdict" "$scenario" "$distro" $((SECONDS - start)))")
  done
done

printf '\nmolecule scenarios:\n'
printf '  %s\n' "${results[@]}"
echo "molecule: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
