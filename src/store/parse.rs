//! GeoJSON → model, with validation that reports every problem (file, line, feature id, field).
//!
//! Each feature is first split out as raw JSON (so its byte offset, hence its line, is known), then its
//! members are read one by one so that an error names the member it is in.

use std::borrow::Cow;
use std::collections::HashSet;
use std::str::FromStr;
use std::sync::Arc;

use chrono::Datelike;
use geo::{LineString, MultiPolygon, Polygon};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::issue::Issue;
use crate::model::{
    Background, Border, BorderPair, BorderSource, Country, DateInterval, EventType, GeoPrecision, Incident, Iso3,
    LonLat, Place, Revision, Status, TimePrecision, Variant, parse_iso_date, parse_time,
};

/// A problem whose line is not resolved yet: `offset` is a byte offset into the file text.
#[derive(Debug)]
pub(crate) struct Pending {
    offset: usize,
    feature: Option<String>,
    field: Option<String>,
    message: String,
}

impl Pending {
    /// A problem at a byte offset that belongs to no feature.
    pub fn at(offset: usize, message: String) -> Pending {
        Pending { offset, feature: None, field: None, message }
    }
}

/// Turns pending problems into [`Issue`]s by reading `source` once, counting lines up to each offset.
pub(crate) fn resolve(file: &str, mut source: impl std::io::Read, mut pending: Vec<Pending>) -> Vec<Issue> {
    pending.sort_by_key(|p| p.offset);
    let mut buf = vec![0u8; 1 << 20];
    let (mut line, mut pos, mut filled_to) = (1usize, 0usize, 0usize);
    let mut out = Vec::with_capacity(pending.len());
    let mut iter = pending.into_iter().peekable();
    'outer: while iter.peek().is_some() {
        let n = match source.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let chunk_start = filled_to;
        filled_to += n;
        while let Some(p) = iter.peek() {
            let end = p.offset.min(filled_to);
            line += buf[pos - chunk_start..end - chunk_start].iter().filter(|&&b| b == b'\n').count();
            pos = end;
            if p.offset > filled_to {
                continue 'outer;
            }
            let p = iter.next().expect("peeked");
            out.push(Issue {
                file: file.to_string(),
                line: Some(line),
                feature: p.feature,
                field: p.field,
                message: p.message,
            });
        }
    }
    // Offsets at or past the end of the input belong to its last line.
    out.extend(iter.map(|p| Issue {
        file: file.to_string(),
        line: Some(line),
        feature: p.feature,
        field: p.field,
        message: p.message,
    }));
    out
}

#[derive(Deserialize)]
struct RawCollection<'a> {
    #[serde(rename = "type")]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    features: Option<Vec<&'a RawValue>>,
}

/// Splits a FeatureCollection into its raw features with their byte offsets.
pub(crate) fn split_features<'a>(file: &str, text: &'a str) -> Result<Vec<(usize, &'a RawValue)>, Vec<Issue>> {
    let top = |message: String, line: Option<usize>| {
        vec![Issue { file: file.to_string(), line, feature: None, field: None, message }]
    };
    let coll: RawCollection = serde_json::from_str(text)
        .map_err(|e| top(format!("invalid JSON at column {}: {e}", e.column()), Some(e.line())))?;
    match coll.kind.as_deref() {
        Some("FeatureCollection") => {}
        Some(other) => {
            return Err(top(format!("top-level type is {other:?}; expected \"FeatureCollection\""), Some(1)));
        }
        None => {
            return Err(top("top-level object has no \"type\"; expected a GeoJSON FeatureCollection".into(), Some(1)));
        }
    }
    let features = coll.features.ok_or_else(|| top("FeatureCollection has no \"features\" array".into(), Some(1)))?;
    let base = text.as_ptr() as usize;
    Ok(features.into_iter().map(|raw| (raw.get().as_ptr() as usize - base, raw)).collect())
}

/// Reads one feature's members, recording problems against it.
pub(crate) struct FeatureReader<'a, 'p> {
    offset: usize,
    id: Option<String>,
    pending: &'p mut Vec<Pending>,
    _text: std::marker::PhantomData<&'a str>,
}

#[derive(Deserialize)]
struct RawFeature<'a> {
    #[serde(rename = "type")]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    geometry: Option<&'a RawValue>,
    #[serde(borrow)]
    properties: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawGeometry<'a> {
    #[serde(rename = "type")]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    coordinates: Option<&'a RawValue>,
}

/// The members of a feature every layer has.
pub(crate) struct FeatureParts<'a> {
    pub id: Option<Cow<'a, str>>,
    pub geometry_type: Option<Cow<'a, str>>,
    pub coordinates: Option<&'a RawValue>,
    pub properties: Option<&'a RawValue>,
}

impl<'a, 'p> FeatureReader<'a, 'p> {
    pub fn new(offset: usize, pending: &'p mut Vec<Pending>) -> Self {
        FeatureReader { offset, id: None, pending, _text: std::marker::PhantomData }
    }

    pub fn set_id(&mut self, id: &str) {
        self.id = Some(id.to_string());
    }

    pub fn problem(&mut self, field: Option<&str>, message: impl Into<String>) {
        self.pending.push(Pending {
            offset: self.offset,
            feature: self.id.clone(),
            field: field.map(str::to_string),
            message: message.into(),
        });
    }

    /// Splits the feature into id, geometry and properties.
    pub fn parts(&mut self, raw: &'a RawValue) -> Option<FeatureParts<'a>> {
        let feature: RawFeature = match serde_json::from_str(raw.get()) {
            Ok(f) => f,
            Err(e) => {
                self.problem(None, format!("not a GeoJSON Feature object: {e}"));
                return None;
            }
        };
        let id = match feature.id {
            None => None,
            Some(raw_id) => match serde_json::from_str::<serde_json::Value>(raw_id.get()) {
                Ok(serde_json::Value::String(s)) => Some(Cow::Owned(s)),
                Ok(serde_json::Value::Number(n)) => Some(Cow::Owned(n.to_string())),
                _ => {
                    self.problem(Some("id"), "feature id must be a string or a number (RFC 7946 §3.2)");
                    None
                }
            },
        };
        if let Some(id) = &id {
            self.set_id(id);
        }
        if feature.kind.as_deref() != Some("Feature") {
            self.problem(Some("type"), format!("is {:?}; expected \"Feature\"", feature.kind.as_deref().unwrap_or("")));
        }
        let (geometry_type, coordinates) = match feature.geometry {
            None => (None, None),
            Some(g) => match serde_json::from_str::<RawGeometry>(g.get()) {
                Ok(g) => (g.kind, g.coordinates),
                Err(e) => {
                    self.problem(Some("geometry"), format!("not a GeoJSON geometry object: {e}"));
                    return None;
                }
            },
        };
        Some(FeatureParts { id, geometry_type, coordinates, properties: feature.properties })
    }

    /// Checks the geometry type is one of `allowed`; returns it.
    pub fn geometry_type<'t>(&mut self, found: &'t Option<Cow<'a, str>>, allowed: &[&str]) -> Option<&'t str> {
        match found.as_deref() {
            Some(t) if allowed.contains(&t) => Some(t),
            Some(t) => {
                self.problem(Some("geometry.type"), format!("is {t:?}; expected {}", allowed.join(" or ")));
                None
            }
            None => {
                self.problem(Some("geometry"), format!("missing; expected a {} geometry", allowed.join(" or ")));
                None
            }
        }
    }

    /// Reads a GeoJSON position and checks its ranges.
    pub fn position(&mut self, field: &str, pos: &[f64]) -> Option<LonLat> {
        if pos.len() < 2 || pos.len() > 3 {
            self.problem(Some(field), format!("a position needs 2 numbers [longitude, latitude]; got {}", pos.len()));
            return None;
        }
        let (lon, lat) = (pos[0], pos[1]);
        if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
            let hint = if (-90.0..=90.0).contains(&lon) && (-180.0..=180.0).contains(&lat) {
                " — it looks like [latitude, longitude]; GeoJSON is [longitude, latitude]"
            } else {
                ""
            };
            self.problem(
                Some(field),
                format!("[{lon}, {lat}] is out of range: longitude must be in -180..180 and latitude in -90..90{hint}"),
            );
            return None;
        }
        Some(LonLat { x: lon, y: lat })
    }

    /// Parses coordinates into `T` (nested arrays of numbers).
    pub fn coordinates<T: Deserialize<'a>>(&mut self, raw: Option<&'a RawValue>, shape: &str) -> Option<T> {
        let Some(raw) = raw else {
            self.problem(Some("geometry.coordinates"), format!("missing; expected {shape}"));
            return None;
        };
        match serde_json::from_str(raw.get()) {
            Ok(v) => Some(v),
            Err(_) => {
                self.problem(Some("geometry.coordinates"), format!("expected {shape}"));
                None
            }
        }
    }

    pub fn point(&mut self, parts: &FeatureParts<'a>) -> Option<LonLat> {
        self.geometry_type(&parts.geometry_type, &["Point"])?;
        let pos: Vec<f64> = self.coordinates(parts.coordinates, "[longitude, latitude]")?;
        self.position("geometry.coordinates", &pos)
    }

    pub fn line(&mut self, field: &str, raw: &[Vec<f64>]) -> Option<Vec<LonLat>> {
        if raw.len() < 2 {
            self.problem(Some(field), format!("a LineString needs at least 2 positions; got {}", raw.len()));
            return None;
        }
        raw.iter().map(|p| self.position(field, p)).collect()
    }

    pub fn ring(&mut self, field: &str, raw: &[Vec<f64>]) -> Option<LineString<f64>> {
        let coords: Vec<LonLat> = raw.iter().map(|p| self.position(field, p)).collect::<Option<_>>()?;
        if coords.len() < 4 {
            self.problem(Some(field), format!("a linear ring needs at least 4 positions; got {}", coords.len()));
            return None;
        }
        if coords.first() != coords.last() {
            self.problem(
                Some(field),
                format!(
                    "linear ring is not closed: first position {:?} differs from last {:?} (RFC 7946 §3.1.6)",
                    (coords[0].x, coords[0].y),
                    (coords[coords.len() - 1].x, coords[coords.len() - 1].y)
                ),
            );
            return None;
        }
        Some(LineString::new(coords))
    }

    pub fn polygon(&mut self, field: &str, raw: &[Vec<Vec<f64>>]) -> Option<Polygon<f64>> {
        let mut rings = raw.iter().map(|r| self.ring(field, r)).collect::<Option<Vec<_>>>()?.into_iter();
        match rings.next() {
            Some(exterior) => Some(Polygon::new(exterior, rings.collect())),
            None => {
                self.problem(Some(field), "a polygon needs at least one ring");
                None
            }
        }
    }
}

/// Reads typed properties, naming the property in every error.
pub(crate) struct Props<'a> {
    map: std::collections::HashMap<Cow<'a, str>, &'a RawValue>,
}

impl<'a> Props<'a> {
    pub fn new(r: &mut FeatureReader<'a, '_>, raw: Option<&'a RawValue>) -> Option<Props<'a>> {
        let Some(raw) = raw else {
            r.problem(Some("properties"), "missing; expected an object");
            return None;
        };
        match serde_json::from_str(raw.get()) {
            Ok(map) => Some(Props { map }),
            Err(_) if raw.get() == "null" => {
                r.problem(Some("properties"), "is null; expected an object");
                None
            }
            Err(_) => {
                r.problem(Some("properties"), "expected an object");
                None
            }
        }
    }

    /// The raw value, or `None` when absent or null.
    pub fn raw(&self, key: &str) -> Option<&'a RawValue> {
        self.map.get(key).copied().filter(|v| v.get() != "null")
    }

    pub fn opt_str(&self, r: &mut FeatureReader<'a, '_>, key: &str) -> Option<Cow<'a, str>> {
        let raw = self.raw(key)?;
        match serde_json::from_str::<Cow<'a, str>>(raw.get()) {
            Ok(s) => Some(s),
            Err(_) => {
                r.problem(Some(key), format!("expected a string; got {}", describe(raw)));
                None
            }
        }
    }

    pub fn req_str(&self, r: &mut FeatureReader<'a, '_>, key: &str) -> Option<Cow<'a, str>> {
        if self.raw(key).is_none() {
            r.problem(Some(key), "required property is missing");
            return None;
        }
        self.opt_str(r, key)
    }

    pub fn opt_f64(&self, r: &mut FeatureReader<'a, '_>, key: &str) -> Option<f64> {
        let raw = self.raw(key)?;
        match serde_json::from_str::<f64>(raw.get()) {
            Ok(v) => Some(v),
            Err(_) => {
                r.problem(Some(key), format!("expected a number; got {}", describe(raw)));
                None
            }
        }
    }

    pub fn opt_bool(&self, r: &mut FeatureReader<'a, '_>, key: &str) -> Option<bool> {
        let raw = self.raw(key)?;
        match serde_json::from_str::<bool>(raw.get()) {
            Ok(v) => Some(v),
            Err(_) => {
                r.problem(Some(key), format!("expected true or false; got {}", describe(raw)));
                None
            }
        }
    }

    pub fn opt_parse<T: FromStr<Err = String>>(&self, r: &mut FeatureReader<'a, '_>, key: &str) -> Option<T> {
        let s = self.opt_str(r, key)?;
        match s.parse() {
            Ok(v) => Some(v),
            Err(m) => {
                r.problem(Some(key), m);
                None
            }
        }
    }

    pub fn req_parse<T: FromStr<Err = String>>(&self, r: &mut FeatureReader<'a, '_>, key: &str) -> Option<T> {
        if self.raw(key).is_none() {
            r.problem(Some(key), "required property is missing");
            return None;
        }
        self.opt_parse(r, key)
    }

    pub fn opt_json<T: Deserialize<'a>>(&self, r: &mut FeatureReader<'a, '_>, key: &str, shape: &str) -> Option<T> {
        let raw = self.raw(key)?;
        match serde_json::from_str::<T>(raw.get()) {
            Ok(v) => Some(v),
            Err(e) => {
                r.problem(Some(key), format!("expected {shape}: {e}"));
                None
            }
        }
    }
}

fn describe(raw: &RawValue) -> String {
    let s = raw.get();
    let kind = match s.as_bytes().first() {
        Some(b'"') => "a string",
        Some(b'{') => "an object",
        Some(b'[') => "an array",
        Some(b't' | b'f') => "a boolean",
        Some(b'n') => "null",
        _ => "a number",
    };
    let shown: String = s.chars().take(40).collect();
    format!("{kind} {shown}")
}

/// Shares one allocation between equal strings (actors, types, countries repeat across incidents).
#[derive(Default)]
pub(crate) struct Interner {
    set: rustc_hash::FxHashSet<Arc<str>>,
}

impl Interner {
    pub fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.set.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        self.set.insert(a.clone());
        a
    }
}

/// What incident parsing needs to know about the rest of the data.
pub(crate) struct IncidentContext<'c> {
    pub place_ids: &'c (dyn Ids + Sync),
    pub source_ids: &'c (dyn Ids + Sync),
}

/// The ids a reference may name: what an incident's `place_id` and `sources` are checked against. Asked
/// once for every incident of a file and of every edit, so a set is built once and asked many times.
pub(crate) trait Ids {
    /// Whether `id` is one of them.
    fn has(&self, id: &str) -> bool;
}

impl<T: std::borrow::Borrow<str> + std::hash::Hash + Eq, S: std::hash::BuildHasher> Ids for HashSet<T, S> {
    fn has(&self, id: &str) -> bool {
        self.contains(id)
    }
}

/// A register is searched directly: a lookup among its few documents costs less than hashing them all into a
/// set for every incident read.
impl Ids for crate::model::SourceRegister {
    fn has(&self, id: &str) -> bool {
        self.document(id).is_some()
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct IncidentFeatureWire<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub geometry: Option<PointWire<'a>>,
    #[serde(borrow)]
    pub properties: Option<IncidentWire<'a>>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct PointWire<'a> {
    #[serde(rename = "type", borrow)]
    pub kind: Option<Cow<'a, str>>,
    pub coordinates: Option<Vec<f64>>,
}

/// An incident's properties with their JSON types checked in one pass.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct IncidentWire<'a> {
    #[serde(borrow, alias = "event_id_cnty")]
    pub event_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub event_date: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub date_start: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub date_end: Option<Cow<'a, str>>,
    pub time_precision: Option<u64>,
    pub year: Option<u64>,
    #[serde(borrow)]
    pub event_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub sub_event_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub actor1: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub actor2: Option<Cow<'a, str>>,
    pub fatalities: Option<u64>,
    pub fatalities_low: Option<u64>,
    pub fatalities_high: Option<u64>,
    #[serde(borrow)]
    pub location: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub place_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub country: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub iso3: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub admin1: Option<Cow<'a, str>>,
    pub geo_precision: Option<u64>,
    #[serde(borrow)]
    pub notes: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "source_list")]
    pub sources: Option<Vec<Cow<'a, str>>>,
    #[serde(borrow)]
    pub source: Option<Cow<'a, str>>,
    pub variants: Option<Vec<Variant>>,
    pub background: Option<Vec<Background>>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub timestamp: Option<i64>,
    #[serde(borrow)]
    pub status: Option<Cow<'a, str>>,
    pub version: Option<u64>,
    #[serde(borrow)]
    pub updated_at: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub updated_by: Option<Cow<'a, str>>,
}

/// The items of a list property written as one `;`-separated string (as every export writes it, since GDAL's
/// GeoPackage and CSV drivers have no list type), or as a JSON array of strings (older data directories).
pub(crate) fn split_list<'a>(text: Cow<'a, str>) -> Vec<Cow<'a, str>> {
    match text {
        Cow::Borrowed(s) => s.split(';').map(str::trim).filter(|t| !t.is_empty()).map(Cow::Borrowed).collect(),
        Cow::Owned(s) => {
            s.split(';').map(str::trim).filter(|t| !t.is_empty()).map(|t| Cow::Owned(t.to_string())).collect()
        }
    }
}

fn source_list<'de: 'a, 'a, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<Cow<'a, str>>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum List<'a> {
        Text(#[serde(borrow)] Cow<'a, str>),
        Items(#[serde(borrow)] Vec<Cow<'a, str>>),
    }
    Ok(Option::<List<'a>>::deserialize(d)?.map(|l| match l {
        List::Text(t) => split_list(t),
        List::Items(v) => v,
    }))
}

/// What each incident property must be, for precise messages when the fast path fails.
#[derive(Clone, Copy)]
enum Expect {
    Str,
    UInt,
    Int,
    Num,
    /// A `;`-separated string, or an array of strings.
    StrList,
    ObjArray,
}

const INCIDENT_FIELDS: &[(&str, Expect)] = &[
    ("event_id", Expect::Str),
    ("event_id_cnty", Expect::Str),
    ("event_date", Expect::Str),
    ("date_start", Expect::Str),
    ("date_end", Expect::Str),
    ("time_precision", Expect::UInt),
    ("year", Expect::UInt),
    ("event_type", Expect::Str),
    ("sub_event_type", Expect::Str),
    ("actor1", Expect::Str),
    ("actor2", Expect::Str),
    ("fatalities", Expect::UInt),
    ("fatalities_low", Expect::UInt),
    ("fatalities_high", Expect::UInt),
    ("location", Expect::Str),
    ("place_id", Expect::Str),
    ("country", Expect::Str),
    ("iso3", Expect::Str),
    ("admin1", Expect::Str),
    ("geo_precision", Expect::UInt),
    ("notes", Expect::Str),
    ("sources", Expect::StrList),
    ("source", Expect::Str),
    ("variants", Expect::ObjArray),
    ("background", Expect::ObjArray),
    ("latitude", Expect::Num),
    ("longitude", Expect::Num),
    ("timestamp", Expect::Int),
];

/// The slow path: find and name every property (or geometry member) whose JSON type is wrong.
fn incident_type_errors<'a>(r: &mut FeatureReader<'a, '_>, raw: &'a str) {
    let raw: &'a RawValue = match serde_json::from_str(raw) {
        Ok(v) => v,
        Err(e) => {
            r.problem(
                None,
                format!("invalid JSON in this feature (its line {}, column {}): {e}", e.line(), e.column()),
            );
            return;
        }
    };
    let Some(parts) = r.parts(raw) else { return };
    let Some(p) = Props::new(r, parts.properties) else { return };
    if let Some(id) = p.opt_str(r, "event_id").or_else(|| p.opt_str(r, "event_id_cnty")) {
        r.set_id(&id);
    }
    let before = r.pending.len();
    r.point(&parts);
    for &(key, expect) in INCIDENT_FIELDS {
        let Some(v) = p.raw(key) else { continue };
        let (ok, shape) = match expect {
            Expect::Str => (serde_json::from_str::<Cow<str>>(v.get()).is_ok(), "a string"),
            Expect::UInt => (serde_json::from_str::<u64>(v.get()).is_ok(), "a whole number ≥ 0"),
            Expect::Int => (serde_json::from_str::<i64>(v.get()).is_ok(), "a whole number"),
            Expect::Num => (serde_json::from_str::<f64>(v.get()).is_ok(), "a number"),
            Expect::StrList => (
                serde_json::from_str::<Cow<str>>(v.get()).is_ok()
                    || serde_json::from_str::<Vec<Cow<str>>>(v.get()).is_ok(),
                "a string of ids separated by ';', or an array of strings",
            ),
            Expect::ObjArray => (
                match key {
                    "variants" => serde_json::from_str::<Vec<Variant>>(v.get()).is_ok(),
                    _ => serde_json::from_str::<Vec<Background>>(v.get()).is_ok(),
                },
                if key == "variants" { "an array of {field, value, source}" } else { "an array of {fields, citation}" },
            ),
        };
        if !ok {
            r.problem(Some(key), format!("expected {shape}; got {}", describe(v)));
        }
    }
    if r.pending.len() == before {
        // What serde itself says, e.g. a duplicate key.
        let why = serde_json::from_str::<IncidentFeatureWire<'_>>(raw.get()).err().map(|e| e.to_string());
        r.problem(None, format!("not a valid incident feature: {}", why.as_deref().unwrap_or("check member types")));
    }
}

/// Parses one incident feature; `None` when it has problems (all recorded).
pub(crate) fn incident<'a>(
    r: &mut FeatureReader<'a, '_>,
    raw: &'a str,
    ctx: &IncidentContext<'_>,
    interner: &mut Interner,
) -> Option<Incident> {
    let parsed = super::fast::incident_feature(raw).map(Ok).unwrap_or_else(|| serde_json::from_str(raw));
    match parsed {
        Ok(feature) => incident_from_wire(r, feature, ctx, interner),
        Err(_) => {
            incident_type_errors(r, raw);
            None
        }
    }
}

/// Validates an already-read incident feature and builds it; `None` when it has problems (all recorded).
pub(crate) fn incident_from_wire<'a>(
    r: &mut FeatureReader<'a, '_>,
    feature: IncidentFeatureWire<'a>,
    ctx: &IncidentContext<'_>,
    interner: &mut Interner,
) -> Option<Incident> {
    let Some(p) = feature.properties else {
        r.problem(Some("properties"), "missing; expected an object");
        return None;
    };
    if let Some(id) = &p.event_id {
        r.set_id(id);
    }
    let before = r.pending.len();
    if feature.kind.as_deref() != Some("Feature") {
        r.problem(Some("type"), format!("is {:?}; expected \"Feature\"", feature.kind.as_deref().unwrap_or("")));
    }
    let position = match feature.geometry {
        None => {
            r.problem(Some("geometry"), "missing; expected a Point geometry");
            None
        }
        Some(g) => match (g.kind.as_deref(), g.coordinates) {
            (Some("Point"), Some(c)) => r.position("geometry.coordinates", &c),
            (Some("Point"), None) => {
                r.problem(Some("geometry.coordinates"), "missing; expected [longitude, latitude]");
                None
            }
            (other, _) => {
                r.problem(Some("geometry.type"), format!("is {:?}; expected Point", other.unwrap_or("")));
                None
            }
        },
    };
    let required = |r: &mut FeatureReader<'a, '_>, key: &str, v: &Option<Cow<'a, str>>| {
        if v.is_none() {
            r.problem(Some(key), "required property is missing");
        }
    };
    if p.event_id.is_none() {
        r.problem(Some("event_id_cnty"), "required property is missing (the event id; event_id is read too)");
    }
    required(r, "event_type", &p.event_type);
    required(r, "sub_event_type", &p.sub_event_type);
    required(r, "actor1", &p.actor1);
    required(r, "location", &p.location);
    required(r, "country", &p.country);

    let date = |r: &mut FeatureReader<'a, '_>, key: &str, v: &Option<Cow<'a, str>>| {
        v.as_ref().and_then(|s| parse_iso_date(s).map_err(|m| r.problem(Some(key), m)).ok())
    };
    let event_date = date(r, "event_date", &p.event_date);
    if p.event_date.is_none() {
        r.problem(Some("event_date"), "required property is missing (YYYY-MM-DD)");
    }
    let (start, end) = (date(r, "date_start", &p.date_start), date(r, "date_end", &p.date_end));
    let time_precision = match p.time_precision {
        None => TimePrecision::new(1),
        Some(code) => {
            let tp = u8::try_from(code).ok().and_then(TimePrecision::new);
            if tp.is_none() {
                r.problem(
                    Some("time_precision"),
                    format!("{code} is not an ACLED time precision (1 day, 2 week, 3 month)"),
                );
            }
            tp
        }
    };
    let dates = match (event_date, time_precision, start, end) {
        (_, _, Some(s), Some(e)) => Some(DateInterval { start: s, end: e }),
        (Some(d), Some(tp), None, None) => Some(tp.implied_interval(d)),
        (_, _, Some(_), None) | (_, _, None, Some(_)) => {
            r.problem(Some("date_start"), "date_start and date_end must be given together");
            None
        }
        _ => None,
    };
    if let (Some(year), Some(d)) = (p.year, event_date)
        && year != d.year() as u64
    {
        r.problem(Some("year"), format!("{year} disagrees with event_date {d}"));
    }
    let event_type =
        p.event_type.as_ref().and_then(|s| s.parse::<EventType>().map_err(|m| r.problem(Some("event_type"), m)).ok());

    let count = |r: &mut FeatureReader<'a, '_>, key: &str, v: Option<u64>| {
        v.and_then(|v| u32::try_from(v).map_err(|_| r.problem(Some(key), format!("{v} is implausibly large"))).ok())
    };
    let fatalities = count(r, "fatalities", p.fatalities);
    let fatalities_low = count(r, "fatalities_low", p.fatalities_low);
    let fatalities_high = count(r, "fatalities_high", p.fatalities_high);
    let iso3 = p.iso3.as_ref().and_then(|s| s.parse::<Iso3>().map_err(|m| r.problem(Some("iso3"), m)).ok());
    let geo_precision = match p.geo_precision {
        None => {
            r.problem(Some("geo_precision"), "required property is missing (1 exact, 2 near, 3 region)");
            None
        }
        Some(code) => {
            let gp = u8::try_from(code).ok().and_then(GeoPrecision::new);
            if gp.is_none() {
                r.problem(
                    Some("geo_precision"),
                    format!("{code} is not an ACLED geo precision (1 exact, 2 near, 3 region)"),
                );
            }
            gp
        }
    };
    let sources = p.sources.unwrap_or_default();
    if let Some(pos) = position {
        for (key, given, actual) in [("longitude", p.longitude, pos.x), ("latitude", p.latitude, pos.y)] {
            if let Some(v) = given
                && (v - actual).abs() > 1e-6
            {
                r.problem(Some(key), format!("{v} disagrees with the geometry's {key} {actual}"));
            }
        }
    }
    let status = p.status.as_ref().and_then(|s| s.parse::<Status>().map_err(|m| r.problem(Some("status"), m)).ok());
    let version = match p.version.map(u32::try_from) {
        None => Some(1),
        Some(Ok(v)) if v >= 1 => Some(v),
        Some(_) => {
            r.problem(Some("version"), "must be a whole number from 1 (it grows by one with each change)");
            None
        }
    };
    let updated_at =
        p.updated_at.as_ref().and_then(|s| parse_time(s).map_err(|m| r.problem(Some("updated_at"), m)).ok());
    if r.pending.len() > before {
        return None;
    }
    let incident = Incident {
        event_id: p.event_id?.as_ref().into(),
        position: position?,
        event_date: event_date?,
        dates: dates?,
        time_precision: time_precision?,
        event_type: event_type?,
        sub_event_type: interner.get(&p.sub_event_type?),
        actor1: interner.get(&p.actor1?),
        actor2: interner.get(p.actor2.as_deref().unwrap_or("")),
        fatalities,
        fatalities_low,
        fatalities_high,
        location: interner.get(&p.location?),
        place_id: p.place_id.map(|s| interner.get(&s)),
        country: interner.get(&p.country?),
        iso3,
        admin1: p.admin1.map(|s| interner.get(&s)),
        geo_precision: geo_precision?,
        notes: p.notes.as_deref().unwrap_or("").into(),
        sources: sources.iter().map(|s| interner.get(s)).collect(),
        source: p.source.map(|s| interner.get(&s)),
        variants: p.variants.unwrap_or_default(),
        background: p.background.unwrap_or_default(),
        timestamp: p.timestamp,
        revision: Revision {
            status: status.unwrap_or_default(),
            version: version?,
            updated_at,
            updated_by: p.updated_by.map(|s| interner.get(&s)),
        },
    };
    let problems = super::rules::incident_problems(&incident, ctx);
    for (field, message) in &problems {
        r.problem(Some(field), message.as_str());
    }
    problems.is_empty().then_some(incident)
}

/// Parses one place feature.
pub(crate) fn place<'a>(r: &mut FeatureReader<'a, '_>, raw: &'a RawValue) -> Option<Place> {
    let parts = r.parts(raw)?;
    let before = r.pending.len();
    if parts.id.is_none() {
        r.problem(Some("id"), "a place needs a string id (e.g. \"kidal\")");
    }
    let position = r.point(&parts);
    let p = Props::new(r, parts.properties)?;
    let name = p.req_str(r, "name");
    let alternate_names: Vec<String> = p.opt_json(r, "alternate_names", "an array of strings").unwrap_or_default();
    let shared_names: Vec<String> = p.opt_json(r, "shared_names", "an array of strings").unwrap_or_default();
    let country: Option<Iso3> = p.req_parse(r, "country");
    let kind = p.req_str(r, "kind");
    let population = p.opt_f64(r, "population");
    if population.is_some_and(|n| n < 0.0 || n.fract() != 0.0 || n > f64::from(u32::MAX)) {
        r.problem(Some("population"), "a count of inhabitants: a whole number, 0 or more");
    }
    let coordinates_from: Option<serde_json::Value> = p.opt_json(r, "coordinates_from", "an object");
    if coordinates_from.is_none() {
        r.problem(
            Some("coordinates_from"),
            "required: say where the coordinates come from (GeoNames id or a citation)",
        );
    }
    let note = p.opt_str(r, "note");
    if r.pending.len() > before {
        return None;
    }
    Some(Place {
        id: parts.id?.into_owned(),
        name: name?.into_owned(),
        alternate_names,
        shared_names,
        country: country?,
        kind: kind?.into_owned(),
        population: population.map(|n| n as u32),
        position: position?,
        coordinates_from: coordinates_from?,
        note: note.map(Cow::into_owned),
    })
}

/// Parses one border feature.
pub(crate) fn border<'a>(r: &mut FeatureReader<'a, '_>, raw: &'a RawValue) -> Option<Border> {
    let parts = r.parts(raw)?;
    let before = r.pending.len();
    if parts.id.is_none() {
        r.problem(Some("id"), "a border needs a string id (e.g. \"DZA-MLI/osm\")");
    }
    let lines = match r.geometry_type(&parts.geometry_type, &["LineString", "MultiLineString"]) {
        Some("LineString") => r
            .coordinates::<Vec<Vec<f64>>>(parts.coordinates, "an array of positions")
            .and_then(|c| r.line("geometry.coordinates", &c))
            .map(|l| vec![l]),
        Some(_) => r
            .coordinates::<Vec<Vec<Vec<f64>>>>(parts.coordinates, "an array of arrays of positions")
            .and_then(|c| c.iter().map(|l| r.line("geometry.coordinates", l)).collect::<Option<Vec<_>>>()),
        None => None,
    };
    let p = Props::new(r, parts.properties)?;
    let pair: Option<BorderPair> = p.req_parse(r, "pair");
    let left: Option<Iso3> = p.req_parse(r, "left");
    let right: Option<Iso3> = p.req_parse(r, "right");
    if let (Some(pair), Some(left), Some(right)) = (pair, left, right)
        && (pair.left != left || pair.right != right)
    {
        r.problem(Some("pair"), format!("{pair} disagrees with left {left} / right {right}"));
    }
    let source: Option<BorderSource> = p.req_parse(r, "source");
    let name = p.req_str(r, "name");
    let length_m = p.opt_f64(r, "length_m").unwrap_or(0.0);
    let disputed = p.opt_bool(r, "disputed").unwrap_or(false);
    if r.pending.len() > before {
        return None;
    }
    Some(Border {
        id: parts.id?.into_owned(),
        pair: pair?,
        name: name?.into_owned(),
        source: source?,
        parts: lines?,
        length_m,
        disputed,
    })
}

/// Parses one country feature.
pub(crate) fn country<'a>(r: &mut FeatureReader<'a, '_>, raw: &'a RawValue) -> Option<Country> {
    let parts = r.parts(raw)?;
    let before = r.pending.len();
    let area = match r.geometry_type(&parts.geometry_type, &["Polygon", "MultiPolygon"]) {
        Some("Polygon") => r
            .coordinates::<Vec<Vec<Vec<f64>>>>(parts.coordinates, "an array of rings")
            .and_then(|c| r.polygon("geometry.coordinates", &c))
            .map(|p| MultiPolygon::new(vec![p])),
        Some(_) => r
            .coordinates::<Vec<Vec<Vec<Vec<f64>>>>>(parts.coordinates, "an array of polygons")
            .and_then(|c| c.iter().map(|p| r.polygon("geometry.coordinates", p)).collect::<Option<Vec<_>>>())
            .map(MultiPolygon::new),
        None => None,
    };
    let p = Props::new(r, parts.properties)?;
    let iso3: Option<Iso3> = p.req_parse(r, "iso3");
    let name = p.req_str(r, "name");
    let disputed = p.opt_bool(r, "disputed").unwrap_or(false);
    if r.pending.len() > before {
        return None;
    }
    Some(Country { iso3: iso3?, name: name?.into_owned(), disputed, area: area? })
}
