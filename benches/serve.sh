#!/usr/bin/env bash
# Load test of `borderline serve` (a bench script that prints figures, not a test): `items?bbox=<1°×1° box>&limit=100`
# over the 1,000 boxes of ../shared/peers/gen_queries.py, on the peers' synthetic incidents, with wrk.
#
#   bash benches/serve.sh [N] [SECONDS] [CONNECTIONS]     # defaults: 100k 60 32
#
# Prints wrk's throughput and latency percentiles and the server's resident memory every 5 s.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100k} secs=${2:-60} conns=${3:-32}
. benches/peers.sh

command -v wrk >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk; }
peers_incidents "$n"
[ -f "$data/queries_boxes.csv" ] || (cd "$data" && python3 "$OLDPWD/$peers/gen_queries.py")
dir=$(mktemp -d) && ln -s "$data/incidents_$n.geojson" "$dir/incidents.geojson"
cargo build --release --quiet

port=18080
target/release/borderline --data "$dir" serve --addr "127.0.0.1:$port" --quiet > "$dir/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
until curl -sf "http://127.0.0.1:$port/ogc" >/dev/null; do sleep 0.2; kill -0 $pid || { cat "$dir/serve.log"; exit 1; }; done

# Every connection walks the 1,000 boxes from its own starting point.
boxes_lua > "$dir/boxes.lua"

echo "borderline serve, $n incidents, $conns connections, ${secs}s"
printf 'RSS at start: %s\n' "$(grep VmRSS /proc/$pid/status)"
( for ((t = 5; t <= secs; t += 5)); do sleep 5; printf '  t=%3ss %s\n' "$t" "$(grep VmRSS /proc/$pid/status 2>/dev/null)"; done ) &
sampler=$!
wrk -t 2 -c "$conns" -d "${secs}s" --latency -s "$dir/boxes.lua" "http://127.0.0.1:$port"
wait $sampler 2>/dev/null || true
