//! Query parameters: one table says which parameters each endpoint takes, how they are parsed and what
//! they accept; the handlers, the error messages and the OpenAPI document all read it.

use std::str::FromStr;

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::error::ApiError;
use crate::model::{BBox, parse_iso_date};

/// What a parameter holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `west,south,east,north` in degrees (4 numbers, or 6 with heights, which are ignored).
    Bbox,
    /// The CRS of `bbox`: only CRS84.
    BboxCrs,
    /// A date or date-time, or an interval `start/end` with `..` (or nothing) for an open end.
    Datetime,
    /// Page size.
    Limit,
    /// Items to skip.
    Offset,
    /// Output format: `json` (or `geojson`).
    Format,
    /// Free text.
    Text,
    /// A whole number, zero or more.
    Count,
    /// Kilometres, more than 0 and at most 2,000.
    Kilometres,
    /// Degrees of longitude.
    Longitude,
    /// Degrees of latitude.
    Latitude,
    /// An ISO 3166-1 alpha-3 code.
    Iso3,
    /// A border pair such as `DZA-MLI`.
    Pair,
    /// Whose border line: `osm` or `naturalearth`.
    LineSource,
    /// ACLED event types, comma-separated.
    EventType,
    /// A day, `YYYY-MM-DD`.
    Date,
    /// Layer names, comma-separated.
    Layers,
    /// Review statuses, comma-separated.
    Status,
}

impl Kind {
    /// What the parameter accepts, in words.
    pub fn valid(self) -> &'static str {
        match self {
            Kind::Bbox => {
                "four numbers west,south,east,north in degrees (WGS84 longitude/latitude; west > east crosses the antimeridian)"
            }
            Kind::BboxCrs => "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
            Kind::Datetime => {
                "a date (2024-07-27), a date-time (2024-07-27T10:00:00Z), or an interval start/end where either end may be .. (open)"
            }
            Kind::Limit => "an integer from 1 to 10000",
            Kind::Offset => "an integer, 0 or more",
            Kind::Format => "json (or geojson); on the /ogc pages also html",
            Kind::Text => "any text",
            Kind::Count => "an integer, 0 or more",
            Kind::Kilometres => "a number of kilometres, more than 0 and at most 2000",
            Kind::Longitude => "a longitude in degrees, -180 to 180",
            Kind::Latitude => "a latitude in degrees, -90 to 90",
            Kind::Iso3 => "an ISO 3166-1 alpha-3 country code such as MLI",
            Kind::Pair => "a border pair such as DZA-MLI",
            Kind::LineSource => "osm or naturalearth",
            Kind::EventType => {
                "ACLED event types, comma-separated: Battles, Explosions/Remote violence, Violence against civilians, Protests, Riots, Strategic developments"
            }
            Kind::Date => "a date YYYY-MM-DD",
            Kind::Layers => "layer names, comma-separated: incidents, places, borders, countries",
            Kind::Status => {
                "review statuses, comma-separated: draft, published, rejected, retired (other than published needs a token)"
            }
        }
    }

    /// The JSON schema of the parameter (OpenAPI 3.0).
    pub fn schema(self) -> Value {
        match self {
            Kind::Bbox => json!({"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}),
            Kind::BboxCrs => json!({"type": "string", "format": "uri", "enum": [CRS84]}),
            Kind::Datetime | Kind::Text => json!({"type": "string"}),
            Kind::Limit => json!({"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}),
            Kind::Offset => json!({"type": "integer", "minimum": 0, "default": 0}),
            Kind::Format => json!({"type": "string", "enum": ["json", "geojson", "html"]}),
            Kind::Count => json!({"type": "integer", "minimum": 0}),
            Kind::Kilometres => json!({"type": "number", "exclusiveMinimum": 0, "maximum": 2000}),
            Kind::Longitude => json!({"type": "number", "minimum": -180, "maximum": 180}),
            Kind::Latitude => json!({"type": "number", "minimum": -90, "maximum": 90}),
            Kind::Iso3 => json!({"type": "string", "pattern": "^[A-Za-z]{3}$"}),
            Kind::Pair => json!({"type": "string", "pattern": "^[A-Za-z]{3}-[A-Za-z]{3}$"}),
            Kind::LineSource => json!({"type": "string", "enum": ["osm", "naturalearth"], "default": "osm"}),
            Kind::EventType => {
                json!({"type": "array", "items": {"type": "string", "enum": crate::model::EventType::ALL.map(|t| t.as_str())}})
            }
            Kind::Date => json!({"type": "string", "format": "date"}),
            Kind::Layers => {
                json!({"type": "array", "items": {"type": "string", "enum": ["incidents", "places", "borders", "countries"]}})
            }
            Kind::Status => {
                json!({"type": "array", "items": {"type": "string", "enum": crate::model::Status::ALL.map(|s| s.as_str())}})
            }
        }
    }
}

/// The only CRS of this service.
pub const CRS84: &str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84";
/// Items per page when `limit` is not given.
pub const DEFAULT_LIMIT: usize = 100;
/// The largest page.
pub const MAX_LIMIT: usize = 10_000;

/// The least `limit` a `next` link asks for: a client that pages with small pages (GDAL 3.6's OAPIF driver asks
/// for 10) and follows `next` reads the rest of the collection in pages this long.
pub const NEXT_PAGE_MIN_LIMIT: usize = 1_000;

/// One query parameter of an endpoint.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    /// Its name.
    pub name: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Whether the request must give it.
    pub required: bool,
    /// What it does.
    pub description: &'static str,
}

/// An optional parameter.
pub const fn param(name: &'static str, kind: Kind, description: &'static str) -> Param {
    Param { name, kind, required: false, description }
}

/// A parameter every request must give.
pub const fn required(name: &'static str, kind: Kind, description: &'static str) -> Param {
    Param { name, kind, required: true, description }
}

/// `f`.
pub const FORMAT: Param = param(
    "f",
    Kind::Format,
    "Output format; JSON is also chosen by `Accept: application/json`. The /ogc pages also come as HTML (`f=html`, or a browser's `Accept: text/html`).",
);

/// Paging and selection common to every collection's items.
pub const ITEMS: &[Param] = &[
    param("bbox", Kind::Bbox, "Only features whose geometry meets this box (CRS84 longitude/latitude)."),
    param("bbox-crs", Kind::BboxCrs, "The CRS of bbox; only CRS84 is served."),
    param(
        "datetime",
        Kind::Datetime,
        "Only incidents whose date interval meets this instant or interval (ignored by collections without time).",
    ),
    param("limit", Kind::Limit, "Features per page."),
    param("offset", Kind::Offset, "Features to skip (the next and prev links carry it)."),
    FORMAT,
];

/// The incident filters shared by items, statistics and the corridor endpoint.
pub const INCIDENT_FILTERS: &[Param] = &[
    param("event_type", Kind::EventType, "ACLED event type."),
    param("sub_event_type", Kind::Text, "ACLED sub-event type (exact, ignoring case)."),
    param("actor", Kind::Text, "Part of either actor's name, ignoring case."),
    param("country", Kind::Text, "Country as recorded: name or ISO3."),
    param("source", Kind::Text, "Part of a cited source's name or id, ignoring case."),
    param("fatalities_min", Kind::Count, "At least this many fatalities (a range's upper end counts)."),
    param("fatalities_max", Kind::Count, "At most this many fatalities (a range's lower end counts)."),
    param("side", Kind::Iso3, "Only incidents inside this country (by the country polygons)."),
    param(
        "within_km",
        Kind::Kilometres,
        "Only incidents within this distance of the nearest border (OpenStreetMap line).",
    ),
    param("status", Kind::Status, "Review statuses (default published; any other needs a token)."),
];

/// Choosing a border line.
pub const BORDER: &[Param] = &[
    param("border", Kind::Pair, "Measure to this border pair (default: the nearest border of the region)."),
    param("source", Kind::LineSource, "Whose line: OpenStreetMap (default) or Natural Earth."),
];

/// A request's query, checked against an endpoint's parameters.
#[derive(Debug)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Decodes `raw` and refuses parameters `specs` does not define, repeated ones, and missing required
    /// ones.
    pub fn parse(raw: Option<&str>, specs: &[&[Param]]) -> Result<Query, ApiError> {
        let known = || specs.iter().flat_map(|s| s.iter()).map(|p| p.name).collect::<Vec<_>>();
        let mut pairs: Vec<(String, String)> = Vec::new();
        for (name, value) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let Some(spec) = specs.iter().flat_map(|s| s.iter()).find(|p| p.name == name) else {
                return Err(ApiError::unknown_parameter(&name, &known()));
            };
            if pairs.iter().any(|(n, _)| *n == name) {
                return Err(ApiError::bad_value(&name, format!("{name} is given more than once"), spec.kind.valid()));
            }
            // Percent-encoded bytes that are not UTF-8 decode to U+FFFD: refused rather than matched against nothing.
            if value.contains('\u{FFFD}') {
                return Err(ApiError::bad_value(
                    &name,
                    format!("{name} is not UTF-8 text (its percent-encoded bytes must form UTF-8)"),
                    spec.kind.valid(),
                ));
            }
            pairs.push((name.into_owned(), value.into_owned()));
        }
        for spec in specs.iter().flat_map(|s| s.iter()).filter(|p| p.required) {
            if !pairs.iter().any(|(n, _)| n == spec.name) {
                return Err(ApiError::bad_value(spec.name, format!("{} is required", spec.name), spec.kind.valid()));
            }
        }
        Ok(Query { pairs })
    }

    /// Every parameter given, in order.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The raw value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// A non-empty text value.
    pub fn text(&self, name: &str) -> Option<String> {
        self.get(name).map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
    }

    /// A value parsed by `T::from_str`, its error (if any) becoming the description.
    pub fn parsed<T: FromStr<Err = String>>(&self, name: &str, kind: Kind) -> Result<Option<T>, ApiError> {
        self.get(name)
            .map(|v| v.trim().parse::<T>().map_err(|e| ApiError::bad_value(name, e, kind.valid())))
            .transpose()
    }

    /// A day, `YYYY-MM-DD`.
    pub fn date(&self, name: &str) -> Result<Option<NaiveDate>, ApiError> {
        self.get(name)
            .map(|v| {
                crate::model::parse_iso_date(v.trim()).map_err(|e| ApiError::bad_value(name, e, Kind::Date.valid()))
            })
            .transpose()
    }

    /// A comma-separated list of values parsed by `T::from_str` (empty when absent).
    pub fn list<T: FromStr<Err = String>>(&self, name: &str, kind: Kind) -> Result<Vec<T>, ApiError> {
        let Some(v) = self.get(name) else { return Ok(Vec::new()) };
        v.split(',')
            .map(|item| item.trim().parse::<T>().map_err(|e| ApiError::bad_value(name, e, kind.valid())))
            .collect()
    }

    /// A whole number, at least `min` and at most `max`.
    pub fn integer(&self, name: &str, kind: Kind, min: u64, max: u64) -> Result<Option<u64>, ApiError> {
        let Some(v) = self.get(name) else { return Ok(None) };
        match v.trim().parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
            Ok(n) => Err(ApiError::bad_value(name, format!("{name}={n} is out of range"), kind.valid())),
            Err(_) => Err(ApiError::bad_value(name, format!("{name}={v:?} is not a whole number"), kind.valid())),
        }
    }

    /// A finite number within `range`.
    pub fn number(&self, name: &str, kind: Kind, range: (f64, f64)) -> Result<Option<f64>, ApiError> {
        let Some(v) = self.get(name) else { return Ok(None) };
        match v.trim().parse::<f64>() {
            Ok(x) if x.is_finite() && x >= range.0 && x <= range.1 && !(kind == Kind::Kilometres && x == 0.0) => {
                Ok(Some(x))
            }
            Ok(x) => Err(ApiError::bad_value(name, format!("{name}={x} is out of range"), kind.valid())),
            Err(_) => Err(ApiError::bad_value(name, format!("{name}={v:?} is not a number"), kind.valid())),
        }
    }

    /// `limit`, or the default.
    pub fn limit(&self) -> Result<usize, ApiError> {
        Ok(self.integer("limit", Kind::Limit, 1, MAX_LIMIT as u64)?.map_or(DEFAULT_LIMIT, |n| n as usize))
    }

    /// `offset`, or 0.
    pub fn offset(&self) -> Result<usize, ApiError> {
        Ok(self.integer("offset", Kind::Offset, 0, u32::MAX as u64)?.unwrap_or(0) as usize)
    }

    /// Checks `f` (JSON is the only encoding served).
    pub fn format(&self) -> Result<(), ApiError> {
        match self.get("f") {
            None | Some("json" | "geojson" | "application/json" | "application/geo+json") => Ok(()),
            Some(other) => {
                Err(ApiError::bad_value("f", format!("format {other:?} is not served"), Kind::Format.valid()))
            }
        }
    }

    /// For the OGC API's pages, which also come as HTML: whether HTML is wanted, by `f=html` or, without
    /// `f`, by an `Accept` header that prefers `text/html` to JSON (as a browser's does; GDAL's and QGIS's do not).
    pub fn wants_html(&self, headers: &axum::http::HeaderMap) -> Result<bool, ApiError> {
        match self.get("f") {
            Some("html" | "text/html") => Ok(true),
            Some(_) => self.format().map(|()| false),
            None => Ok(prefers_html(headers)),
        }
    }

    /// `bbox` (and `bbox-crs`, which must be CRS84).
    pub fn bbox(&self) -> Result<Option<BBox>, ApiError> {
        if let Some(crs) = self.get("bbox-crs")
            && crs != CRS84
        {
            return Err(ApiError::bad_value("bbox-crs", format!("CRS {crs:?} is not served"), Kind::BboxCrs.valid()));
        }
        let Some(v) = self.get("bbox") else { return Ok(None) };
        let valid = Kind::Bbox.valid();
        let numbers: Vec<f64> = v
            .split(',')
            .map(|s| s.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| ApiError::bad_value("bbox", format!("bbox {v:?} is not a list of numbers"), valid))?;
        let (w, s, e, n) = match numbers[..] {
            [w, s, e, n] => (w, s, e, n),
            [w, s, _, e, n, _] => (w, s, e, n),
            _ => {
                let count = numbers.len();
                return Err(ApiError::bad_value("bbox", format!("bbox has {count} numbers, not 4 (or 6)"), valid));
            }
        };
        BBox::new(w, s, e, n).map(Some).map_err(|err| ApiError::bad_value("bbox", err.0, valid))
    }

    /// `datetime` as an inclusive range of days (either end open).
    pub fn datetime(&self) -> Result<(Option<NaiveDate>, Option<NaiveDate>), ApiError> {
        let Some(v) = self.get("datetime") else { return Ok((None, None)) };
        let valid = Kind::Datetime.valid();
        let day = |s: &str| -> Result<Option<NaiveDate>, ApiError> {
            let s = s.trim();
            if s.is_empty() || s == ".." {
                return Ok(None);
            }
            let date = if s.len() > 10 {
                chrono::DateTime::parse_from_rfc3339(s).map(|t| t.naive_utc().date()).map_err(|_| timestamp_hint(s))
            } else {
                parse_iso_date(s)
            };
            date.map(Some).map_err(|e| ApiError::bad_value("datetime", format!("datetime {s:?}: {e}"), valid))
        };
        // `2024/01/01` would read as an interval from "2024" to "01/01".
        if v.split('/').count() > 2
            || v.split('/').any(|part| part.trim().len() == 4 && part.trim().bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(ApiError::bad_value(
                "datetime",
                format!(
                    "datetime {v:?}: dates are YYYY-MM-DD; `/` separates the two ends of an interval (2024-01-01/2024-12-31)"
                ),
                valid,
            ));
        }
        match v.split_once('/') {
            None if v.trim() == ".." || v.trim().is_empty() => {
                Err(ApiError::bad_value("datetime", "an instant cannot be open", valid))
            }
            None => {
                let d = day(v)?;
                Ok((d, d))
            }
            Some((a, b)) => {
                let (from, to) = (day(a)?, day(b)?);
                if let (Some(f), Some(t)) = (from, to)
                    && f > t
                {
                    return Err(ApiError::bad_value(
                        "datetime",
                        format!("interval {v:?} ends before it starts"),
                        valid,
                    ));
                }
                Ok((from, to))
            }
        }
    }
}

/// Why a timestamp is not RFC 3339, in the words a user needs.
fn timestamp_hint(s: &str) -> String {
    let time = s.split_once('T').map_or("", |(_, t)| t);
    if time.contains(' ') {
        "a `+` in a query string reads as a space: write the offset as %2B01:00, or use Z (UTC)".to_string()
    } else if !time.ends_with(['Z', 'z']) && !time.contains(['+', '-']) {
        format!("a date-time needs a time zone: {s}Z (UTC), or an offset such as {s}%2B01:00, or just the date")
    } else {
        "not an RFC 3339 date-time: YYYY-MM-DDTHH:MM:SSZ (or with an offset), or a date YYYY-MM-DD".to_string()
    }
}

/// Whether an `Accept` header ranks `text/html` above every JSON type (by quality, then order).
fn prefers_html(headers: &axum::http::HeaderMap) -> bool {
    let Some(accept) = headers.get(axum::http::header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let mut html = None;
    let mut json = None;
    for (n, part) in accept.split(',').enumerate() {
        let mut fields = part.split(';').map(str::trim);
        let kind = fields.next().unwrap_or("").to_ascii_lowercase();
        let q = fields.find_map(|f| f.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok())).unwrap_or(1.0);
        // Higher quality first, then the earlier listed.
        let rank = (q, -(n as f32));
        let better = |best: Option<(f32, f32)>| best.is_none_or(|b| rank > b);
        if kind == "text/html" && better(html) {
            html = Some(rank);
        } else if kind.contains("json") && better(json) {
            json = Some(rank);
        }
    }
    match (html, json) {
        (Some(h), Some(j)) => h > j && h.0 > 0.0,
        (Some(h), None) => h.0 > 0.0,
        _ => false,
    }
}
