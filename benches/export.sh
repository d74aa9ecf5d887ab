#!/usr/bin/env bash
# Export and import at scale (a bench script that prints figures, not a test), on the peers' synthetic incidents:
#
#   * `borderline export` of N incidents to GeoPackage and to FlatGeobuf (loading the GeoJSON, measuring every
#     incident's border distance, writing with the spatial index), beside `ogr2ogr` converting the same GeoJSON
#     to the same formats, in one run;
#   * `borderline import` of the same incidents as an N-row CSV in ACLED's download layout (benches/acled_csv.py),
#     into an empty data directory, then once more (every row unchanged).
#
#   bash benches/export.sh [N]        # 10k, 100k or 1m (default)
#
# Prints wall seconds and peak resident memory of each command, and borderline's speed-up over ogr2ogr.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1m}
. benches/peers.sh
command -v ogr2ogr >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gdal-bin; }
peers_incidents "$n"
cargo build --release --quiet
work=$(mktemp -d) && trap 'rm -rf "$work"' EXIT
mkdir "$work/data" && ln -s "$data/incidents_$n.geojson" "$work/data/incidents.geojson"
python3 benches/acled_csv.py "$data/incidents_$n.geojson" "$work/acled.csv"

# run LABEL COMMAND...: prints "LABEL  seconds  peak MB" and remembers the seconds in $secs.
run() {
  local label=$1; shift
  sync
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" > "$work/out" 2>&1 || { cat "$work/out"; exit 1; }
  read -r secs kb < "$work/time"
  printf "%-44s %8.2f s %8d MB\n" "$label" "$secs" $((kb / 1024))
}

echo "$count incidents ($(du -h "$data/incidents_$n.geojson" | cut -f1) GeoJSON), $(nproc) cores, GDAL $(gdal-config --version 2>/dev/null || ogrinfo --version | cut -d' ' -f2 | tr -d ,)"
for fmt in gpkg fgb; do
  driver=$([ $fmt = gpkg ] && echo GPKG || echo FlatGeobuf)
  run "borderline export --format $fmt" target/release/borderline --data "$work/data" export --layers incidents -o "$work/b.$fmt"
  ours=$secs
  run "ogr2ogr -f $driver" ogr2ogr -f "$driver" "$work/o.$fmt" "$data/incidents_$n.geojson"
  printf "%-44s %8.1f×\n" "  borderline is faster by" "$(echo "$secs / $ours" | bc -l)"
  ogrinfo -ro -so -al "$work/b.$fmt" | grep -q "Feature Count: $count" || { echo "borderline's $fmt lacks features"; exit 1; }
done
mkdir "$work/imported" && echo '{"type":"FeatureCollection","features":[]}' > "$work/imported/incidents.geojson"
run "borderline import (ACLED CSV, $count rows)" target/release/borderline --data "$work/imported" import "$work/acled.csv"
grep -q "$count new" "$work/out" || { cat "$work/out"; exit 1; }
run "borderline import again (all unchanged)" target/release/borderline --data "$work/imported" import "$work/acled.csv"
grep -q "$count unchanged" "$work/out" || { cat "$work/out"; exit 1; }
