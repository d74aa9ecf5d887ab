//! Border-distance benchmarks on the synthetic incidents of `../shared/peers/` (the same points the PostGIS
//! peer measures): exact WGS84 distance to the Algeria–Mali border (OSM, 1,466 vertices) per point, and the
//! "within 50 km" corridor query.
//!
//! `BORDERLINE_BENCH_N` picks the file (`10k`, default `100k`, `1m`); the per-point figure is measured on the
//! first 10,000 points either way.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use borderline::Store;
use borderline::model::LonLat;
use borderline::store::{BorderChoice, IncidentFilter};
use criterion::{Criterion, criterion_group, criterion_main};

/// The same allocator as the `borderline` binary.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn data_dir() -> PathBuf {
    let label = std::env::var("BORDERLINE_BENCH_N").unwrap_or_else(|_| "100k".into());
    let n = match label.as_str() {
        "10k" => 10_000,
        "1m" => 1_000_000,
        _ => 100_000,
    };
    let file = PathBuf::from(format!("/tmp/peers-data/incidents_{label}.geojson"));
    if !file.exists() {
        let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/peers/gen_incidents.py");
        let ok = Command::new("python3").arg(generator).arg(n.to_string()).status();
        assert!(ok.is_ok_and(|s| s.success()), "could not generate {}", file.display());
    }
    let dir = PathBuf::from(format!("/tmp/borderline-bench-{label}"));
    std::fs::create_dir_all(&dir).unwrap();
    let link = dir.join("incidents.geojson");
    if !link.exists() {
        std::os::unix::fs::symlink(&file, &link).unwrap();
    }
    dir
}

fn benches(c: &mut Criterion) {
    let store = Store::load(Some(&data_dir())).unwrap();
    let choice = BorderChoice { pair: Some("DZA-MLI".parse().unwrap()), ..Default::default() };
    let points: Vec<LonLat> = store.incidents.iter().take(10_000).map(|i| i.position).collect();

    let mut g = c.benchmark_group("border_distance");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("dza_mli_osm_10k_points", |b| {
        b.iter(|| points.iter().map(|&p| store.distance_to_border(p, choice).unwrap().distance_m).sum::<f64>())
    });
    g.finish();

    let mut g = c.benchmark_group("corridor");
    g.sample_size(10).measurement_time(Duration::from_secs(30));
    g.bench_function("within_50km_dza_mli", |b| {
        b.iter(|| store.incidents_near_border(50.0, choice, None, &IncidentFilter::default()).unwrap().len())
    });
    g.finish();
    let n = store.incidents_near_border(50.0, choice, None, &IncidentFilter::default()).unwrap().len();
    println!("within 50 km of DZA-MLI: {n} of {} incidents", store.incidents.len());
}

criterion_group!(geodesy_benches, benches);
criterion_main!(geodesy_benches);
