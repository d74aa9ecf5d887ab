//! Changing the record over HTTP: OGC API – Features Part 4 (Create, Replace, Update, Delete) on the
//! incidents collection, publishing and rejecting, sources, users, and reading the history back.
//!
//! Every answer about one incident carries its version as a strong `ETag` (`"v3"`); a change sent with
//! `If-Match` naming another version is refused with 412 and nothing is written. A change without `If-Match`
//! (QGIS sends none) applies to the current version, and the journal records which version it replaced.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::auth;
use super::ogc::{GEOJSON, JSON};
use super::params::{Kind, Query, param};
use super::{ApiError, App, json_response};
use crate::model::{SourceDocument, Status, format_time};
use crate::record::{Applied, Change, EditError, Request};

const REASON: super::params::Param =
    param("reason", Kind::Text, "Why the change is made (required for corrections, rejections and retirements).");

/// The strong entity tag of an incident at `version`.
pub fn etag(version: u32) -> HeaderValue {
    HeaderValue::from_str(&format!("\"v{version}\"")).expect("an ASCII tag")
}

/// The version `If-Match` names: none without the header or with `*`; an error for a tag that names none.
fn if_match(headers: &HeaderMap) -> Result<Option<u32>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else { return Ok(None) };
    let text = value.to_str().unwrap_or("").trim();
    if text == "*" {
        return Ok(None);
    }
    let bad = || {
        ApiError::other(
            StatusCode::PRECONDITION_FAILED,
            "VersionMismatch",
            format!("If-Match {text:?} names no version of this incident: send back the ETag it was read with"),
        )
    };
    let tag = text.split(',').next().map(str::trim).ok_or_else(bad)?;
    tag.strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .and_then(|t| t.strip_prefix('v'))
        .and_then(|v| v.parse().ok())
        .map(Some)
        .ok_or_else(bad)
}

/// The reason given with a request: the `Borderline-Reason` header, the `reason` parameter, or the body's
/// `change_reason` property.
pub(super) fn reason(headers: &HeaderMap, q: &Query, body: Option<&Value>) -> Option<String> {
    let header = headers.get("borderline-reason").and_then(|v| String::from_utf8(v.as_bytes().to_vec()).ok());
    header
        .or_else(|| q.text("reason"))
        .or_else(|| body?.pointer("/properties/change_reason")?.as_str().map(str::to_string))
        .filter(|r| !r.trim().is_empty())
}

pub(super) fn json_body(body: &Bytes) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| {
        ApiError::from(EditError::Invalid(vec![crate::record::FieldProblem {
            field: "body".into(),
            message: format!("not JSON: {e} (line {}, column {})", e.line(), e.column()),
        }]))
    })
}

/// The current feature of incident `id` as GET serves it, with its ETag.
pub(super) fn feature_response(app: &App, id: &str, status: StatusCode, headers: &HeaderMap) -> Response {
    let store = app.store();
    let Some(k) = store.incident_number(id) else {
        return ApiError::not_found(format!("no incident {id:?}")).into_response();
    };
    let mut out = Vec::with_capacity(2048);
    super::incident_json(&store, k, &mut out);
    let version = store.get(k).revision.version;
    let mut response = (status, [(header::CONTENT_TYPE, HeaderValue::from_static(GEOJSON))], out).into_response();
    response.headers_mut().insert(header::ETAG, etag(version));
    if status == StatusCode::CREATED {
        let encoded: String = form_urlencoded::byte_serialize(id.as_bytes()).collect();
        let location = format!("{}/ogc/collections/incidents/items/{encoded}", app.base_url(headers));
        if let Ok(v) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, v);
        }
    }
    response
}

fn only_incidents(collection: &str) -> Result<(), ApiError> {
    if collection == "incidents" {
        Ok(())
    } else {
        Err(ApiError::other(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            format!("collection {collection} is read-only: only incidents are recorded and changed"),
        ))
    }
}

/// What every write request carries beside its change: who asks (401 without a valid token), its query (the
/// reason may be there), and the version it was made to (`If-Match`).
pub(super) struct Terms {
    pub actor: crate::record::Actor,
    pub query: Query,
    pub if_match: Option<u32>,
}

pub(super) fn terms(app: &App, headers: &HeaderMap, q: Option<&str>) -> Result<Terms, Box<Response>> {
    let actor = auth::actor(app, headers).map_err(|e| Box::new(e.into_response()))?;
    let query = Query::parse(q, &[&[REASON]]).map_err(|e| Box::new(e.into_response()))?;
    let if_match = if_match(headers).map_err(|e| Box::new(e.into_response()))?;
    Ok(Terms { actor, query, if_match })
}

pub(super) async fn submit(app: &App, request: Request) -> Result<Applied, ApiError> {
    app.record.submit(request).await.map_err(ApiError::from)
}

/// `POST /ogc/collections/incidents/items`: records a new incident (a GeoJSON feature) as a draft.
pub async fn create(
    State(app): State<App>,
    Path(collection): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    tri!(only_incidents(&collection));
    let Terms { actor, query, .. } = terms!(&app, &headers, q);
    let feature = tri!(json_body(&body));
    let reason = reason(&headers, &query, Some(&feature));
    let applied = tri!(submit(&app, Request { change: Change::Create(feature), actor, if_match: None, reason }).await);
    feature_response(&app, &applied.id, StatusCode::CREATED, &headers)
}

/// `PUT /ogc/collections/incidents/items/{id}`: a whole new version.
pub async fn replace(
    State(app): State<App>,
    Path((collection, id)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    tri!(only_incidents(&collection));
    let Terms { actor, query, if_match } = terms!(&app, &headers, q);
    let feature = tri!(json_body(&body));
    let reason = reason(&headers, &query, Some(&feature));
    let applied = tri!(submit(&app, Request { change: Change::Replace(id, feature), actor, if_match, reason }).await);
    changed_response(&app, &applied, &headers)
}

/// `PATCH /ogc/collections/incidents/items/{id}`: a JSON Merge Patch (RFC 7396) of the feature. A patch that
/// only sets `properties.status` publishes, rejects or retires.
pub async fn update(
    State(app): State<App>,
    Path((collection, id)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
    body: Bytes,
) -> Response {
    tri!(only_incidents(&collection));
    let Terms { actor, query, if_match } = terms!(&app, &headers, q);
    let patch = tri!(json_body(&body));
    let reason = reason(&headers, &query, Some(&patch));
    let only_status = patch.as_object().is_some_and(|o| o.len() == 1)
        && patch
            .get("properties")
            .and_then(Value::as_object)
            .is_some_and(|p| p.keys().all(|k| k == "status" || k == "change_reason") && p.contains_key("status"));
    let change = match patch.pointer("/properties/status").and_then(Value::as_str) {
        Some(s) if only_status => Change::Status(
            id,
            tri!(
                s.parse::<Status>()
                    .map_err(|m| EditError::Invalid(vec![crate::record::FieldProblem {
                        field: "status".into(),
                        message: m
                    }]))
                    .map_err(ApiError::from)
            ),
        ),
        _ => Change::Patch(id, patch),
    };
    let applied = tri!(submit(&app, Request { change, actor, if_match, reason }).await);
    changed_response(&app, &applied, &headers)
}

/// The answer to a correction: the new version, or — for an editor's correction of a published incident —
/// 202 with the proposal it became.
fn changed_response(app: &App, applied: &Applied, headers: &HeaderMap) -> Response {
    if applied.op == crate::record::journal::Op::Propose {
        super::proposals::proposed(app, applied.seq, headers)
    } else {
        feature_response(app, &applied.id, StatusCode::OK, headers)
    }
}

/// `DELETE /ogc/collections/incidents/items/{id}`: retires the incident (it stays in the history).
pub async fn retire(
    State(app): State<App>,
    Path((collection, id)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    tri!(only_incidents(&collection));
    let Terms { actor, query, if_match } = terms!(&app, &headers, q);
    let reason = reason(&headers, &query, None);
    tri!(submit(&app, Request { change: Change::Status(id, Status::Retired), actor, if_match, reason }).await);
    StatusCode::NO_CONTENT.into_response()
}

/// `POST /api/incidents/{id}/publish`: a reviewer publishes a draft.
pub async fn publish(State(app): State<App>, Path(id): Path<String>, headers: HeaderMap, q: RawQuery) -> Response {
    decide(app, id, Status::Published, headers, q).await
}

/// `POST /api/incidents/{id}/reject`: a reviewer rejects a draft (a reason is required).
pub async fn reject(State(app): State<App>, Path(id): Path<String>, headers: HeaderMap, q: RawQuery) -> Response {
    decide(app, id, Status::Rejected, headers, q).await
}

async fn decide(app: App, id: String, status: Status, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Terms { actor, query, if_match } = terms!(&app, &headers, q);
    let reason = reason(&headers, &query, None);
    let applied = tri!(submit(&app, Request { change: Change::Status(id, status), actor, if_match, reason }).await);
    feature_response(&app, &applied.id, StatusCode::OK, &headers)
}

/// `OPTIONS` on the items: what may be done there (QGIS asks, to know whether a layer is editable).
pub async fn items_options(State(app): State<App>, Path(collection): Path<String>) -> Response {
    let methods = if collection == "incidents" && app.record.writable() {
        "GET, HEAD, POST, OPTIONS"
    } else {
        "GET, HEAD, OPTIONS"
    };
    (StatusCode::NO_CONTENT, [(header::ALLOW, methods)]).into_response()
}

/// `OPTIONS` on one item.
pub async fn item_options(State(app): State<App>, Path((collection, _)): Path<(String, String)>) -> Response {
    let methods = if collection == "incidents" && app.record.writable() {
        "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"
    } else {
        "GET, HEAD, OPTIONS"
    };
    (StatusCode::NO_CONTENT, [(header::ALLOW, methods)]).into_response()
}

/// `GET /ogc/collections/incidents/items/{id}/history`: every version, with who, when, why and what changed.
pub async fn history(
    State(app): State<App>,
    Path((collection, id)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    only_incidents(&collection)?;
    Query::parse(q.as_deref(), &[&[super::params::FORMAT]])?.format()?;
    let store = app.store();
    let missing = || ApiError::not_found(format!("no incident {id:?}"));
    // The history of an incident is there for whoever may see the incident itself.
    let current = store.incident(&id).filter(|i| auth::may_see(&app, &headers, i)).ok_or_else(missing)?;
    let entries = tokio::task::spawn_blocking({
        let record = app.record.clone();
        let id = id.clone();
        move || record.history(&id)
    })
    .await
    .map_err(|e| ApiError::other(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", e.to_string()))?
    .map_err(|e| ApiError::other(StatusCode::INTERNAL_SERVER_ERROR, "JournalBroken", e.to_string()))?;
    let versions: Vec<Value> = entries
        .iter()
        .map(|e| {
            json!({
                "seq": e.seq, "at": e.at, "by": e.by, "op": e.op.as_str(), "version": e.version,
                "replaces": e.replaces, "reason": e.reason, "sources": e.sources, "changes": e.changes,
            })
        })
        .collect();
    Ok(json_response(
        JSON,
        &json!({
            "id": id,
            "status": current.revision.status.as_str(),
            "version": current.revision.version,
            "versions": versions,
            "note": if versions.is_empty() { Some("no change recorded since the incident was loaded (version 1)") } else { None },
        }),
    ))
}

/// `GET /api/deleted?since=YYYY-MM-DD`: incidents retired or rejected (on or after `since`), with the date,
/// so that a copy elsewhere can drop them (as ACLED's deletions endpoint).
pub async fn deleted(State(app): State<App>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = Query::parse(q.as_deref(), &[&[param("since", Kind::Date, "Only those on or after this day.")]])?;
    let since = q.date("since")?;
    let store = app.store();
    let mut out: Vec<(String, Value)> = store
        .current()
        .map(|k| store.get(k))
        .filter(|i| matches!(i.revision.status, Status::Retired | Status::Rejected))
        .filter(|i| since.is_none_or(|d| i.revision.updated_at.is_some_and(|t| t.date_naive() >= d)))
        .map(|i| {
            let at = i.revision.updated_at.as_ref().map(format_time).unwrap_or_default();
            (at.clone(), json!({"event_id_cnty": &*i.event_id, "status": i.revision.status.as_str(), "at": at, "version": i.revision.version}))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(json_response(JSON, &json!({"deleted": out.into_iter().map(|(_, v)| v).collect::<Vec<_>>()})))
}

/// `POST /api/sources`: adds a document to the register (`title`, `outlet`, `published`, `url`, `language`;
/// `text` with `keep_text: true` keeps the text itself, else only its SHA-256). The claims read in `text` are
/// registered with it unless `claims` is `false`.
pub async fn add_source(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let actor = tri!(auth::actor(&app, &headers));
    let value = tri!(json_body(&body));
    let (mut document, text) = tri!(source_document(&value).map_err(|p| ApiError::from(EditError::Invalid(p))));
    if let Some(body) = value.get("text").and_then(Value::as_str)
        && value.get("claims").and_then(Value::as_bool) != Some(false)
    {
        document.claims = crate::text::register::claims_of_text(&app.store(), body, &document.id);
    }
    let reason = value.get("reason").and_then(Value::as_str).map(str::to_string);
    let id = document.id.clone();
    tri!(
        submit(&app, Request { change: Change::Source(Box::new(document), text), actor, if_match: None, reason }).await
    );
    let store = app.store();
    let mut response = json_response(JSON, &store.register.document(&id));
    *response.status_mut() = StatusCode::CREATED;
    response
}

/// A register document from a request's fields, with every problem found.
pub fn source_document(v: &Value) -> Result<(SourceDocument, Option<String>), Vec<crate::record::FieldProblem>> {
    let mut problems = Vec::new();
    let mut text_of = |key: &str, required: bool| -> Option<String> {
        match v.get(key) {
            None | Some(Value::Null) if !required => None,
            Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
            _ => {
                problems.push(crate::record::FieldProblem {
                    field: key.into(),
                    message: "required text is missing".into(),
                });
                None
            }
        }
    };
    let title = text_of("title", true);
    let outlet = text_of("outlet", true);
    let language = text_of("language", true);
    let published = text_of("published", false);
    let url = text_of("url", false);
    let text = text_of("text", false);
    let keep = v.get("keep_text").and_then(Value::as_bool).unwrap_or(false);
    if let Some(l) = &language
        && !(l.len() == 2 && l.bytes().all(|b| b.is_ascii_lowercase()))
    {
        problems.push(crate::record::FieldProblem {
            field: "language".into(),
            message: format!("{l:?} is not an ISO 639-1 code such as en or fr"),
        });
    }
    if let Some(p) = &published
        && crate::model::parse_iso_date(p).is_err()
        && !(p.len() == 7 && crate::model::parse_iso_date(&format!("{p}-01")).is_ok())
    {
        problems.push(crate::record::FieldProblem {
            field: "published".into(),
            message: format!("{p:?} is not a date YYYY-MM-DD or a month YYYY-MM"),
        });
    }
    if let Some(u) = &url
        && !(u.starts_with("https://") || u.starts_with("http://"))
    {
        problems
            .push(crate::record::FieldProblem { field: "url".into(), message: format!("{u:?} is not an http(s) URL") });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let (title, outlet, language) =
        (title.unwrap_or_default(), outlet.unwrap_or_default(), language.unwrap_or_default());
    let sha256 = text.as_deref().map(|t| crate::record::journal::sha256_hex(t.as_bytes())).unwrap_or_default();
    let key =
        format!("{}\n{}\n{}\n{}", url.as_deref().unwrap_or(""), title, outlet, published.as_deref().unwrap_or(""));
    let id = format!("src_{}", &crate::record::journal::sha256_hex(key.as_bytes())[..12]);
    let document = SourceDocument {
        id,
        file: String::new(),
        title,
        title_is_descriptive: false,
        outlet,
        published,
        published_note: None,
        language,
        sha256,
        url,
        claims: Vec::new(),
    };
    Ok((document, if keep { text } else { None }))
}
