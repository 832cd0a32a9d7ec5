#!/usr/bin/env bash
# Build the local images the examples and tests use, without any registry.
#
#   minik8s/busybox:1   sh, httpd, wget, nc, sleep ... from Debian's busybox-static (also tagged
#                       with busybox's exact version, e.g. minik8s/busybox:1.35.0)
#   minik8s/pause:1     the pod sandbox: holds a pod's network namespace, exits on SIGTERM
#
# Each image is a root filesystem put together here and loaded with `docker import`. An image is
# rebuilt only when its content changed (a hash of its inputs is kept as a label), so running this
# again is fast and harmless.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'build-images: %s\n' "$*" >&2; }

BUSYBOX=${BUSYBOX:-/bin/busybox}
if ! [ -x "$BUSYBOX" ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  log "installing busybox-static from Debian's packages"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null; }
fi
applets=$("$BUSYBOX" --list 2>/dev/null || true)
if ! grep -qx httpd <<<"$applets"; then
  log "$BUSYBOX is missing or has no httpd: install Debian's busybox-static (scripts/ensure-docker.sh does)"
  exit 1
fi
if ldd "$BUSYBOX" >/dev/null 2>&1; then
  log "$BUSYBOX is dynamically linked: the images need busybox-static"
  exit 1
fi
docker info >/dev/null 2>&1 || { log "no Docker engine answers: run scripts/ensure-docker.sh"; exit 1; }

# sed reads all of busybox's banner: `head` would close the pipe early (SIGPIPE under pipefail).
busybox_version=$("$BUSYBOX" 2>&1 | sed -nE '1s/^BusyBox v([0-9.]+).*/\1/p')

# rootfs DIR: a minimal root filesystem around the static busybox.
rootfs() {
  local dir=$1
  mkdir -p "$dir"/{bin,etc,tmp,root,var/www,proc,sys,dev}
  chmod 1777 "$dir/tmp"
  cp "$BUSYBOX" "$dir/bin/busybox"
  local applet
  for applet in $applets; do
    [ "$applet" = busybox ] || ln -sf busybox "$dir/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$dir/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$dir/etc/group"
}

# build NAME TAG... -- DOCKER-IMPORT-CHANGES... : import "$stage" unless the same content is there.
build() {
  local image=$1 stage=$2
  shift 2
  local hash
  hash=$(cd "$stage" && find . -print0 | LC_ALL=C sort -z |
    tar --owner=0 --group=0 --numeric-owner --mtime=@0 --no-recursion --null -T - -cf - | sha256sum | cut -c1-16)
  if [ "$(docker image inspect -f '{{index .Config.Labels "minik8s.io/content"}}' "$image" 2>/dev/null)" = "$hash" ]; then
    log "$image is up to date"
    return 0
  fi
  log "importing $image"
  local changes=(--change "LABEL minik8s.io/content=$hash")
  local c
  for c in "$@"; do changes+=(--change "$c"); done
  tar -C "$stage" --owner=0 --group=0 --numeric-owner -cf - . | docker import "${changes[@]}" - "$image" >/dev/null
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

rootfs "$work/busybox"
cp images/busybox/index.html "$work/busybox/var/www/index.html"
build minik8s/busybox:1 "$work/busybox" \
  'ENV PATH=/bin' 'WORKDIR /' 'CMD ["/bin/sh"]'
docker tag minik8s/busybox:1 "minik8s/busybox:$busybox_version"

mkdir -p "$work/pause/bin"
cp "$BUSYBOX" "$work/pause/bin/busybox"
ln -sf busybox "$work/pause/bin/sh"
ln -sf busybox "$work/pause/bin/sleep"
install -m 0755 images/pause/pause.sh "$work/pause/pause"
build minik8s/pause:1 "$work/pause" \
  'ENV PATH=/bin' 'ENTRYPOINT ["/pause"]'

log "images ready: minik8s/busybox:1 (busybox $busybox_version), minik8s/pause:1"
