//! The `borderline` binary as a user runs it: output and exit codes.

use std::process::{Command, Output};

use crate::common::fixture;

fn borderline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_borderline")).args(args).output().expect("run borderline")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn validate_passes_on_the_embedded_data() {
    let out = borderline(&["validate"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("ok: data is valid"));
}

#[test]
fn validate_fails_with_code_1_and_says_where() {
    let dir = fixture("invalid/many-problems");
    let out = borderline(&["validate", "--data", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("3 problem(s)"), "{err}");
    assert!(err.contains("incidents.geojson:6: feature A3: fatalities:"), "{err}");
}

#[test]
fn place_search_by_variant_spelling() {
    let out = borderline(&["places", "search", "Tinzawatin", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["id"], "tinzaouatene");
    assert_eq!(v[0]["country"], "MLI");
    let unknown = borderline(&["places", "search", "Xyzzyplugh"]);
    assert_eq!(unknown.status.code(), Some(4));
    assert!(text(&unknown.stderr).contains("no place matches"));
}

#[test]
fn distance_to_a_twin_town_by_its_own_name_or_id_answers_for_that_town() {
    for query in ["Tin Zaouatine", "tin-zaouatine"] {
        let out = borderline(&["distance", "--place", query, "--json"]);
        assert!(out.status.success(), "{query}: {}", text(&out.stderr));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["place"]["id"], "tin-zaouatine", "{query}: {v}");
    }
    let out = borderline(&["distance", "--place", "Tinzaouatene"]);
    assert!(text(&out.stdout).contains("(tinzaouatene)"), "{}", text(&out.stdout));
}

#[test]
fn a_name_both_twin_towns_carry_is_refused_with_the_candidates() {
    let out = borderline(&["distance", "--place", "Tinzaouatine"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    for want in ["ambiguous", "Tinzaouatene (MLI), id tinzaouatene", "Tin Zaouatine (DZA), id tin-zaouatine", "its id"]
    {
        assert!(err.contains(want), "missing {want:?} in {err}");
    }
    let listed = borderline(&["places", "search", "Tinzaouatine", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!((v[0]["tied"].as_bool(), v[1]["tied"].as_bool()), (Some(true), Some(true)), "{v}");
}

#[test]
fn incidents_filter_and_formats() {
    let out = borderline(&["incidents", "--bbox", "2.5,19.5,3.5,20.5", "--format", "geojson"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    assert_eq!(v["features"].as_array().unwrap().len(), 3);
    assert!(v.get("crs").is_none());
    let table = borderline(&["incidents", "--type", "battles", "--from", "2013-01-01", "--to", "2013-12-31"]);
    assert!(text(&table.stdout).contains("3 incident(s)"), "{}", text(&table.stdout));
}

#[test]
fn bad_arguments_exit_2_with_a_clear_message() {
    for (args, needle) in [
        (vec!["incidents", "--bbox", "1,2,3"], "four comma-separated numbers"),
        (vec!["incidents", "--bbox", "0,95,1,96"], "latitude 95 is outside -90..90"),
        (vec!["incidents", "--from", "2024-13-01"], "YYYY-MM-DD"),
        (vec!["incidents", "--type", "Battle"], "not an ACLED event type"),
        (vec!["incidents", "--from", "2025-01-01", "--to", "2024-01-01"], "after --to"),
    ] {
        let out = borderline(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains(needle), "{args:?}: {}", text(&out.stderr));
    }
}

#[test]
fn distance_for_a_place_a_point_and_an_incident() {
    let out = borderline(&["distance", "--place", "Tinzawatin", "--border", "DZA-MLI", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["side"]["iso3"], "MLI");
    assert_eq!(v["side_of_line"], "MLI");
    assert_eq!(v["border"], "DZA-MLI");
    assert_eq!(v["source"], "osm");
    let d = v["distance_m"].as_f64().unwrap();
    assert!(d > 100.0 && d < 1_000.0, "{d}");
    assert!(v["nearest"]["lon"].is_f64() && v["nearest"]["lat"].is_f64());
    let ne = borderline(&[
        "distance",
        "--place",
        "Tinzaouatene",
        "--border",
        "dza-mli",
        "--source",
        "naturalearth",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&ne.stdout).unwrap();
    assert_eq!(v["side_of_line"], "DZA", "Natural Earth puts Tinzaouatene in Algeria");
    let p = borderline(&["distance", "--lon", "1.41", "--lat", "18.44", "--border", "DZA-MLI"]);
    assert!(text(&p.stdout).contains("km from the DZA-MLI border"), "{}", text(&p.stdout));
    let i = borderline(&["distance", "--incident", "MLI0001"]);
    assert!(text(&i.stdout).contains("side undetermined"), "{}", text(&i.stdout));
}

#[test]
fn distance_refuses_bad_input_with_a_clear_message() {
    for (args, code, needle) in [
        (vec!["distance", "--lon", "1", "--lat", "95"], 2, "latitude 95 is outside -90..90"),
        (vec!["distance", "--lon", "1"], 2, "--lat"),
        (vec!["distance"], 2, "required"),
        (vec!["distance", "--place", "Atlantis"], 4, "no place matches"),
        (vec!["distance", "--incident", "NOPE1"], 4, "no incident"),
        (vec!["distance", "--lon", "1", "--lat", "20", "--border", "DZA-XXX"], 4, "no border DZA-XXX"),
        (vec!["distance", "--lon", "1", "--lat", "20", "--border", "DZA"], 2, "border pair"),
        (vec!["distance", "--lon", "1", "--lat", "20", "--source", "google"], 2, "not a border source"),
    ] {
        let out = borderline(&args);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains(needle), "{args:?}: {}", text(&out.stderr));
    }
}

#[test]
fn claims_near_border_and_between_run_as_documented() {
    let claims = borderline(&["claims", "--json"]);
    assert!(claims.status.success(), "{}", text(&claims.stderr));
    let v: serde_json::Value = serde_json::from_slice(&claims.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 5);
    let near = borderline(&["near-border", "--km", "50", "--border", "DZA-MLI", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&near.stdout).unwrap();
    let ids: Vec<&str> = v.as_array().unwrap().iter().map(|h| h["event_id_cnty"].as_str().unwrap()).collect();
    assert_eq!(ids, ["DZA0001", "MLI0001", "MLI0002"]);
    let mali = borderline(&["near-border", "--km", "50", "--border", "DZA-MLI", "--side", "MLI"]);
    assert!(text(&mali.stdout).contains("2 incident(s) within 50 km"), "{}", text(&mali.stdout));
    let bands = borderline(&["near-border", "--bands", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&bands.stdout).unwrap();
    let total: u64 = v.as_array().unwrap().iter().map(|c| c["count"].as_u64().unwrap()).sum();
    assert_eq!(total, 33);
    let between = borderline(&["between", "Tinzawatin", "I-n-Guezzam", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&between.stdout).unwrap();
    assert!((v["distance_m"].as_f64().unwrap() - 296_400.0).abs() < 1_000.0);
    let bad = borderline(&["near-border", "--km", "-5"]);
    assert_eq!(bad.status.code(), Some(2));
    let nowhere = borderline(&["between", "Atlantis", "Kidal"]);
    assert_eq!(nowhere.status.code(), Some(4));
}
