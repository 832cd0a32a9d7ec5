#!/bin/sh
# The pod sandbox: holds the pod's network namespace while its app containers come and go.
# It only sleeps, and exits at once on SIGTERM or SIGINT so a pod stops without waiting.
trap 'exit 0' TERM INT
while :; do
  sleep 3600 &
  wait $!
done
