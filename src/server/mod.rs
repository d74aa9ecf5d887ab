//! `borderline serve`: the web map, an OGC API – Features service GIS clients add as a live layer, and the
//! border and place queries, from one process (axum on tokio).
//!
//! [`router`] builds the whole application, so tests drive it in-process; [`serve`] binds it to a socket,
//! logs requests and stops cleanly on SIGINT or SIGTERM.

/// The value of a `Result`, or (from a handler) the response its error makes.
macro_rules! tri {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return e.into_response(),
        }
    };
}

/// A write request's [`edit::Terms`], or (from a handler) the response that refuses it.
macro_rules! terms {
    ($app:expr, $headers:expr, $q:expr) => {
        match $crate::server::edit::terms($app, $headers, $q.as_deref()) {
            Ok(t) => t,
            Err(response) => return *response,
        }
    };
}

pub mod api;
pub mod auth;
pub mod connections;
pub mod density;
pub mod edit;
mod error;
pub mod export;
mod html;
pub mod kept;
pub mod links;
pub mod ogc;
pub mod openapi;
pub mod params;
pub mod profile;
pub mod proposals;
pub mod startup;
pub mod text;
pub mod users;
mod web;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub use error::ApiError;
pub use web::CSP;

use crate::record::Record;
use crate::store::Store;

/// The longest query string accepted, bytes.
pub const MAX_QUERY_BYTES: usize = 4096;
/// The largest request body accepted, bytes (a feature, or a source document with its text).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// What the handlers share: the record (each request reads the state current when it starts, which stands
/// still for as long as the request holds it), and the bounds on what clients may make it do.
#[derive(Clone)]
pub struct App {
    /// The record.
    pub record: Arc<Record>,
    /// Exports running at once are bounded: each holds a layer's worth of features in flight.
    exports: Arc<tokio::sync::Semaphore>,
    links: Arc<links::Links>,
    /// Reads need a token too.
    private: bool,
    /// The corridor rankings near-border pages are cut from.
    near_border: Arc<kept::Kept<Vec<crate::store::Ranked>>>,
    /// The filtered selections item pages are cut from.
    selections: Arc<kept::Kept<Vec<u32>>>,
    /// The border profiles asked for.
    profiles: Arc<kept::Kept<crate::store::Profile>>,
}

impl App {
    fn new(record: Arc<Record>, options: &Options) -> App {
        let exports = Arc::new(tokio::sync::Semaphore::new(export::MAX_AT_ONCE));
        App {
            record,
            exports,
            links: Arc::new(options.links.clone()),
            private: options.private,
            near_border: Arc::new(kept::Kept::new(16)),
            selections: Arc::new(kept::Kept::new(8)),
            profiles: Arc::new(kept::Kept::new(8)),
        }
    }

    /// The current state.
    pub fn store(&self) -> Arc<Store> {
        self.record.store()
    }

    /// The base URL of links in the answer to a request with `headers` (see [`links::Links::base`]).
    pub fn base_url(&self, headers: &HeaderMap) -> String {
        self.links.base(headers)
    }
}

/// Incident `k` of `store` as a GeoJSON feature.
pub fn incident_json(store: &Store, k: u32, out: &mut Vec<u8>) {
    crate::store::write_incident_geojson(out, store.get(k), &store.facts(k));
}

/// How the server is set up.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Origins allowed to read the API from other sites (CORS): exact origins such as
    /// `https://example.org`, or `*` for any. Empty: same origin only.
    pub cors_origins: Vec<String>,
    /// Log every request (method, path, status, time) at INFO level.
    pub log_requests: bool,
    /// How links name the server (`--public-url`, the address it listens on).
    pub links: links::Links,
    /// Reads need a token too (`--private`).
    pub private: bool,
}

/// The whole application. Measures every incident first (their distances and sides are features'
/// properties), unless that was already done.
pub fn router(record: Arc<Record>, options: &Options) -> Router {
    record.store().incident_facts();
    let app = App::new(record, options);
    let mut router = Router::new()
        .route("/", get(web::index))
        .route("/health", get(startup::health))
        .route("/ready", get(startup::ready))
        .route("/ogc", get(ogc::landing))
        .route("/ogc/", get(ogc::landing))
        .route("/ogc/conformance", get(ogc::conformance))
        .route("/ogc/api", get(ogc::api))
        .route("/ogc/collections", get(ogc::collections))
        .route("/ogc/collections/{id}", get(ogc::collection))
        .route("/ogc/collections/{id}/items", get(ogc::items).post(edit::create).options(edit::items_options))
        .route(
            "/ogc/collections/{id}/items/{fid}",
            get(ogc::item).put(edit::replace).patch(edit::update).delete(edit::retire).options(edit::item_options),
        )
        .route("/ogc/collections/{id}/items/{fid}/history", get(edit::history))
        .route("/ogc/collections/{id}/queryables", get(ogc::queryables))
        .route("/api/distance", get(api::distance))
        .route("/api/incidents/{id}/distance", get(api::incident_distance))
        .route("/api/near-border", get(api::near_border))
        .route("/api/nearest", get(api::nearest))
        .route(profile::PATH, get(profile::profile))
        .route("/api/places/search", get(api::places_search))
        .route("/api/claims", get(api::claims))
        .route(text::PATH, post(text::check))
        .route("/api/stats", get(api::stats))
        .route("/api/clusters", get(api::clusters))
        .route(density::PATH, get(density::density))
        .route("/api/sources", get(api::sources).post(edit::add_source))
        .route("/api/incidents/{id}/publish", post(edit::publish))
        .route("/api/incidents/{id}/reject", post(edit::reject))
        .route("/api/deleted", get(edit::deleted))
        .route("/api/proposals", get(proposals::list))
        .route("/api/proposals/{n}", get(proposals::one))
        .route("/api/proposals/{n}/accept", post(proposals::accept))
        .route("/api/proposals/{n}/decline", post(proposals::decline))
        .route("/api/me", get(users::me))
        .route("/api/users", get(users::users).post(users::add_user))
        .route("/api/users/{name}", axum::routing::delete(users::revoke_user))
        .route("/api/export/{format}", get(export::export))
        .route("/{*path}", get(web::asset))
        .fallback(|| async { ApiError::not_found("no such page") })
        .method_not_allowed_fallback(|| async {
            ApiError::other(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                "this resource does not take that method",
            )
        })
        .layer(middleware::from_fn_with_state(app.clone(), auth::guard_reads))
        .with_state(app)
        .layer(middleware::from_fn(errors_as_json))
        .layer(middleware::from_fn(security_headers))
        .layer(middleware::from_fn(limit_query))
        .layer(middleware::from_fn(limit_body));
    if !options.cors_origins.is_empty() {
        router = router.layer(cors(&options.cors_origins));
    }
    if options.log_requests {
        router = router.layer(middleware::from_fn(log_request));
    }
    router
}

fn cors(origins: &[String]) -> CorsLayer {
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()))
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([
            Method::GET,
            Method::HEAD,
            Method::OPTIONS,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::HeaderName::from_static("borderline-reason"),
        ])
        .expose_headers([header::ETAG, header::LOCATION])
}

/// Refuses overlong query strings before any handler parses them.
async fn limit_query(request: Request, next: Next) -> Response {
    if request.uri().query().is_some_and(|q| q.len() > MAX_QUERY_BYTES) {
        return ApiError::other(
            StatusCode::URI_TOO_LONG,
            "QueryTooLong",
            format!("the query string is over {MAX_QUERY_BYTES} bytes"),
        )
        .into_response();
    }
    next.run(request).await
}

/// Reads a request's body, at most [`MAX_BODY_BYTES`] of it (chunked or not) and within the header timeout;
/// more is answered 413, a body that does not arrive 408, both as JSON.
async fn limit_body(request: Request, next: Next) -> Response {
    let too_large = || {
        ApiError::other(
            StatusCode::PAYLOAD_TOO_LARGE,
            "BodyTooLarge",
            format!("request bodies are limited to {MAX_BODY_BYTES} bytes"),
        )
        .into_response()
    };
    let declared = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return too_large();
    }
    let (parts, body) = request.into_parts();
    let read = axum::body::to_bytes(body, MAX_BODY_BYTES);
    match tokio::time::timeout(connections::HEADER_READ_TIMEOUT, read).await {
        Ok(Ok(bytes)) => next.run(Request::from_parts(parts, axum::body::Body::from(bytes))).await,
        Ok(Err(_)) => too_large(),
        Err(_) => ApiError::other(StatusCode::REQUEST_TIMEOUT, "RequestTimeout", "the request body did not arrive")
            .into_response(),
    }
}

/// Every error answer in the JSON shape of [`ApiError`], also those the framework makes itself (a path that
/// is not UTF-8, a body over the limit); headers such as `Retry-After` and `Allow` are kept.
async fn errors_as_json(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let json = response.headers().get(header::CONTENT_TYPE).is_some_and(|t| t.as_bytes().ends_with(b"json"));
    if !(status.is_client_error() || status.is_server_error()) || json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let reason = status.canonical_reason().unwrap_or("Error");
    let description = match String::from_utf8_lossy(&text).trim() {
        "" => reason.to_lowercase(),
        said => said.to_string(),
    };
    let code: &'static str = match status {
        StatusCode::BAD_REQUEST => "BadRequest",
        StatusCode::NOT_FOUND => "NotFound",
        StatusCode::METHOD_NOT_ALLOWED => "MethodNotAllowed",
        StatusCode::PAYLOAD_TOO_LARGE => "BodyTooLarge",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "UnsupportedMediaType",
        _ if status.is_server_error() => "InternalError",
        _ => "InvalidRequest",
    };
    let mut answer = ApiError::other(status, code, description).into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::CONTENT_TYPE);
    answer.headers_mut().extend(parts.headers);
    answer
}

/// `nosniff` everywhere; on pages, a Content-Security-Policy without inline script, no framing and no
/// referrer.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    let html = headers.get(header::CONTENT_TYPE).is_some_and(|t| t.as_bytes().starts_with(b"text/html"));
    if html {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    }
    response
}

async fn log_request(request: Request, next: Next) -> Response {
    let (method, uri) = (request.method().clone(), request.uri().clone());
    let start = Instant::now();
    let response = next.run(request).await;
    tracing::info!(%method, %uri, status = response.status().as_u16(), micros = start.elapsed().as_micros() as u64, "request");
    response
}

/// A JSON answer with this content type.
pub fn json_response(content_type: &'static str, value: &impl Serialize) -> Response {
    let body = serde_json::to_vec(value).expect("serialising a value to memory cannot fail");
    ([(header::CONTENT_TYPE, HeaderValue::from_static(content_type))], body).into_response()
}

/// Why `serve` stopped short.
#[derive(Debug)]
pub enum ServeError {
    /// The address could not be bound, or serving failed.
    Io(std::io::Error),
    /// The data could not be opened: the exit code to end with, and why.
    Open(u8, String),
}

impl From<std::io::Error> for ServeError {
    fn from(e: std::io::Error) -> ServeError {
        ServeError::Io(e)
    }
}

/// Listens on `addr` at once, then opens the record with `open` (on a blocking thread) and measures it;
/// meanwhile `/health`, `/ready` and every other request are answered as [`startup`] says. Serves until
/// SIGINT or SIGTERM, printing the URLs to open once ready.
pub async fn serve<F>(addr: SocketAddr, options: Options, open: F) -> Result<(), ServeError>
where
    F: FnOnce() -> Result<Record, ServeError> + Send + 'static,
{
    let progress = Arc::new(startup::Progress::new());
    // Listen for SIGINT and SIGTERM before saying we are up, so a signal that follows at once is not lost.
    let stop = shutdown_signal()?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let host = if local.ip().is_unspecified() { format!("127.0.0.1:{}", local.port()) } else { local.to_string() };
    println!("borderline is listening on http://{host}/ and loading the data (GET /ready says how far)");
    let options = Options { links: links::Links { listen: Some(local), ..options.links }, ..options };
    let switch = startup::Switch::new(progress.clone());
    let (failed, failure) = tokio::sync::oneshot::channel::<ServeError>();
    let loader = switch.clone();
    tokio::spawn(async move {
        let opened = tokio::task::spawn_blocking(move || {
            let record = open()?;
            progress.at(1);
            let count = record.store().incident_facts().len();
            // Ranked by distance to the border once, so that a corridor is a prefix of it.
            record.store().by_border_distance();
            progress.at(2);
            export::remove_dead_exports();
            tracing::info!(incidents = count, seconds = progress.seconds(), "ready");
            Ok::<_, ServeError>(record)
        })
        .await
        .unwrap_or_else(|e| Err(ServeError::Io(std::io::Error::other(e))));
        match opened {
            Ok(record) => {
                let record = Arc::new(record);
                loader.ready(router(record.clone(), &options));
                announce(&record, &host, local);
            }
            Err(e) => {
                let _ = failed.send(e);
            }
        }
    });
    // Serve until a signal, or until loading fails (then say why, with the exit code it calls for).
    let mut failure = failure;
    let mut why = None;
    let until = async {
        tokio::select! {
            () = stop => {}
            Ok(e) = &mut failure => why = Some(e),
        }
    };
    connections::serve(listener, switch.router(), until).await?;
    match why {
        Some(e) => Err(e),
        None => {
            println!("borderline stopped");
            Ok(())
        }
    }
}

/// What a server that is ready prints: how much it serves, and where.
fn announce(record: &Record, host: &str, local: SocketAddr) {
    println!("borderline is serving {} incidents", record.store().current().count());
    if record.writable() {
        println!(
            "  recording changes in {} (writes need a token: borderline --data DIR users add NAME --role editor)",
            record.dir().map(|d| d.display().to_string()).unwrap_or_default()
        );
    }
    println!("  map:         http://{host}/");
    println!(
        "  OGC API:     http://{host}/ogc   (QGIS: Layer ▸ Add Layer ▸ Add WFS / OGC API – Features Layer, new connection, this URL)"
    );
    println!("  API docs:    http://{host}/ogc/api");
    if !local.ip().is_loopback() {
        println!("  note: listening on {} — reachable from other machines", local.ip());
    }
    println!("Stop with Ctrl-C.");
}

/// A future that completes on SIGINT or SIGTERM (Ctrl-C elsewhere); the handlers are in place on return.
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let (mut interrupt, mut terminate) = (signal(SignalKind::interrupt())?, signal(SignalKind::terminate())?);
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
        tracing::info!("shutting down");
    })
}

/// A future that completes on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    })
}
