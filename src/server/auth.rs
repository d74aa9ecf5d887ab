//! Who is asking: `Authorization: Bearer TOKEN` checked against the record's users. Writes always need a
//! token; reads need one only for what the public does not see (`status=` other than published) or when the
//! server was started `--private`. A missing or unknown token is 401 (with `WWW-Authenticate: Bearer`), a
//! role that may not do something 403; tokens are never logged.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{ApiError, App};
use crate::record::Actor;

/// The bearer token of a request, if it has one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

/// 401, asking for a bearer token.
#[derive(Debug)]
pub struct Unauthorized(&'static str);

impl IntoResponse for Unauthorized {
    fn into_response(self) -> Response {
        let mut response = ApiError::other(StatusCode::UNAUTHORIZED, "Unauthorized", self.0).into_response();
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"borderline\""));
        response
    }
}

/// The user a request's token belongs to, or the 401 to answer.
pub fn actor(app: &App, headers: &HeaderMap) -> Result<Actor, Unauthorized> {
    match bearer(headers) {
        None => Err(Unauthorized(
            "this needs a token: send Authorization: Bearer TOKEN (an admin creates one with \
             borderline --data DIR users add NAME --role editor)",
        )),
        Some(token) => app.record.authenticate(token).ok_or(Unauthorized("the token is unknown or revoked")),
    }
}

/// Whether the asker may see `incident`: anyone a published one, only a team member (a valid token) the
/// others — drafts, rejected and retired ones.
pub fn may_see(app: &App, headers: &HeaderMap, incident: &crate::model::Incident) -> bool {
    incident.revision.status == crate::model::Status::Published || actor(app, headers).is_ok()
}

/// Whether a query asks for incidents the public does not see.
fn asks_unpublished(query: Option<&str>) -> bool {
    let Some(q) = query else { return false };
    form_urlencoded::parse(q.as_bytes())
        .any(|(k, v)| k == "status" && v.split(',').any(|s| !s.trim().eq_ignore_ascii_case("published")))
}

/// Refuses reads that need a token and come without a valid one (see the module documentation). The map page
/// and its files stay open, so that one can sign in from it.
pub async fn guard_reads(State(app): State<App>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let data = path.starts_with("/ogc") || path.starts_with("/api");
    let needs = (app.private && data) || asks_unpublished(request.uri().query());
    let read = matches!(*request.method(), axum::http::Method::GET | axum::http::Method::HEAD);
    if needs
        && read
        && let Err(denied) = actor(&app, request.headers())
    {
        return denied.into_response();
    }
    next.run(request).await
}
