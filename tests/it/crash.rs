//! Writers killed at random moments (`kill -9`): the target is the complete old file or the complete new one,
//! never half, and no leftover of the killed writer survives the next run.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::Rng;

fn borderline(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_borderline")).args(args).output().expect("run borderline")
}

/// The temporary files writers leave beside `name` in `dir`.
fn leftovers(dir: &Path, name: &str) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with(&format!(".{name}.")) && n.ends_with(".tmp"))
        .collect()
}

/// Runs `borderline ARGS` and kills it with SIGKILL after `after`; whether it had finished by itself.
fn run_and_kill(args: &[&str], after: Duration) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_borderline"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(after);
    let finished = child.try_wait().unwrap().is_some();
    let _ = child.kill();
    let _ = child.wait();
    finished
}

/// A moment to kill a run that takes `whole` when left alone: anywhere from its first third to just past its end,
/// so that kills land while it reads, while it writes, and around the rename.
fn kill_time(rng: &mut Rng, whole: Duration) -> Duration {
    whole.mul_f64(rng.range(0.3, 1.1))
}

/// An ACLED CSV of `n` rows.
fn acled(path: &Path, n: usize) {
    let mut text = String::from(
        "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,country,location,latitude,longitude,geo_precision,source,fatalities\n",
    );
    for k in 0..n {
        text += &format!(
            "K{k},2024-07-26,1,Battles,Armed clash,Actor,Mali,Kidal,{:.5},1.41,1,Outlet,1\n",
            18.0 + k as f64 * 1e-5
        );
    }
    std::fs::write(path, text).unwrap();
}

#[test]
fn killed_imports_leave_the_old_or_the_new_incidents_and_the_next_run_removes_their_leftovers() {
    let work = tempfile::tempdir().unwrap();
    let csv = work.path().join("rows.csv");
    acled(&csv, 40_000);
    let old = br#"{"type":"FeatureCollection","features":[]}"#.to_vec();
    // The new state, from an import left to finish.
    let done = work.path().join("done");
    std::fs::create_dir(&done).unwrap();
    std::fs::write(done.join("incidents.geojson"), &old).unwrap();
    let started = std::time::Instant::now();
    assert!(borderline(&["--data", done.to_str().unwrap(), "import", csv.to_str().unwrap()]).status.success());
    let whole = started.elapsed();
    let ids = |dir: &std::path::Path| -> Vec<String> {
        let state = borderline::record::load(Some(dir)).expect("the directory loads after a kill");
        let mut ids: Vec<String> = state.incidents().map(|i| i.event_id.to_string()).collect();
        ids.sort();
        ids
    };
    let new = ids(&done);
    assert_eq!(new.len(), 40_000);

    let mut rng = Rng::new(14);
    let mut killed_mid_way = 0;
    for round in 0..6 {
        let dir = work.path().join(format!("r{round}"));
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("incidents.geojson"), &old).unwrap();
        let after = kill_time(&mut rng, whole);
        let finished = run_and_kill(&["--data", dir.to_str().unwrap(), "import", csv.to_str().unwrap()], after);
        // The record (snapshot and journal) holds the import whole or not at all, whenever it was killed.
        let now = ids(&dir);
        assert!(now.is_empty() || now == new, "round {round} (killed after {after:?}): {} of the incidents", now.len());
        if dir.join("journal.jsonl").exists() {
            let verify = borderline(&["--data", dir.to_str().unwrap(), "verify"]);
            assert!(verify.status.success(), "round {round}: {}", String::from_utf8_lossy(&verify.stderr));
        }
        killed_mid_way += usize::from(!finished);
        // The next run (a dry run writes nothing) removes what the killed one left, and the lock is free.
        let next = borderline(&["--data", dir.to_str().unwrap(), "import", "--dry-run", csv.to_str().unwrap()]);
        assert!(next.status.success(), "round {round}: {}", String::from_utf8_lossy(&next.stderr));
        assert_eq!(leftovers(&dir, "incidents.geojson"), Vec::<String>::new(), "round {round}");
    }
    assert!(killed_mid_way > 0, "no import was killed before it finished: the test proves nothing");
}

#[test]
fn killed_exports_leave_the_old_file_or_a_whole_new_one_and_the_next_export_removes_their_leftovers() {
    let data = crate::common::random_incidents_dir(30_000);
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("out.gpkg");
    std::fs::write(&out, b"the old file").unwrap();
    let args =
        ["--data", data.path().to_str().unwrap(), "export", "--layers", "incidents", "-o", out.to_str().unwrap()];
    let scratch = work.path().join("whole.gpkg");
    let full =
        ["--data", data.path().to_str().unwrap(), "export", "--layers", "incidents", "-o", scratch.to_str().unwrap()];
    let started = std::time::Instant::now();
    assert!(borderline(&full).status.success());
    let whole = started.elapsed();
    let mut rng = Rng::new(41);
    let mut killed_mid_way = 0;
    for round in 0..6 {
        let after = kill_time(&mut rng, whole);
        killed_mid_way += usize::from(!run_and_kill(&args, after));
        let now = std::fs::read(&out).unwrap();
        if now != b"the old file" {
            let info = Command::new("ogrinfo").args(["-ro", "-so", "-al"]).arg(&out).output().unwrap();
            let summary = String::from_utf8_lossy(&info.stdout);
            assert!(summary.contains("Feature Count: 30000"), "round {round}: a partial GeoPackage: {summary}");
            std::fs::write(&out, b"the old file").unwrap();
        }
    }
    assert!(killed_mid_way > 0, "no export was killed before it finished: the test proves nothing");
    assert!(borderline(&args).status.success());
    assert_eq!(leftovers(work.path(), "out.gpkg"), Vec::<String>::new());
}
