//! Listening at once: the port is bound and answers before the data is loaded, so that operators and load
//! balancers see a live process. Until the data is ready, `GET /health` answers 200 (`starting`), `GET /ready`
//! 503 with `Retry-After` and how far loading has got, and every other request 503 with `Retry-After`; then
//! the whole application takes over on the same connections.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use arc_swap::ArcSwapOption;
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tower::ServiceExt;

use super::ogc::JSON;
use super::{ApiError, json_response};

/// The steps of getting ready, in order.
pub const STEPS: &[&str] = &[
    "reading and checking the data (the snapshot, then the journal)",
    "measuring every incident's distance to the border and its side",
    "building the service",
];

/// How far start-up has got; shared by the loader and the answers given meanwhile.
#[derive(Debug)]
pub struct Progress {
    step: AtomicUsize,
    started: Instant,
}

impl Progress {
    /// Start-up begins now, at the first step.
    pub fn new() -> Progress {
        Progress { step: AtomicUsize::new(0), started: Instant::now() }
    }

    /// Moves on to step `i` of [`STEPS`].
    pub fn at(&self, i: usize) {
        self.step.store(i, Ordering::Relaxed);
    }

    /// Seconds since start-up began.
    pub fn seconds(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }
}

impl Default for Progress {
    fn default() -> Progress {
        Progress::new()
    }
}

/// The application once it is ready; until then, the answers of a server still loading.
#[derive(Clone, Default)]
pub struct Switch {
    ready: Arc<ArcSwapOption<Router>>,
    progress: Arc<Progress>,
}

impl Switch {
    /// A server loading, with `progress`.
    pub fn new(progress: Arc<Progress>) -> Switch {
        Switch { ready: Arc::default(), progress }
    }

    /// From now on `app` answers every request.
    pub fn ready(&self, app: Router) {
        self.ready.store(Some(Arc::new(app)));
    }

    /// The service connections are served by.
    pub fn router(&self) -> Router {
        let switch = self.clone();
        Router::new().fallback_service(tower::service_fn(move |request: Request| {
            let switch = switch.clone();
            async move {
                match switch.ready.load_full() {
                    Some(app) => (*app).clone().oneshot(request).await,
                    None => Ok(switch.loading(&request)),
                }
            }
        }))
    }

    fn loading(&self, request: &Request) -> Response {
        let step = self.progress.step.load(Ordering::Relaxed).min(STEPS.len() - 1);
        let seconds = (self.progress.seconds() * 10.0).round() / 10.0;
        let mut response = match request.uri().path() {
            "/health" => return json_response(JSON, &json!({"status": "starting", "seconds": seconds})),
            "/ready" => {
                let mut r = json_response(
                    JSON,
                    &json!({
                        "status": "loading", "step": step + 1, "steps": STEPS.len(), "doing": STEPS[step],
                        "seconds": seconds,
                    }),
                );
                *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
                r
            }
            _ => ApiError::other(
                StatusCode::SERVICE_UNAVAILABLE,
                "Starting",
                format!(
                    "borderline is starting ({} of {}: {}, {seconds} s so far): try again in a moment; GET /ready \
                     says when it is ready",
                    step + 1,
                    STEPS.len(),
                    STEPS[step]
                ),
            )
            .into_response(),
        };
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        response
    }
}

/// `GET /ready` once ready: how many incidents are served.
pub async fn ready(axum::extract::State(app): axum::extract::State<super::App>) -> Response {
    let store = app.store();
    json_response(
        JSON,
        &json!({"status": "ready", "incidents": store.current().count(), "writable": app.record.writable()}),
    )
}

/// `GET /health` once ready: the process is up.
pub async fn health() -> Response {
    json_response(JSON, &json!({"status": "ok"}))
}
