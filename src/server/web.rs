//! The web page and its assets, compiled into the binary from `web/`. Only files are served: no directory
//! listing, and no path can leave the embedded tree.

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use include_dir::{Dir, include_dir};

use super::error::ApiError;

static WEB: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/web");

/// The Content-Security-Policy of every page: scripts, styles and data only from this server (no inline
/// script), images also from the OpenStreetMap tile servers when the online base map is switched on.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https://tile.openstreetmap.org; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "geojson" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn file(path: &str) -> Result<Response, ApiError> {
    let missing = || ApiError::not_found(format!("no page {path:?}"));
    if path.split('/').any(|s| s == ".." || s == "." || s.is_empty()) {
        return Err(missing());
    }
    let f = WEB.get_file(path).ok_or_else(missing)?;
    let cache = if path.starts_with("vendor/") { "public, max-age=86400" } else { "no-cache" };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type(path))),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        f.contents(),
    )
        .into_response())
}

/// `GET /`: the page.
pub async fn index() -> Result<Response, ApiError> {
    file("index.html")
}

/// `GET /{*path}`: an asset.
pub async fn asset(Path(path): Path<String>) -> Result<Response, ApiError> {
    file(&path)
}
