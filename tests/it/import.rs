//! `borderline import`: ACLED and UCDP downloads and GeoJSON in, every bad row reported, nothing half-applied,
//! and export → import reproducing every incident.

use std::path::Path;
use std::process::{Command, Output};

use borderline::Store;

use crate::common::fixture;

fn borderline(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_borderline")).args(args).output().expect("run borderline")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// A data directory with no incidents at all (the other layers fall back to the embedded ones).
fn empty_data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("incidents.geojson"), r#"{"type":"FeatureCollection","features":[]}"#).unwrap();
    dir
}

fn import(dir: &Path, file: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["--data", dir.to_str().unwrap(), "import", file.to_str().unwrap()];
    args.extend_from_slice(extra);
    borderline(&args)
}

#[test]
fn an_acled_download_comes_in_with_every_bad_row_reported_by_line_and_column() {
    let dir = empty_data_dir();
    let out = import(dir.path(), &fixture("import/acled.csv"), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = stdout(&out);
    for expected in [
        "acled.csv:4: feature TST1003: latitude: 95 is out of range",
        "acled.csv:5: feature TST1004: event_date: \"2024-13-01\" is not a date",
        "acled.csv:5: feature TST1004: time_precision: \"4\" is not 1, 2 or 3",
        "acled.csv:5: feature TST1004: event_type: \"Skirmish\" is not an ACLED event type",
        "acled.csv:5: feature TST1004: fatalities: \"x\" is not a whole number",
        "acled.csv:5: feature TST1004: source: missing",
        "acled.csv:6: feature TST1001: event_id: this event id appears earlier in the file",
        "6 rows (acled): 3 new, 0 updated, 0 unchanged, 3 refused",
    ] {
        assert!(report.contains(expected), "missing {expected:?} in:\n{report}");
    }
    let store = Store::load(Some(dir.path())).unwrap();
    assert_eq!(store.incidents().count(), 3);
    let first = store.incident("TST1001").unwrap();
    assert_eq!(first.notes.as_ref(), "Test row: a clash near the border, with a comma, and \"quotes\" in the notes.");
    assert_eq!(first.iso3.unwrap().to_string(), "MLI", "ACLED's numeric iso 466");
    assert_eq!(first.fatalities, Some(10));
    assert_eq!(first.timestamp, Some(1_722_000_000));
    let second = store.incident("TST1002").unwrap();
    assert_eq!(second.event_date.to_string(), "2024-07-27", "ACLED's older date style");
    assert_eq!(
        (second.dates.start.to_string(), second.dates.end.to_string()),
        ("2024-07-24".into(), "2024-07-30".into())
    );
    assert_eq!(store.incident("TST1005").unwrap().iso3.unwrap().to_string(), "DZA");
}

#[test]
fn importing_the_same_file_again_changes_nothing() {
    let dir = empty_data_dir();
    let file = fixture("import/acled.csv");
    assert!(import(dir.path(), &file, &[]).status.success());
    let path = dir.path().join("incidents.geojson");
    let before = std::fs::read(&path).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
    let again = import(dir.path(), &file, &[]);
    assert!(again.status.success());
    assert!(stdout(&again).contains("0 new, 0 updated, 3 unchanged"), "{}", stdout(&again));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), modified, "not even rewritten");
}

#[test]
fn strict_refuses_the_whole_file_and_dry_run_writes_nothing() {
    let dir = empty_data_dir();
    let path = dir.path().join("incidents.geojson");
    let before = std::fs::read(&path).unwrap();
    let strict = import(dir.path(), &fixture("import/acled.csv"), &["--strict"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&strict.stderr).contains("nothing was written"));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let dry = import(dir.path(), &fixture("import/ucdp.csv"), &["--dry-run"]);
    assert!(dry.status.success());
    assert!(stdout(&dry).contains("2 new") && stdout(&dry).contains("dry run: nothing written"), "{}", stdout(&dry));
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != borderline::record::LOCK_FILE)
        .collect();
    assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
}

#[test]
fn a_ucdp_download_maps_its_precision_codes_onto_acleds() {
    let dir = empty_data_dir();
    let out = import(dir.path(), &fixture("import/ucdp.csv"), &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout(&out).contains("ucdp.csv:4: feature GED900003: where_prec: 6: only the country"),
        "{}",
        stdout(&out)
    );
    let store = Store::load(Some(dir.path())).unwrap();
    let clash = store.incident("GED900001").unwrap();
    assert_eq!(clash.event_type.as_str(), "Battles");
    assert_eq!((clash.geo_precision.code(), clash.time_precision.code()), (1, 1));
    assert_eq!((clash.fatalities, clash.fatalities_low, clash.fatalities_high), (Some(25), Some(20), Some(40)));
    assert_eq!((clash.actor1.as_ref(), clash.actor2.as_ref()), ("Government of Mali", "MNLA"));
    assert_eq!(clash.iso3.unwrap().to_string(), "MLI", "from the country name");
    let gao = store.incident("GED900002").unwrap();
    assert_eq!(gao.event_type.as_str(), "Violence against civilians");
    assert_eq!((gao.geo_precision.code(), gao.time_precision.code()), (2, 3), "where_prec 2, date_prec 4");
    assert_eq!((gao.dates.start.to_string(), gao.dates.end.to_string()), ("2012-06-01".into(), "2012-06-30".into()));
}

#[test]
fn export_then_import_reproduces_every_incident_field() {
    let original = crate::common::store();
    for format in ["csv", "geojson"] {
        let work = tempfile::tempdir().unwrap();
        let file = work.path().join(format!("all.{format}"));
        assert!(borderline(&["export", "-o", file.to_str().unwrap()]).status.success());
        let dir = empty_data_dir();
        let out = import(dir.path(), &file, &[]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout(&out).contains(&format!("{} new", original.incidents().count())), "{}", stdout(&out));
        let back = Store::load(Some(dir.path())).unwrap();
        assert_eq!(back.incidents().count(), original.incidents().count());
        for (a, b) in original.incidents().zip(back.incidents()) {
            assert!(a.same_content(b), "{format}: {} differs after the round trip:\n{a:?}\n{b:?}", a.event_id);
        }
    }
}

#[test]
fn import_needs_a_data_directory_and_a_known_layout() {
    let out = borderline(&["import", fixture("import/acled.csv").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("give --data DIR"));
    let dir = tempfile::tempdir().unwrap();
    let odd = dir.path().join("odd.csv");
    std::fs::write(&odd, "a,b,c\n1,2,3\n").unwrap();
    let out = import(&dir.path().join("data"), &odd, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot tell the layout"));
    let out = import(&dir.path().join("data"), &odd, &["--format", "ucdp"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the header lacks id, date_start"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An ACLED CSV of `n` valid rows with ids `PREFIX0` … (points near Kidal).
fn acled_rows(dir: &Path, prefix: &str, n: usize) -> std::path::PathBuf {
    let path = dir.join(format!("{prefix}.csv"));
    let mut text = String::from(
        "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,country,location,latitude,longitude,geo_precision,source,fatalities\n",
    );
    for k in 0..n {
        let lat = 18.0 + k as f64 * 1e-4;
        text +=
            &format!("{prefix}{k},2024-07-26,1,Battles,Armed clash,Actor,Mali,Kidal,{lat:.4},1.41,1,Test Outlet,1\n");
    }
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn two_imports_racing_into_one_directory_both_land() {
    for round in 0..3 {
        let dir = empty_data_dir();
        let (a, b) = (acled_rows(dir.path(), "RACEA", 3_000), acled_rows(dir.path(), "RACEB", 3_000));
        let spawn = |file: &Path| {
            Command::new(env!("CARGO_BIN_EXE_borderline"))
                .args(["--data", dir.path().to_str().unwrap(), "import", file.to_str().unwrap()])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (first, second) = (spawn(&a), spawn(&b));
        for child in [first, second] {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "round {round}: {}", String::from_utf8_lossy(&out.stderr));
        }
        let store = Store::load(Some(dir.path())).unwrap();
        for prefix in ["RACEA", "RACEB"] {
            let landed = store.incidents().filter(|i| i.event_id.starts_with(prefix)).count();
            assert_eq!(landed, 3_000, "round {round}: {prefix} rows lost");
        }
    }
}

#[test]
fn an_import_into_a_directory_a_server_holds_is_refused_naming_the_server() {
    let dir = empty_data_dir();
    let file = acled_rows(dir.path(), "HELD", 2);
    let server = crate::common::Server::start(Some(dir.path()));
    let out = import(dir.path(), &file, &[]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("in use by borderline serve, pid") && err.contains("stop it"), "{err}");
    drop(server);
    let out = import(dir.path(), &file, &[]);
    assert!(out.status.success(), "the lock outlived the server: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_row_the_loader_would_refuse_is_refused_by_the_import_and_the_directory_still_loads() {
    let dir = empty_data_dir();
    let ucdp = dir.path().join("ucdp.csv");
    std::fs::write(
        &ucdp,
        "id,date_start,date_end,date_prec,where_prec,type_of_violence,latitude,longitude,country,source_office,best,low,high\n\
         1,2012-01-17,2012-01-17,1,1,1,18.45,1.11,Mali,Office,25,50,10\n\
         2,2012-01-17,2012-01-17,1,1,1,18.45,1.11,Mali,Office,60,10,50\n\
         3,2012-01-17,2012-01-17,1,1,1,18.45,1.11,Mali,Office,20,10,50\n",
    )
    .unwrap();
    let out = import(dir.path(), &ucdp, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = stdout(&out);
    assert!(report.contains("ucdp.csv:2: feature GED1: fatalities_low: 50 is above fatalities_high 10"), "{report}");
    assert!(report.contains("ucdp.csv:3: feature GED2: fatalities: 60 is outside"), "{report}");
    let acled = dir.path().join("acled.csv");
    std::fs::write(
        &acled,
        "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,country,location,latitude,longitude,geo_precision,source,fatalities,fatalities_low,fatalities_high,variants,background\n\
         V1,2024-07-26,1,Battles,Armed clash,A,Mali,Kidal,18.4,1.4,1,Outlet,5,10,20,,\n\
         V2,2024-07-26,1,Battles,Armed clash,A,Mali,Kidal,18.4,1.4,1,Outlet,5,,,\"[{\"\"field\"\":\"\"fatalities\"\",\"\"value\"\":\"\"3\"\",\"\"source\"\":\"\"nowhere\"\"}]\",\n\
         V3,2024-07-26,1,Battles,Armed clash,A,Mali,Kidal,18.4,1.4,1,Outlet,5,,,,\"[{\"\"fields\"\":[\"\"fatalities\"\"],\"\"citation\"\":\"\" \"\"}]\"\n\
         V4,2024-07-26,1,Battles,Armed clash,A,Mali,Kidal,18.4,1.4,1,Outlet,5,,,,\n",
    )
    .unwrap();
    let out = import(dir.path(), &acled, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = stdout(&out);
    for want in ["feature V1: fatalities:", "feature V2: variants:", "feature V3: background:", "1 new"] {
        assert!(report.contains(want), "{want:?} missing: {report}");
    }
    let store = Store::load(Some(dir.path())).expect("the directory must still load");
    assert!(store.incident("GED3").is_some() && store.incident("V4").is_some());
}

#[test]
fn a_file_with_no_usable_row_is_refused() {
    let dir = empty_data_dir();
    let before = std::fs::read(dir.path().join("incidents.geojson")).unwrap();
    for (name, bytes) in [
        ("not.geojson", b"not json".to_vec()),
        ("empty.geojson", Vec::new()),
        ("utf16.geojson", [0xFF, 0xFE, b'{', 0, b'}', 0].to_vec()),
        ("none.geojson", br#"{"type":"FeatureCollection","features":[]}"#.to_vec()),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, bytes).unwrap();
        let out = import(dir.path(), &file, &[]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stdout(&out));
        assert!(String::from_utf8_lossy(&out.stderr).contains("no row of"), "{name}");
    }
    assert_eq!(std::fs::read(dir.path().join("incidents.geojson")).unwrap(), before, "a refused import wrote");
}

#[test]
fn csv_cells_a_spreadsheet_would_run_are_defused_and_read_back_unchanged() {
    let payloads = [
        "=HYPERLINK(\"http://evil.example\",\"x\")",
        "+cmd|' /C calc'!A0",
        "@SUM(1+1)",
        "-2+3",
        "'=quoted",
        "trail ",
        "  lead",
        "\u{a0}=nbsp",
        " =x",
        "'\t",
    ];
    let data = tempfile::tempdir().unwrap();
    let features: Vec<String> = payloads
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let text = serde_json::to_string(p).unwrap();
            format!(
                r#"{{"type":"Feature","properties":{{"event_id_cnty":"F{k}","event_date":"2024-07-26","event_type":"Battles","sub_event_type":{text},"actor1":{text},"location":{text},"country":"Mali","admin1":{text},"geo_precision":1,"notes":{text},"source":{text},"fatalities":3}},"geometry":{{"type":"Point","coordinates":[-2.5,18.4]}}}}"#
            )
        })
        .collect();
    let collection = format!("{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n", features.join(",\n"));
    std::fs::write(data.path().join("incidents.geojson"), collection).unwrap();
    let work = tempfile::tempdir().unwrap();
    let csv = work.path().join("out.csv");
    let out = borderline(&["--data", data.path().to_str().unwrap(), "export", "-o", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut reader = csv_reader(&text);
    for row in reader.records() {
        let row = row.unwrap();
        for cell in row.iter() {
            assert!(!cell.starts_with(['=', '+', '@']), "a spreadsheet would run {cell:?}");
            if cell.starts_with('-') {
                assert!(cell.parse::<f64>().is_ok(), "{cell:?} is text a spreadsheet would run");
            }
        }
    }
    let back = empty_data_dir();
    let out = import(back.path(), &csv, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (a, b) = (Store::load(Some(data.path())).unwrap(), Store::load(Some(back.path())).unwrap());
    assert_eq!(a.incidents().count(), b.incidents().count());
    for (x, y) in a.incidents().zip(b.incidents()) {
        assert!(x.same_content(y), "{} differs", x.event_id);
    }
    assert_eq!(&*b.incident("F4").unwrap().notes, "'=quoted");
}

fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new().from_reader(text.as_bytes())
}

#[test]
fn a_csv_line_without_end_is_refused_not_read_whole() {
    let dir = empty_data_dir();
    let file = dir.path().join("no-newline.csv");
    let header = "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,country,location,latitude,longitude,geo_precision,source\n";
    let mut text = header.to_string();
    text.push_str(&"x".repeat(3 << 20));
    std::fs::write(&file, text).unwrap();
    let out = import(dir.path(), &file, &[]);
    assert_eq!(out.status.code(), Some(1));
    let said = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("no-newline.csv:2") && said.contains("longer than 1 MiB"), "{said}");
    // A quoted cell spread over many short lines is one record, bounded the same way.
    let many = dir.path().join("many-lines.csv");
    let cell = "a line of notes\n".repeat(100_000);
    std::fs::write(&many, format!("{header}A1,2024-07-26,1,Battles,Armed clash,A,Mali,\"{cell}\",18.4,1.4,1,S\n"))
        .unwrap();
    let out = import(dir.path(), &many, &[]);
    assert_eq!(out.status.code(), Some(1));
    let said = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert!(said.contains("the record from line 2 is longer than 1 MiB"), "{said}");
}

#[test]
fn a_csv_header_that_names_a_column_twice_and_rows_longer_than_the_header_are_refused() {
    let dir = empty_data_dir();
    let header = "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,country,location,latitude,longitude,geo_precision,source";
    let twice = dir.path().join("twice.csv");
    std::fs::write(
        &twice,
        format!("{header},location\nA1,2024-07-26,1,Battles,Armed clash,A,Mali,Kidal,18.4,1.4,1,S,Gao\n"),
    )
    .unwrap();
    let out = import(dir.path(), &twice, &[]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("column \"location\" appears twice (columns 8 and 13)"), "{said}");
    let long = dir.path().join("long.csv");
    std::fs::write(
        &long,
        format!("{header}\nA1,2024-07-26,1,Battles,Armed clash,A,Mali,Kidal,18.4,1.4,1,S,extra\nA2,2024-07-26,1,Battles,Armed clash,A,Mali,Kidal,18.4,1.4,1,S\n"),
    )
    .unwrap();
    let out = import(dir.path(), &long, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout(&out).contains("long.csv:2: this row has 13 fields and the header 12"), "{}", stdout(&out));
    assert!(stdout(&out).contains("1 new"), "{}", stdout(&out));
}

#[test]
fn importing_every_fixture_and_every_row_kind_leaves_a_directory_that_loads() {
    let dir = empty_data_dir();
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(fixture("invalid"))
        .unwrap()
        .filter_map(|e| Some(e.ok()?.path().join("incidents.geojson")))
        .filter(|p| p.exists())
        .collect();
    files.sort();
    files.extend([fixture("import/acled.csv"), fixture("import/ucdp.csv")]);
    // Every kind of row the corpus holds: good, bad values, bad ranges, bad references, broken quoting.
    let kinds = dir.path().join("kinds.csv");
    std::fs::write(
        &kinds,
        "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,country,location,latitude,longitude,geo_precision,source,sources,fatalities,fatalities_low,fatalities_high,place_id,date_start,date_end\n\
         K1,2024-07-26,1,Battles,Armed clash,A,Mali,Kidal,18.4,1.4,1,S,,1,,,,,\n\
         K2,2024-07-26,1,Battles,Armed clash,A,Mali,Kidal,NaN,1.4,1,S,,1,,,,,\n\
         K3,2024-07-26,1,Battles,Armed clash,A,Mali,Kidal,18.4,1.4,1,S,nowhere,1,,,,,\n\
         K4,2024-07-26,1,Battles,Armed clash,A,Mali,Kidal,18.4,1.4,1,S,,1,,,atlantis,,\n\
         K5,2024-07-26,1,Battles,Armed clash,A,Mali,Kidal,18.4,1.4,1,S,,9,1,3,,,\n\
         K6,2024-07-26,1,Battles,Armed clash,A,Mali,Kidal,18.4,1.4,1,S,,1,,,,2024-07-27,2024-07-20\n\
         K7,2024-07-26,1,Battles,Armed clash,A,Mali,Kidal,18.4,1.4,1,,,1,,,,,\n\
         K9,9999-12-31,2,Battles,Armed clash,A,Mali,Kidal,18.4,1.4,1,S,,1,,,,,\n\
         K10,0000-01-01,2,Battles,Armed clash,A,Mali,Kidal,18.4,1.4,1,S,,1,,,,,\n\
         K8,2024-07-26,1,Battles,Armed clash,A,Mali,\"Kidal,18.4,1.4,1,S,,1,,,,,\n",
    )
    .unwrap();
    files.push(kinds);
    for file in &files {
        // Each import loads the directory first: one that an earlier import broke fails here.
        let out = import(dir.path(), file, &[]);
        let said = String::from_utf8_lossy(&out.stderr);
        let ours = dir.path().join("incidents.geojson").display().to_string();
        assert!(!said.contains(&ours), "the directory no longer loads, before {}: {said}", file.display());
    }
    let store = Store::load(Some(dir.path())).expect("the directory must still load");
    assert!(store.incident("K1").is_some(), "the good row was lost");
    for refused in ["K2", "K3", "K4", "K5", "K6", "K7", "K8", "K9", "K10"] {
        assert!(store.incident(refused).is_none(), "{refused} got in");
    }
}

#[test]
fn an_import_writes_the_snapshot_the_record_would_write_itself_changed_ones_in_place_new_ones_after() {
    let dir = empty_data_dir();
    assert!(import(dir.path(), &fixture("import/acled.csv"), &[]).status.success());
    // The same download a day later: one incident corrected, one new.
    let mut read = csv::Reader::from_path(fixture("import/acled.csv")).unwrap();
    let header = read.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = read.records().map(|r| r.unwrap()).collect();
    let row = |id: &str| rows.iter().find(|r| &r[0] == id).unwrap().clone();
    let mut corrected: Vec<String> = row("TST1002").iter().map(String::from).collect();
    corrected[column("fatalities")] = "7".into();
    let mut added: Vec<String> = row("TST1001").iter().map(String::from).collect();
    added[column("event_id_cnty")] = "TST2001".into();
    let later = dir.path().join("later.csv");
    let mut write = csv::Writer::from_path(&later).unwrap();
    write.write_record(&header).unwrap();
    for record in [
        row("TST1001").iter().map(String::from).collect(),
        corrected,
        added,
        row("TST1005").iter().map(String::from).collect::<Vec<_>>(),
    ] {
        write.write_record(&record).unwrap();
    }
    write.flush().unwrap();
    let out = import(dir.path(), &later, &[]);
    assert!(stdout(&out).contains("1 new, 1 updated, 2 unchanged"), "{}", stdout(&out));

    let snapshot = std::fs::read(dir.path().join("incidents.geojson")).unwrap();
    let record = borderline::record::load(Some(dir.path())).unwrap();
    let ids: Vec<&str> = record.incidents().map(|i| &*i.event_id).collect();
    assert_eq!(ids, ["TST1001", "TST1002", "TST1005", "TST2001"]);
    assert_eq!(record.incident("TST1002").map(|i| (i.fatalities, i.revision.version)), Some((Some(7), 2)));
    let rewritten = tempfile::tempdir().unwrap();
    record.save_incidents(rewritten.path()).unwrap();
    let same = std::fs::read(rewritten.path().join("incidents.geojson")).unwrap();
    assert!(
        snapshot == same,
        "the import's snapshot differs from the record's own:\n{}\n---\n{}",
        String::from_utf8_lossy(&snapshot),
        String::from_utf8_lossy(&same)
    );
    let verify = borderline(&["--data", dir.path().to_str().unwrap(), "verify"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stderr));
}
