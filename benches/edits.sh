#!/usr/bin/env bash
# Durable edits under load (a bench script that prints figures, not a test), on the peers' synthetic incidents:
#
#   bash benches/edits.sh [N] [SECONDS] [RATE]     # defaults: 1m 60 2000
#
# 1. reads alone: wrk, `items?bbox=<1°×1° box>&limit=100` over the 1,000 boxes of gen_queries.py, 8 connections;
# 2. the same reads while 32 connections PATCH random incidents (each answer comes after the journal is on
#    disk), each waiting 32/RATE s between requests (so at most RATE edits/s), for SECONDS: acknowledged edits per
#    second, edit latency percentiles, read throughput, and the server's resident memory every 5 s;
# 2a. the reads alone again, on the state the edits left: reads cost more there (versions layered on the
#     base, incidents allocated as they were edited), so this is the fair figure to set 2 beside too;
# 2b. the same with the edits unthrottled: how many durable edits/s the server takes at most;
# 3. start-up of the same directory with the journal that load left, against start-up without one.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1m} secs=${2:-60} rate=${3:-2000}
pause_ms=$((32 * 1000 / rate))
. benches/peers.sh

command -v wrk >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk; }
peers_incidents "$n"
[ -f "$data/queries_boxes.csv" ] || (cd "$data" && python3 "$OLDPWD/$peers/gen_queries.py")
cargo build --release --quiet
bin=target/release/borderline
dir=$(mktemp -d)
cp "$incidents" "$dir/incidents.geojson"
token=$($bin --data "$dir" users add bench --role reviewer | tail -1)
port=18090
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$dir"' EXIT

# Seconds from start until the port answers (/health), and until the data is served (/ready: loaded, every
# incident measured).
start_server() {
  local t0=$(date +%s.%N)
  $bin --data "$dir" serve --addr "127.0.0.1:$port" --quiet > "$dir/serve.log" 2>&1 &
  pid=$!
  until curl -s -o /dev/null "http://127.0.0.1:$port/health"; do sleep 0.02; kill -0 $pid || { cat "$dir/serve.log"; exit 1; }; done
  listening=$(echo "$(date +%s.%N) - $t0" | bc)
  until curl -sf "http://127.0.0.1:$port/ready" >/dev/null; do sleep 0.05; kill -0 $pid || { cat "$dir/serve.log"; exit 1; }; done
  took=$(echo "$(date +%s.%N) - $t0" | bc)
}
stop_server() { kill $pid; wait $pid 2>/dev/null || true; pid=; }

boxes_lua > "$dir/reads.lua"
{
  echo 'local ids = {'
  grep -m 200000 -o '"event_id": *"[A-Z]*[0-9]*"' "$incidents" | sed 's/.*: *"\(.*\)"/"\1",/'
  echo '}'
  cat <<LUA
local n = 0
local pause = tonumber(os.getenv("PAUSE_MS") or "0")
function init(args) math.randomseed(os.time() + math.random(100000)) end
function delay() return pause end
function request()
  n = n + 1
  local body = '{"properties": {"fatalities": ' .. (n % 97) .. ', "sources": "000_608ed6d42e3f7f25"}}'
  return wrk.format("PATCH", "/ogc/collections/incidents/items/" .. ids[math.random(#ids)], {
    ["Authorization"] = "Bearer $token", ["Content-Type"] = "application/merge-patch+json",
    ["Borderline-Reason"] = "bench"}, body)
end
LUA
} > "$dir/edits.lua"

echo "== $(nproc) cores, $(grep MemTotal /proc/meminfo | awk '{print int($2/1024/1024)}') GiB; $n incidents; $(date -u +%FT%TZ)"
start_server
echo "start-up (no journal yet): the port answers after ${listening}s, ready after ${took}s"
stop_server
start_server
plain=$took
echo "start-up (empty journal): the port answers after ${listening}s, ready after ${plain}s"

echo "== 1. reads alone, 8 connections, 20 s"
wrk -t 1 -c 8 -d 20s --latency -s "$dir/reads.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|50%|90%|99%"
printf 'RSS before the write load: %s\n' "$(grep VmRSS /proc/$pid/status)"

edit_load() {
  ( for ((t = 5; t <= secs; t += 5)); do sleep 5; printf '  t=%3ss %s\n' "$t" "$(grep VmRSS /proc/$pid/status 2>/dev/null)"; done ) &
  sampler=$!
  wrk -t 1 -c 8 -d "${secs}s" --latency -s "$dir/reads.lua" "http://127.0.0.1:$port" > "$dir/reads.out" &
  reads=$!
  PAUSE_MS=$1 wrk -t 1 -c 32 -d "${secs}s" --latency -s "$dir/edits.lua" "http://127.0.0.1:$port" > "$dir/edits.out"
  wait $reads $sampler 2>/dev/null || true
  echo "edits:"; grep -E "Requests/sec|50%|90%|99%|Non-2xx" "$dir/edits.out" || true
  echo "reads during the edits:"; grep -E "Requests/sec|50%|90%|99%" "$dir/reads.out"
}
echo "== 2. 32 connections editing at most ${rate}/s (a pause of ${pause_ms} ms each) for ${secs}s, with the same reads"
edit_load "$pause_ms"
echo "== 2a. reads alone again, on the state those edits left (layered versions, new allocations), 20 s"
wrk -t 1 -c 8 -d 20s --latency -s "$dir/reads.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|99%"
echo "== 2b. the same, edits unthrottled"
edit_load 0
entries=$(wc -l < "$dir/journal.jsonl")
printf 'journal: %s entries, %s bytes\n' "$entries" "$(stat -c %s "$dir/journal.jsonl")"
stop_server

echo "== 3. start-up with that journal (${entries} entries) against ${plain}s without"
start_server
after=$took
echo "start-up with the journal: the port answers after ${listening}s, ready after ${after}s (+$(echo "$after - $plain" | bc)s)"
stop_server
$bin --data "$dir" verify | head -2
