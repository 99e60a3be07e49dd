#!/usr/bin/env bash
# Two (or N) replicas of the app behind Debian's nginx on this machine, then the load test through nginx.
#
#   bash deploy/run_replicas.sh                 # 2 replicas, nginx on 127.0.0.1:8080, the load test, then stop
#   REPLICAS=3 PORT=8090 bash deploy/run_replicas.sh --serve   # keep serving until Ctrl-C (no load test)
#
# Needs nginx (apt-get install -y nginx) and the project installed (pip install -e .). Everything runs as the
# current user from a temporary directory; nothing in /etc is touched.
set -euo pipefail
cd "$(dirname "$0")/.."
REPLICAS="${REPLICAS:-2}"
PORT="${PORT:-8080}"
FIRST_APP_PORT="${FIRST_APP_PORT:-8601}"
command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install -y nginx)" >&2; exit 1; }

PREFIX="$(mktemp -d)"
PIDS=()
cleanup() {
  [ -f "$PREFIX/nginx.pid" ] && nginx -p "$PREFIX" -c "$PREFIX/nginx.conf" -s stop 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill -- -"$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; done
  rm -rf "$PREFIX"
}
trap cleanup EXIT INT TERM

UPSTREAMS=""
for i in $(seq 0 $((REPLICAS - 1))); do
  app_port=$((FIRST_APP_PORT + i))
  setsid python -m streamlit run explorer/app.py --server.port "$app_port" --server.address 127.0.0.1 \
    --server.headless true >"$PREFIX/replica-$i.log" 2>&1 &
  PIDS+=("$!")
  UPSTREAMS+="        server 127.0.0.1:${app_port};"$'\n'
done
mkdir -p "$PREFIX"/{body,proxy,fastcgi,uwsgi,scgi}
python - "$PREFIX" "$PORT" "$UPSTREAMS" <<'PY'
import sys
from pathlib import Path
prefix, port, upstreams = sys.argv[1:4]
text = Path("deploy/nginx.conf.template").read_text()
text = text.replace("@PREFIX@", prefix).replace("@PORT@", port).replace("@UPSTREAMS@", upstreams.rstrip("\n"))
Path(prefix, "nginx.conf").write_text(text)
PY
for i in $(seq 0 $((REPLICAS - 1))); do
  app_port=$((FIRST_APP_PORT + i))
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:${app_port}/_stcore/health" >/dev/null && break
    sleep 0.5
  done
done
nginx -p "$PREFIX" -c "$PREFIX/nginx.conf"
echo "$REPLICAS replicas behind nginx on http://127.0.0.1:${PORT}"

if [ "${1:-}" = "--serve" ]; then
  wait
else
  python benchmarks/load_test.py --url "http://127.0.0.1:${PORT}" --pids "${PIDS[*]}" "${@}"
fi
