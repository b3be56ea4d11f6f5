#!/usr/bin/env bash
# Several Firstline instances behind nginx on one machine (docs/operations.md, "Scaling out").
#
#   ops/deploy/run-local.sh DATABASE_URL [REDIS_URL]
#       e.g. ops/deploy/run-local.sh postgresql+asyncpg://firstline@127.0.0.1/firstline redis://127.0.0.1:6379/0
#   ops/deploy/run-local.sh --render PREFIX LISTEN_PORT APP_PORT...   # only write PREFIX/nginx.conf
#
# Starts FIRSTLINE_INSTANCES (default 2) `firstline serve` processes on ports APP_PORT_BASE+1, +2,
# ... (default 8001, 8002) and nginx (Debian package nginx or nginx-light; installed with apt-get
# when missing and run as root) on LISTEN_PORT (default 8080); Ctrl-C stops them all. Each instance runs
# the clock; the advisory locks let one act per round. The other FIRSTLINE_* settings
# (FIRSTLINE_SECRET_KEY, FIRSTLINE_WEBHOOK_SECRET, FIRSTLINE_REGION_FILE, ...) are passed through;
# `firstline serve` refuses to start without the two secrets (docs/operations.md, "Secrets").
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

find_nginx() {
  command -v nginx 2> /dev/null || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || return 1
}

render() {  # render PREFIX LISTEN_PORT APP_PORT...
  local prefix="$1" listen="$2" upstreams="" user=""
  shift 2
  for port in "$@"; do
    upstreams+="        server 127.0.0.1:${port} max_fails=2 fail_timeout=5s;"$'\n'
  done
  [ "$(id -u)" = 0 ] && user="user root;  # run as root: workers keep access to PREFIX"
  mkdir -p "$prefix"
  UPSTREAMS="$upstreams" PREFIX="$prefix" LISTEN="$listen" USER_LINE="$user" python3 - "$HERE/nginx.conf.template" > "$prefix/nginx.conf" <<'PY'
import os, sys
text = open(sys.argv[1]).read()
for key, env in (("@UPSTREAMS@\n", "UPSTREAMS"), ("@PREFIX@", "PREFIX"), ("@LISTEN@", "LISTEN"), ("@USER@", "USER_LINE")):
    text = text.replace(key, os.environ[env])
sys.stdout.write(text)
PY
  echo "$prefix/nginx.conf"
}

if [ "${1:-}" = "--render" ]; then
  shift
  render "$@"
  exit 0
fi

if [ $# -lt 1 ]; then
  sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
DATABASE_URL="$1"
REDIS_URL="${2:-}"
LISTEN_PORT="${LISTEN_PORT:-8080}"
INSTANCES="${FIRSTLINE_INSTANCES:-2}"
APP_PORT_BASE="${APP_PORT_BASE:-8000}"  # instances on APP_PORT_BASE+1, +2, ...
PREFIX="${FIRSTLINE_DEPLOY_DIR:-$ROOT/var/deploy}"
FIRSTLINE="${FIRSTLINE:-$ROOT/.venv/bin/firstline}"
[ -x "$FIRSTLINE" ] || FIRSTLINE="$(command -v firstline)" || { echo "run-local: no firstline command (make run once, or pip install -e .)" >&2; exit 2; }

if ! NGINX="$(find_nginx)"; then
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nginx-light > /dev/null
    NGINX="$(find_nginx)"
  else
    echo "run-local: nginx is not installed (sudo apt-get install nginx-light)" >&2
    exit 2
  fi
fi
[ -n "$REDIS_URL" ] || echo "run-local: no REDIS_URL: live events will not cross instances (see docs/operations.md)" >&2

[ -n "${FIRSTLINE_SECRET_KEY:-}" ] && [ -n "${FIRSTLINE_WEBHOOK_SECRET:-}" ] || {
  echo "run-local: set FIRSTLINE_SECRET_KEY and FIRSTLINE_WEBHOOK_SECRET (firstline serve refuses the development defaults)" >&2
  exit 2
}
export FIRSTLINE_DATABASE_URL="$DATABASE_URL"
[ -z "$REDIS_URL" ] || export FIRSTLINE_REDIS_URL="$REDIS_URL"
mkdir -p "$PREFIX"
"$FIRSTLINE" migrate  # once, before the instances start (each would otherwise race to do it)

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  "$NGINX" -p "$PREFIX" -c "$PREFIX/nginx.conf" -s quit 2> /dev/null || true
  wait 2> /dev/null || true
}
trap cleanup EXIT INT TERM

ports=()
for i in $(seq 1 "$INSTANCES"); do
  port=$((APP_PORT_BASE + i))
  ports+=("$port")
  "$FIRSTLINE" serve --host 127.0.0.1 --port "$port" > "$PREFIX/instance-$port.log" 2>&1 &
  pids+=($!)
done
render "$PREFIX" "$LISTEN_PORT" "${ports[@]}" > /dev/null
"$NGINX" -p "$PREFIX" -c "$PREFIX/nginx.conf" -t -q
"$NGINX" -p "$PREFIX" -c "$PREFIX/nginx.conf"
for port in "${ports[@]}"; do
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/readyz" > /dev/null 2>&1 && break
    sleep 0.3
  done
done
echo "Firstline: http://127.0.0.1:$LISTEN_PORT/ -> instances ${ports[*]} (logs: $PREFIX/instance-*.log, $PREFIX/error.log); Ctrl-C stops"
wait "${pids[@]}"
