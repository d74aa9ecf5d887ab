//! `GET /api/export/{format}`: the layers of the data as a file, with the same incident filters as the items
//! endpoint. The file is written on a blocking thread and sent as it is made, in 64 KB chunks through a bounded
//! channel, so memory stays flat whatever the size; a GeoPackage, which SQLite must be able to seek in, is
//! written to a temporary file first and then sent with its length. At most [`MAX_AT_ONCE`] exports run at once;
//! a request that finds no room within [`WAIT`] is answered 503 with `Retry-After`. Temporary files live in
//! [`export_dir`], named after the server's pid, so that those of a killed server are removed by the next.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use tokio::sync::mpsc;

use super::App;
use super::error::ApiError;
use super::ogc::incident_filter;
use super::openapi::STATS_SELECTION;
use super::params::{INCIDENT_FILTERS, Kind, Param, Query, param};
use crate::formats::ExportFormat;
use crate::store::{LayerName, export_layers};

/// The parameters of `/api/export/{format}` beyond the selection and the incident filters.
pub const EXPORT: &[Param] = &[param(
    "layers",
    Kind::Layers,
    "Layers to include (default: all four for gpkg and kml; incidents for geojson, csv and fgb, which hold one).",
)];

const CHUNK: usize = 64 * 1024;

/// Exports written at once; more would only share the two cores and multiply the memory in flight.
pub const MAX_AT_ONCE: usize = 2;

/// How long a request waits for a running export to finish before it is told to come back.
pub const WAIT: Duration = Duration::from_secs(2);

/// Where GeoPackages and zips are written before they are sent: `$TMPDIR/borderline-exports/PID-N.EXT`.
pub fn export_dir() -> PathBuf {
    std::env::temp_dir().join("borderline-exports")
}

/// Removes the files a killed server left in [`export_dir`] (those whose pid is no longer running).
pub fn remove_dead_exports() {
    let Ok(entries) = std::fs::read_dir(export_dir()) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = name.to_str().and_then(|n| n.split('-').next()).and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(|pid| pid != std::process::id() && !crate::store::process_alive(pid)) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A file in [`export_dir`], removed when dropped.
struct ExportFile(PathBuf);

impl ExportFile {
    fn new(extension: &str) -> io::Result<ExportFile> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let dir = export_dir();
        std::fs::create_dir_all(&dir)?;
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        Ok(ExportFile(dir.join(format!("{}-{n}.{extension}", std::process::id()))))
    }
}

impl Drop for ExportFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn busy() -> Response {
    let mut response = ApiError::other(
        StatusCode::SERVICE_UNAVAILABLE,
        "Busy",
        format!("{MAX_AT_ONCE} exports are being written; try again in a few seconds"),
    )
    .into_response();
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}

/// Sends what is written through the channel, a chunk at a time; fails with `BrokenPipe` once the client is gone.
struct ChannelWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buffer: Vec<u8>,
}

impl ChannelWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK)));
        self.tx.blocking_send(Ok(chunk)).map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "client went away"))
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(data);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send()
    }
}

fn body_from(rx: mpsc::Receiver<io::Result<Bytes>>) -> Body {
    Body::from_stream(futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) }))
}

/// `GET /api/export/{format}?layers=…&bbox=…&datetime=…&event_type=…`.
pub async fn export(
    State(app): State<App>,
    Path(format): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Response, ApiError> {
    // `csv.zip`: the CSV with its .csvt and .prj sidecars, so the one file a browser downloads opens typed.
    let zipped = format.eq_ignore_ascii_case("csv.zip");
    let format: ExportFormat = if zipped { Ok(ExportFormat::Csv) } else { format.parse() }
        .map_err(|e| ApiError::bad_value("format", e, "gpkg, geojson, csv, csv.zip, kml or fgb"))?;
    let q = Query::parse(q.as_deref(), &[STATS_SELECTION, INCIDENT_FILTERS, EXPORT])?;
    let filter = incident_filter(&q)?;
    let asked: Vec<LayerName> = q.list("layers", Kind::Layers)?;
    let names = export_layers(format, &asked).map_err(|m| ApiError::bad_value("layers", m, Kind::Layers.valid()))?;
    let stem = if names.len() == 1 { names[0].as_str() } else { "borderline" };
    let extension = if zipped { "csv.zip" } else { format.extension() };
    let disposition = format!("attachment; filename=\"{stem}.{extension}\"");
    let media_type = if zipped { "application/zip" } else { format.media_type() };
    let response =
        Response::builder().header(header::CONTENT_TYPE, media_type).header(header::CONTENT_DISPOSITION, disposition);
    let store = app.store();
    let Ok(Ok(permit)) = tokio::time::timeout(WAIT, app.exports.clone().acquire_owned()).await else {
        return Ok(busy());
    };

    if format.streams() && !zipped {
        let (tx, rx) = mpsc::channel(8);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let layers: Vec<_> = names.iter().map(|&n| store.layer(n, &filter)).collect();
            let mut out = ChannelWriter { tx: tx.clone(), buffer: Vec::with_capacity(CHUNK) };
            let result = format.write(&mut out, &layers, &mut |_| {}).and_then(|()| out.flush());
            if let Err(e) = result
                && e.kind() != io::ErrorKind::BrokenPipe
            {
                tracing::error!("export {format} failed: {e}");
                // An error as the last item aborts the body: the client sees a cut transfer, not a whole file.
                let _ = tx.blocking_send(Err(e));
            }
        });
        return response.body(body_from(rx)).map_err(|e| internal(e.to_string()));
    }

    // A GeoPackage or a zip: written whole to a file it can seek in, then sent.
    let export = ExportFile::new(extension).map_err(|e| internal(e.to_string()))?;
    let file_path = export.0.clone();
    let written = tokio::task::spawn_blocking(move || {
        let layers: Vec<_> = names.iter().map(|&n| store.layer(n, &filter)).collect();
        if zipped {
            let file = std::fs::File::create_new(&file_path)?;
            crate::formats::csv::write_package(io::BufWriter::new(file), &layers[0], &mut |_| {})
        } else {
            crate::formats::write_file(format, &file_path, &layers, &mut |_| {})
        }
    })
    .await
    .map_err(|e| internal(e.to_string()))?;
    drop(permit);
    written.map_err(|e| internal(format!("the {extension} file could not be written: {e}")))?;
    let mut file = std::fs::File::open(&export.0).map_err(|e| internal(e.to_string()))?;
    // Unlinked at once: the open file is sent, and nothing is left behind whatever happens next.
    drop(export);
    let length = file.metadata().map_err(|e| internal(e.to_string()))?.len();
    let (tx, rx) = mpsc::channel(8);
    tokio::task::spawn_blocking(move || {
        let mut chunk = vec![0u8; CHUNK];
        loop {
            match file.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => {
                    if tx.blocking_send(Ok(Bytes::copy_from_slice(&chunk[..n]))).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    break;
                }
            }
        }
    });
    response.header(header::CONTENT_LENGTH, length).body(body_from(rx)).map_err(|e| internal(e.to_string()))
}

fn internal(message: String) -> ApiError {
    tracing::error!("export: {message}");
    ApiError::other(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", "the export could not be made")
}
