//! The store's data as exportable [`Layer`]s: incidents (with what was measured of them), places, border lines
//! and country polygons, each with typed fields, provenance and the web map's style.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::Datelike;

use super::{BorderChoice, IncidentFilter, Store};
use crate::formats::ExportFormat;
use crate::formats::layer::{Feature, Field, FieldKind as K, GeometryKind, Layer, Rgb, Shape, Style, Symbol, Value};
use crate::geodesy::uncertainty_radius_m;
use crate::model::{Incident, IncidentFacts};

/// The layers borderline exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LayerName {
    /// Incidents, filtered.
    Incidents,
    /// The gazetteer.
    Places,
    /// Border lines, every pair and source.
    Borders,
    /// Country polygons.
    Countries,
}

impl LayerName {
    /// All four, in the order files list them.
    pub const ALL: [LayerName; 4] = [LayerName::Incidents, LayerName::Places, LayerName::Borders, LayerName::Countries];

    /// The table name.
    pub fn as_str(&self) -> &'static str {
        match self {
            LayerName::Incidents => "incidents",
            LayerName::Places => "places",
            LayerName::Borders => "borders",
            LayerName::Countries => "countries",
        }
    }
}

impl fmt::Display for LayerName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LayerName {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LayerName::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("{s:?} is not a layer; valid: incidents, places, borders, countries"))
    }
}

/// The layers an export of `format` writes: those asked for (duplicates dropped), or by default all four for
/// formats that hold several and the incidents for the others. An error says so when a one-layer format is
/// asked for several.
pub fn export_layers(format: ExportFormat, asked: &[LayerName]) -> Result<Vec<LayerName>, String> {
    let mut names: Vec<LayerName> = Vec::with_capacity(asked.len());
    for &n in asked {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    if names.is_empty() {
        names = if format.holds_several_layers() { LayerName::ALL.to_vec() } else { vec![LayerName::Incidents] };
    }
    if names.len() > 1 && !format.holds_several_layers() {
        return Err(format!("{format} holds one layer; {} were asked for (use gpkg or kml for several)", names.len()));
    }
    Ok(names)
}

/// Incident fields: ACLED's names in the codebook's order for those with an ACLED counterpart, then borderline's.
pub const INCIDENT_FIELDS: &[Field] = &[
    Field::new("event_id_cnty", K::Text),
    Field::new("event_date", K::Date),
    Field::new("year", K::Integer),
    Field::new("time_precision", K::Integer),
    Field::new("event_type", K::Text),
    Field::new("sub_event_type", K::Text),
    Field::new("actor1", K::Text),
    Field::new("actor2", K::Text),
    Field::new("iso", K::Integer),
    Field::new("country", K::Text),
    Field::new("admin1", K::Text),
    Field::new("location", K::Text),
    Field::new("latitude", K::Real),
    Field::new("longitude", K::Real),
    Field::new("geo_precision", K::Integer),
    Field::new("source", K::Text),
    Field::new("notes", K::Text),
    Field::new("fatalities", K::Integer),
    Field::new("timestamp", K::Integer),
    Field::new("iso3", K::Text),
    Field::new("date_start", K::Date),
    Field::new("date_end", K::Date),
    Field::new("fatalities_low", K::Integer),
    Field::new("fatalities_high", K::Integer),
    Field::new("place_id", K::Text),
    Field::new("sources", K::Text),
    Field::new("variants", K::Json),
    Field::new("background", K::Json),
    Field::new("status", K::Text),
    Field::new("version", K::Integer),
    Field::new("updated_at", K::Text),
    Field::new("updated_by", K::Text),
    Field::new("border_distance_m", K::Real),
    Field::new("border", K::Text),
    Field::new("border_side", K::Text),
    Field::new("country_side", K::Text),
    Field::new("uncertainty_radius_m", K::Real),
    Field::new("border_distance_min_m", K::Real),
    Field::new("border_distance_max_m", K::Real),
    Field::new("side_certain", K::Boolean),
];

/// Incident properties the server works out itself: a file or a request body may carry them (an export, a GIS
/// client sending back what it read), but they are never taken from it.
pub const DERIVED_FIELDS: &[&str] = &[
    "year",
    "iso",
    "latitude",
    "longitude",
    "version",
    "updated_at",
    "updated_by",
    "border_distance_m",
    "border",
    "border_side",
    "country_side",
    "uncertainty_radius_m",
    "border_distance_min_m",
    "border_distance_max_m",
    "side_certain",
    "change_reason",
];

const PLACE_FIELDS: &[Field] = &[
    Field::new("id", K::Text),
    Field::new("name", K::Text),
    Field::new("alternate_names", K::Text),
    Field::new("shared_names", K::Text),
    Field::new("country", K::Text),
    Field::new("kind", K::Text),
    Field::new("population", K::Integer),
    Field::new("coordinates_from", K::Json),
    Field::new("note", K::Text),
    Field::new("border_distance_m", K::Real),
    Field::new("border", K::Text),
    Field::new("border_side", K::Text),
];

const BORDER_FIELDS: &[Field] = &[
    Field::new("id", K::Text),
    Field::new("pair", K::Text),
    Field::new("name", K::Text),
    Field::new("source", K::Text),
    Field::new("length_m", K::Real),
    Field::new("disputed", K::Boolean),
    Field::new("left", K::Text),
    Field::new("right", K::Text),
];

const COUNTRY_FIELDS: &[Field] =
    &[Field::new("iso3", K::Text), Field::new("name", K::Text), Field::new("disputed", K::Boolean)];

const OUTLINE: Rgb = Rgb::hex(0x232323);

const fn marker(rgb: u32) -> Symbol {
    Symbol { color: Rgb::hex(rgb), outline: OUTLINE, dashed: false }
}

/// The web map's colours by event type (Okabe–Ito, told apart with the common forms of colour blindness).
pub const EVENT_TYPE_SYMBOLS: &[(&str, &str, Symbol)] = &[
    ("Battles", "Battles", marker(0xD55E00)),
    ("Explosions/Remote violence", "Explosions/Remote violence", marker(0xE69F00)),
    ("Violence against civilians", "Violence against civilians", marker(0xCC79A7)),
    ("Protests", "Protests", marker(0x009E73)),
    ("Riots", "Riots", marker(0x8C7A00)),
    ("Strategic developments", "Strategic developments", marker(0x0072B2)),
];

const BORDER_SYMBOLS: &[(&str, &str, Symbol)] = &[
    ("osm", "OpenStreetMap", Symbol { color: Rgb::hex(0xB30000), outline: Rgb::hex(0xB30000), dashed: false }),
    ("naturalearth", "Natural Earth", Symbol { color: Rgb::hex(0x1F5FBF), outline: Rgb::hex(0x1F5FBF), dashed: true }),
];

fn mm(m: f64) -> Value<'static> {
    if m.is_finite() { Value::Real(crate::formats::geojson::round_mm(m)) } else { Value::Null }
}

/// A list as one `;`-separated text (GeoPackage, CSV and GDAL's GeoJSON reader have no list type), `Null` when
/// empty.
fn list(items: &[String]) -> Value<'static> {
    if items.is_empty() { Value::Null } else { Value::Text(Cow::Owned(items.join(";"))) }
}

fn json_text<T: serde::Serialize + ?Sized>(value: &T, empty: bool) -> Value<'static> {
    if empty {
        Value::Null
    } else {
        Value::Text(Cow::Owned(serde_json::to_string(value).expect("plain data serialises")))
    }
}

/// Appends incident `i` as a GeoJSON feature (what the OGC API serves): [`INCIDENT_FIELDS`] as properties.
pub fn write_incident_geojson(out: &mut Vec<u8>, i: &Incident, f: &IncidentFacts) {
    crate::formats::geojson::write_feature(
        out,
        &i.event_id,
        &Shape::Point(i.position),
        INCIDENT_FIELDS,
        &incident_values(i, f),
    );
}

/// An incident's values in [`INCIDENT_FIELDS`] order.
pub fn incident_values<'a>(i: &'a Incident, f: &IncidentFacts) -> Vec<Value<'a>> {
    let r = uncertainty_radius_m(i.geo_precision);
    let d = f.border_distance_m;
    let sources = i.sources_text();
    vec![
        Value::Text(Cow::Borrowed(&i.event_id)),
        Value::Date(i.event_date),
        Value::Integer(i.event_date.year().into()),
        Value::Integer(i.time_precision.code().into()),
        Value::Text(Cow::Borrowed(i.event_type.as_str())),
        Value::text(&i.sub_event_type),
        Value::text(&i.actor1),
        Value::text(&i.actor2),
        i.iso3.and_then(|c| c.numeric()).map_or(Value::Null, |n| Value::Integer(n.into())),
        Value::text(&i.country),
        Value::opt_text(i.admin1.as_deref()),
        Value::text(&i.location),
        Value::Real(i.position.y),
        Value::Real(i.position.x),
        Value::Integer(i.geo_precision.code().into()),
        Value::opt_text(i.source.as_deref()),
        Value::text(&i.notes),
        Value::opt_int(i.fatalities),
        i.timestamp.map_or(Value::Null, Value::Integer),
        i.iso3.map_or(Value::Null, |c| Value::Text(Cow::Owned(c.to_string()))),
        Value::Date(i.dates.start),
        Value::Date(i.dates.end),
        Value::opt_int(i.fatalities_low),
        Value::opt_int(i.fatalities_high),
        Value::opt_text(i.place_id.as_deref()),
        if sources.is_empty() { Value::Null } else { Value::Text(Cow::Owned(sources)) },
        json_text(&i.variants, i.variants.is_empty()),
        json_text(&i.background, i.background.is_empty()),
        Value::Text(Cow::Borrowed(i.revision.status.as_str())),
        Value::Integer(i.revision.version.into()),
        i.revision.updated_at.map_or(Value::Null, |t| Value::Text(Cow::Owned(crate::model::format_time(&t)))),
        Value::opt_text(i.revision.updated_by.as_deref()),
        mm(d),
        Value::Text(Cow::Owned(f.border.to_string())),
        Value::Text(Cow::Owned(f.side_of_line.to_string())),
        f.country.map_or(Value::Null, |c| Value::Text(Cow::Owned(c.to_string()))),
        Value::Real(r),
        mm((d - r).max(0.0)),
        mm(d + r),
        Value::Boolean(d > r),
    ]
}

impl Store {
    /// The layer called `name`; `filter` selects the incidents (other layers are exported whole).
    pub fn layer(&self, name: LayerName, filter: &IncidentFilter) -> Layer<'_> {
        match name {
            LayerName::Incidents => self.incident_layer(self.select_incidents(filter)),
            LayerName::Places => self.place_layer(),
            LayerName::Borders => self.border_layer(),
            LayerName::Countries => self.country_layer(),
        }
    }

    /// The incidents numbered `ids` as a layer.
    pub fn incident_layer(&self, ids: Vec<u32>) -> Layer<'_> {
        let ids = std::sync::Arc::new(ids);
        let points = ids.clone();
        let documents: Vec<&str> = self.register.documents.iter().map(|d| d.id.as_str()).collect();
        Layer {
            name: "incidents",
            title: "Border incidents",
            description: format!(
                "Incidents of the Algeria–Mali border region, with the exact WGS84 distance to the nearest border \
                 (OpenStreetMap line), the side and the distance range allowed by geo_precision. Each cites its \
                 sources: documents of the borderline register ({}) or the outlets of imported data.",
                documents.join(", ")
            ),
            geometry: GeometryKind::Point,
            fields: INCIDENT_FIELDS,
            label: "location",
            style: Style::Categorized { field: "event_type", classes: EVENT_TYPE_SYMBOLS, other: marker(0x777777) },
            // The web map's radius, min(16, 4 + 2·√fatalities) px, as a diameter in mm at 96 dpi.
            size_expression: Some(r#"min(8.5, 2.1 + 1.06 * sqrt(coalesce("fatalities", 0)))"#),
            labelled: false,
            time: Some(("date_start", "date_end")),
            len: ids.len(),
            feature: Box::new(move |n| {
                let k = ids[n];
                let i = self.get(k);
                Feature {
                    id: Cow::Borrowed(&i.event_id),
                    shape: Shape::Point(i.position),
                    values: incident_values(i, &self.facts(k)),
                }
            }),
            envelope: Some(Box::new(move |n| {
                let p = self.get(points[n]).position;
                [p.x, p.y, p.x, p.y]
            })),
        }
    }

    fn place_layer(&self) -> Layer<'_> {
        Layer {
            name: "places",
            title: "Places",
            description:
                "Gazetteer of the region: coordinates from GeoNames (CC-BY 4.0) and OpenStreetMap (ODbL 1.0), \
                          as each place's coordinates_from says; every spelling found in the sources."
                    .into(),
            geometry: GeometryKind::Point,
            fields: PLACE_FIELDS,
            label: "name",
            style: Style::Single(Symbol { color: Rgb::hex(0x3A3A3A), outline: Rgb::hex(0xFFFFFF), dashed: false }),
            size_expression: None,
            labelled: true,
            time: None,
            len: self.places.len(),
            feature: Box::new(move |n| {
                let p = &self.places[n];
                let border = self.distance_to_border(p.position, BorderChoice::default()).ok();
                let text = |s: String| Value::Text(Cow::Owned(s));
                Feature {
                    id: Cow::Borrowed(&p.id),
                    shape: Shape::Point(p.position),
                    values: vec![
                        Value::text(&p.id),
                        Value::text(&p.name),
                        list(&p.alternate_names),
                        list(&p.shared_names),
                        text(p.country.to_string()),
                        Value::text(&p.kind),
                        Value::opt_int(p.population),
                        json_text(&p.coordinates_from, p.coordinates_from.is_null()),
                        Value::opt_text(p.note.as_deref()),
                        border.as_ref().map_or(Value::Null, |b| mm(b.distance_m)),
                        border.as_ref().map_or(Value::Null, |b| text(b.border.to_string())),
                        border.as_ref().map_or(Value::Null, |b| text(b.side_of_line.to_string())),
                    ],
                }
            }),
            envelope: None,
        }
    }

    fn border_layer(&self) -> Layer<'_> {
        Layer {
            name: "borders",
            title: "Border lines",
            description: "International borders of the region, one feature per pair and source: osm from \
                          OpenStreetMap (© OpenStreetMap contributors, ODbL 1.0), naturalearth from Natural Earth \
                          (public domain). Edges are WGS84 geodesics; the first country of the pair is on the left."
                .into(),
            geometry: GeometryKind::MultiLineString,
            fields: BORDER_FIELDS,
            label: "name",
            style: Style::Categorized { field: "source", classes: BORDER_SYMBOLS, other: marker(0x555555) },
            size_expression: None,
            labelled: false,
            time: None,
            len: self.borders.len(),
            feature: Box::new(move |n| {
                let b = &self.borders[n];
                let text = |s: String| Value::Text(Cow::Owned(s));
                Feature {
                    id: Cow::Borrowed(&b.id),
                    shape: Shape::Lines(&b.parts),
                    values: vec![
                        Value::text(&b.id),
                        text(b.pair.to_string()),
                        Value::text(&b.name),
                        Value::Text(Cow::Borrowed(b.source.as_str())),
                        mm(b.length_m),
                        Value::Boolean(b.disputed),
                        text(b.pair.left.to_string()),
                        text(b.pair.right.to_string()),
                    ],
                }
            }),
            envelope: None,
        }
    }

    fn country_layer(&self) -> Layer<'_> {
        Layer {
            name: "countries",
            title: "Countries",
            description: "Country polygons of the region from OpenStreetMap (© OpenStreetMap contributors, \
                          ODbL 1.0), repaired and clipped to lon −18…25, lat 8…38; Western Sahara is cut out of \
                          Morocco and flagged disputed."
                .into(),
            geometry: GeometryKind::MultiPolygon,
            fields: COUNTRY_FIELDS,
            label: "name",
            style: Style::Single(Symbol { color: Rgb::hex(0xF4F1E8), outline: Rgb::hex(0x9A9488), dashed: false }),
            size_expression: None,
            labelled: false,
            time: None,
            len: self.countries.len(),
            feature: Box::new(move |n| {
                let c = &self.countries[n];
                Feature {
                    id: Cow::Owned(c.iso3.to_string()),
                    shape: Shape::Polygons(&c.area),
                    values: vec![
                        Value::Text(Cow::Owned(c.iso3.to_string())),
                        Value::text(&c.name),
                        Value::Boolean(c.disputed),
                    ],
                }
            }),
            envelope: None,
        }
    }
}
