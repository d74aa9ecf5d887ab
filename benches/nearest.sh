#!/usr/bin/env bash
# The k nearest incidents (a bench script that prints figures, not a test): `/api/nearest?lon=&lat=&k=10` over
# the 1,000 kNN points of ../shared/peers/gen_queries.py, on the peers' synthetic incidents, with wrk: 1
# connection (one point after another: the time a point takes) and 2 connections (as the peers' pgbench -c 2).
# PostGIS's kNN-10 on the same data, from ../shared/peers/README.md: 3.0–3.2 ms a point in one batch at 1M,
# 332–603 q/s with pgbench -c 2 (and its ranking is by sphere distance; borderline's is exact on WGS84).
#
#   bash benches/nearest.sh [N] [SECONDS]     # defaults: 1m 20
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1m} secs=${2:-20}
. benches/peers.sh

command -v wrk >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk; }
peers_incidents "$n"
[ -f "$data/queries_points.csv" ] || (cd "$data" && python3 "$OLDPWD/$peers/gen_queries.py")
dir=$(mktemp -d) && ln -s "$data/incidents_$n.geojson" "$dir/incidents.geojson"
cargo build --release --quiet

port=18085
trap '[ -n "${pid:-}" ] && kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
serve_ready "$dir" "$port"

points_lua > "$dir/points.lua"

echo "borderline /api/nearest k=10, $n incidents, the 1,000 kNN points, ${secs}s each"
curl -s "http://127.0.0.1:$port/api/nearest?k=10&$(sed -n 2p "$data/queries_points.csv" | awk -F, '{printf "lon=%s&lat=%s", $2, $3}')" \
  | python3 -c 'import json,sys; d=json.load(sys.stdin); print("first point:", [(f["id"], round(f["properties"]["distance_m"])) for f in d["features"]][:3], "…")'
for c in 1 2; do
  echo "== $c connection(s)"
  wrk -t 1 -c "$c" -d "${secs}s" --latency -s "$dir/points.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|50%|90%|99%"
done
