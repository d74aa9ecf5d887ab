//! The people who may change the record, over HTTP: who a token belongs to, and (for admins) the users.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::edit::json_body;
use super::ogc::JSON;
use super::{ApiError, App, auth, json_response};
use crate::record::{EditError, Role};

/// `GET /api/me`: who the token belongs to.
pub async fn me(State(app): State<App>, headers: HeaderMap) -> Response {
    let actor = tri!(auth::actor(&app, &headers));
    let may = |r: Role| actor.role >= r;
    json_response(
        JSON,
        &json!({"name": actor.name, "role": actor.role.as_str(), "may_review": may(Role::Reviewer), "may_admin": may(Role::Admin)}),
    )
}

/// `GET /api/users` (admin): every user, never a token.
pub async fn users(State(app): State<App>, headers: HeaderMap) -> Response {
    let actor = tri!(auth::actor(&app, &headers));
    tri!(admin(&actor));
    let list: Vec<Value> = app
        .record
        .users()
        .users
        .iter()
        .map(|u| json!({"name": u.name, "role": u.role.as_str(), "created_at": u.created_at, "revoked_at": u.revoked_at}))
        .collect();
    json_response(JSON, &json!({"users": list}))
}

fn admin(actor: &crate::record::Actor) -> Result<(), ApiError> {
    if actor.role >= Role::Admin {
        Ok(())
    } else {
        Err(EditError::Forbidden(format!("managing users needs the admin role; {} is {}", actor.name, actor.role))
            .into())
    }
}

/// `POST /api/users` (admin) with `{"name", "role"}`: adds a user; the answer holds their token, once.
pub async fn add_user(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let actor = tri!(auth::actor(&app, &headers));
    tri!(admin(&actor));
    let v = tri!(json_body(&body));
    let name = v.get("name").and_then(Value::as_str).unwrap_or("").to_string();
    let role = match v.get("role").and_then(Value::as_str).map(str::parse::<Role>) {
        Some(Ok(r)) => r,
        Some(Err(m)) => {
            return ApiError::from(EditError::Invalid(vec![crate::record::FieldProblem {
                field: "role".into(),
                message: m,
            }]))
            .into_response();
        }
        None => {
            return ApiError::from(EditError::Invalid(vec![crate::record::FieldProblem {
                field: "role".into(),
                message: "required: editor, reviewer or admin".into(),
            }]))
            .into_response();
        }
    };
    let record = app.record.clone();
    let added =
        tokio::task::spawn_blocking(move || record.change_users(|list| list.add(&name, role).map(|t| (name, t)))).await;
    match added {
        Ok(Ok((name, token))) => {
            let mut r = json_response(JSON, &json!({"name": name, "role": role.as_str(), "token": token}));
            *r.status_mut() = StatusCode::CREATED;
            r
        }
        Ok(Err(crate::record::users::UserError::Exists(n))) => {
            ApiError::from(EditError::Conflict(format!("there is already a user {n:?}"))).into_response()
        }
        Ok(Err(e @ crate::record::users::UserError::BadName(_))) => {
            ApiError::from(EditError::Invalid(vec![crate::record::FieldProblem {
                field: "name".into(),
                message: e.to_string(),
            }]))
            .into_response()
        }
        Ok(Err(e)) => {
            ApiError::other(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", e.to_string()).into_response()
        }
        Err(e) => ApiError::other(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", e.to_string()).into_response(),
    }
}

/// `DELETE /api/users/{name}` (admin): revokes the user's token at once.
pub async fn revoke_user(State(app): State<App>, Path(name): Path<String>, headers: HeaderMap) -> Response {
    let actor = tri!(auth::actor(&app, &headers));
    tri!(admin(&actor));
    let record = app.record.clone();
    match tokio::task::spawn_blocking(move || record.change_users(|list| list.revoke(&name))).await {
        Ok(Ok(())) => StatusCode::NO_CONTENT.into_response(),
        Ok(Err(e @ crate::record::users::UserError::Unknown(_))) => ApiError::not_found(e.to_string()).into_response(),
        Ok(Err(e)) => {
            ApiError::other(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", e.to_string()).into_response()
        }
        Err(e) => ApiError::other(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", e.to_string()).into_response(),
    }
}
