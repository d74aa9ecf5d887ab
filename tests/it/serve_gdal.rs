//! `borderline serve` through a real socket: raw HTTP, GDAL's OGC API – Features driver as a real GIS
//! client, and a clean stop on SIGTERM.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;

use borderline::Store;
use borderline::model::BBox;

use crate::common::Server;

fn ogrinfo(args: &[&str]) -> (String, String) {
    let out = Command::new("ogrinfo").args(args).output().unwrap_or_else(|e| {
        panic!("ogrinfo (GDAL) is needed for these tests: {e}; `bash tools/test.sh` installs gdal-bin")
    });
    let (stdout, stderr) =
        (String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string());
    assert!(out.status.success(), "ogrinfo {args:?} failed: {stderr}");
    (stdout, stderr)
}

fn features(ogrinfo_output: &str) -> usize {
    ogrinfo_output.lines().filter(|l| l.starts_with("OGRFeature(")).count()
}

#[test]
fn a_raw_http_request_over_the_socket_is_answered() {
    let server = Server::start(None);
    let addr = server.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET /ogc/conformance HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("conf/core"));
}

#[test]
fn gdal_lists_the_collections_and_reads_every_incident_across_pages() {
    let server = Server::start(None);
    let url = format!("OAPIF:{}/ogc", server.base);
    let (list, warnings) = ogrinfo(&["-ro", &url]);
    for layer in ["incidents", "places", "borders", "countries"] {
        assert!(list.contains(&format!(": {layer} (")), "{layer} not listed: {list}");
    }
    assert!(warnings.trim().is_empty(), "GDAL said: {warnings}");
    // Seven features a page: five pages, followed through the next links.
    let (all, warnings) = ogrinfo(&["-ro", "-al", "-q", "-oo", "PAGE_SIZE=7", &url, "incidents"]);
    assert_eq!(features(&all), 33);
    assert!(warnings.trim().is_empty(), "GDAL said: {warnings}");
    assert!(all.contains("border_distance_m (Real) ="), "{all}");
    let (summary, _) = ogrinfo(&["-ro", "-so", &url, "incidents"]);
    assert!(summary.contains("Feature Count: 33") && summary.contains("border_side: String"), "{summary}");
}

#[test]
fn gdal_reads_thousands_of_incidents_and_a_bbox_returns_exactly_those_inside() {
    let dir = crate::common::random_incidents_dir(2_500);
    let store = Store::load(Some(dir.path())).unwrap();
    let server = Server::start(Some(dir.path()));
    let url = format!("OAPIF:{}/ogc", server.base);
    let (all, warnings) = ogrinfo(&["-ro", "-al", "-q", &url, "incidents"]);
    assert_eq!(features(&all), 2_500);
    assert!(warnings.trim().is_empty(), "GDAL said: {warnings}");
    let b = BBox { west: -1.5, south: 19.0, east: 2.25, north: 22.5 };
    let want = store.incident_index.count_in_bbox(&b);
    assert!(want > 100);
    let (inside, warnings) = ogrinfo(&["-ro", "-al", "-q", "-spat", "-1.5", "19", "2.25", "22.5", &url, "incidents"]);
    assert_eq!(features(&inside), want);
    assert!(warnings.trim().is_empty(), "GDAL said: {warnings}");
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let mut server = Server::start(None);
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    let status = server.child.wait().unwrap();
    assert!(status.success(), "exit status {status}");
}

/// `GET path` over a new connection; the status code and the response head.
fn raw_get(addr: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    let head = text.split("\r\n\r\n").next().unwrap_or("").to_string();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    (status, head)
}

#[test]
fn exports_at_once_are_bounded_and_the_rest_are_told_when_to_come_back() {
    let dir = crate::common::random_incidents_dir(100_000);
    let server = Server::start(Some(dir.path()));
    let addr = server.base.trim_start_matches("http://").to_string();
    let answers: Vec<(u16, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8).map(|_| s.spawn(|| raw_get(&addr, "/api/export/gpkg?layers=incidents"))).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ok = answers.iter().filter(|(status, _)| *status == 200).count();
    let busy: Vec<&String> = answers.iter().filter(|(status, _)| *status == 503).map(|(_, head)| head).collect();
    assert_eq!(ok + busy.len(), 8, "{answers:?}");
    assert!(ok >= 1 && !busy.is_empty(), "{ok} exports and {} refusals: {answers:?}", busy.len());
    assert!(busy.iter().all(|h| h.to_ascii_lowercase().contains("retry-after: 5")), "{busy:?}");
}
