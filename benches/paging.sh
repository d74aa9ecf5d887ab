#!/usr/bin/env bash
# Paging a whole collection (a bench script that prints figures, not a test): a client reads every incident
# through `items`, page after page over one keep-alive connection, as QGIS and ogr2ogr do, unfiltered and
# filtered; per-page latency percentiles, the time in all; then a whole export (GeoPackage, FlatGeobuf) over
# HTTP; the server's resident memory before, after each, and at its highest.
#
#   bash benches/paging.sh [N] [LIMIT]     # defaults: 1m 1000
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1m} limit=${2:-1000}
. benches/peers.sh
peers_incidents "$n"
dir=$(mktemp -d) && ln -s "$data/incidents_$n.geojson" "$dir/incidents.geojson"
cargo build --release --quiet
port=18088
trap '[ -n "${pid:-}" ] && kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
serve_ready "$dir" "$port"
rss() { awk '/VmRSS/{printf "%.0f MB", $2 / 1024}' /proc/$pid/status; }
echo "paging $n incidents, $limit a page; RSS at start $(rss)"
for filter in "" "&event_type=Battles" "&datetime=2015-01-01/2019-12-31"; do
  python3 - "$port" "$limit" "$filter" <<'PY'
import http.client, json, sys, time
port, limit, extra = sys.argv[1], int(sys.argv[2]), sys.argv[3]
conn = http.client.HTTPConnection("127.0.0.1", int(port))
took, offset, matched, seen = [], 0, None, 0
start = time.perf_counter()
while matched is None or offset < matched:
    t = time.perf_counter()
    conn.request("GET", f"/ogc/collections/incidents/items?limit={limit}&offset={offset}{extra}")
    body = conn.getresponse().read()
    took.append(time.perf_counter() - t)
    page = json.loads(body)
    matched, got = page["numberMatched"], page["numberReturned"]
    seen += got
    offset += got
    if got == 0:
        break
total = time.perf_counter() - start
took.sort()
pct = lambda p: took[min(len(took) - 1, int(p * len(took)))] * 1000
print(f"  {extra or 'unfiltered'}: {seen} of {matched} in {len(took)} pages, {total:.1f} s; per page (client side, "
      f"with {limit} features to parse) p50 {pct(0.5):.1f} ms, p99 {pct(0.99):.1f} ms, max {took[-1] * 1000:.1f} ms")
PY
done
echo "RSS after paging $(rss)"
# A whole export over HTTP, as a QGIS user downloading the layer would.
for format in gpkg fgb; do
  start=$(date +%s.%N)
  bytes=$(curl -s -o /dev/null -w '%{size_download}' "http://127.0.0.1:$port/api/export/$format?layers=incidents")
  printf "  /api/export/%s: %d MB in %.1f s; RSS after %s\n" "$format" $((bytes >> 20)) "$(echo "$(date +%s.%N) - $start" | bc -l)" "$(rss)"
done
# The server's own time per page, without the client's parsing: one connection, 20 s, random offsets.
cat > "$dir/pages.lua" <<LUA
function request()
  return wrk.format("GET", "/ogc/collections/incidents/items?limit=1&event_type=Battles&offset=" .. math.random(0, 300000))
end
LUA
command -v wrk >/dev/null && wrk -t 1 -c 1 -d 10s --latency -s "$dir/pages.lua" "http://127.0.0.1:$port" | grep -E "Requests/sec|50%|99%" | sed 's/^/  filtered, limit=1 at random offsets: /'
echo "RSS at the end $(rss); the most it was at any moment (VmHWM) $(awk '/VmHWM/{printf "%.0f MB", $2 / 1024}' /proc/$pid/status)"
