use borderline::Store;
use borderline::store::atomic_write;

use crate::common::store;

#[test]
fn a_failed_write_leaves_the_old_file_intact_and_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("incidents.geojson");
    std::fs::write(&path, "old content").unwrap();
    let err = atomic_write(&path, |w| {
        w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[")?;
        Err(std::io::Error::other("disk full (simulated)"))
    })
    .unwrap_err();
    assert!(err.to_string().contains("simulated"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "old content");
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names.len(), 1, "a temporary file was left behind: {names:?}");
}

#[test]
fn saved_incidents_load_back_identical() {
    let dir = tempfile::tempdir().unwrap();
    store().save_incidents(dir.path()).unwrap();
    let reloaded = Store::load(Some(dir.path())).unwrap();
    assert_eq!(reloaded.incidents().collect::<Vec<_>>(), store().incidents().collect::<Vec<_>>());
    // Saving again over the existing file works and is stable.
    reloaded.save_incidents(dir.path()).unwrap();
    let first = std::fs::read(dir.path().join("incidents.geojson")).unwrap();
    store().save_incidents(dir.path()).unwrap();
    assert_eq!(std::fs::read(dir.path().join("incidents.geojson")).unwrap(), first);
}

#[test]
fn a_killed_process_waiting_to_be_reaped_counts_as_dead() {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    // Not reaped yet: a zombie, whose /proc entry still exists.
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(std::path::Path::new(&format!("/proc/{pid}")).exists());
    assert!(!borderline::store::process_alive(pid), "a zombie counted as running");
    child.wait().unwrap();
    assert!(borderline::store::process_alive(std::process::id()));
}
