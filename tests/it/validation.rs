//! Every class of validation error, one small fixture each: the load fails and says file, line, feature, field.

use borderline::Store;
use borderline::store::{Issue, LoadError};

use crate::common::fixture;

fn issues(case: &str) -> Vec<Issue> {
    match Store::load(Some(&fixture(&format!("invalid/{case}")))) {
        Ok(_) => panic!("fixture {case} loaded without complaint"),
        Err(LoadError::Invalid(issues)) => issues,
        Err(e) => panic!("fixture {case}: unexpected error {e}"),
    }
}

/// The single issue of a fixture, checked for where it points.
fn one(case: &str, file: &str, line: Option<usize>, feature: Option<&str>, field: Option<&str>) -> Issue {
    let all = issues(case);
    assert_eq!(all.len(), 1, "{case}: expected one issue, got {all:#?}");
    let issue = all.into_iter().next().unwrap();
    assert!(issue.file.ends_with(file), "{case}: file {}", issue.file);
    assert_eq!(issue.line, line, "{case}: line of {issue}");
    assert_eq!(issue.feature.as_deref(), feature, "{case}: feature of {issue}");
    assert_eq!(issue.field.as_deref(), field, "{case}: field of {issue}");
    issue
}

#[test]
fn truncated_file_is_reported_where_the_broken_feature_starts() {
    let i = one("syntax", "incidents.geojson", Some(3), None, None);
    assert!(i.message.contains("unexpected end of file"), "{i}");
}

#[test]
fn json_syntax_error_inside_a_feature_gives_its_line_and_column() {
    let i = one("syntax-in-feature", "incidents.geojson", Some(2), None, None);
    assert!(i.message.contains("invalid JSON") && i.message.contains("column"), "{i}");
}

#[test]
fn top_level_must_be_a_feature_collection() {
    let all = issues("not-a-collection");
    let messages: Vec<String> = all.iter().map(|i| i.to_string()).collect();
    assert_eq!(messages.len(), 2, "{messages:#?}");
    assert!(messages[0].contains("type is \"Feature\"; expected \"FeatureCollection\""), "{messages:#?}");
    assert!(messages[1].contains("no \"features\" array"), "{messages:#?}");
    assert!(all.iter().all(|i| i.line == Some(1)));
}

#[test]
fn incident_geometry_must_be_a_point() {
    let i = one("wrong-geometry", "incidents.geojson", Some(2), Some("T1"), Some("geometry.type"));
    assert!(i.message.contains("LineString") && i.message.contains("Point"), "{i}");
}

#[test]
fn latitude_out_of_range_is_refused() {
    let i = one("latitude-out-of-range", "incidents.geojson", Some(2), Some("T1"), Some("geometry.coordinates"));
    assert!(i.message.contains("95") && i.message.contains("-90..90"), "{i}");
}

#[test]
fn swapped_axis_order_gets_a_hint() {
    let i = one("lat-lon-swapped", "incidents.geojson", Some(2), Some("T1"), Some("geometry.coordinates"));
    assert!(i.message.contains("[longitude, latitude]"), "{i}");
}

#[test]
fn unclosed_ring_is_refused() {
    let i = one("unclosed-ring", "countries.geojson", Some(2), Some("MLI"), Some("geometry.coordinates"));
    assert!(i.message.contains("not closed"), "{i}");
}

#[test]
fn duplicate_ids_are_refused() {
    let i = one("duplicate-id", "incidents.geojson", None, Some("T1"), Some("id"));
    assert!(i.message.contains("duplicate"), "{i}");
}

#[test]
fn missing_required_property_is_named() {
    let i = one("missing-property", "incidents.geojson", Some(2), Some("T1"), Some("event_type"));
    assert!(i.message.contains("required"), "{i}");
}

#[test]
fn non_iso_date_is_refused() {
    let i = one("bad-date", "incidents.geojson", Some(2), Some("T1"), Some("event_date"));
    assert!(i.message.contains("25/07/2024") && i.message.contains("YYYY-MM-DD"), "{i}");
}

#[test]
fn unknown_place_id_is_refused() {
    let i = one("unknown-place", "incidents.geojson", Some(2), Some("T1"), Some("place_id"));
    assert!(i.message.contains("atlantis"), "{i}");
}

#[test]
fn unknown_source_id_is_refused() {
    let i = one("unknown-source", "incidents.geojson", Some(2), Some("T1"), Some("sources"));
    assert!(i.message.contains("999_nonexistent") && i.message.contains("register"), "{i}");
}

#[test]
fn codes_outside_acled_vocabularies_are_refused() {
    let all = issues("bad-codes");
    let fields: Vec<_> = all.iter().filter_map(|i| i.field.as_deref()).collect();
    assert_eq!(fields, ["event_type", "geo_precision"], "{all:#?}");
    assert!(all[0].message.contains("Battles"), "lists the valid types: {}", all[0]);
}

#[test]
fn inverted_date_interval_is_refused() {
    let i = one("inverted-interval", "incidents.geojson", Some(2), Some("T1"), Some("date_start"));
    assert!(i.message.contains("after"), "{i}");
}

#[test]
fn every_problem_is_reported_at_once_with_its_line() {
    let all = issues("many-problems");
    let found: Vec<(Option<usize>, Option<&str>, Option<&str>)> =
        all.iter().map(|i| (i.line, i.feature.as_deref(), i.field.as_deref())).collect();
    assert_eq!(
        found,
        [
            (Some(4), Some("A1"), Some("event_date")),
            (Some(6), Some("A3"), Some("fatalities")),
            (Some(7), Some("A4"), Some("sources")),
        ],
        "{all:#?}"
    );
    // The Display form is what users see.
    let shown = all[0].to_string();
    assert!(shown.contains("incidents.geojson:4: feature A1: event_date:"), "{shown}");
}

#[test]
fn a_missing_directory_is_an_io_error() {
    let e = Store::load(Some(&fixture("no-such-dir"))).unwrap_err();
    assert!(matches!(e, LoadError::Io { .. }), "{e}");
}

#[test]
fn a_name_two_places_carry_must_be_declared_shared_by_both() {
    let i = one("undeclared-shared-name", "places.geojson", None, Some("tin-zaouatine"), Some("shared_names"));
    assert!(i.message.contains("\"Tinzaouatine\" is also a name of tinzaouatene"), "{i}");
}

#[test]
fn a_duplicate_key_a_byte_order_mark_and_invalid_utf8_get_clear_answers() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("incidents.geojson"),
        "{\"type\":\"FeatureCollection\",\"features\":[\n{\"type\":\"Feature\",\"properties\":{\"event_id_cnty\":\"D1\",\"event_date\":\"2024-07-26\",\"event_date\":\"2024-07-27\",\"event_type\":\"Battles\",\"sub_event_type\":\"x\",\"actor1\":\"a\",\"location\":\"l\",\"country\":\"Mali\",\"geo_precision\":1,\"source\":\"s\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,18]}}\n]}\n",
    )
    .unwrap();
    let Err(LoadError::Invalid(issues)) = Store::load(Some(dir.path())) else { panic!("a duplicate key loaded") };
    assert!(issues[0].to_string().contains("duplicate field `event_date`"), "{}", issues[0]);
    std::fs::remove_file(dir.path().join("incidents.geojson")).unwrap();
    let places = borderline::store::embedded::PLACES;
    std::fs::write(dir.path().join("places.geojson"), format!("\u{feff}{places}")).unwrap();
    assert!(Store::load(Some(dir.path())).is_ok(), "a byte-order mark is refused");
    let mut bytes = places.as_bytes().to_vec();
    bytes.insert(300, 0xFF);
    std::fs::write(dir.path().join("places.geojson"), bytes).unwrap();
    let Err(LoadError::Invalid(issues)) = Store::load(Some(dir.path())) else { panic!("invalid UTF-8 loaded") };
    assert_eq!(issues[0].line, Some(1));
    assert!(issues[0].message.contains("byte 301") && issues[0].message.contains("UTF-8"), "{}", issues[0]);
}
