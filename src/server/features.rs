//! Features as the OGC API serves them: incidents (with their nearest border, side and the distance range
//! their location uncertainty allows), places, border lines and country polygons. Their properties have the
//! names, order and types of the export layers (`store::layers`), so an OGC API layer and an export join.

use serde_json::{Value, json};

use crate::formats::geojson::round_mm;
use crate::model::{Border, Country, Place};
use crate::store::{BorderChoice, Store};

/// A list as one `;`-separated string, as every export writes it (GDAL's GeoPackage driver has no list type),
/// or null when empty.
fn list(items: &[String]) -> Value {
    if items.is_empty() { Value::Null } else { Value::from(items.join(";")) }
}

/// A place as a feature, with its distance to the nearest border and its side.
pub fn place(store: &Store, p: &Place) -> Value {
    let border = store.distance_to_border(p.position, BorderChoice::default()).ok();
    json!({
        "type": "Feature",
        "id": p.id,
        "geometry": {"type": "Point", "coordinates": [p.position.x, p.position.y]},
        "properties": {
            "id": p.id, "name": p.name, "alternate_names": list(&p.alternate_names),
            "shared_names": list(&p.shared_names), "country": p.country,
            "kind": p.kind, "coordinates_from": p.coordinates_from, "note": p.note,
            "border_distance_m": border.as_ref().map(|b| round_mm(b.distance_m)),
            "border": border.as_ref().map(|b| b.border),
            "border_side": border.as_ref().map(|b| b.side_of_line),
        }
    })
}

/// A border line (one pair, one source) as a feature.
pub fn border(b: &Border) -> Value {
    let lines: Vec<Vec<[f64; 2]>> = b.parts.iter().map(|p| p.iter().map(|v| [v.x, v.y]).collect()).collect();
    json!({
        "type": "Feature",
        "id": b.id,
        "geometry": {"type": "MultiLineString", "coordinates": lines},
        "properties": {
            "id": b.id, "pair": b.pair, "name": b.name, "source": b.source,
            "length_m": round_mm(b.length_m), "disputed": b.disputed, "left": b.pair.left, "right": b.pair.right,
        }
    })
}

/// A country polygon as a feature.
pub fn country(c: &Country) -> Value {
    let geometry = geojson::Geometry::new(geojson::GeometryValue::from(&c.area));
    json!({
        "type": "Feature",
        "id": c.iso3,
        "geometry": geometry,
        "properties": {"iso3": c.iso3, "name": c.name, "disputed": c.disputed},
    })
}
