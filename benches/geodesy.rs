//! Border-distance benchmarks on the synthetic incidents of `../shared/peers/` (the same points the PostGIS
//! peer measures): exact WGS84 distance to the Algeria–Mali border (OSM, 1,466 vertices) per point, and the
//! "within 50 km" corridor query, both as the set of incidents (PostGIS's `ST_DWithin` on geography) and
//! as the full report (every hit's distance and side, nearest first).
//!
//! `BORDERLINE_BENCH_N` picks the file (`10k`, `100k`, default `1m`); one iteration of the per-point
//! benchmark measures every incident of the file, in file order (divide by their number: 1,000,000).

use std::time::Duration;

use borderline::Store;
use borderline::model::LonLat;
use borderline::store::{BorderChoice, IncidentFilter};
use criterion::{Criterion, criterion_group, criterion_main};

mod common;

fn benches(c: &mut Criterion) {
    let store = Store::load(Some(&common::data_dir("1m"))).unwrap();
    let choice = BorderChoice { pair: Some("DZA-MLI".parse().unwrap()), ..Default::default() };
    let points: Vec<LonLat> = store.incidents().map(|i| i.position).collect();

    let mut g = c.benchmark_group("border_distance");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("dza_mli_osm_every_incident", |b| {
        b.iter(|| points.iter().map(|&p| store.distance_to_border(p, choice).unwrap().distance_m).sum::<f64>())
    });
    g.finish();

    let all = IncidentFilter::default();
    let mut g = c.benchmark_group("corridor");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("within_50km_dza_mli_set", |b| {
        b.iter(|| store.incidents_within(50.0, choice, &all).unwrap().len())
    });
    g.bench_function("within_50km_dza_mli_report", |b| {
        b.iter(|| store.incidents_near_border(50.0, choice, None, &all).unwrap().len())
    });
    g.finish();
    let n = store.incidents_within(50.0, choice, &all).unwrap().len();
    println!("within 50 km of DZA-MLI: {n} of {} incidents", store.incidents().count());
}

criterion_group!(geodesy_benches, benches);
criterion_main!(geodesy_benches);
