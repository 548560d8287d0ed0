#!/usr/bin/env bash
# Stops a Swift started by scripts/swift/start.sh STATE_DIR and removes STATE_DIR.
#
#   scripts/swift/stop.sh STATE_DIR [--keep]
#
# Only the processes recorded in STATE_DIR/run/pids are signalled (TERM, then KILL after 5 s).
# --keep leaves the folder (its logs) in place.
set -euo pipefail

state=${1:?usage: scripts/swift/stop.sh STATE_DIR [--keep]}
keep=${2:-}
pids_file="$state/run/pids"

if [ -f "$pids_file" ]; then
  while read -r pid _name; do
    kill -TERM "$pid" 2>/dev/null || true
  done <"$pids_file"
  for _ in $(seq 50); do
    alive=0
    while read -r pid _name; do
      if kill -0 "$pid" 2>/dev/null; then alive=1; fi
    done <"$pids_file"
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  while read -r pid _name; do
    kill -KILL "$pid" 2>/dev/null || true
  done <"$pids_file"
  rm -f "$pids_file"
fi

if [ "$keep" != "--keep" ] && [ -d "$state" ] && [ -f "$state/conf/proxy-server.conf" ]; then
  rm -rf "$state"
fi
