//! Errors as HTTP answers: a status and a JSON body that says what was wrong, which parameter, and what
//! would be valid (OGC API's exception shape: `code` and `description`).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A request the server cannot answer as asked.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    status: StatusCode,
    /// Machine-readable kind, e.g. `InvalidParameterValue`.
    code: &'static str,
    /// What was wrong.
    description: String,
    /// The parameter at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter: Option<String>,
    /// What the parameter accepts.
    #[serde(skip_serializing_if = "Option::is_none")]
    valid: Option<String>,
}

impl ApiError {
    /// 400: `parameter` has a value that cannot be used.
    pub fn bad_value(parameter: &str, description: impl Into<String>, valid: &str) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "InvalidParameterValue",
            description: description.into(),
            parameter: Some(parameter.to_string()),
            valid: Some(valid.to_string()),
        }
    }

    /// 400: a parameter this endpoint does not define (OGC API – Features requires refusing it).
    pub fn unknown_parameter(parameter: &str, known: &[&str]) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "InvalidParameter",
            description: format!("unknown query parameter {parameter:?}"),
            parameter: Some(parameter.to_string()),
            valid: Some(if known.is_empty() { "no query parameters".into() } else { known.join(", ") }),
        }
    }

    /// 404: no such collection, feature, incident or page.
    pub fn not_found(description: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            code: "NotFound",
            description: description.into(),
            parameter: None,
            valid: None,
        }
    }

    /// Another status, with a description.
    pub fn other(status: StatusCode, code: &'static str, description: impl Into<String>) -> ApiError {
        ApiError { status, code, description: description.into(), parameter: None, valid: None }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self)).into_response()
    }
}
