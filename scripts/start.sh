#!/usr/bin/env bash
# `npm start`: everything a new user needs, on this machine, in one command: the Docker engine,
# the local images, the build, then `minik8s up` with the quickstart app applied. Arguments go to
# `minik8s up` (`npm start -- --runtime sim` explores the control plane without Docker).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*" >&2; }

sim=no
for arg in "$@"; do [[ "$arg" == "sim" || "$arg" == "--runtime=sim" ]] && sim=yes; done

if [[ $sim == no ]]; then
  step "Docker engine"
  if ! bash scripts/ensure-docker.sh; then
    cat >&2 <<'MSG'

No Docker engine runs here, and none could be installed (that needs Debian or Ubuntu, as root).
Without Docker you can still explore the control plane, with pods simulated in memory:

  npm start -- --runtime sim
MSG
    exit 1
  fi
  step "local images"
  bash scripts/build-images.sh
fi
step "build"
npm run build --silent
step "cluster"
exec node packages/minik8s/bin/minik8s.js up --apply examples/quickstart "$@"
