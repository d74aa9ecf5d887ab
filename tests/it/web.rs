//! The web map in Debian's Chromium (headless), driven by `tests/web/check.mjs` (playwright-core) against real
//! servers: one on the embedded data, one on incidents whose text is HTML and script.

use std::path::Path;
use std::process::Command;

use crate::common::Server;

/// Incidents whose notes and actor are markup that must never run.
fn hostile_data() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let incidents = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","id":"XSS1","properties":{"event_id":"XSS1","event_date":"2024-07-25","time_precision":1,"event_type":"Battles","sub_event_type":"Armed clash","actor1":"<script>window.hacked=1</script>","actor2":"","fatalities":3,"location":"<b>bold</b>","country":"Mali","geo_precision":1,"notes":"<img src=x onerror=alert(1)>","sources":["000_608ed6d42e3f7f25"]},"geometry":{"type":"Point","coordinates":[1.0,20.0]}}
]}"#;
    std::fs::write(dir.path().join("incidents.geojson"), incidents).unwrap();
    // Markup in a place name and in a border name, which the page shows in tooltips.
    use borderline::store::embedded::{BORDERS, PLACES};
    let places = PLACES.replacen(r#""name":"Kidal""#, r#""name":"<img src=x id=injected-place>Kidal""#, 1);
    let borders =
        BORDERS.replacen(r#""name":"Algeria – Mali""#, r#""name":"<b id=injected-border>Algeria – Mali</b>""#, 1);
    assert!(places != PLACES && borders != BORDERS, "the payloads found nothing to replace");
    std::fs::write(dir.path().join("places.geojson"), places).unwrap();
    std::fs::write(dir.path().join("borders.geojson"), borders).unwrap();
    dir
}

#[test]
fn the_map_works_in_a_real_browser() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let web_tests = root.join("tests/web");
    for package in ["playwright-core", "axe-core"] {
        assert!(
            web_tests.join("node_modules").join(package).is_dir(),
            "{package} is missing: run `npm ci --prefix tests/web` first (bash tools/test.sh does, and installs Chromium)"
        );
    }
    let hostile = hostile_data();
    let (server, xss) = (Server::start(None), Server::start(Some(hostile.path())));
    let record = tempfile::tempdir().unwrap();
    let (editor, reviewer) = (
        crate::common::add_user(record.path(), "ed", "editor"),
        crate::common::add_user(record.path(), "rita", "reviewer"),
    );
    let editing = Server::start(Some(record.path()));
    let artifacts = root.join("target/web-artifacts");
    let out = Command::new("node")
        .arg(web_tests.join("check.mjs"))
        .args([&server.base, &xss.base])
        .arg(&artifacts)
        .args([&editing.base, &editor, &reviewer])
        .output()
        .expect("run node (bash tools/test.sh installs it)");
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "browser checks failed:\n{report}");
    assert!(report.contains("all checks passed"), "{report}");
}
