"""Writes a synthetic incidents GeoJSON (../shared/peers/gen_incidents.py) as a CSV in ACLED's download layout:
the 31 codebook columns in order, ACLED's numeric iso, a row per incident. The input for the import benchmark.

    python3 benches/acled_csv.py /tmp/peers-data/incidents_1m.geojson /tmp/acled_1m.csv
"""
import csv
import json
import sys

COLUMNS = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"
           "assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,region,country,"
           "admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,source_scale,notes,fatalities,"
           "tags,timestamp").split(",")
ISO = {"Algeria": 12, "Mali": 466, "Niger": 562, "Mauritania": 478, "Libya": 434, "Burkina Faso": 854,
       "Chad": 148, "Morocco": 504, "Tunisia": 788, "Western Sahara": 732}
DISORDER = {"Protests": "Demonstrations", "Riots": "Demonstrations", "Strategic developments": "Strategic developments"}

src, dst = sys.argv[1], sys.argv[2]
with open(src) as f, open(dst, "w", newline="") as out:
    w = csv.writer(out)
    w.writerow(COLUMNS)
    for line in f:
        line = line.strip().rstrip(",")
        if not line.startswith('{"type":"Feature"'):
            continue
        p = json.loads(line)["properties"]
        row = {c: "" for c in COLUMNS}
        row.update(event_id_cnty=p["event_id"], event_date=p["event_date"], year=p["year"], time_precision=1,
                   disorder_type=DISORDER.get(p["event_type"], "Political violence"), event_type=p["event_type"],
                   sub_event_type=p["sub_event_type"], actor1=p["actor1"], actor2=p.get("actor2") or "",
                   iso=ISO.get(p["country"], ""), region="Western Africa", country=p["country"],
                   admin1=p.get("admin1") or "", location=p["location"], latitude=p["latitude"],
                   longitude=p["longitude"], geo_precision=p["geo_precision"], source=p["source"],
                   source_scale="National", notes=p["notes"], fatalities=p["fatalities"], timestamp=p["timestamp"])
        w.writerow([row[c] for c in COLUMNS])
