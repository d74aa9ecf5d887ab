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

/// `ogrinfo -ro -al -so` of `path`, asserting GDAL printed no warning or error; the summary.
fn clean_summary(path: &std::path::Path) -> String {
    let (summary, warnings) = ogrinfo_summary(path);
    assert!(warnings.trim().is_empty(), "GDAL said: {warnings}");
    summary
}

/// The part of an `ogrinfo` summary about `layer`.
fn layer_part<'a>(summary: &'a str, layer: &str) -> &'a str {
    let at = summary.find(&format!("Layer name: {layer}\n")).unwrap_or_else(|| panic!("no layer {layer}: {summary}"));
    let rest = &summary[at + 1..];
    &summary[at..at + 1 + rest.find("Layer name:").unwrap_or(rest.len())]
}

#[test]
fn a_geopackage_holds_every_layer_typed_indexed_and_styled() {
    let s = crate::common::store();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.gpkg");
    let out = borderline(&["export", "-o", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary = clean_summary(&path);
    for (layer, n, geometry) in [
        ("incidents", s.incidents().count(), "Point"),
        ("places", s.places.len(), "Point"),
        ("borders", s.borders.len(), "Multi Line String"),
        ("countries", s.countries.len(), "Multi Polygon"),
        ("layer_styles", 4, "None"),
    ] {
        let part = layer_part(&summary, layer);
        assert!(part.contains(&format!("Feature Count: {n}\n")), "{layer}: want {n}: {part}");
        assert!(part.contains(&format!("Geometry: {geometry}\n")), "{layer}: want {geometry}: {part}");
    }
    let incidents = layer_part(&summary, "incidents");
    for field in [
        "event_date: Date",
        "date_end: Date",
        "fatalities: Integer64",
        "latitude: Real",
        "border_distance_m: Real",
        "side_certain: Integer(Boolean)",
        "variants: String",
    ] {
        assert!(incidents.contains(field), "{field}: {incidents}");
    }
    assert!(incidents.contains("ID[\"EPSG\",4326]"), "{incidents}");

    // The file itself: a GeoPackage 1.3 header, GP binary geometries, a consistent R-tree, QGIS styles.
    let db = rusqlite::Connection::open(&path).unwrap();
    let pragma = |p: &str| db.query_row(&format!("PRAGMA {p}"), [], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(pragma("application_id"), 0x4750_4B47);
    assert_eq!(pragma("user_version"), 10300);
    let blob: Vec<u8> = db.query_row("SELECT geom FROM incidents WHERE fid = 1", [], |r| r.get(0)).unwrap();
    assert_eq!(&blob[..4], b"GP\x00\x03", "GP magic, version 0, little-endian with an xy envelope");
    assert_eq!(i32::from_le_bytes(blob[4..8].try_into().unwrap()), 4326);
    for t in ["incidents", "places", "borders", "countries"] {
        let check: String = db.query_row(&format!("SELECT rtreecheck('rtree_{t}_geom')"), [], |r| r.get(0)).unwrap();
        assert_eq!(check, "ok", "{t}");
        let indexed: i64 = db.query_row(&format!("SELECT count(*) FROM rtree_{t}_geom"), [], |r| r.get(0)).unwrap();
        let rows: i64 = db.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).unwrap();
        assert_eq!(indexed, rows, "{t}: every feature indexed");
    }
    let qml: String = db
        .query_row("SELECT styleQML FROM layer_styles WHERE f_table_name = 'incidents' AND useAsDefault", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(qml.contains(r#"type="categorizedSymbol" attr="event_type""#), "{qml}");
    assert!(qml.contains(r#"value="Battles""#) && qml.contains("213,94,0,255"), "the web map's Battles colour: {qml}");
    assert!(qml.contains(r#"name="size""#) && qml.contains("sqrt(coalesce(&quot;fatalities&quot;, 0))"), "{qml}");
    let places: String = db
        .query_row("SELECT styleQML FROM layer_styles WHERE f_table_name = 'places' AND useAsDefault", [], |r| r.get(0))
        .unwrap();
    assert!(places.contains(r#"labelsEnabled="1""#) && places.contains(r#"fieldName="name""#), "{places}");

    // GDAL's spatial filter goes through the R-tree and finds exactly the incidents in the box.
    let inside =
        s.incidents().filter(|i| (0.0..=4.0).contains(&i.position.x) && (18.0..=21.0).contains(&i.position.y)).count();
    let spat = Command::new("ogrinfo")
        .args(["-ro", "-so", "-spat", "0", "18", "4", "21"])
        .arg(&path)
        .arg("incidents")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&spat.stdout).contains(&format!("Feature Count: {inside}")),
        "{}",
        String::from_utf8_lossy(&spat.stdout)
    );
}

#[test]
fn a_kml_export_has_a_folder_per_layer_typed_fields_and_times() {
    let s = crate::common::store();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.kml");
    let out = borderline(&["export", "-o", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let summary = clean_summary(&path);
    for (layer, n) in [("incidents", s.incidents().count()), ("places", s.places.len()), ("borders", s.borders.len())] {
        assert!(layer_part(&summary, layer).contains(&format!("Feature Count: {n}\n")), "{layer}: {summary}");
    }
    let incidents = layer_part(&summary, "incidents");
    // Typed by the Schema (untyped Data would all be String), dates from TimeStamp/TimeSpan.
    for field in [
        "year: Integer",
        "border_distance_m: Real",
        "side_certain: Integer",
        "timestamp: DateTime",
        "begin: DateTime",
        "upload_timestamp: Integer",
    ] {
        assert!(incidents.contains(field), "{field}: {incidents}");
    }
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("<TimeSpan><begin>") && text.contains("<TimeStamp><when>"));
    assert!(
        text.contains("<Style id=\"incidents-0\"><IconStyle><color>ff005ed5</color>"),
        "Battles in the web map's colour"
    );
}

#[test]
fn flatgeobuf_exports_open_in_gdal_with_their_index() {
    let s = crate::common::store();
    let dir = tempfile::tempdir().unwrap();
    for (layer, n) in
        [("incidents", s.incidents().count()), ("borders", s.borders.len()), ("countries", s.countries.len())]
    {
        let path = dir.path().join(format!("{layer}.fgb"));
        let out = borderline(&["export", "--layers", layer, "-o", path.to_str().unwrap()]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        // Read every feature, not only the header: one-part lines must carry their ends for GDAL.
        let all = Command::new("ogrinfo").args(["-ro", "-al"]).arg(&path).output().unwrap();
        let stderr = String::from_utf8_lossy(&all.stderr);
        assert!(stderr.trim().is_empty(), "{layer}: GDAL said: {stderr}");
        let stdout = String::from_utf8_lossy(&all.stdout);
        assert!(stdout.contains(&format!("Feature Count: {n}\n")), "{layer}");
        assert_eq!(stdout.matches("OGRFeature(").count(), n, "{layer}");
    }
    let path = dir.path().join("incidents.fgb");
    let inside =
        s.incidents().filter(|i| (0.0..=4.0).contains(&i.position.x) && (18.0..=21.0).contains(&i.position.y)).count();
    let spat = Command::new("ogrinfo").args(["-ro", "-al", "-spat", "0", "18", "4", "21"]).arg(&path).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&spat.stdout).matches("OGRFeature(").count(), inside);
}

#[test]
fn one_layer_formats_refuse_several_layers_and_unknown_extensions_ask_for_a_format() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("x.csv");
    let out = borderline(&["export", "--layers", "incidents,places", "-o", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds one layer"));
    let shp = dir.path().join("x.shp");
    let out = borderline(&["export", "-o", shp.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("give --format"));
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none(), "nothing written");
}
