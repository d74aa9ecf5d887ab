//! Accepting connections with bounded resources, whatever clients do: a header-read timeout that also closes
//! idle keep-alive connections (hyper starts it whenever it waits for a request head), a cap on open
//! connections below the process's descriptor limit (a connection over it is answered 503 at once and closed),
//! and a stop that ends within [`SHUTDOWN_GRACE`] even with half-sent requests or stalled downloads.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// A client has this long to send a request head, and an idle keep-alive connection stays open this long.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// After a stop signal, requests in flight have this long to finish; then the server exits regardless.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The largest request head (start line and headers) read, bytes; more is answered 431.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Descriptors kept for everything but client connections (files, exports, the runtime).
const RESERVED_DESCRIPTORS: usize = 64;

/// The most client connections open at once: the soft descriptor limit less a reserve (at least 16, at most
/// 4,096).
pub fn max_connections() -> usize {
    let soft_limit = std::fs::read_to_string("/proc/self/limits").ok().and_then(|limits| {
        let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
        line.split_whitespace().nth(3)?.parse::<usize>().ok()
    });
    soft_limit.unwrap_or(1024).saturating_sub(RESERVED_DESCRIPTORS).clamp(16, 4096)
}

/// Serves `app` on `listener` until `stop` completes, then lets requests in flight finish for at most
/// [`SHUTDOWN_GRACE`].
pub async fn serve(listener: TcpListener, app: Router, stop: impl Future<Output = ()>) -> std::io::Result<()> {
    let cap = max_connections();
    let open = Arc::new(Semaphore::new(cap));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT).max_header_size(MAX_HEAD_BYTES);
    tracing::debug!(max_connections = cap, "accepting connections");
    tokio::pin!(stop);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of descriptors (or a connection reset before it was accepted): wait a moment rather
                    // than spin.
                    tracing::warn!("accept: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            tokio::spawn(refuse(stream));
            continue;
        };
        let connection = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let watched = graceful.watch(connection);
        tokio::spawn(async move {
            let _permit = permit;
            let _ = watched.await;
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown()).await.is_err() {
        tracing::warn!("stopping with connections still open after {SHUTDOWN_GRACE:?}");
    }
    Ok(())
}

/// Answers a connection over the cap with 503 and closes it, without reading its request.
async fn refuse(mut stream: tokio::net::TcpStream) {
    const BODY: &str = r#"{"code":"Busy","description":"too many connections are open; try again in a moment"}"#;
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{BODY}",
        BODY.len()
    );
    let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(answer.as_bytes())).await;
}
