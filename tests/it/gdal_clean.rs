//! Every export and every live collection goes through real GDAL without a word: `ogrinfo`, `ogr2ogr` to a
//! GeoPackage and a `-spat` query print no warning or error, and the CSV opens under every combination of
//! GDAL's CSV open options (GDAL 3.6 used to crash on one, and warn on lists).

use std::path::Path;
use std::process::Command;

use crate::common::Server;

/// Runs a GDAL tool; asserts it succeeded and printed nothing on stderr; its stdout.
fn gdal(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} (GDAL) is needed for these tests: {e}; `bash tools/test.sh` installs gdal-bin")
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{tool} {args:?} failed ({}): {stderr}", out.status);
    assert!(stderr.trim().is_empty(), "{tool} {args:?} said: {stderr}");
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// `ogrinfo` summary, `ogr2ogr` to a new GeoPackage, and a box query of `source` (a file or `OAPIF:` URL),
/// each without a word from GDAL; returns the summary.
fn through_gdal(source: &str, layer: Option<&str>, scratch: &Path) -> String {
    let with_layer = |mut args: Vec<String>| {
        args.extend(layer.map(str::to_string));
        args
    };
    let run = |tool: &str, args: Vec<String>| gdal(tool, &args.iter().map(String::as_str).collect::<Vec<_>>());
    let summary = run("ogrinfo", with_layer(vec!["-ro".into(), "-so".into(), "-al".into(), source.into()]));
    let out = scratch.join(format!("copy-{}.gpkg", layer.unwrap_or("all")));
    let _ = std::fs::remove_file(&out);
    run("ogr2ogr", with_layer(vec!["-f".into(), "GPKG".into(), out.display().to_string(), source.into()]));
    let spat = ["-ro", "-q", "-al", "-spat", "0", "18", "4", "21"].map(String::from).to_vec();
    run("ogrinfo", with_layer([spat, vec![source.into()]].concat()));
    let copied = gdal("ogrinfo", &["-ro", "-so", "-al", out.to_str().unwrap()]);
    assert!(copied.contains("Feature Count:"), "{copied}");
    summary
}

fn export(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_borderline")).arg("export").args(args).output().unwrap();
    assert!(out.status.success(), "export {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn every_export_opens_converts_and_answers_a_box_query_in_gdal_without_a_word() {
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| dir.path().join(name).display().to_string();
    for format in ["gpkg", "kml"] {
        let file = at(&format!("all.{format}"));
        export(&["-o", &file]);
        let summary = through_gdal(&file, None, dir.path());
        for layer in ["incidents", "places", "borders", "countries"] {
            assert!(summary.contains(&format!("Layer name: {layer}")), "{format}: no {layer}: {summary}");
        }
    }
    for layer in ["incidents", "places", "borders", "countries"] {
        for format in ["geojson", "fgb", "csv"] {
            let file = at(&format!("{layer}.{format}"));
            export(&["--layers", layer, "-o", &file]);
            let summary = through_gdal(&file, None, dir.path());
            assert!(summary.contains("Feature Count:") && !summary.contains("Feature Count: 0"), "{file}: {summary}");
            if format == "geojson" && layer == "places" {
                for field in ["alternate_names: String", "shared_names: String"] {
                    assert!(summary.contains(field), "{field} missing: {summary}");
                }
            }
        }
    }
}

#[test]
fn the_csv_export_opens_under_every_combination_of_gdals_csv_open_options() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("incidents.csv");
    export(&["-o", file.to_str().unwrap()]);
    let options = [
        "X_POSSIBLE_NAMES=longitude",
        "Y_POSSIBLE_NAMES=latitude",
        "KEEP_GEOM_COLUMNS=NO",
        "GEOM_POSSIBLE_NAMES=WKT",
        "AUTODETECT_TYPE=YES",
        "EMPTY_STRING_AS_NULL=YES",
    ];
    for with_csvt in [true, false] {
        if !with_csvt {
            std::fs::remove_file(dir.path().join("incidents.csvt")).unwrap();
        }
        for mask in 0..1u32 << options.len() {
            let mut args = vec!["-ro", "-al", "-q"];
            for (k, option) in options.iter().enumerate() {
                if mask & (1 << k) != 0 {
                    args.extend(["-oo", option]);
                }
            }
            args.push(file.to_str().unwrap());
            let out = gdal("ogrinfo", &args);
            let points = out.lines().filter(|l| l.trim_start().starts_with("POINT (")).count();
            let expected = if with_csvt || mask & 3 == 3 { 33 } else { 0 };
            assert_eq!(points, expected, ".csvt {with_csvt}, options {args:?}");
        }
    }
}

#[test]
fn every_live_collection_converts_through_gdals_oapif_driver_without_a_word() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(None);
    let url = format!("OAPIF:{}/ogc", server.base);
    for collection in ["incidents", "places", "borders", "countries"] {
        let summary = through_gdal(&url, Some(collection), dir.path());
        assert!(summary.contains("Feature Count:"), "{collection}: {summary}");
        if collection == "incidents" {
            for field in ["event_id_cnty: String", "iso: Integer", "sources: String", "latitude: Real"] {
                assert!(summary.contains(field), "{field} missing: {summary}");
            }
        }
    }
}
