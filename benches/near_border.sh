#!/usr/bin/env bash
# Paging through a corridor (a bench script that prints figures, not a test): `/api/near-border?km=50` on the
# peers' synthetic incidents, the first page (which ranks the whole corridor) and the pages after it (cut
# from that ranking), for the default border choice and for a named pair and source.
#
#   bash benches/near_border.sh [N]     # default: 1m
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1m}
. benches/peers.sh
peers_incidents "$n"
dir=$(mktemp -d) && ln -s "$data/incidents_$n.geojson" "$dir/incidents.geojson"
cargo build --release --quiet
port=18086
trap '[ -n "${pid:-}" ] && kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
serve_ready "$dir" "$port"
ms() { curl -sf -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port$1" | awk '{printf "%.1f", $1 * 1000}'; }
echo "/api/near-border, $n incidents ($(curl -s "http://127.0.0.1:$port/api/near-border?km=50&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["numberMatched"])') within 50 km)"
for choice in "" "&border=DZA-MLI&source=naturalearth"; do
  q="/api/near-border?km=50.0001&limit=100$choice"   # a question not asked before
  first=$(ms "$q")
  pages=()
  for offset in 100 1000 10000 50000 100000; do pages+=("$(ms "$q&offset=$offset")"); done
  echo "  ${choice:-default choice}: first page ${first} ms; pages at offsets 100, 1k, 10k, 50k, 100k: ${pages[*]} ms"
done
