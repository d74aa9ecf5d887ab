//! OGC API – Features, Part 1 (Core, GeoJSON, OpenAPI 3.0), rooted at `/ogc`.

use std::fmt::Write as _;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::error::ApiError;
use super::params::{self, CRS84, FORMAT, INCIDENT_FILTERS, ITEMS, Kind, NEXT_PAGE_MIN_LIMIT, Param, Query};
use super::{App, json_response};
use crate::formats::geojson::write_layer_feature;
use crate::model::{BBox, EventType, Status};
use crate::store::{IncidentFilter, LayerName};

/// Media types.
pub const GEOJSON: &str = "application/geo+json";
/// JSON.
pub const JSON: &str = "application/json";
/// The OpenAPI document.
pub const OPENAPI: &str = "application/vnd.oai.openapi+json;version=3.0";
/// Queryables.
pub const SCHEMA: &str = "application/schema+json";

/// The conformance classes implemented.
pub const CONFORMANCE: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
];

/// The OGC API – Features Part 4 classes, declared when the record can change: POST, PUT and DELETE on the
/// incidents; PATCH (JSON Merge Patch); both on GeoJSON features.
pub const CONFORMANCE_EDIT: &[&str] = &[
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
];

/// The collections served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Collection {
    /// Incidents (points, with time).
    Incidents,
    /// The gazetteer.
    Places,
    /// Border lines, one feature per pair and source.
    Borders,
    /// Country polygons.
    Countries,
}

impl Collection {
    /// All of them, in the order listed.
    pub const ALL: [Collection; 4] =
        [Collection::Incidents, Collection::Places, Collection::Borders, Collection::Countries];

    /// The collection id in URLs.
    pub fn id(self) -> &'static str {
        match self {
            Collection::Incidents => "incidents",
            Collection::Places => "places",
            Collection::Borders => "borders",
            Collection::Countries => "countries",
        }
    }

    /// The export layer it serves: the OGC API and every export share one vocabulary.
    fn layer(self) -> LayerName {
        match self {
            Collection::Incidents => LayerName::Incidents,
            Collection::Places => LayerName::Places,
            Collection::Borders => LayerName::Borders,
            Collection::Countries => LayerName::Countries,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Collection::Incidents => "Incidents",
            Collection::Places => "Places",
            Collection::Borders => "Borders",
            Collection::Countries => "Countries",
        }
    }

    fn description(self) -> &'static str {
        match self {
            Collection::Incidents => {
                "Conflict incidents (ACLED-style properties), each with its exact WGS84 distance to the nearest border, the side of that line and the country polygon it lies in, and the distance range its location uncertainty allows."
            }
            Collection::Places => {
                "The gazetteer: towns and sites with every known spelling and the source of their coordinates."
            }
            Collection::Borders => {
                "International borders of the region, one feature per country pair and source (OpenStreetMap, Natural Earth); edges are WGS84 geodesics."
            }
            Collection::Countries => {
                "Country polygons of the region (OpenStreetMap), which decide on which side a point lies."
            }
        }
    }

    fn from_id(id: &str) -> Result<Collection, ApiError> {
        Collection::ALL.into_iter().find(|c| c.id() == id).ok_or_else(|| {
            ApiError::not_found(format!("no collection {id:?}; collections: incidents, places, borders, countries"))
        })
    }

    /// The query parameters of its items.
    pub fn item_params(self) -> &'static [&'static [Param]] {
        match self {
            Collection::Incidents => &[ITEMS, INCIDENT_FILTERS],
            _ => &[ITEMS],
        }
    }
}

fn link(href: String, rel: &str, kind: &str, title: &str) -> Value {
    json!({"href": href, "rel": rel, "type": kind, "title": title})
}

/// `GET /ogc`: the landing page.
pub async fn landing(State(app): State<App>, headers: HeaderMap, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let html = Query::parse(q.as_deref(), &[&[FORMAT]])?.wants_html(&headers)?;
    let base = app.base_url(&headers);
    let store = app.store();
    let doc = json!({
            "title": "borderline",
            "description": format!(
                "Border incidents of the Sahel measured on the WGS84 ellipsoid: {} incidents, {} places, {} border lines, {} countries.",
                store.page_incidents(&IncidentFilter::default(), 0, 0).0, store.places.len(), store.borders.len(), store.countries.len()
            ),
            "links": [
                link(format!("{base}/ogc"), "self", JSON, "This document"),
                link(format!("{base}/ogc/api"), "service-desc", OPENAPI, "The API definition (OpenAPI 3.0)"),
                link(format!("{base}/ogc/conformance"), "conformance", JSON, "Conformance classes implemented"),
                link(format!("{base}/ogc/collections"), "data", JSON, "The feature collections"),
                link(format!("{base}/"), "alternate", "text/html", "The map"),
            ]
    });
    Ok(if html { super::html::landing(&base, &doc) } else { json_response(JSON, &doc) })
}

/// `GET /ogc/conformance`.
pub async fn conformance(State(app): State<App>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    Query::parse(q.as_deref(), &[&[FORMAT]])?.format()?;
    let edit = if app.record.writable() { CONFORMANCE_EDIT } else { &[] };
    let classes: Vec<&str> = CONFORMANCE.iter().chain(edit).copied().collect();
    Ok(json_response(JSON, &json!({"conformsTo": classes})))
}

/// `GET /ogc/api`: the OpenAPI document.
pub async fn api(State(app): State<App>, headers: HeaderMap, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    Query::parse(q.as_deref(), &[&[FORMAT]])?.format()?;
    Ok(json_response(OPENAPI, &super::openapi::document(&app.base_url(&headers), app.record.writable())))
}

fn collection_json(app: &App, base: &str, c: Collection) -> Value {
    let store = app.store();
    let bbox = match c {
        Collection::Incidents => BBox::around(store.current().map(|k| store.get(k).position)),
        Collection::Places => BBox::around(store.places.iter().map(|p| p.position)),
        Collection::Borders => BBox::around(store.borders.iter().flat_map(|b| b.parts.iter().flatten().copied())),
        Collection::Countries => BBox::around(store.countries.iter().flat_map(|c| c.outline())),
    };
    let mut extent = json!({
        "spatial": {"bbox": [bbox.map_or(vec![-180.0, -90.0, 180.0, 90.0], |b| vec![b.west, b.south, b.east, b.north])], "crs": CRS84}
    });
    if c == Collection::Incidents {
        let start = store.current().map(|k| store.get(k).dates.start).min();
        let end = store.current().map(|k| store.get(k).dates.end).max();
        let t = |d: Option<chrono::NaiveDate>, time: &str| d.map(|d| format!("{d}T{time}Z"));
        extent["temporal"] = json!({
            "interval": [[t(start, "00:00:00"), t(end, "23:59:59")]],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
        });
    }
    let id = c.id();
    json!({
        "id": id,
        "title": c.title(),
        "description": c.description(),
        "itemType": "feature",
        "crs": [CRS84],
        "extent": extent,
        "links": [
            link(format!("{base}/ogc/collections/{id}"), "self", JSON, c.title()),
            link(format!("{base}/ogc/collections/{id}/items"), "items", GEOJSON, &format!("{} (GeoJSON)", c.title())),
            link(format!("{base}/ogc/collections/{id}/queryables"), "http://www.opengis.net/def/rel/ogc/1.0/queryables", SCHEMA, "Queryable properties"),
        ]
    })
}

/// `GET /ogc/collections`.
pub async fn collections(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let html = Query::parse(q.as_deref(), &[&[FORMAT]])?.wants_html(&headers)?;
    let base = app.base_url(&headers);
    let list: Vec<Value> = Collection::ALL.iter().map(|&c| collection_json(&app, &base, c)).collect();
    let doc = json!({
        "links": [link(format!("{base}/ogc/collections"), "self", JSON, "The feature collections")],
        "collections": list,
    });
    Ok(if html { super::html::collections(&base, &doc) } else { json_response(JSON, &doc) })
}

/// `GET /ogc/collections/{id}`.
pub async fn collection(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let c = Collection::from_id(&id)?;
    let html = Query::parse(q.as_deref(), &[&[FORMAT]])?.wants_html(&headers)?;
    let base = app.base_url(&headers);
    let doc = collection_json(&app, &base, c);
    Ok(if html { super::html::collection(&base, &doc) } else { json_response(JSON, &doc) })
}

/// The incident filter a query asks for.
pub fn incident_filter(q: &Query) -> Result<IncidentFilter, ApiError> {
    let (from, to) = q.datetime()?;
    Ok(IncidentFilter {
        bbox: q.bbox()?,
        from,
        to,
        event_types: q.list::<EventType>("event_type", Kind::EventType)?,
        sub_event_type: q.text("sub_event_type"),
        actor: q.text("actor"),
        country: q.text("country"),
        source: q.text("source"),
        fatalities_min: q.integer("fatalities_min", Kind::Count, 0, u32::MAX as u64)?.map(|n| n as u32),
        fatalities_max: q.integer("fatalities_max", Kind::Count, 0, u32::MAX as u64)?.map(|n| n as u32),
        side: q.parsed("side", Kind::Iso3)?,
        within_km: q.number("within_km", Kind::Kilometres, (0.0, 2000.0))?,
        statuses: q.list::<Status>("status", Kind::Status)?,
    })
}

/// The URL of this items page with another offset.
/// The items URL of the same request at `offset`, with `limit` when given.
fn page_url(base: &str, id: &str, q: &Query, offset: usize, limit: Option<usize>) -> String {
    let mut url = form_urlencoded::Serializer::new(String::new());
    let replaced = |n: &str| n == "offset" || (limit.is_some() && n == "limit");
    for (name, value) in q.pairs().iter().filter(|(n, _)| !replaced(n)) {
        url.append_pair(name, value);
    }
    if let Some(limit) = limit {
        url.append_pair("limit", &limit.to_string());
    }
    url.append_pair("offset", &offset.to_string());
    format!("{base}/ogc/collections/{id}/items?{}", url.finish())
}

/// `GET /ogc/collections/{id}/items`.
pub async fn items(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let c = Collection::from_id(&id)?;
    let q = Query::parse(q.as_deref(), c.item_params())?;
    let html = q.wants_html(&headers)?;
    let (limit, offset) = (q.limit()?, q.offset()?);
    let store = app.store();
    let mut features = Vec::new();
    let (matched, returned) = match c {
        Collection::Incidents => {
            let filter = incident_filter(&q)?;
            let (matched, page) = if filter.public_bbox_only() {
                store.page_incidents(&filter, offset, limit)
            } else {
                // A filtered question is answered whole once for this state; its pages are cut from that.
                let question = format!("{filter:?}");
                let all = app
                    .selections
                    .get(&store, question, move |s| {
                        Ok::<_, std::convert::Infallible>(s.page_incidents(&filter, 0, usize::MAX).1)
                    })
                    .await
                    .unwrap_or_else(|never| match never {});
                (all.len(), all.iter().skip(offset).take(limit).copied().collect())
            };
            features.reserve(page.len() * 1500);
            for (n, &k) in page.iter().enumerate() {
                if n > 0 {
                    features.push(b',');
                }
                super::incident_json(&store, k, &mut features);
            }
            (matched, page.len())
        }
        other => {
            let bbox = q.bbox()?;
            q.datetime()?;
            let layer = store.layer(other.layer(), &IncidentFilter::default());
            let meets = |n: usize| {
                let [west, south, east, north] = layer.envelope(n);
                bbox.is_none_or(|q| BBox { west, south, east, north }.intersects(&q))
            };
            let selected: Vec<usize> = (0..layer.len).filter(|&n| meets(n)).collect();
            let page: Vec<usize> = selected.iter().copied().skip(offset).take(limit).collect();
            for (k, &n) in page.iter().enumerate() {
                if k > 0 {
                    features.push(b',');
                }
                write_layer_feature(&mut features, &layer, n);
            }
            (selected.len(), page.len())
        }
    };
    let base = app.base_url(&headers);
    let mut links = vec![
        link(page_url(&base, &id, &q, offset, None), "self", GEOJSON, "This page"),
        link(format!("{base}/ogc/collections/{id}"), "collection", JSON, "The collection"),
    ];
    if offset + returned < matched {
        // Pages after the first are at least NEXT_PAGE_MIN_LIMIT long: GDAL 3.6 asks for 10 features a page and
        // then follows `next` exactly as given, so this link is what decides how fast it reads a layer.
        let next_limit = limit.max(NEXT_PAGE_MIN_LIMIT);
        links.push(link(page_url(&base, &id, &q, offset + returned, Some(next_limit)), "next", GEOJSON, "Next page"));
    }
    if offset > 0 {
        let prev = page_url(&base, &id, &q, offset.saturating_sub(limit), None);
        links.push(link(prev, "prev", GEOJSON, "Previous page"));
    }
    let size = features.len();
    let mut head = String::new();
    let _ = write!(
        head,
        r#"{{"type":"FeatureCollection","numberMatched":{matched},"numberReturned":{returned},"timeStamp":"{}","links":{},"features":["#,
        chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).format("%Y-%m-%dT%H:%M:%SZ"),
        Value::Array(links)
    );
    let mut body = Vec::with_capacity(head.len() + size + 2);
    body.extend_from_slice(head.as_bytes());
    body.extend_from_slice(&features);
    body.extend_from_slice(b"]}");
    if html {
        let doc: Value = serde_json::from_slice(&body).expect("a page of features is JSON");
        return Ok(super::html::items(&base, &id, c.title(), &doc));
    }
    Ok(bytes_response(GEOJSON, body))
}

/// `GET /ogc/collections/{id}/items/{featureId}`.
pub async fn item(
    State(app): State<App>,
    Path((id, fid)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let c = Collection::from_id(&id)?;
    let html = Query::parse(q.as_deref(), &[&[FORMAT]])?.wants_html(&headers)?;
    let store = app.store();
    let missing = || ApiError::not_found(format!("no feature {fid:?} in collection {id}"));
    let mut version = None;
    let mut feature: Value = match c {
        Collection::Incidents => {
            let k = store.incident_number(&fid).ok_or_else(missing)?;
            let incident = store.get(k);
            if !super::auth::may_see(&app, &headers, incident) {
                return Err(missing());
            }
            version = Some(incident.revision.version);
            let mut out = Vec::with_capacity(2048);
            super::incident_json(&store, k, &mut out);
            serde_json::from_slice(&out).expect("features are written as JSON")
        }
        other => {
            let n = match other {
                Collection::Places => store.places.iter().position(|p| p.id == fid),
                Collection::Borders => store.borders.iter().position(|b| b.id == fid),
                _ => store.countries.iter().position(|c| c.iso3.as_str() == fid),
            }
            .ok_or_else(missing)?;
            let mut out = Vec::new();
            write_layer_feature(&mut out, &store.layer(other.layer(), &IncidentFilter::default()), n);
            serde_json::from_slice(&out).expect("features are written as JSON")
        }
    };
    let base = app.base_url(&headers);
    let encoded: String = form_urlencoded::byte_serialize(fid.as_bytes()).collect();
    feature["links"] = json!([
        link(format!("{base}/ogc/collections/{id}/items/{encoded}"), "self", GEOJSON, "This feature"),
        link(format!("{base}/ogc/collections/{id}"), "collection", JSON, "The collection"),
    ]);
    let mut response =
        if html { super::html::feature(&base, &id, c.title(), &feature) } else { json_response(GEOJSON, &feature) };
    if let Some(v) = version {
        response.headers_mut().insert(header::ETAG, super::edit::etag(v));
    }
    Ok(response)
}

/// `GET /ogc/collections/{id}/queryables`: the properties the items endpoint filters on.
pub async fn queryables(
    State(app): State<App>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let c = Collection::from_id(&id)?;
    Query::parse(q.as_deref(), &[&[FORMAT]])?.format()?;
    let base = app.base_url(&headers);
    let mut properties = serde_json::Map::new();
    properties.insert("geometry".into(), json!({"$ref": "https://geojson.org/schema/Geometry.json"}));
    if c == Collection::Incidents {
        properties.insert("datetime".into(), json!({"type": "string", "format": "date", "description": "The incident's date interval (event_date and its precision)"}));
        for p in INCIDENT_FILTERS {
            let mut schema = p.kind.schema();
            schema["description"] = p.description.into();
            properties.insert(p.name.into(), schema);
        }
    }
    Ok(json_response(
        SCHEMA,
        &json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": format!("{base}/ogc/collections/{id}/queryables"),
            "type": "object",
            "title": c.title(),
            "properties": properties,
            "additionalProperties": false,
        }),
    ))
}

fn bytes_response(content_type: &'static str, body: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static(content_type))], body).into_response()
}

/// Parameters of the items endpoint for incidents, for the OpenAPI document.
pub fn incident_item_params() -> Vec<&'static Param> {
    ITEMS.iter().chain(INCIDENT_FILTERS.iter()).collect()
}

/// For the OpenAPI document: `f` alone.
pub fn format_only() -> Vec<&'static Param> {
    vec![&params::FORMAT]
}
