#!/usr/bin/env bash
# GDAL's OGC API – Features driver reading the whole incidents layer of `borderline serve` into a GeoPackage (a
# bench script that prints figures, not a test): the time `ogr2ogr` takes, how many pages it asked for, and
# whether GDAL said anything on stderr.
#
#   bash benches/oapif_gdal.sh [N]        # N: 10k, 100k (default) or 1m incidents of ../shared/peers
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100k}
. benches/peers.sh
command -v ogr2ogr >/dev/null || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends gdal-bin; }
peers_incidents "$n"
dir=$(mktemp -d) && ln -s "$data/incidents_$n.geojson" "$dir/incidents.geojson"
cargo build --release --quiet

port=18081
target/release/borderline --data "$dir" serve --addr "127.0.0.1:$port" > "$dir/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
until curl -sf "http://127.0.0.1:$port/ogc" >/dev/null; do sleep 0.2; kill -0 $pid || { cat "$dir/serve.log"; exit 1; }; done

echo "ogr2ogr -f GPKG from OAPIF:http://127.0.0.1:$port/ogc incidents ($n incidents), $(ogr2ogr --version)"
start=$(date +%s.%N)
ogr2ogr -f GPKG "$dir/out.gpkg" "OAPIF:http://127.0.0.1:$port/ogc" incidents 2> "$dir/gdal.err"
end=$(date +%s.%N)
printf 'time: %.1f s\n' "$(echo "$end - $start" | bc)"
printf 'item pages requested: %s\n' "$(grep -c '/ogc/collections/incidents/items' "$dir/serve.log" || true)"
printf 'features written: %s\n' "$(ogrinfo -so "$dir/out.gpkg" incidents | sed -n 's/^Feature Count: //p')"
printf 'GDAL stderr: %s\n' "$( [ -s "$dir/gdal.err" ] && head -5 "$dir/gdal.err" || echo '(empty)')"
