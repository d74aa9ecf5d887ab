#!/usr/bin/env python3
"""Builds tests/fixtures/geodesic/dza_mli_osm_points.csv: seeded test points around the Algeria–Mali border
(OSM line from geodata/borders.geojson), in the categories the geodesy tests need. The reference distances are
then computed with GeographicLib (Python, Karney) by ../shared/peers/geodesic_ref.py:

    python3 tools/geodesy/make_reference.py
    python3 ../shared/peers/geodesic_ref.py --points tests/fixtures/geodesic/dza_mli_osm_points.csv \\
        --line tests/fixtures/geodesic/dza_mli_osm.geojson --out tests/fixtures/geodesic/dza_mli_osm_reference.csv
"""
import csv
import json
import math
import os
import random

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
out_dir = os.path.join(root, "tests", "fixtures", "geodesic")
borders = json.load(open(os.path.join(root, "geodata", "borders.geojson"), encoding="utf-8"))
line = next(f for f in borders["features"] if f["id"] == "DZA-MLI/osm")["geometry"]["coordinates"]
os.makedirs(out_dir, exist_ok=True)
with open(os.path.join(out_dir, "dza_mli_osm.geojson"), "w", encoding="utf-8") as f:
    json.dump({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "DZA-MLI/osm", "properties": {},
         "geometry": {"type": "LineString", "coordinates": line}}]}, f, separators=(",", ":"))

rng = random.Random(20261122)
points = []


def add(kind, lon, lat):
    points.append((len(points) + 1, kind, round(lon, 7), round(lat, 7)))


def offset(lon, lat, dx_m, dy_m):
    return lon + dx_m / (111_320.0 * math.cos(math.radians(lat))), lat + dy_m / 110_574.0


# The straight north-western stretch from the Mauritania tripoint: the vertices within ~735 km of it.
stretch = 1
while math.hypot(line[stretch][0] - line[0][0], line[stretch][1] - line[0][1]) < 6.6:
    stretch += 1
for _ in range(300):  # near a random segment, off to either side by 1 m .. 50 km
    i = rng.randrange(len(line) - 1)
    (ax, ay), (bx, by) = line[i], line[i + 1]
    u = rng.random()
    lon, lat = ax + u * (bx - ax), ay + u * (by - ay)
    nx, ny = -(by - ay), bx - ax
    n = math.hypot(nx, ny) or 1.0
    d = math.exp(rng.uniform(math.log(1.0), math.log(50_000.0))) * rng.choice((-1, 1))
    add("near-segment", *offset(lon, lat, nx / n * d, ny / n * d))
for _ in range(100):  # near a vertex (the nearest point is often that vertex)
    x, y = line[rng.randrange(len(line))]
    add("near-vertex", *offset(x, y, rng.uniform(-3000, 3000), rng.uniform(-3000, 3000)))
for i in range(0, len(line), len(line) // 40):  # exactly on vertices
    add("on-vertex", *line[i])
for _ in range(150):  # along the straight north-western stretch, out to 200 km either side
    i = rng.randrange(stretch)
    (ax, ay), (bx, by) = line[i], line[i + 1]
    u = rng.random()
    lon, lat = ax + u * (bx - ax), ay + u * (by - ay)
    d = rng.uniform(-200_000, 200_000)
    nx, ny = -(by - ay), bx - ax
    n = math.hypot(nx, ny)
    add("long-segment", *offset(lon, lat, nx / n * d, ny / n * d))
for x, y in (line[0], line[-1]):  # around the Mauritania and Niger tripoints
    for _ in range(50):
        add("tripoint", *offset(x, y, rng.uniform(-50_000, 50_000), rng.uniform(-50_000, 50_000)))
for _ in range(300):  # anywhere in the region, up to ~2,000 km away
    add("far", rng.uniform(-15.0, 20.0), rng.uniform(5.0, 35.0))

with open(os.path.join(out_dir, "dza_mli_osm_points.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["id", "kind", "lon", "lat"])
    w.writerows(points)
print(f"{len(points)} points; north-western stretch = first {stretch} segments")
