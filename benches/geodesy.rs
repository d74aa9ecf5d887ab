//! Border-distance benchmarks on the synthetic incidents of `../shared/peers/` (the same points the PostGIS
//! peer measures): exact WGS84 distance to the Algeria–Mali border (OSM, 1,466 vertices) per point, and the
//! "within 50 km" corridor query.
//!
//! `BORDERLINE_BENCH_N` picks the file (`10k`, default `100k`, `1m`); the per-point figure is measured on the
//! first 10,000 points either way.

use std::time::Duration;

use borderline::Store;
use borderline::model::LonLat;
use borderline::store::{BorderChoice, IncidentFilter};
use criterion::{Criterion, criterion_group, criterion_main};

mod common;

fn benches(c: &mut Criterion) {
    let store = Store::load(Some(&common::data_dir("100k"))).unwrap();
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
