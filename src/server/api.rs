//! The border and gazetteer endpoints beyond the standard, under `/api`.

use std::collections::BTreeMap;

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use chrono::Datelike;
use serde_json::json;

use super::error::ApiError;
use super::ogc::{JSON, incident_filter};
use super::params::{BORDER, FORMAT, INCIDENT_FILTERS, Kind, Param, Query, param, required};
use super::{App, json_response};
use crate::gazetteer::{Gazetteer, Lookup};
use crate::model::{BorderSource, Status};
use crate::store::{BANDS_KM, BorderChoice, DistanceError, check_point};

/// `/api/distance`.
pub const DISTANCE: &[Param] = &[
    required("lon", Kind::Longitude, "Longitude of the point, degrees."),
    required("lat", Kind::Latitude, "Latitude of the point, degrees."),
];

/// `/api/nearest`.
pub const NEAREST: &[Param] = &[
    param("lon", Kind::Longitude, "Longitude of the point, degrees (with lat; or give place)."),
    param("lat", Kind::Latitude, "Latitude of the point, degrees."),
    param("place", Kind::Text, "A place of the gazetteer, by any spelling or its id (instead of lon/lat)."),
    param("k", Kind::Limit, "How many incidents (1 to 1000; default 10)."),
];

/// `/api/near-border`.
pub const NEAR_BORDER: &[Param] = &[
    required("km", Kind::Kilometres, "Corridor half-width, kilometres."),
    param("side", Kind::Iso3, "Only incidents on this country's side of the line."),
    param("datetime", Kind::Datetime, "Only incidents whose date interval meets this."),
    param("event_type", Kind::EventType, "ACLED event type."),
    param("limit", Kind::Limit, "Hits per page (nearest first)."),
    param("offset", Kind::Offset, "Hits to skip."),
];

/// `/api/places/search`.
pub const PLACE_SEARCH: &[Param] = &[
    required("q", Kind::Text, "A place name in any spelling (Tinzawatin, Tinsauaten, I-n-Guezzam…)."),
    param("limit", Kind::Limit, "Most matches returned (default 10)."),
];

/// The border a query names (`border`, `source`), refused when the data has no such pair.
pub(super) fn border_choice(q: &Query, app: &App) -> Result<BorderChoice, ApiError> {
    let choice = BorderChoice {
        pair: q.parsed("border", Kind::Pair)?,
        source: q.parsed::<BorderSource>("source", Kind::LineSource)?.unwrap_or_default(),
    };
    if let Some(pair) = choice.pair
        && !app.store().borders.iter().any(|b| b.pair == pair)
    {
        let mut known: Vec<String> = app.store().borders.iter().map(|b| b.pair.to_string()).collect();
        known.sort();
        known.dedup();
        return Err(ApiError::bad_value("border", format!("no border {pair} in the data"), &known.join(", ")));
    }
    Ok(choice)
}

fn distance_error(e: DistanceError) -> ApiError {
    match e {
        DistanceError::BadPoint(m) => ApiError::bad_value("lon/lat", m, "longitude -180..180, latitude -90..90"),
        DistanceError::BadDistance(_) => ApiError::bad_value("km", e.to_string(), Kind::Kilometres.valid()),
        DistanceError::UnknownBorder { .. } => ApiError::not_found(e.to_string()),
    }
}

/// `GET /api/distance?lon=&lat=[&border=&source=]`: distance to the border, nearest point and sides.
pub async fn distance(State(app): State<App>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = Query::parse(q.as_deref(), &[DISTANCE, BORDER, &[FORMAT]])?;
    q.format()?;
    let lon = q.number("lon", Kind::Longitude, (-180.0, 180.0))?.unwrap_or_default();
    let lat = q.number("lat", Kind::Latitude, (-90.0, 90.0))?.unwrap_or_default();
    let p = check_point(lon, lat).map_err(distance_error)?;
    let report = app.store().report_point(p, border_choice(&q, &app)?).map_err(distance_error)?;
    Ok(json_response(JSON, &report))
}

/// `GET /api/incidents/{id}/distance[?border=&source=]`: with the range its location uncertainty allows.
pub async fn incident_distance(
    State(app): State<App>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    let q = Query::parse(q.as_deref(), &[BORDER, &[FORMAT]])?;
    q.format()?;
    let store = app.store();
    let incident = store
        .incident(&id)
        .filter(|i| i.revision.status == Status::Published)
        .ok_or_else(|| ApiError::not_found(format!("no incident {id:?}")))?;
    let report = store.report_incident(incident, border_choice(&q, &app)?).map_err(distance_error)?;
    Ok(json_response(JSON, &report))
}

/// `GET /api/nearest?lon=&lat=|place=[&k=][&filters]`: the `k` incidents nearest to a point or a place, by
/// exact geodesic distance, as GeoJSON features with their distance (`distance_m`) and their border facts.
pub async fn nearest(State(app): State<App>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = Query::parse(q.as_deref(), &[NEAREST, INCIDENT_FILTERS, &[FORMAT]])?;
    q.format()?;
    let store = app.store();
    let k = q.integer("k", Kind::Limit, 1, crate::store::MAX_NEAREST as u64)?.unwrap_or(10) as usize;
    let (center, place) = match (q.text("place"), q.number("lon", Kind::Longitude, (-180.0, 180.0))?) {
        (Some(name), None) => {
            let place = match store.gazetteer.lookup(&name) {
                Lookup::Found(hit) => &store.places[hit.place],
                Lookup::NotFound => return Err(ApiError::not_found(format!("no place matches {name:?}"))),
                Lookup::Ambiguous(hits) => {
                    let ids: Vec<String> = hits
                        .iter()
                        .map(|h| {
                            format!(
                                "{} ({}, {})",
                                store.places[h.place].id, store.places[h.place].name, store.places[h.place].country
                            )
                        })
                        .collect();
                    return Err(ApiError::bad_value(
                        "place",
                        format!("{name:?} names {} places: {}", hits.len(), ids.join("; ")),
                        "one of those ids",
                    ));
                }
            };
            (place.position, Some(place))
        }
        (None, Some(lon)) => {
            let lat = q
                .number("lat", Kind::Latitude, (-90.0, 90.0))?
                .ok_or_else(|| ApiError::bad_value("lat", "lon needs lat", Kind::Latitude.valid()))?;
            (check_point(lon, lat).map_err(distance_error)?, None)
        }
        _ => {
            return Err(ApiError::bad_value(
                "place",
                "give either lon and lat, or place",
                "lon=2.98&lat=19.95, or place=Tinzaouatene",
            ));
        }
    };
    let filter = incident_filter(&q)?;
    let hits = store.nearest_incidents(center, k, &filter);
    let features: Vec<Box<serde_json::value::RawValue>> = hits
        .iter()
        .map(|&(i, d)| {
            let mut out = Vec::with_capacity(2048);
            super::incident_json(&store, i, &mut out);
            with_distance(out, (d * 1000.0).round() / 1000.0)
        })
        .collect();
    Ok(json_response(
        super::ogc::GEOJSON,
        &json!({
            "type": "FeatureCollection",
            "center": {"lon": center.x, "lat": center.y, "place": place.map(|p| &p.id)},
            "k": k,
            "numberReturned": features.len(),
            "features": features,
        }),
    ))
}

/// A feature as borderline writes it, with `distance_m` first among its properties.
fn with_distance(mut feature: Vec<u8>, distance_m: f64) -> Box<serde_json::value::RawValue> {
    const PROPERTIES: &[u8] = b"\"properties\":{";
    if let Some(at) = feature.windows(PROPERTIES.len()).position(|w| w == PROPERTIES).map(|p| p + PROPERTIES.len()) {
        let comma = if feature.get(at) == Some(&b'}') { "" } else { "," };
        let member = format!("\"distance_m\":{}{comma}", json!(distance_m));
        feature.splice(at..at, member.into_bytes());
    }
    let text = String::from_utf8(feature).expect("borderline writes UTF-8");
    serde_json::value::RawValue::from_string(text).expect("borderline writes JSON")
}

/// `GET /api/near-border?km=…`: incidents within `km` of the border, nearest first. The ranking is kept
/// for the state it was made of (see [`super::kept`]), so the pages after the first are cut from it.
pub async fn near_border(State(app): State<App>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = Query::parse(q.as_deref(), &[NEAR_BORDER, BORDER, &[FORMAT]])?;
    q.format()?;
    let km = q.number("km", Kind::Kilometres, (0.0, 2000.0))?.unwrap_or_default();
    let choice = border_choice(&q, &app)?;
    let (from, to) = q.datetime()?;
    let filter = crate::store::IncidentFilter {
        from,
        to,
        event_types: q.list("event_type", Kind::EventType)?,
        ..Default::default()
    };
    let side = q.parsed("side", Kind::Iso3)?;
    let (limit, offset) = (q.limit()?, q.offset()?);
    let store = app.store();
    let question = format!("{km}|{choice:?}|{side:?}|{filter:?}");
    let ranked = app
        .near_border
        .get(&store, question, move |s| s.ranked_near_border(km, choice, side, &filter))
        .await
        .map_err(distance_error)?;
    let page = ranked
        .iter()
        .skip(offset)
        .take(limit)
        .map(|r| store.corridor_hit(r.index, choice))
        .collect::<Result<Vec<_>, _>>()
        .map_err(distance_error)?;
    Ok(json_response(
        JSON,
        &json!({
            "km": km, "border": choice.pair.map_or("any".to_string(), |p| p.to_string()), "source": choice.source,
            "numberMatched": ranked.len(), "numberReturned": page.len(), "hits": page,
        }),
    ))
}

/// `GET /api/places/search?q=`: places by any spelling, best first.
pub async fn places_search(State(app): State<App>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = Query::parse(q.as_deref(), &[PLACE_SEARCH, &[FORMAT]])?;
    q.format()?;
    let name = q.text("q").ok_or_else(|| ApiError::bad_value("q", "q is empty", Kind::Text.valid()))?;
    let limit = q.integer("limit", Kind::Limit, 1, 100)?.unwrap_or(10) as usize;
    let store = app.store();
    let hits = store.gazetteer.search(&name, limit);
    let tied = Gazetteer::tied_best(&hits);
    let matches: Vec<_> = hits
        .iter()
        .enumerate()
        .map(|(k, m)| {
            let p = &store.places[m.place];
            json!({
                "id": p.id, "name": p.name, "alternate_names": p.alternate_names, "shared_names": p.shared_names,
                "country": p.country, "kind": p.kind, "lon": p.position.x, "lat": p.position.y,
                "matched_name": m.matched_name, "match": m.kind, "distance": m.distance, "tied": tied > 1 && k < tied,
            })
        })
        .collect();
    Ok(json_response(JSON, &json!({"q": name, "ambiguous": tied > 1, "matches": matches})))
}

/// `GET /api/claims`: every quantitative claim of the source documents, checked.
pub async fn claims(State(app): State<App>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    Query::parse(q.as_deref(), &[&[FORMAT]])?.format()?;
    Ok(json_response(JSON, &json!({"claims": app.store().check_claims()})))
}

/// `GET /api/stats`: counts by month, event type, side and distance band to the nearest border, for the
/// incidents the same filters as the items endpoint select.
pub async fn stats(State(app): State<App>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = Query::parse(q.as_deref(), &[super::openapi::STATS_SELECTION, INCIDENT_FILTERS, &[FORMAT]])?;
    q.format()?;
    let store = app.store();
    let selected = store.select_incidents(&incident_filter(&q)?);
    let mut by_month: BTreeMap<String, (usize, u64)> = BTreeMap::new();
    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_side: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_band: BTreeMap<&str, usize> = BANDS_KM.iter().map(|b| (b.2, 0)).collect();
    let mut bbox = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    for &i in &selected {
        let (incident, f) = (store.get(i), &store.facts(i));
        let p = incident.position;
        bbox = [bbox[0].min(p.x), bbox[1].min(p.y), bbox[2].max(p.x), bbox[3].max(p.y)];
        let month = by_month
            .entry(format!("{:04}-{:02}", incident.event_date.year(), incident.event_date.month()))
            .or_default();
        month.0 += 1;
        month.1 += u64::from(incident.fatalities_reported().unwrap_or(0));
        *by_type.entry(incident.event_type.as_str()).or_default() += 1;
        *by_side.entry(f.country.map_or("outside".into(), |c| c.to_string())).or_default() += 1;
        let km = f.border_distance_m / 1000.0;
        let band = BANDS_KM.iter().find(|(lo, hi, _)| km >= *lo && km < *hi).map_or(">100", |b| b.2);
        *by_band.entry(band).or_default() += 1;
    }
    let months: Vec<_> =
        by_month.into_iter().map(|(m, (n, f))| json!({"month": m, "incidents": n, "fatalities": f})).collect();
    let bands: Vec<_> = BANDS_KM.iter().map(|b| json!({"band_km": b.2, "incidents": by_band[b.2]})).collect();
    Ok(json_response(
        JSON,
        &json!({
            "total": selected.len(), "by_month": months, "by_event_type": by_type, "by_side": by_side,
            "by_distance_band": bands,
            // Where they are: the map's "show all".
            "bbox": (!selected.is_empty()).then_some(bbox),
        }),
    ))
}

/// `/api/clusters`.
pub const CLUSTERS: &[Param] = &[
    required("bbox", Kind::Bbox, "The map view (west,south,east,north)."),
    required("zoom", Kind::Count, "The map's zoom level (0–22); groups are about 60 screen pixels across."),
    param("datetime", Kind::Datetime, "Only incidents whose date interval meets this."),
];

/// Zoom levels from which every incident is sent on its own.
const UNGROUPED_ZOOM: u64 = 12;

/// `GET /api/clusters?bbox=&zoom=`: the incidents of a map view, grouped on the server into cells about 60
/// pixels across at that zoom, so a browser gets at most a few hundred markers however many incidents
/// match. A cell holding one incident gives that incident; one holding more gives a group with its count,
/// fatalities, types, mean position and cell (whose items, with the same filters, are its members).
pub async fn clusters(State(app): State<App>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = Query::parse(q.as_deref(), &[CLUSTERS, INCIDENT_FILTERS, &[FORMAT]])?;
    q.format()?;
    let zoom = q.integer("zoom", Kind::Count, 0, 22)?.unwrap_or_default();
    let filter = incident_filter(&q)?;
    let store = app.store();
    let (matched, ids) = store.page_incidents(&filter, 0, usize::MAX);
    let cell = if zoom >= UNGROUPED_ZOOM { 0.0 } else { 360.0 / (256.0 * 2f64.powi(zoom as i32)) * 60.0 };
    #[derive(Default)]
    struct Group {
        members: Vec<u32>,
        lon: f64,
        lat: f64,
        fatalities: u64,
        types: BTreeMap<&'static str, usize>,
    }
    let mut groups: BTreeMap<(i64, i64), Group> = BTreeMap::new();
    for (n, &i) in ids.iter().enumerate() {
        let incident = store.get(i);
        let p = incident.position;
        let key = if cell > 0.0 { ((p.x / cell).floor() as i64, (p.y / cell).floor() as i64) } else { (n as i64, 0) };
        let g = groups.entry(key).or_default();
        g.members.push(i);
        g.lon += p.x;
        g.lat += p.y;
        g.fatalities += u64::from(incident.fatalities_reported().unwrap_or(0));
        *g.types.entry(incident.event_type.as_str()).or_default() += 1;
    }
    let items: Vec<_> = groups
        .into_iter()
        .map(|((kx, ky), g)| {
            let n = g.members.len();
            if n == 1 {
                let i = g.members[0];
                let incident = store.get(i);
                json!({
                    "kind": "incident", "id": &*incident.event_id, "lon": incident.position.x, "lat": incident.position.y,
                    "event_type": incident.event_type.as_str(), "event_date": incident.event_date,
                    "fatalities": incident.fatalities_reported(),
                    "geo_precision": incident.geo_precision.code(),
                    "uncertainty_radius_m": crate::geodesy::uncertainty_radius_m(incident.geo_precision),
                    "border_distance_m": (store.facts(i).border_distance_m * 10.0).round() / 10.0,
                })
            } else {
                json!({
                    "kind": "group", "count": n, "lon": g.lon / n as f64, "lat": g.lat / n as f64,
                    "fatalities": g.fatalities, "event_types": g.types,
                    // Its cell: the items of this bbox (with the same filters) are its members.
                    "cell": [kx as f64 * cell, ky as f64 * cell, (kx + 1) as f64 * cell, (ky + 1) as f64 * cell],
                })
            }
        })
        .collect();
    Ok(json_response(JSON, &json!({"zoom": zoom, "numberMatched": matched, "items": items})))
}

/// `GET /api/sources`: the source documents incidents cite, by id.
pub async fn sources(State(app): State<App>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    Query::parse(q.as_deref(), &[&[FORMAT]])?.format()?;
    let store = app.store();
    let documents: Vec<_> = store
        .register
        .documents
        .iter()
        .map(|d| {
            json!({
                "id": d.id, "title": d.title, "title_is_descriptive": d.title_is_descriptive, "outlet": d.outlet,
                "published": d.published, "language": d.language, "sha256": d.sha256, "url": d.url,
            })
        })
        .collect();
    Ok(json_response(JSON, &json!({"documents": documents})))
}
