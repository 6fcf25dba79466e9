#!/usr/bin/env bash
# Builds the Debian test-host images (systemd as PID 1) with debootstrap and `docker import`,
# so no image registry is needed. Containers are stopped with SIGRTMIN+3 (systemd's halt)
# by the harness, as `docker import` cannot set STOPSIGNAL. An image is rebuilt only when this recipe changes: the
# recipe's hash is stored as an image label and compared on every call.
#
# usage: build.sh <12|13> [<12|13> ...]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/harness/lib.sh
. "$here/../lib.sh"

debian_mirror="${MLOX_TEST_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
packages="systemd,systemd-sysv,dbus,python3,python3-apt,sudo,ca-certificates,procps,iproute2"
# Units that have nothing to do inside a container and only slow down or fail its boot.
masked_units="systemd-udevd.service systemd-udev-trigger.service systemd-modules-load.service \
systemd-remount-fs.service getty.target console-getty.service sys-kernel-debug.mount \
sys-kernel-tracing.mount sys-kernel-config.mount apt-daily.timer apt-daily-upgrade.timer"

suite_for() {
  case "$1" in
    12) echo bookworm ;;
    13) echo trixie ;;
    *) die "unknown Debian release '$1' (known: 12, 13)" ;;
  esac
}

recipe_hash() {
  { cat "${BASH_SOURCE[0]}"; echo "$1"; } | sha256sum | cut -c1-16
}

build_one() {
  local release="$1" suite tag hash current rootfs
  suite="$(suite_for "$release")"
  tag="$(test_image "$release")"
  hash="$(recipe_hash "$release")"
  current="$(docker image inspect -f '{{ index .Config.Labels "org.mlox.recipe" }}' "$tag" 2>/dev/null || true)"
  if [ "$current" = "$hash" ]; then
    log "image $tag is up to date"
    return 0
  fi
  need_command debootstrap "apt-get install debootstrap"
  rootfs="$(mktemp -d /var/tmp/mlox-rootfs.XXXXXX)"
  # shellcheck disable=SC2064
  trap "rm -rf '$rootfs'" RETURN
  log "debootstrap Debian $release ($suite) into $rootfs"
  debootstrap --variant=minbase --include="$packages" "$suite" "$rootfs" "$debian_mirror" \
    > "$rootfs.log" 2>&1 || { tail -n 40 "$rootfs.log" >&2; die "debootstrap of $suite failed"; }
  rm -f "$rootfs.log"
  for unit in $masked_units; do
    ln -sf /dev/null "$rootfs/etc/systemd/system/$unit"
  done
  echo "mlox-test" > "$rootfs/etc/hostname"
  rm -f "$rootfs/etc/machine-id" && touch "$rootfs/etc/machine-id"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  log "importing $tag"
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV container=docker' \
    --change 'CMD ["/lib/systemd/systemd"]' \
    --change "LABEL org.mlox.recipe=$hash" \
    - "$tag" > /dev/null
}

[ "$#" -gt 0 ] || die "usage: $0 <12|13> ..."
ensure_docker
for release in "$@"; do
  build_one "$release"
done
