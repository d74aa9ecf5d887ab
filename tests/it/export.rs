//! `borderline export`: files GDAL (and so QGIS) reads with the right geometry, field types and CRS.

use std::process::Command;

fn borderline(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_borderline")).args(args).output().expect("run borderline")
}

fn ogrinfo_summary(path: &std::path::Path) -> (String, String) {
    let out = Command::new("ogrinfo").args(["-ro", "-al", "-so"]).arg(path).output().unwrap_or_else(|e| {
        panic!("ogrinfo (GDAL) is needed for these tests: {e}; `bash tools/test.sh` installs gdal-bin")
    });
    assert!(out.status.success(), "ogrinfo failed: {}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string())
}

#[test]
fn a_csv_export_opens_in_gdal_as_typed_points_in_wgs84() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("incidents.csv");
    let out = borderline(&["export", "--format", "csv", "-o", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (summary, warnings) = ogrinfo_summary(&path);
    assert!(warnings.trim().is_empty(), "GDAL said: {warnings}");
    assert!(summary.contains("Feature Count: 33"), "{summary}");
    assert!(summary.contains("GEOGCRS[\"WGS 84\""), "no CRS: {summary}");
    for field in [
        "event_date: Date",
        "latitude: Real",
        "fatalities: Integer",
        "border_distance_m: Real",
        "side_certain: Integer(Boolean)",
    ] {
        assert!(summary.contains(field), "{field} missing: {summary}");
    }
    // The header starts with ACLED's columns, in ACLED's order.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("event_id_cnty,event_date,year,time_precision,event_type,sub_event_type,actor1,actor2"));
    // Points, from the WKT column.
    let all = Command::new("ogrinfo").args(["-ro", "-al", "-q"]).arg(&path).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&all.stdout).lines().filter(|l| l.starts_with("  POINT (")).count(), 33);
}

#[test]
fn a_geojson_export_keeps_the_filters_and_the_measured_fields() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("near.geojson");
    let out = borderline(&["export", "--format", "geojson", "--near-border", "50", "-o", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (summary, warnings) = ogrinfo_summary(&path);
    assert!(warnings.trim().is_empty(), "GDAL said: {warnings}");
    let s = crate::common::store();
    let near = s.incident_facts().iter().filter(|f| f.border_distance_m <= 50_000.0).count();
    assert!(summary.contains(&format!("Feature Count: {near}")), "want {near}: {summary}");
    assert!(summary.contains("border_distance_m: Real") && summary.contains("event_date: Date"), "{summary}");
}

#[test]
fn an_export_that_cannot_be_written_fails_cleanly_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing-dir/out.csv");
    let out = borderline(&["export", "--format", "csv", "-o", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write"));
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
}
