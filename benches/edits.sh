#!/usr/bin/env bash
# Durable edits under load (a bench script that prints figures, not a test), on the peers' synthetic incidents:
#
#   bash benches/edits.sh [N] [SECONDS] [RATE]     # defaults: 1m 60 2000
#
# 1. reads alone: wrk, `items?bbox=<1°×1° box>&limit=100` over the 1,000 boxes of gen_queries.py, 8 connections;
# 2. the same reads while 32 connections PATCH random incidents (each answer comes after the journal is on
#    disk) on a fixed schedule of RATE edits/s (request i is sent at i/RATE s, or at once by a free connection
#    when the server is behind), for SECONDS: acknowledged edits per second, edit latency percentiles, read
#    throughput, and the server's resident memory every 5 s;
# 2a. the reads alone again, on the state the edits left: reads cost more there (versions layered on the
#     base, incidents allocated as they were edited), so this is the fair figure to set 2 beside too;
# 2b. reads alone and reads during the edits in turns (4 × 10 s each), the ratio of their sums: this
#     machine's speed drifts over minutes, and in turns the drift falls on both sides alike;
# 2c. the same load with the edits unthrottled: how many durable edits/s the server takes at most;
# 3. start-up of the same directory with the first 100,000 entries of the journal those loads left (a prefix
#    of a chain is a chain) and with its first line only (the snapshot, nothing to replay), three times each
#    in turns; the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1m} secs=${2:-60} rate=${3:-2000}
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
-- One schedule for all the connections (one wrk thread, one Lua state): the next request is due a gap after
-- the one before it, whichever connection sends it; a wait is whole milliseconds, the schedule is not.
local ffi = require("ffi")
ffi.cdef[[ typedef struct { long sec; long nsec; } bench_time; int clock_gettime(int, bench_time *); ]]
local clock = ffi.new("bench_time")
local function now_ms() ffi.C.clock_gettime(1, clock); return tonumber(clock.sec) * 1000 + tonumber(clock.nsec) / 1e6 end
local rate = tonumber(os.getenv("RATE") or "0")
local due
function init(args) math.randomseed(os.time() + math.random(100000)) end
function delay()
  if rate <= 0 then return 0 end
  local now = now_ms()
  due = (due or now) + 1000 / rate
  return math.max(0, math.floor(due - now))
end
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
  RATE=$1 wrk -t 1 -c 32 -d "${secs}s" --latency -s "$dir/edits.lua" "http://127.0.0.1:$port" > "$dir/edits.out"
  wait $reads $sampler 2>/dev/null || true
  echo "edits:"; grep -E "Requests/sec|50%|90%|99%|Non-2xx" "$dir/edits.out" || true
  echo "reads during the edits:"; grep -E "Requests/sec|50%|90%|99%" "$dir/reads.out"
}
echo "== 2. 32 connections editing on a schedule of ${rate}/s for ${secs}s, with the same reads"
edit_load "$rate"
echo "== 2a. reads alone again, on the state those edits left (layered versions, new allocations), 20 s"
wrk -t 1 -c 8 -d 20s --latency -s "$dir/reads.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|99%"
echo "== 2b. reads alone and reads during edits at ${rate}/s in turns, 4 rounds of 10 s each (this machine's speed"
echo "       drifts by tens of percent over minutes; in turns, the drift falls on both sides alike)"
rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
alone=0 during=0
for round in 1 2 3 4; do
  wrk -t 1 -c 8 -d 10s -s "$dir/reads.lua" "http://127.0.0.1:$port" > "$dir/alone.out"
  wrk -t 1 -c 8 -d 10s -s "$dir/reads.lua" "http://127.0.0.1:$port" > "$dir/reads.out" &
  reads=$!
  RATE=$rate wrk -t 1 -c 32 -d 10s --latency -s "$dir/edits.lua" "http://127.0.0.1:$port" > "$dir/edits.out"
  wait $reads
  echo "  round $round: reads alone $(rps "$dir/alone.out")/s, during the edits $(rps "$dir/reads.out")/s; edits $(rps "$dir/edits.out")/s, p99 $(awk '$1 == "99%" {print $2}' "$dir/edits.out")"
  alone=$(echo "$alone + $(rps "$dir/alone.out")" | bc) during=$(echo "$during + $(rps "$dir/reads.out")" | bc)
done
echo "  reads during the edits / reads alone: $(echo "scale=1; 100 * $during / $alone" | bc)%"
echo "== 2c. the same load, edits unthrottled"
edit_load 0
printf 'journal: %s entries, %s bytes\n' "$(wc -l < "$dir/journal.jsonl")" "$(stat -c %s "$dir/journal.jsonl")"
stop_server
# The snapshot line and the first 100,000 changes (the loads above make more; each PATCH is one entry).
head -n 100001 "$dir/journal.jsonl" > "$dir/journal.cut"
head -n 1 "$dir/journal.jsonl" > "$dir/journal.none"
entries=$(($(wc -l < "$dir/journal.cut") - 1))

echo "== 3. start-up with ${entries} journal entries to replay and with none, three times each in turns"
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
with=() without=()
for round in 1 2 3; do
  cp "$dir/journal.none" "$dir/journal.jsonl"; start_server; without+=("$took"); stop_server
  cp "$dir/journal.cut" "$dir/journal.jsonl"; start_server; with+=("$took"); stop_server
  echo "  round $round: ready after ${without[-1]}s without, ${with[-1]}s with the journal (the port answers after ${listening}s)"
done
echo "start-up with the journal: ready after $(median "${with[@]}")s against $(median "${without[@]}")s without (medians, +$(echo "$(median "${with[@]}") - $(median "${without[@]}")" | bc)s)"
$bin --data "$dir" verify | head -2
