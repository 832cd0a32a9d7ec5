#!/usr/bin/env bash
# `npm start`: everything a new user needs, on this machine, in one command.
# Docker engine, local images, the build, then the cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*" >&2; }

step "Docker engine"
if ! bash scripts/ensure-docker.sh; then
  echo "Without Docker, explore the control plane with: npx minik8s up --runtime sim" >&2
  exit 1
fi
step "local images"
bash scripts/build-images.sh
step "build"
npm run build --silent
step "cluster"
exec node packages/minik8s/bin/minik8s.js up "$@"
