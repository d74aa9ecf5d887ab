#!/usr/bin/env bash
# Faults a server meets, against a local `borderline serve` on the peers' synthetic incidents (a script that
# prints figures, not a test): saturation, slow and idle clients, concurrent exports, and SIGTERM under load.
# Prints errors, refusals and the server's resident memory before and after each.
#
#   bash benches/faults.sh [N]        # 10k, 100k (default) or 1m incidents
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100k}
. benches/peers.sh
command -v wrk >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk; }
peers_incidents "$n"
dir=$(mktemp -d) && ln -s "$data/incidents_$n.geojson" "$dir/incidents.geojson"
cargo build --release --quiet

port=18082 url=http://127.0.0.1:18082
target/release/borderline --data "$dir" serve --addr "127.0.0.1:$port" --quiet > "$dir/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
until curl -sf "$url/ogc" >/dev/null; do sleep 0.2; kill -0 $pid || { cat "$dir/serve.log"; exit 1; }; done
rss() { awk '/VmRSS/ {printf "%d MB", $2 / 1024}' /proc/$pid/status; }
one() { curl -s -o /dev/null -w '%{http_code} in %{time_total}s' --max-time 10 "$url/ogc/collections/incidents/items?limit=10" || echo "no answer in 10 s"; }
echo "borderline serve, $n incidents; RSS at start $(rss)"

echo "== saturation: wrk, 64 connections, 15 s, items?bbox&limit=100"
cat > "$dir/bbox.lua" <<'LUA'
local i = 0
function request()
  i = i + 1
  local w = -8 + (i % 14)
  return wrk.format("GET", "/ogc/collections/incidents/items?limit=100&bbox=" .. w .. ",15," .. (w + 1) .. ",16")
end
LUA
wrk -t 2 -c 64 -d 15s --latency -s "$dir/bbox.lua" "$url" | grep -E "Requests/sec|Non-2xx|Socket errors|99%|requests in"
echo "   RSS after: $(rss); a normal request: $(one)"

echo "== slow and idle clients: 300 connections dripping a header byte every 0.5 s, and 300 idle ones, for 15 s"
python3 - "$port" <<'PY' &
import socket, sys, time
port = int(sys.argv[1])
slow, idle = [], []
for k in range(300):
    try:
        s = socket.create_connection(("127.0.0.1", port)); s.sendall(b"GET /ogc HTTP/1.1\r\nHost: x\r\nX-Slow: "); slow.append(s)
        idle.append(socket.create_connection(("127.0.0.1", port)))
    except OSError:
        pass
start, closed = time.time(), 0
while time.time() - start < 15:
    for s in list(slow):
        try:
            s.sendall(b"a")
        except OSError:
            slow.remove(s); closed += 1
    time.sleep(0.5)
print(f"   slow connections closed by the server within 15 s: {closed} of {closed + len(slow)}")
PY
slowpid=$!
sleep 3; echo "   meanwhile a normal request: $(one)"
sleep 8; echo "   meanwhile a normal request: $(one)"
wait $slowpid
echo "   RSS after: $(rss)"

echo "== concurrent exports: wrk, 48 connections, 20 s, /api/export/gpkg?layers=incidents"
peak=0
( for _ in $(seq 1 40); do awk '/VmRSS/ {print $2}' /proc/$pid/status; sleep 0.5; done ) > "$dir/rss" &
sampler=$!
wrk -t 2 -c 48 -d 20s --timeout 30s "$url/api/export/gpkg?layers=incidents" | grep -E "requests in|Non-2xx|Socket errors"
wait $sampler || true
echo "   peak RSS during the exports: $(sort -n "$dir/rss" | tail -1 | awk '{printf "%d MB", $1 / 1024}'); RSS after: $(rss)"
echo "   (the non-2xx answers are 503 Busy with Retry-After: $(curl -s -o /dev/null -w '%{http_code}' "$url/api/export/geojson?layers=places") for a request once they are done)"

echo "== SIGTERM under load"
wrk -t 2 -c 64 -d 30s "$url/ogc/collections/incidents/items?limit=1000" > /dev/null 2>&1 &
load=$!
python3 -c "import socket,time; s=socket.create_connection(('127.0.0.1', $port)); s.sendall(b'GET /ogc HTTP/1.1\r\nHost: x\r\n'); time.sleep(30)" &
half=$!
sleep 2
start=$(date +%s.%N); kill -TERM $pid
while kill -0 $pid 2>/dev/null; do sleep 0.05; done
printf '   stopped %.2f s after SIGTERM, with 64 connections loading and one half-sent request\n' "$(echo "$(date +%s.%N) - $start" | bc)"
kill $load $half 2>/dev/null || true
