//! `POST /api/text/check`: a text (an article) read for its places and distance claims, each measured and judged.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde_json::Value;

use super::error::ApiError;
use super::ogc::JSON;
use super::params::{FORMAT, Kind, Param, Query, param};
use super::{App, json_response};
use crate::text::{self, Language};

/// Where the text check answers (`POST`: it reads, it changes nothing).
pub const PATH: &str = "/api/text/check";

/// The query parameters of `POST /api/text/check`.
pub const TEXT_CHECK: &[Param] = &[param(
    "lang",
    Kind::Text,
    "The text's language: en, fr or auto (guessed from its commonest words; the default).",
)];

/// The text of a request: the body itself (`text/plain`) or its `text` member (`application/json`), and the
/// language a JSON body may give.
fn text_of(headers: &HeaderMap, body: &Bytes) -> Result<(String, Option<String>), ApiError> {
    let media = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("text/plain");
    let media = media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let utf8 = |bytes: &[u8]| {
        String::from_utf8(bytes.to_vec()).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            ApiError::bad_value("body", format!("byte {} of the body is not UTF-8", at + 1), "UTF-8 text")
        })
    };
    match media.as_str() {
        "text/plain" => Ok((utf8(body)?, None)),
        "application/json" => {
            let v: Value = serde_json::from_slice(body).map_err(|e| {
                ApiError::bad_value("body", format!("not JSON: {e}"), "{\"text\": \"…\", \"lang\": \"en|fr|auto\"}")
            })?;
            let text = v.get("text").and_then(Value::as_str).ok_or_else(|| {
                ApiError::bad_value("text", "the JSON body needs a \"text\" string", "{\"text\": \"…\"}")
            })?;
            Ok((text.to_string(), v.get("lang").and_then(Value::as_str).map(str::to_string)))
        }
        other => Err(ApiError::other(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMediaType",
            format!("a text is sent as text/plain or as application/json {{\"text\": …}}, not {other}"),
        )),
    }
}

/// `POST /api/text/check[?lang=en|fr|auto]`.
pub async fn check(
    State(app): State<App>,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let q = Query::parse(q.as_deref(), &[TEXT_CHECK, &[FORMAT]])?;
    q.format()?;
    let (text, body_lang) = text_of(&headers, &body)?;
    let language = match q.text("lang").or(body_lang).as_deref() {
        None | Some("auto") => None,
        Some(l) => Some(l.parse::<Language>().map_err(|e| ApiError::bad_value("lang", e, "en, fr or auto"))?),
    };
    let store = app.store();
    // Reading is CPU work in proportion to the text (bounded by the body limit): off the async workers.
    let checked = tokio::task::spawn_blocking(move || text::check(&store, &text, language))
        .await
        .map_err(|_| ApiError::other(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", "the check failed"))?;
    Ok(json_response(JSON, &checked))
}
