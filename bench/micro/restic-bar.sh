#!/bin/sh
# The bar for ingest throughput: `restic backup` (encrypted, fresh repository in /tmp) of the
# same data, wall and CPU time. Usage: bench/micro/restic-bar.sh <path>...
set -eu
export RESTIC_PASSWORD=x
repo=$(mktemp -d /tmp/cairn-restic-bar.XXXXXX)
trap 'rm -rf "$repo"' EXIT
restic init -q -r "$repo" >/dev/null
sync
/usr/bin/time -f "restic backup $*: %e s wall, %U s user + %S s sys CPU" restic -r "$repo" backup -q "$@"
