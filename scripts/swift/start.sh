#!/usr/bin/env bash
# Starts a single-node OpenStack Swift with the s3api middleware on loopback, for tests and
# benchmarks: a second, production S3 implementation next to s3rver (DESIGN.md 8, 9).
#
#   scripts/swift/start.sh [STATE_DIR]
#
# Everything (configuration, rings, object storage, logs, pid files) lives in STATE_DIR
# (a new temporary folder when none is given). The servers run in the background, one process
# each (workers = 0); when they all answer, the S3 endpoint URL is printed on stdout as the last
# line and written to STATE_DIR/endpoint. Stop them with scripts/swift/stop.sh STATE_DIR.
#
# S3 credentials: access key `test:tester`, secret `testing` (tempauth), region us-east-1.
# Needs Debian's swift, swift-proxy, swift-account, swift-container, swift-object, memcached.
set -euo pipefail

for tool in swift-proxy-server swift-account-server swift-container-server swift-object-server swift-ring-builder memcached; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "swift: $tool is not installed; install it with: apt-get install -y swift swift-proxy swift-account swift-container swift-object memcached" >&2
    exit 3
  fi
done

state=${1:-$(mktemp -d "${TMPDIR:-/tmp}/cairn-swift-XXXXXX")}
mkdir -p "$state"
state=$(cd "$state" && pwd)
if [ -e "$state/run/pids" ]; then
  echo "swift: $state already holds a running (or crashed) Swift; stop it first with scripts/swift/stop.sh $state" >&2
  exit 1
fi
mkdir -p "$state/conf" "$state/srv/d1" "$state/run" "$state/log" "$state/cache"
# Swift's own Python, not a pyenv shim that lacks the swift package.
python=/usr/bin/python3

free_port() {
  "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
account_port=$(free_port)
container_port=$(free_port)
object_port=$(free_port)
proxy_port=$(free_port)
memcached_port=$(free_port)

common() {
  cat <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $1
workers = 0
swift_dir = $state/conf
devices = $state/srv
mount_check = false
disable_fallocate = true
log_name = $2
log_level = WARNING
EOF
}

{
  common "$account_port" swift-account
  cat <<EOF

[pipeline:main]
pipeline = healthcheck account-server

[app:account-server]
use = egg:swift#account

[filter:healthcheck]
use = egg:swift#healthcheck
EOF
} >"$state/conf/account-server.conf"

{
  common "$container_port" swift-container
  cat <<EOF

[pipeline:main]
pipeline = healthcheck container-server

[app:container-server]
use = egg:swift#container

[filter:healthcheck]
use = egg:swift#healthcheck
EOF
} >"$state/conf/container-server.conf"

{
  common "$object_port" swift-object
  cat <<EOF

[pipeline:main]
pipeline = healthcheck object-server

[app:object-server]
use = egg:swift#object

[filter:healthcheck]
use = egg:swift#healthcheck
EOF
} >"$state/conf/object-server.conf"

# s3api sits just before tempauth; slo after it makes multipart uploads work.
{
  common "$proxy_port" swift-proxy
  cat <<EOF

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk s3api tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$memcached_port

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:bulk]
use = egg:swift#bulk

[filter:s3api]
use = egg:swift#s3api
location = us-east-1

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin

[filter:copy]
use = egg:swift#copy

[filter:slo]
use = egg:swift#slo

[filter:dlo]
use = egg:swift#dlo
EOF
} >"$state/conf/proxy-server.conf"

# Rings: 2^6 partitions, one replica, one device each, no minimum hours between moves.
for ring in account container object; do
  case $ring in
    account) port=$account_port ;;
    container) port=$container_port ;;
    object) port=$object_port ;;
  esac
  (
    cd "$state/conf"
    swift-ring-builder "$ring.builder" create 6 1 0 >/dev/null
    swift-ring-builder "$ring.builder" add "r1z1-127.0.0.1:$port/d1" 1 >/dev/null
    swift-ring-builder "$ring.builder" rebalance >/dev/null
  )
done

# The servers run in the background; their pids are recorded one per line for stop.sh.
start() {
  local name=$1
  shift
  nohup "$@" >"$state/log/$name.log" 2>&1 </dev/null &
  echo "$! $name" >>"$state/run/pids"
}
start memcached memcached -l 127.0.0.1 -p "$memcached_port" -U 0 -m 64 -u "$(id -un)"
start account "$python" /usr/bin/swift-account-server "$state/conf/account-server.conf"
start container "$python" /usr/bin/swift-container-server "$state/conf/container-server.conf"
start object "$python" /usr/bin/swift-object-server "$state/conf/object-server.conf"
start proxy "$python" /usr/bin/swift-proxy-server "$state/conf/proxy-server.conf"

answers() {
  "$python" - "$1" <<'EOF'
import sys, urllib.request
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthcheck", timeout=2) as r:
        sys.exit(0 if r.status == 200 else 1)
except Exception:
    sys.exit(1)
EOF
}

deadline=$(($(date +%s) + ${CAIRN_SWIFT_START_TIMEOUT:-60}))
for port in $account_port $container_port $object_port $proxy_port; do
  until answers "$port"; do
    while read -r pid name; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "swift: the $name server exited during start-up; its log ($state/log/$name.log) says:" >&2
        tail -n 30 "$state/log/$name.log" >&2 || true
        "$(dirname "$0")/stop.sh" "$state" >/dev/null 2>&1 || true
        exit 1
      fi
    done <"$state/run/pids"
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "swift: port $port did not answer within ${CAIRN_SWIFT_START_TIMEOUT:-60} s; logs are in $state/log" >&2
      "$(dirname "$0")/stop.sh" "$state" >/dev/null 2>&1 || true
      exit 1
    fi
    sleep 0.2
  done
done

endpoint="http://127.0.0.1:$proxy_port"
echo "$endpoint" >"$state/endpoint"
echo "swift: running in $state (stop with scripts/swift/stop.sh $state)" >&2
echo "$endpoint"
