//! Listening at once: the port answers while the data loads (`/health` 200, `/ready` and everything else
//! 503 with `Retry-After`), and the whole service takes over when it is ready.

use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::http;

#[test]
fn the_port_answers_while_the_data_loads_and_ready_says_when_it_is_served() {
    let dir = crate::common::random_incidents_dir(150_000);
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_borderline"))
        .arg("--data")
        .arg(dir.path())
        .args(["serve", "--addr", "127.0.0.1:0", "--quiet"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let base = first.split("http://").nth(1).and_then(|r| r.split('/').next()).map(|h| format!("http://{h}"));
    let base = base.unwrap_or_else(|| panic!("no address in {first:?}"));
    let listening = started.elapsed();

    // While loading: alive, not ready, and every other request told to come back.
    let health = http(&base, "GET", "/health", &[], b"").unwrap();
    assert_eq!((health.status, &health.json()["status"]), (200, &"starting".into()), "{}", health.body);
    let ready = http(&base, "GET", "/ready", &[], b"").unwrap();
    assert_eq!(ready.status, 503, "{}", ready.body);
    assert_eq!(ready.header("retry-after"), Some("1"));
    assert_eq!(ready.json()["status"], "loading");
    assert!(ready.json()["step"].as_u64().unwrap() >= 1 && ready.json()["doing"].is_string(), "{}", ready.body);
    let items = http(&base, "GET", "/ogc/collections/incidents/items?limit=1", &[], b"").unwrap();
    assert_eq!((items.status, items.header("retry-after")), (503, Some("1")), "{}", items.body);
    assert_eq!(items.json()["code"], "Starting");

    // Then ready, on the same port, with the whole service.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let ready = http(&base, "GET", "/ready", &[], b"").unwrap();
        if ready.status == 200 {
            assert_eq!(ready.json()["incidents"], 150_000, "{}", ready.body);
            break;
        }
        assert!(Instant::now() < deadline, "not ready after 120 s: {}", ready.body);
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(http(&base, "GET", "/health", &[], b"").unwrap().json()["status"], "ok");
    let items = http(&base, "GET", "/ogc/collections/incidents/items?limit=1", &[], b"").unwrap();
    assert_eq!((items.status, &items.json()["numberMatched"]), (200, &150_000.into()));
    assert!(lines.any(|l| l.unwrap().contains("OGC API:")), "the URLs are printed once ready");
    let _ = child.kill();
    let _ = child.wait();
    eprintln!("listening after {listening:?}, ready after {:?}", started.elapsed());
}

#[test]
fn data_that_cannot_be_loaded_ends_the_server_with_the_reason_after_it_listened() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("incidents.geojson"), "{\"type\": \"FeatureCollection\", \"features\": [1]}")
        .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_borderline"))
        .arg("--data")
        .arg(dir.path())
        .args(["serve", "--addr", "127.0.0.1:0", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("incidents.geojson"), "the reason names the file: {stderr}");
}
