//! Store benchmarks on the synthetic incidents of `../shared/peers/` (seeded, identical to the PostGIS peer's):
//! load + index 1M incidents from GeoJSON, and counting incidents in each of the 1,000 fixed 1°×1° boxes.
//!
//! Data goes to /tmp/peers-data (generated with `../shared/peers/gen_incidents.py` when missing), never into
//! the repository. `BORDERLINE_BENCH_N=100k` benchmarks the 100k file instead.

use std::time::Duration;

use borderline::Store;
use borderline::model::BBox;
use criterion::{Criterion, criterion_group, criterion_main};

mod common;

fn boxes() -> Vec<BBox> {
    common::generate(std::path::Path::new("/tmp/peers-data/queries_boxes.csv"), "gen_queries.py", &[]);
    let text = std::fs::read_to_string("/tmp/peers-data/queries_boxes.csv").unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let v: Vec<f64> = l.split(',').skip(1).map(|x| x.parse().unwrap()).collect();
            BBox::new(v[0], v[1], v[2], v[3]).unwrap()
        })
        .collect()
}

fn benches(c: &mut Criterion) {
    let dir = common::data_dir("1m");
    let mut g = c.benchmark_group("store");
    g.sample_size(10).measurement_time(Duration::from_secs(40));
    // Freeing the store is not part of loading it.
    g.bench_function("load_and_index", |b| b.iter_with_large_drop(|| Store::load(Some(&dir)).unwrap()));
    g.finish();

    let store = Store::load(Some(&dir)).unwrap();
    let boxes = boxes();
    let mut g = c.benchmark_group("bbox_count");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    // Per box: one iteration counts all 1,000 boxes, so divide the reported time by 1,000.
    g.bench_function("1000_boxes_1deg", |b| {
        b.iter(|| boxes.iter().map(|bx| store.incident_index.count_in_bbox(bx)).sum::<usize>())
    });
    g.finish();

    // Per-box median, printed for the closing note (criterion reports the 1,000-box total above).
    let mut per_box: Vec<f64> = boxes
        .iter()
        .map(|bx| {
            let t = std::time::Instant::now();
            let mut n = 0;
            for _ in 0..20 {
                n += std::hint::black_box(store.incident_index.count_in_bbox(bx));
            }
            std::hint::black_box(n);
            t.elapsed().as_secs_f64() / 20.0
        })
        .collect();
    per_box.sort_by(f64::total_cmp);
    let total: usize = boxes.iter().map(|bx| store.incident_index.count_in_bbox(bx)).sum();
    println!(
        "bbox count over {} boxes: median {:.1} µs, p90 {:.1} µs, max {:.1} µs ({} incidents; {total} in all boxes)",
        per_box.len(),
        per_box[per_box.len() / 2] * 1e6,
        per_box[per_box.len() * 9 / 10] * 1e6,
        per_box[per_box.len() - 1] * 1e6,
        store.incidents().count()
    );
}

criterion_group!(store_benches, benches);
criterion_main!(store_benches);
