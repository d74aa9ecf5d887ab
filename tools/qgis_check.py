"""Loads borderline's OGC API – Features service in QGIS (PyQGIS, headless) as a QGIS user would add it.

    python3 tools/qgis_check.py http://127.0.0.1:8080/ogc

Prints each collection's feature count, the incidents layer's fields and one feature; exits non-zero when QGIS
cannot load a layer. Needs python3-qgis (Debian); not part of the test suite.
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import QgsApplication, QgsRectangle, QgsVectorLayer, QgsFeatureRequest  # noqa: E402

url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080/ogc"
app = QgsApplication([], False)
app.initQgis()
failed = False
for name in ["incidents", "places", "borders", "countries"]:
    layer = QgsVectorLayer(f"url='{url}' typename='{name}'", name, "OAPIF")
    if not layer.isValid():
        print(f"{name}: QGIS could not load the layer")
        failed = True
        continue
    count = sum(1 for _ in layer.getFeatures())
    print(f"{name}: valid, {count} features, geometry {layer.geometryType()}, CRS {layer.crs().authid()}, extent {layer.extent().toString(3)}")
    if name == "incidents":
        print("  fields:", ", ".join(f.name() for f in layer.fields()))
        feature = next(layer.getFeatures())
        print("  first:", feature["event_id_cnty"], feature["event_date"], feature["border_distance_m"], feature["border_side"])
        box = QgsRectangle(0, 18, 4, 21)
        inside = sum(1 for _ in layer.getFeatures(QgsFeatureRequest().setFilterRect(box)))
        print(f"  in 0,18,4,21: {inside}")
        near = layer.materialize(QgsFeatureRequest().setFilterExpression('"border_distance_m" < 50000'))
        print(f"  filter border_distance_m < 50 km: {near.featureCount()}")
        del near
    del layer
# Every layer must be gone before exitQgis(), or QGIS crashes on the way out (exit 139).
app.exitQgis()
sys.exit(1 if failed else 0)
