"""Opens borderline's exported files in QGIS (PyQGIS, headless) the way dragging them onto the map does.

    python3 tools/qgis_files.py FILE...

For each layer of each file: whether QGIS loads it, its feature count, CRS, field types, and the renderer QGIS
applied (GeoPackages carry their styles in layer_styles). CSV files are opened with the delimited-text provider,
and with the OGR provider, which takes the CoordX/CoordY columns of the .csvt as the point. Exits non-zero when a layer fails.
Needs python3-qgis (Debian); not part of the test suite.
"""
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from qgis.core import (  # noqa: E402
    QgsApplication,
    QgsProviderRegistry,
    QgsRenderContext,
    QgsSymbolLayer,
    QgsVectorLayer,
)

app = QgsApplication([], False)
app.initQgis()
failed = False


def report(layer, label):
    global failed
    if not layer.isValid():
        print(f"{label}: QGIS could not load the layer")
        failed = True
        return
    count = layer.featureCount()
    renderer = layer.renderer()
    style = renderer.type() if renderer else "none"
    if style == "categorizedSymbol":
        cats = [(c.value(), c.symbol().color().name()) for c in renderer.categories() if c.value() != ""]
        style += f" by {renderer.classAttribute()}: " + ", ".join(f"{v}={c}" for v, c in cats)
    elif style == "singleSymbol":
        style += f" {renderer.symbol().color().name()}"
    symbols = renderer.symbols(QgsRenderContext()) if renderer else []
    sized = [s.symbolLayer(0).dataDefinedProperties().property(QgsSymbolLayer.PropertySize) for s in symbols]
    if any(p.isActive() for p in sized):
        style += f", size by {sized[0].expressionString()}"
    if layer.labelsEnabled() and layer.labeling():
        style += f", labelled by {layer.labeling().settings().fieldName}"
    print(f"{label}: valid, {count} features, {layer.wkbType()}, {layer.crs().authid()}, style {style}")
    types = ", ".join(f"{f.name()}:{f.typeName()}" for f in layer.fields())
    print(f"  fields: {types}")
    for feature in layer.getFeatures():
        shown = {k: feature[k] for k in ("event_date", "date_start", "border_distance_m", "side_certain") if k in feature.fields().names()}
        if shown:
            print(f"  first: {shown}")
        break


for path in sys.argv[1:]:
    path = os.path.abspath(path)
    if path.endswith(".csv"):
        # Dropped onto the map, a .csv opens with the OGR provider (which reads the .csvt and .prj beside it);
        # Layer > Add Delimited Text Layer uses the delimited-text provider.
        report(QgsVectorLayer(path, os.path.basename(path), "ogr"), f"{path} (ogr)")
        uri = f"file://{path}?type=csv&xField=longitude&yField=latitude&crs=EPSG:4326&detectTypes=yes"
        report(QgsVectorLayer(uri, os.path.basename(path), "delimitedtext"), f"{path} (delimited text)")
        continue
    probe = QgsVectorLayer(path, "probe", "ogr")
    sublayers = [s.split(QgsProviderRegistry.instance().SUBLAYER_SEPARATOR if hasattr(QgsProviderRegistry.instance(), "SUBLAYER_SEPARATOR") else "!!::!!")[1] for s in probe.dataProvider().subLayers()] if probe.isValid() else []
    if len(sublayers) <= 1:
        report(QgsVectorLayer(path, os.path.basename(path), "ogr"), path)
        continue
    for name in sublayers:
        if name == "layer_styles":
            continue
        report(QgsVectorLayer(f"{path}|layername={name}", name, "ogr"), f"{path} {name}")
    del probe
# Every layer must be gone before exitQgis(), or QGIS crashes on the way out (exit 139).
app.exitQgis()
sys.exit(1 if failed else 0)
