#!/usr/bin/env bash
# borderline beside the PostGIS peer, back to back on the same data and the same queries, one request at a time
# per client over TCP with 2 clients on both sides (PostGIS: ../shared/peers/postgis.sh, pgbench -M prepared
# -c 2; borderline: wrk -c 2), printing one table with the same statistics on both sides — median and p90
# latency, queries a second — and the ratio, with the machine it ran on. Absolute times are this machine's.
#
#   bash benches/compare.sh [N] [SECONDS]     # defaults: 1m 10
#
# The queries (from ../shared/peers/gen_queries.py): (a) how many incidents in a 1°×1° box (borderline:
# items?bbox&limit=1, whose numberMatched is the count); (b) one incident's distance to the border (borderline:
# /api/incidents/{id}/distance, exact on WGS84 to the real borders, with its uncertainty range; PostGIS:
# ST_Distance(geography) to the peers' placeholder line); (c) the 10 nearest incidents to a point (borderline:
# exact geodesic ranking; PostGIS: <-> ranks by sphere distance).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1m} secs=${2:-10}
. benches/peers.sh
command -v wrk >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk; }
peers_incidents "$n"
[ -f "$data/queries_points.csv" ] || (cd "$data" && python3 "$OLDPWD/$peers/gen_queries.py")
out=$(mktemp -d)
trap '[ -n "${pid:-}" ] && kill $pid 2>/dev/null; rm -rf "$out"' EXIT

echo "== PostGIS (../shared/peers/postgis.sh on incidents_$n.geojson, ${secs} s per query)"
BENCH_SECS=$secs NO_ACCURACY=1 PEERS_OUT="$out/peers" bash "$peers/postgis.sh" "$incidents" > "$out/postgis.log" 2>&1 \
  || { tail -20 "$out/postgis.log"; echo "the PostGIS peer did not run; nothing to compare"; exit 1; }
grep -E "^pgbench" "$out/postgis.log"

echo "== borderline"
cargo build --release --quiet
dir=$(mktemp -d -p "$out") && ln -s "$incidents" "$dir/incidents.geojson"
port=18089
serve_ready "$dir" "$port"
boxes_lua > "$out/a.lua"
sed -i 's/&limit=100")/\&limit=1")/' "$out/a.lua"
{
  echo 'local ids = {'
  grep -m 100000 -o '"event_id": *"[A-Z]*[0-9]*"' "$incidents" | sed 's/.*: *"\(.*\)"/"\1",/'
  echo '}'
  echo 'function request() return wrk.format("GET", "/api/incidents/" .. ids[math.random(#ids)] .. "/distance") end'
} > "$out/b.lua"
points_lua > "$out/c.lua"
# wrk's percentile lines, in ms.
ms() { awk -v p="$2" '$1 == p { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.3f", v }' "$1"; }
for q in a b c; do
  wrk -t 1 -c 2 -d "${secs}s" --latency -s "$out/$q.lua" "http://127.0.0.1:$port" > "$out/$q.out"
  echo "$q: $(grep Requests/sec "$out/$q.out"), p50 $(ms "$out/$q.out" 50%) ms, p90 $(ms "$out/$q.out" 90%) ms"
done

echo
echo "== $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); $n incidents; $(date -u +%F)"
printf '| query, 2 clients, one request each at a time | borderline p50 / p90 | PostGIS p50 / p90 | borderline q/s | PostGIS q/s | PostGIS p50 ÷ borderline p50 |\n|---|---|---|---|---|---|\n'
for pair in "a:bbox:a box count" "b:dist1:one incident's distance" "c:knn10:10 nearest to a point"; do
  IFS=: read -r q name label <<< "$pair"
  line=$(grep -E "^pgbench $name:" "$out/postgis.log")
  pg_qps=$(echo "$line" | sed -E 's/.*: ([0-9.]+) q\/s.*/\1/')
  pg50=$(echo "$line" | sed -E 's/.*p50=([0-9.]+).*/\1/')
  pg90=$(echo "$line" | sed -E 's/.*p90=([0-9.]+).*/\1/')
  b50=$(ms "$out/$q.out" 50%) b90=$(ms "$out/$q.out" 90%)
  b_qps=$(awk '/Requests\/sec/{print $2}' "$out/$q.out")
  printf '| %s | %s / %s ms | %s / %s ms | %s | %s | %s× |\n' "$label" "$b50" "$b90" "$pg50" "$pg90" "$b_qps" "$pg_qps" \
    "$(awk -v a="$pg50" -v b="$b50" 'BEGIN { printf "%.1f", a / b }')"
done
