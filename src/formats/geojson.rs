//! GeoJSON (RFC 7946) output: longitude first, no `crs` member, one feature per line.

use std::io::{self, Write};

use serde::Serialize;

use super::layer::{BLOCK, Field, FieldKind, Layer, Shape, Value, in_order};
use crate::model::{Background, Incident, LonLat, Status, Variant};

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

/// The properties of an incident as borderline stores it (ACLED names where one fits; list properties as one
/// `;`-separated string, as in every export).
#[derive(Serialize)]
pub struct IncidentProperties<'a> {
    event_id_cnty: &'a str,
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
    sources: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    variants: &'a [Variant],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    background: &'a [Background],
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<i64>,
    #[serde(skip_serializing_if = "is_published")]
    status: Status,
    #[serde(skip_serializing_if = "is_first")]
    version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    updated_by: Option<&'a str>,
}

fn is_published(s: &Status) -> bool {
    *s == Status::Published
}

fn is_first(v: &u32) -> bool {
    *v == 1
}

impl<'a> IncidentProperties<'a> {
    /// The wire form of `i`.
    pub fn of(i: &'a Incident) -> Self {
        IncidentProperties {
            event_id_cnty: &i.event_id,
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
            sources: i.sources_text(),
            source: i.source.as_deref(),
            variants: &i.variants,
            background: &i.background,
            timestamp: i.timestamp,
            status: i.revision.status,
            version: i.revision.version,
            updated_at: i.revision.updated_at.as_ref().map(crate::model::format_time),
            updated_by: i.revision.updated_by.as_deref(),
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

/// Metres to the millimetre (the accuracy promised; more digits would only be noise).
pub(crate) fn round_mm(m: f64) -> f64 {
    if m.is_finite() { (m * 1000.0).round() / 1000.0 } else { m }
}

/// Appends `i` as a feature of borderline's storage format.
pub fn storage_feature(out: &mut Vec<u8>, i: &Incident) {
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
    let mut list = IncidentList::start(w)?;
    let mut buffer = Vec::with_capacity(2048);
    for i in incidents {
        buffer.clear();
        storage_feature(&mut buffer, i);
        list.features(&buffer)?;
    }
    list.finish()
}

/// [`write_incidents`] for a whole list: blocks are serialised on every core and written in order, so a
/// million incidents are saved in a fraction of the time while memory stays flat.
pub fn write_incident_list<I: std::borrow::Borrow<Incident> + Sync>(
    w: &mut dyn Write,
    incidents: &[I],
) -> io::Result<()> {
    let mut list = IncidentList::start(w)?;
    list.list(incidents)?;
    list.finish()
}

/// A storage FeatureCollection written in parts, for writers that make its features in several passes: the
/// bytes are those of [`write_incidents`] over all the parts' features in order.
pub struct IncidentList<W: Write> {
    w: W,
    empty: bool,
}

impl<W: Write> IncidentList<W> {
    /// Writes the collection's head.
    pub fn start(mut w: W) -> io::Result<IncidentList<W>> {
        w.write_all(b"{\"type\":\"FeatureCollection\",\"name\":\"incidents\",\"features\":[\n")?;
        Ok(IncidentList { w, empty: true })
    }

    /// Writes features: `block` holds [`storage_feature`]s joined by [`FEATURE_SEPARATOR`] (nothing: none).
    pub fn features(&mut self, block: &[u8]) -> io::Result<()> {
        if block.is_empty() {
            return Ok(());
        }
        if !self.empty {
            self.w.write_all(FEATURE_SEPARATOR)?;
        }
        self.empty = false;
        self.w.write_all(block)
    }

    /// Writes `incidents`, serialised a block at a time on every core.
    pub fn list<I: std::borrow::Borrow<Incident> + Sync>(&mut self, incidents: &[I]) -> io::Result<()> {
        let block = |k: usize| {
            let mut out = Vec::with_capacity(BLOCK * 600);
            for i in incidents.iter().skip(k * BLOCK).take(BLOCK) {
                if !out.is_empty() {
                    out.extend_from_slice(FEATURE_SEPARATOR);
                }
                storage_feature(&mut out, i.borrow());
            }
            out
        };
        in_order(incidents.len().div_ceil(BLOCK), &block, &mut |bytes: Vec<u8>| self.features(&bytes))
    }

    /// What the collection is written to.
    pub fn writer(&mut self) -> &mut W {
        &mut self.w
    }

    /// Writes the collection's end.
    pub fn finish(mut self) -> io::Result<()> {
        self.w.write_all(b"\n]}\n")
    }
}

/// What stands between two features of a storage FeatureCollection.
pub const FEATURE_SEPARATOR: &[u8] = b",\n";

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

fn json_into<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    serde_json::to_writer(out, value).expect("writing JSON to memory cannot fail");
}

/// Appends `s` as a JSON string, the bytes serde_json writes: as it is, quoted, when nothing in it needs escaping
/// (the usual text of incidents, checked sixteen bytes at a time, which the compiler does in one step), else
/// escaped by serde_json (which looks at every byte on its own: a fifth of serving a page of features).
fn json_str(out: &mut Vec<u8>, s: &str) {
    let needs_escape = |block: &[u8]| block.iter().fold(false, |any, &b| any | (b < 0x20) | (b == b'"') | (b == b'\\'));
    if s.as_bytes().chunks(16).any(needs_escape) {
        json_into(out, s);
    } else {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

/// Appends one feature to `out`: its id, geometry, and `values` as the properties named by `fields`, in their
/// order (a `Json` field's text is written as the JSON value it holds). What the OGC API serves and the GeoJSON
/// export writes, with the same names and values as every other format.
pub fn write_feature(out: &mut Vec<u8>, id: &str, shape: &Shape<'_>, fields: &[Field], values: &[Value<'_>]) {
    out.extend_from_slice(br#"{"type":"Feature","id":"#);
    json_str(out, id);
    out.extend_from_slice(br#","geometry":"#);
    match shape {
        Shape::Point(p) => {
            out.extend_from_slice(br#"{"type":"Point","coordinates":"#);
            json_into(out, &[p.x, p.y]);
            out.push(b'}');
        }
        other => json_into(out, &shape_json(other)),
    }
    out.extend_from_slice(br#","properties":{"#);
    for (k, (field, value)) in fields.iter().zip(values).enumerate() {
        if k > 0 {
            out.push(b',');
        }
        // Field names are plain identifiers (a test holds it): nothing to escape.
        out.push(b'"');
        out.extend_from_slice(field.name.as_bytes());
        out.extend_from_slice(b"\":");
        match value {
            Value::Null => out.extend_from_slice(b"null"),
            Value::Text(s) if field.kind == FieldKind::Json => out.extend_from_slice(s.as_bytes()),
            Value::Text(s) => json_str(out, s),
            Value::Integer(n) => json_into(out, n),
            Value::Real(x) => json_into(out, x),
            Value::Date(d) => {
                out.push(b'"');
                out.extend_from_slice(d.to_string().as_bytes());
                out.push(b'"');
            }
            Value::Boolean(b) => json_into(out, b),
        }
    }
    out.extend_from_slice(b"}}");
}

/// Writes `layer` as a GeoJSON FeatureCollection named after it, one feature per line, its fields as properties.
pub fn write_layer(w: &mut dyn Write, layer: &Layer<'_>, progress: &mut dyn FnMut(usize)) -> io::Result<()> {
    writeln!(w, "{{\"type\":\"FeatureCollection\",\"name\":\"{}\",\"features\":[", layer.name)?;
    layer.write_text(w, progress, &|n, out| {
        if n > 0 {
            out.extend_from_slice(b",\n");
        }
        write_layer_feature(out, layer, n);
        Ok(())
    })?;
    w.write_all(b"\n]}\n")
}

/// Appends feature `n` of `layer` as GeoJSON.
pub fn write_layer_feature(out: &mut Vec<u8>, layer: &Layer<'_>, n: usize) {
    let feature = layer.feature(n);
    write_feature(out, &feature.id, &feature.shape, layer.fields, &feature.values);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        let long = "x".repeat(15) + "\"" + &"y".repeat(20);
        for s in [
            "",
            "plain text, with ünïcödé and a / slash",
            "a \"quote\"",
            "back\\slash",
            "tab\tand\nnew line",
            "\u{1f}",
            "\u{7f} is not escaped",
            &long,
            &"z".repeat(16),
        ] {
            let mut ours = Vec::new();
            json_str(&mut ours, s);
            assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn field_names_need_no_escaping() {
        let store = crate::store::Store::load(None).unwrap();
        for name in crate::store::LayerName::ALL {
            let layer = store.layer(name, &Default::default());
            for field in layer.fields {
                assert_eq!(serde_json::to_string(field.name).unwrap(), format!("\"{}\"", field.name));
            }
        }
    }
}
