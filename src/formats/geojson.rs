//! GeoJSON (RFC 7946) output: longitude first, no `crs` member, one feature per line.

use std::io::{self, Write};

use serde::Serialize;

use crate::model::{Background, Incident, LonLat, Variant};

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

/// Writes incidents as a GeoJSON FeatureCollection, streaming (one feature per line).
pub fn write_incidents<'a>(w: &mut dyn Write, incidents: impl Iterator<Item = &'a Incident>) -> io::Result<()> {
    w.write_all(b"{\"type\":\"FeatureCollection\",\"name\":\"incidents\",\"features\":[\n")?;
    for (n, i) in incidents.enumerate() {
        if n > 0 {
            w.write_all(b",\n")?;
        }
        let feature = IncidentFeature {
            kind: "Feature",
            id: &i.event_id,
            properties: IncidentProperties::of(i),
            geometry: PointGeometry::new(i.position),
        };
        serde_json::to_writer(&mut *w, &feature)?;
    }
    w.write_all(b"\n]}\n")
}
