//! Property tests, bounded (a few hundred cases each, seeded by proptest): arbitrary query strings never get a
//! 5xx or a non-JSON error, and arbitrary incident files and CSV rows never panic the parsers. Whatever an import
//! accepts is written and parsed back without a single problem, so it can never stop a data directory loading.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use borderline::server::{Options, router};
use borderline::store::{ImportFormat, save_incidents};
use http_body_util::BodyExt;
use proptest::prelude::*;
use tower::ServiceExt;

use crate::common::store;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap())
}

fn app() -> axum::Router {
    static STORE: OnceLock<Arc<borderline::Store>> = OnceLock::new();
    let store = STORE.get_or_init(|| Arc::new(borderline::Store::embedded().unwrap()));
    router(Arc::new(borderline::record::Record::fixed((**store).clone())), &Options::default())
}

const PATHS: &[&str] = &[
    "/ogc/collections/incidents/items",
    "/ogc/collections/places/items",
    "/ogc/collections/borders/items",
    "/api/distance",
    "/api/near-border",
    "/api/places/search",
    "/api/stats",
    "/api/clusters",
    "/api/export/geojson",
];

const NAMES: &[&str] = &[
    "bbox",
    "datetime",
    "limit",
    "offset",
    "event_type",
    "actor",
    "country",
    "side",
    "within_km",
    "fatalities_min",
    "lon",
    "lat",
    "border",
    "source",
    "km",
    "q",
    "zoom",
    "layers",
    "f",
    "x",
];

/// One query value: numbers, dates, lists, and text with what URLs make hard (`%`, `+`, `&`, unicode).
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "-?[0-9]{0,12}(\\.[0-9]{0,8})?(e[+-]?[0-9]{1,3})?",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:]{0,8}Z?)?(/(\\.\\.|[0-9-]{0,10}))?",
        "(-?[0-9.]{0,6},){0,6}-?[0-9.]{0,6}",
        any::<String>(),
        "[%+&=#?/ ]{0,6}",
    ]
}

/// Percent-encodes `s` except where a sloppy client would not (`+`, `/`, `,`).
fn encode(s: &str) -> String {
    let encoded: String = form_urlencoded::byte_serialize(s.as_bytes()).collect();
    encoded.replace("%2B", "+").replace("%2F", "/").replace("%2C", ",")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_queries_get_an_answer_or_a_json_error_never_a_5xx(
        path in prop::sample::select(PATHS),
        pairs in prop::collection::vec((prop::sample::select(NAMES), value()), 0..5),
    ) {
        let query: Vec<String> = pairs.iter().map(|(n, v)| format!("{n}={}", encode(v))).collect();
        let uri = format!("{path}?{}", query.join("&"));
        let Ok(request) = Request::get(uri.as_str()).body(Body::empty()) else { return Ok(()) };
        let (status, kind, body) = runtime().block_on(async {
            let response = app().oneshot(request).await.unwrap();
            let kind = response.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap_or("").to_string());
            (response.status(), kind.unwrap_or_default(), response.into_body().collect().await.unwrap().to_bytes())
        });
        prop_assert!(!status.is_server_error(), "{uri}: {status}");
        if status != StatusCode::OK {
            prop_assert_eq!(kind.as_str(), "application/json", "{}", uri);
            let error: serde_json::Value = serde_json::from_slice(&body).unwrap();
            prop_assert!(error["code"].is_string() && error["description"].is_string(), "{}: {}", uri, error);
        }
    }
}

/// Imports `file` (parsing only) and checks what it accepts: written in the store's format and parsed back,
/// it has no problem at all.
fn accepted_rows_parse_back(file: &Path, format: ImportFormat) -> Result<(), TestCaseError> {
    let s = store();
    let Ok((incidents, report)) = s.plan_import(file, format, &mut |_| {}) else { return Ok(()) };
    if !report.changes() {
        return Ok(());
    }
    let dir = tempfile::tempdir().unwrap();
    save_incidents(dir.path(), &incidents).unwrap();
    let saved = dir.path().join("incidents.geojson");
    let (again, back) = s.plan_import(&saved, ImportFormat::Geojson, &mut |_| {}).unwrap();
    prop_assert!(back.problems.is_empty(), "accepted, then refused on reading back: {:?}", back.problems);
    prop_assert_eq!(again.len(), incidents.len());
    Ok(())
}

/// A valid incident feature, as one line of a FeatureCollection.
const FEATURE: &str = r#"{"type":"Feature","properties":{"event_id_cnty":"P1","event_date":"2024-07-26","time_precision":1,"event_type":"Battles","sub_event_type":"Armed clash","actor1":"A","location":"Kidal","country":"Mali","geo_precision":1,"fatalities":3,"fatalities_low":2,"fatalities_high":5,"source":"S","sources":"000_608ed6d42e3f7f25","place_id":"kidal","variants":[{"field":"fatalities","value":"4","source":"000_608ed6d42e3f7f25"}]},"geometry":{"type":"Point","coordinates":[1.40921,18.44345]}}"#;

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn mutated_incident_files_never_panic_and_what_they_let_in_reads_back(
        edits in prop::collection::vec((0..FEATURE.len(), any::<u8>(), 0..3u8), 0..6),
    ) {
        let mut bytes = FEATURE.as_bytes().to_vec();
        for (at, byte, op) in edits {
            let at = at.min(bytes.len().saturating_sub(1));
            match op {
                0 if !bytes.is_empty() => { bytes.remove(at); }
                1 => bytes.insert(at, byte),
                _ if !bytes.is_empty() => bytes[at] = byte,
                _ => {}
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("in.geojson");
        let mut text = br#"{"type":"FeatureCollection","features":["#.to_vec();
        text.extend_from_slice(&bytes);
        text.extend_from_slice(b"]}\n");
        std::fs::write(&file, text).unwrap();
        accepted_rows_parse_back(&file, ImportFormat::Geojson)?;
    }

    #[test]
    fn arbitrary_csv_rows_never_panic_and_what_they_let_in_reads_back(
        edits in prop::collection::vec((0..19usize, prop_oneof![
            Just(String::new()),
            "-?[0-9]{1,4}(\\.[0-9]{1,5})?",
            "20[0-9]{2}-[01][0-9]-[0-3][0-9]",
            "[0-9]",
            prop::sample::select(vec!["Battles", "Riots", "kidal", "atlantis", "000_608ed6d42e3f7f25", "\"", "=1+1", "NaN", "inf"]).prop_map(String::from),
            any::<String>(),
        ]), 0..4),
    ) {
        let header = "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,country,location,latitude,longitude,geo_precision,source,fatalities,fatalities_low,fatalities_high,place_id,sources,date_start,date_end";
        let mut cells: Vec<String> = "Q1,2024-07-26,1,Battles,Armed clash,A,Mali,Kidal,18.44,1.41,1,S,3,2,5,kidal,000_608ed6d42e3f7f25,2024-07-26,2024-07-26"
            .split(',').map(String::from).collect();
        for (at, cell) in edits {
            cells[at] = cell;
        }
        let quoted: Vec<String> = cells.iter().map(|c| if c.contains([',', '"', '\n', '\r']) { format!("\"{}\"", c.replace('"', "\"\"")) } else { c.clone() }).collect();
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("in.csv");
        std::fs::write(&file, format!("{header}\n{}\n", quoted.join(","))).unwrap();
        accepted_rows_parse_back(&file, ImportFormat::Acled)?;
    }
}
