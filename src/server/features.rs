//! Features as the OGC API serves them: incidents (with their nearest border, side and the distance range
//! their location uncertainty allows), places, border lines and country polygons.

use serde::Serialize;
use serde_json::{Value, json};

use crate::formats::geojson::{IncidentProperties, PointGeometry};
use crate::geodesy::uncertainty_radius_m;
use crate::model::{Border, BorderPair, Country, Incident, Iso3, Place};
use crate::store::{BorderChoice, IncidentFacts, Store};

/// An incident's properties: its own, then what was measured of it.
#[derive(Serialize)]
struct IncidentFeatureProperties<'a> {
    #[serde(flatten)]
    own: IncidentProperties<'a>,
    /// Exact WGS84 distance to the nearest border (OpenStreetMap line), metres.
    border_distance_m: f64,
    /// That border.
    border: BorderPair,
    /// The side of its line the incident is on.
    border_side: Iso3,
    /// The country whose polygon holds it.
    country_side: Option<Iso3>,
    /// Radius of the area the incident may lie in (from geo_precision), metres.
    uncertainty_radius_m: f64,
    /// Least distance to the border over that area, metres.
    border_distance_min_m: f64,
    /// Greatest distance to the border over that area, metres.
    border_distance_max_m: f64,
    /// False when that area straddles the border.
    side_certain: bool,
}

#[derive(Serialize)]
struct IncidentFeature<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    geometry: PointGeometry,
    properties: IncidentFeatureProperties<'a>,
}

/// Appends incident `incident` as a GeoJSON feature to `out`.
pub fn write_incident(out: &mut Vec<u8>, incident: &Incident, facts: &IncidentFacts) {
    let r = uncertainty_radius_m(incident.geo_precision);
    let d = facts.border_distance_m;
    let feature = IncidentFeature {
        kind: "Feature",
        id: &incident.event_id,
        geometry: PointGeometry::new(incident.position),
        properties: IncidentFeatureProperties {
            own: IncidentProperties::of(incident),
            border_distance_m: round_mm(d),
            border: facts.border,
            border_side: facts.side_of_line,
            country_side: facts.country,
            uncertainty_radius_m: r,
            border_distance_min_m: round_mm((d - r).max(0.0)),
            border_distance_max_m: round_mm(d + r),
            side_certain: d > r,
        },
    };
    serde_json::to_writer(out, &feature).expect("writing JSON to memory cannot fail");
}

/// Metres to the millimetre (the accuracy promised; more digits would only be noise).
fn round_mm(m: f64) -> f64 {
    if m.is_finite() { (m * 1000.0).round() / 1000.0 } else { m }
}

/// A place as a feature, with its distance to the nearest border and its side.
pub fn place(store: &Store, p: &Place) -> Value {
    let border = store.distance_to_border(p.position, BorderChoice::default()).ok();
    json!({
        "type": "Feature",
        "id": p.id,
        "geometry": {"type": "Point", "coordinates": [p.position.x, p.position.y]},
        "properties": {
            "id": p.id, "name": p.name, "alternate_names": p.alternate_names, "country": p.country,
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
