#!/usr/bin/env bash
# The border profile (a bench script that prints figures, not a test): `/api/border-profile` on the peers'
# synthetic incidents — the first answer to a question (every incident of the corridor measured and placed
# along the line, on every core) and the same question again (kept for the state it was made of), for the
# OpenStreetMap and the Natural Earth line of Algeria–Mali, a wider corridor and a date filter.
#
#   bash benches/profile.sh [N]     # default: 1m
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1m}
. benches/peers.sh
peers_incidents "$n"
dir=$(mktemp -d) && ln -s "$data/incidents_$n.geojson" "$dir/incidents.geojson"
cargo build --release --quiet
port=18087
trap '[ -n "${pid:-}" ] && kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
serve_ready "$dir" "$port"
ms() { curl -sf -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port$1" | awk '{printf "%.1f", $1 * 1000}'; }
matched() { curl -sf "http://127.0.0.1:$port$1" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["numberMatched"], "incidents,", sum(s["surge"] for s in d["stretches"]), "surging stretches")'; }
echo "/api/border-profile, $n incidents"
for q in "border=DZA-MLI" "border=DZA-MLI&source=naturalearth" "border=DZA-MLI&km=100" "border=DZA-MLI&datetime=2015-01-01/2019-12-31" "border=MLI-NER"; do
  path="/api/border-profile?$q"
  first=$(ms "$path")
  again=()
  for _ in 1 2 3 4 5; do again+=("$(ms "$path")"); done
  echo "  $q: $(matched "$path"); first ${first} ms, again ${again[*]} ms"
done
printf 'RSS after: %s\n' "$(grep VmRSS /proc/$pid/status)"
