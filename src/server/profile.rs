//! `/api/border-profile`: where along one border line the incidents of its corridor lie, and when.

use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde_json::json;

use super::error::ApiError;
use super::ogc::JSON;
use super::params::{FORMAT, Kind, Param, Query, param, required};
use super::{App, json_response};
use crate::store::{DistanceError, IncidentFilter};

/// The path.
pub const PATH: &str = "/api/border-profile";

/// Its parameters.
pub const PROFILE: &[Param] = &[
    required("border", Kind::Pair, "The border pair, e.g. DZA-MLI."),
    param("source", Kind::LineSource, "Whose line: OpenStreetMap (default) or Natural Earth."),
    param("km", Kind::Kilometres, "Corridor half-width, kilometres (default 50)."),
    param("stretch_km", Kind::Kilometres, "Length of the stretches counted along the line, kilometres (default 25)."),
    param("datetime", Kind::Datetime, "Only incidents whose date interval meets this."),
    param("event_type", Kind::EventType, "ACLED event type."),
    param("actor", Kind::Text, "Part of either actor's name, ignoring case."),
    param("limit", Kind::Limit, "Most incidents listed, newest first (default 5,000; the counts hold them all)."),
];

/// Incidents listed by default; the stretches and cells count every one.
const DEFAULT_LIMIT: u64 = 5_000;

/// `GET /api/border-profile?border=DZA-MLI[&source=&km=&stretch_km=…]`: every incident within `km` of the
/// line placed at its nearest border point, in kilometres from the line's western end; counts per stretch
/// (by side, with the surge rule) and per stretch and month; the places of the corridor; the incidents.
pub async fn profile(State(app): State<App>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = Query::parse(q.as_deref(), &[PROFILE, &[FORMAT]])?;
    q.format()?;
    let choice = super::api::border_choice(&q, &app)?;
    let (pair, source) = (choice.pair.expect("border is required"), choice.source);
    let km = q.number("km", Kind::Kilometres, (0.0, 2000.0))?.unwrap_or(50.0);
    let stretch_km = q.number("stretch_km", Kind::Kilometres, (1.0, 2000.0))?.unwrap_or(25.0);
    let limit = q.integer("limit", Kind::Limit, 0, 100_000)?.unwrap_or(DEFAULT_LIMIT) as usize;
    let (from, to) = q.datetime()?;
    let filter = IncidentFilter {
        from,
        to,
        event_types: q.list("event_type", Kind::EventType)?,
        actor: q.text("actor"),
        ..Default::default()
    };
    let store = app.store();
    let question = format!("{pair}|{source}|{km}|{stretch_km}|{filter:?}");
    let profile = app
        .profiles
        .get(&store, question, move |s| s.border_profile(pair, source, km, stretch_km, &filter))
        .await
        .map_err(|e| match e {
            DistanceError::UnknownBorder { .. } => ApiError::not_found(e.to_string()),
            e => ApiError::bad_value("km", e.to_string(), Kind::Kilometres.valid()),
        })?;
    let p = &*profile;
    let listed = &p.incidents[..p.incidents.len().min(limit)];
    Ok(json_response(
        JSON,
        &json!({
            "border": p.border, "source": p.source, "name": p.name, "length_km": p.length_km, "km": p.km,
            "stretch_km": p.stretch_km, "west_end": p.west_end, "east_end": p.east_end, "as_of": p.as_of,
            "surge_rule": p.surge_rule, "stretches": p.stretches, "cells": p.cells, "places": p.places,
            "numberMatched": p.incidents.len(), "numberReturned": listed.len(), "incidents": listed,
        }),
    ))
}
