//! Errors as HTTP answers: a status and a JSON body that says what was wrong, which parameter, and what
//! would be valid (OGC API's exception shape: `code` and `description`).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::record::{EditError, FieldProblem};

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
    parameter: Option<Box<str>>,
    /// What the parameter accepts.
    #[serde(skip_serializing_if = "Option::is_none")]
    valid: Option<Box<str>>,
    /// Every problem with the fields of a change, each naming its field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    problems: Vec<FieldProblem>,
    /// Seconds after which to try again (`Retry-After`).
    #[serde(skip)]
    retry_after: Option<u32>,
}

impl ApiError {
    /// 400: `parameter` has a value that cannot be used.
    pub fn bad_value(parameter: &str, description: impl Into<String>, valid: &str) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "InvalidParameterValue",
            description: description.into(),
            parameter: Some(parameter.into()),
            valid: Some(valid.into()),
            problems: Vec::new(),
            retry_after: None,
        }
    }

    /// 400: a parameter this endpoint does not define (OGC API – Features requires refusing it).
    pub fn unknown_parameter(parameter: &str, known: &[&str]) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "InvalidParameter",
            description: format!("unknown query parameter {parameter:?}"),
            parameter: Some(parameter.into()),
            valid: Some(if known.is_empty() { "no query parameters".into() } else { known.join(", ").into() }),
            problems: Vec::new(),
            retry_after: None,
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
            problems: Vec::new(),
            retry_after: None,
        }
    }

    /// Another status, with a description.
    pub fn other(status: StatusCode, code: &'static str, description: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            description: description.into(),
            parameter: None,
            valid: None,
            problems: Vec::new(),
            retry_after: None,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The same error, asking the client to try again after `seconds`.
    pub fn retry_after(self, seconds: u32) -> ApiError {
        ApiError { retry_after: Some(seconds), ..self }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry = self.retry_after;
        let mut response = (self.status, Json(self)).into_response();
        if let Some(s) = retry {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, s.into());
        }
        response
    }
}

impl From<EditError> for ApiError {
    fn from(e: EditError) -> ApiError {
        let description = e.to_string();
        match e {
            EditError::Invalid(problems) => ApiError {
                problems,
                ..ApiError::other(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "InvalidFeature",
                    "the change is not valid: nothing was written",
                )
            },
            EditError::NotFound(_) | EditError::NoProposal(_) => ApiError::not_found(description),
            EditError::Stale { .. } => ApiError::other(StatusCode::PRECONDITION_FAILED, "VersionMismatch", description),
            EditError::Conflict(_) => ApiError::other(StatusCode::CONFLICT, "Conflict", description),
            EditError::Forbidden(_) => ApiError::other(StatusCode::FORBIDDEN, "Forbidden", description),
            EditError::Unavailable(_) => {
                ApiError::other(StatusCode::SERVICE_UNAVAILABLE, "Unavailable", description).retry_after(1)
            }
            EditError::ReadOnly => ApiError::other(StatusCode::METHOD_NOT_ALLOWED, "ReadOnly", description),
        }
    }
}
