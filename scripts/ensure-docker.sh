#!/usr/bin/env bash
# Make sure a Docker engine answers on this machine.
#
# If one already answers, do nothing. Otherwise, on Debian or Ubuntu as root, install Debian's
# docker.io (with iptables and busybox-static, which the local images are made from) and start
# dockerd, with overlay2 and, where the kernel refuses it, vfs. Anywhere else, say what to do.
# Safe to run again: a running engine makes it return at once.
set -euo pipefail

log() { printf 'ensure-docker: %s\n' "$*" >&2; }

engine_answers() { docker info >/dev/null 2>&1; }

wait_for_engine() {
  local tries=$1
  for _ in $(seq "$tries"); do
    engine_answers && return 0
    sleep 1
  done
  return 1
}

if command -v docker >/dev/null 2>&1 && engine_answers; then
  log "Docker engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
  exit 0
fi

os_id=""
if [ -r /etc/os-release ]; then
  # shellcheck disable=SC1091
  os_id=$(. /etc/os-release && echo "${ID:-} ${ID_LIKE:-}")
fi

if [[ " $os_id " != *" debian "* && " $os_id " != *" ubuntu "* ]] || [ "$(id -u)" -ne 0 ]; then
  cat >&2 <<'HELP'
ensure-docker: no Docker engine answers, and this script installs one only on Debian or Ubuntu as root.
  Install Docker Engine (https://docs.docker.com/engine/install/), start it, and make sure
  `docker info` works for your user (e.g. add yourself to the `docker` group), then run again.
  Without Docker you can still explore the control plane: `npx minik8s up --runtime sim`.
HELP
  exit 1
fi

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v iptables >/dev/null 2>&1 || missing+=(iptables)
grep -qx httpd <<<"$(/bin/busybox --list 2>/dev/null || true)" || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# A system with systemd as PID 1 starts the engine as a service; containers and CI machines
# without it get dockerd in the background, logging to /var/log/minik8s-dockerd.log.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  log "starting docker.service"
  systemctl start docker || true
  wait_for_engine 60 && { log "Docker engine answers"; exit 0; }
fi

start_dockerd() {
  local driver=$1
  log "starting dockerd (storage driver $driver)"
  nohup dockerd --storage-driver="$driver" >>/var/log/minik8s-dockerd.log 2>&1 &
  echo $! >/run/minik8s-dockerd.pid
  if wait_for_engine 60; then
    return 0
  fi
  kill "$(cat /run/minik8s-dockerd.pid)" 2>/dev/null || true
  sleep 2
  return 1
}

if start_dockerd overlay2 || start_dockerd vfs; then
  log "Docker engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"
  exit 0
fi
log "dockerd did not start; see /var/log/minik8s-dockerd.log"
exit 1
