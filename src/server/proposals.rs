//! Corrections editors propose to published incidents, over HTTP. An editor's `PUT` or `PATCH` of a published
//! incident is answered `202 Accepted` with the proposal it became (`Location: /api/proposals/{n}`); the
//! incident stays as it is until a reviewer accepts the proposal, which makes it the next version, or
//! declines it. A proposal made to a version that is no longer current cannot be accepted (it would undo
//! what changed since): it is declined and made again.

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::edit::{Terms, feature_response, reason, submit};
use super::ogc::JSON;
use super::params::{Kind, Query, param};
use super::{ApiError, App, auth, json_response};
use crate::model::Proposal;
use crate::record::{Change, Request};
use crate::store::Store;

/// A proposal as the API shows it: what it changes, on which version, and the incident as it would be, with
/// its measured border facts.
pub fn proposal_json(store: &Store, base_url: &str, p: &Proposal) -> Value {
    let mut feature = Vec::with_capacity(2048);
    crate::store::write_incident_geojson(&mut feature, &p.incident, &store.measure(&p.incident));
    let feature: Value = serde_json::from_slice(&feature).expect("borderline writes JSON");
    let current = store.incident(&p.incident.event_id).map(|i| i.revision.version);
    let href = format!("{base_url}/api/proposals/{}", p.number);
    json!({
        "proposal": p.number,
        "incident": &*p.incident.event_id,
        "proposed_by": p.by,
        "proposed_at": p.at,
        "reason": p.reason,
        "replaces": p.replaces,
        "current_version": current,
        "stale": current != Some(p.replaces),
        "changes": p.changes,
        "feature": feature,
        "links": [
            {"rel": "self", "href": href, "type": JSON},
            {"rel": "accept", "href": format!("{href}/accept"), "method": "POST"},
            {"rel": "decline", "href": format!("{href}/decline"), "method": "POST"},
        ],
    })
}

/// The 202 an editor's correction of a published incident gets: the proposal, and where it lives.
pub fn proposed(app: &App, number: u64, headers: &HeaderMap) -> Response {
    let store = app.store();
    let base = app.base_url(headers);
    let Some(p) = store.proposal(number) else {
        return ApiError::not_found(format!("no open proposal #{number}")).into_response();
    };
    let mut response = json_response(JSON, &proposal_json(&store, &base, p));
    *response.status_mut() = StatusCode::ACCEPTED;
    if let Ok(v) = HeaderValue::from_str(&format!("{base}/api/proposals/{number}")) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}

fn number(text: &str) -> Result<u64, ApiError> {
    text.parse().map_err(|_| ApiError::not_found(format!("{text:?} is not a proposal number")))
}

/// `GET /api/proposals[?incident=ID]` (any signed-in user): the open proposals, oldest first.
pub async fn list(State(app): State<App>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    tri!(auth::actor(&app, &headers));
    let incident = param("incident", Kind::Text, "Only the proposals to this incident.");
    let q = tri!(Query::parse(q.as_deref(), &[&[incident]]));
    let only = q.text("incident");
    let store = app.store();
    let base = app.base_url(&headers);
    let list: Vec<Value> = store
        .proposals()
        .filter(|p| only.as_deref().is_none_or(|id| *p.incident.event_id == *id))
        .map(|p| proposal_json(&store, &base, p))
        .collect();
    json_response(JSON, &json!({"proposals": list}))
}

/// `GET /api/proposals/{n}` (any signed-in user).
pub async fn one(State(app): State<App>, Path(n): Path<String>, headers: HeaderMap) -> Response {
    tri!(auth::actor(&app, &headers));
    let n = tri!(number(&n));
    let store = app.store();
    match store.proposal(n) {
        Some(p) => json_response(JSON, &proposal_json(&store, &app.base_url(&headers), p)),
        None => {
            ApiError::not_found(format!("no open proposal #{n} (accepted, declined or never made)")).into_response()
        }
    }
}

/// `POST /api/proposals/{n}/accept` (reviewer): the proposal becomes the incident's next version.
pub async fn accept(
    State(app): State<App>,
    Path(n): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let n = tri!(number(&n));
    let Terms { actor, query, if_match } = terms!(&app, &headers, q);
    let reason = reason(&headers, &query, None);
    let applied = tri!(submit(&app, Request { change: Change::Accept(n), actor, if_match, reason }).await);
    feature_response(&app, &applied.id, StatusCode::OK, &headers)
}

/// `POST /api/proposals/{n}/decline?reason=…` (reviewer, or the proposal's author withdrawing it).
pub async fn decline(
    State(app): State<App>,
    Path(n): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let n = tri!(number(&n));
    let Terms { actor, query, .. } = terms!(&app, &headers, q);
    let reason = reason(&headers, &query, None);
    let applied = tri!(submit(&app, Request { change: Change::Decline(n), actor, if_match: None, reason }).await);
    json_response(JSON, &json!({"declined": n, "incident": applied.id, "seq": applied.seq}))
}
