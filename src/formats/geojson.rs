//! GeoJSON (RFC 7946) output: longitude first, no `crs` member, one feature per line.

use std::io::{self, Write};

use serde::Serialize;

use super::layer::{BLOCK, FieldKind, Layer, Shape, Value, in_order};
use crate::geodesy::uncertainty_radius_m;
use crate::model::{Background, BorderPair, Incident, IncidentFacts, Iso3, LonLat, Variant};

/// A GeoJSON Point geometry.
#[derive(Serialize)]
pub struct PointGeometry {
    #[serde(rename = "type")]
    kind: &'static str,
    coordinates: [f64; 2],
}

impl PointGeometry {
    /// The point `p` (lon, lat).
    pub fn new(p: LonLat) -> PointGeometry {
        PointGeometry { kind: "Point", coordinates: [p.x, p.y] }
    }
}

/// The properties of an incident as written to GeoJSON (ACLED names where one fits).
#[derive(Serialize)]
pub struct IncidentProperties<'a> {
    event_id: &'a str,
    event_date: String,
    date_start: String,
    date_end: String,
    time_precision: u8,
    event_type: &'a str,
    sub_event_type: &'a str,
    actor1: &'a str,
    actor2: &'a str,
    fatalities: Option<u32>,
    fatalities_low: Option<u32>,
    fatalities_high: Option<u32>,
    location: &'a str,
    place_id: Option<&'a str>,
    country: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    iso3: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    admin1: Option<&'a str>,
    geo_precision: u8,
    notes: &'a str,
    sources: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    variants: &'a [Variant],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    background: &'a [Background],
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<i64>,
}

impl<'a> IncidentProperties<'a> {
    /// The wire form of `i`.
    pub fn of(i: &'a Incident) -> Self {
        IncidentProperties {
            event_id: &i.event_id,
            event_date: i.event_date.to_string(),
            date_start: i.dates.start.to_string(),
            date_end: i.dates.end.to_string(),
            time_precision: i.time_precision.code(),
            event_type: i.event_type.as_str(),
            sub_event_type: &i.sub_event_type,
            actor1: &i.actor1,
            actor2: &i.actor2,
            fatalities: i.fatalities,
            fatalities_low: i.fatalities_low,
            fatalities_high: i.fatalities_high,
            location: &i.location,
            place_id: i.place_id.as_deref(),
            country: &i.country,
            iso3: i.iso3.map(|c| c.to_string()),
            admin1: i.admin1.as_deref(),
            geo_precision: i.geo_precision.code(),
            notes: &i.notes,
            sources: i.sources.iter().map(|s| &**s).collect(),
            source: i.source.as_deref(),
            variants: &i.variants,
            background: &i.background,
            timestamp: i.timestamp,
        }
    }
}

#[derive(Serialize)]
struct IncidentFeature<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    properties: IncidentProperties<'a>,
    geometry: PointGeometry,
}

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
struct MeasuredIncidentFeature<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: &'a str,
    geometry: PointGeometry,
    properties: IncidentFeatureProperties<'a>,
}

/// Appends `incident` as a GeoJSON feature to `out`, with what was measured of it: distance to the nearest
/// border, sides, and the distance range its location uncertainty allows (what the OGC API and exports serve).
pub fn write_incident(out: &mut Vec<u8>, incident: &Incident, facts: &IncidentFacts) {
    let r = uncertainty_radius_m(incident.geo_precision);
    let d = facts.border_distance_m;
    let feature = MeasuredIncidentFeature {
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
pub(crate) fn round_mm(m: f64) -> f64 {
    if m.is_finite() { (m * 1000.0).round() / 1000.0 } else { m }
}

/// Appends `i` as a feature of borderline's storage format.
fn storage_feature(out: &mut Vec<u8>, i: &Incident) {
    let feature = IncidentFeature {
        kind: "Feature",
        id: &i.event_id,
        properties: IncidentProperties::of(i),
        geometry: PointGeometry::new(i.position),
    };
    serde_json::to_writer(out, &feature).expect("writing JSON to memory cannot fail");
}

/// Writes incidents as a GeoJSON FeatureCollection in borderline's storage format, one feature per line.
pub fn write_incidents<'a>(w: &mut dyn Write, incidents: impl Iterator<Item = &'a Incident>) -> io::Result<()> {
    w.write_all(b"{\"type\":\"FeatureCollection\",\"name\":\"incidents\",\"features\":[\n")?;
    let mut buffer = Vec::with_capacity(2048);
    for (n, i) in incidents.enumerate() {
        buffer.clear();
        if n > 0 {
            buffer.extend_from_slice(b",\n");
        }
        storage_feature(&mut buffer, i);
        w.write_all(&buffer)?;
    }
    w.write_all(b"\n]}\n")
}

/// [`write_incidents`] for a whole list: blocks are serialised on every core and written in order, so a
/// million incidents are saved in a fraction of the time while memory stays flat.
pub fn write_incident_list(w: &mut dyn Write, incidents: &[Incident]) -> io::Result<()> {
    w.write_all(b"{\"type\":\"FeatureCollection\",\"name\":\"incidents\",\"features\":[\n")?;
    let block = |k: usize| {
        let mut out = Vec::with_capacity(BLOCK * 600);
        for (n, i) in incidents.iter().enumerate().skip(k * BLOCK).take(BLOCK) {
            if n > 0 {
                out.extend_from_slice(b",\n");
            }
            storage_feature(&mut out, i);
        }
        out
    };
    in_order(incidents.len().div_ceil(BLOCK), &block, &mut |bytes: Vec<u8>| w.write_all(&bytes))?;
    w.write_all(b"\n]}\n")
}

fn shape_json(shape: &Shape<'_>) -> serde_json::Value {
    let ring = |r: &[LonLat]| r.iter().map(|v| [v.x, v.y]).collect::<Vec<_>>();
    match shape {
        Shape::Point(p) => serde_json::json!({"type": "Point", "coordinates": [p.x, p.y]}),
        Shape::Lines(parts) => serde_json::json!({
            "type": "MultiLineString",
            "coordinates": parts.iter().map(|p| ring(p)).collect::<Vec<_>>(),
        }),
        Shape::Polygons(mp) => serde_json::json!({
            "type": "MultiPolygon",
            "coordinates": mp.0.iter().map(|p| {
                std::iter::once(p.exterior()).chain(p.interiors()).map(|r| ring(&r.0)).collect::<Vec<_>>()
            }).collect::<Vec<_>>(),
        }),
    }
}

fn value_json(value: &Value<'_>) -> serde_json::Value {
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Text(s) => serde_json::Value::from(s.as_ref()),
        Value::Integer(n) => serde_json::Value::from(*n),
        Value::Real(x) => serde_json::Value::from(*x),
        Value::Date(d) => serde_json::Value::from(d.to_string()),
        Value::Boolean(b) => serde_json::Value::from(*b),
    }
}

/// Writes `layer` as a GeoJSON FeatureCollection named after it, one feature per line, its fields as properties.
pub fn write_layer(w: &mut dyn Write, layer: &Layer<'_>, progress: &mut dyn FnMut(usize)) -> io::Result<()> {
    writeln!(w, "{{\"type\":\"FeatureCollection\",\"name\":\"{}\",\"features\":[", layer.name)?;
    layer.write_text(w, progress, &|n, out| {
        if n > 0 {
            out.extend_from_slice(b",\n");
        }
        layer_feature(out, layer, n);
        Ok(())
    })?;
    w.write_all(b"\n]}\n")
}

/// Appends feature `n` of `layer` as GeoJSON: its own form when it has one, else its fields as properties.
fn layer_feature(out: &mut Vec<u8>, layer: &Layer<'_>, n: usize) {
    if let Some(write_feature) = &layer.geojson {
        return write_feature(n, out);
    }
    let feature = layer.feature(n);
    let properties: serde_json::Map<String, serde_json::Value> = layer
        .fields
        .iter()
        .zip(&feature.values)
        .map(|(f, v)| {
            let json = match v {
                Value::Text(s) if f.kind == FieldKind::Json => {
                    serde_json::from_str(s).unwrap_or_else(|_| value_json(v))
                }
                v => value_json(v),
            };
            (f.name.to_string(), json)
        })
        .collect();
    let json = serde_json::json!({
        "type": "Feature",
        "id": feature.id,
        "geometry": shape_json(&feature.shape),
        "properties": properties,
    });
    serde_json::to_writer(out, &json).expect("writing JSON to memory cannot fail");
}
