use borderline::Store;
use borderline::model::LonLat;
use std::time::Instant;
fn main() {
    let store = Store::load(Some(std::path::Path::new("/tmp/d100k"))).unwrap();
    let t = store.borders.iter().position(|b| b.id == "DZA-MLI/osm").unwrap() as u32;
    let points: Vec<LonLat> = store.incidents.iter().take(100_000).map(|i| i.position).collect();
    let d: Vec<f64> =
        points.iter().map(|&p| store.segment_index.nearest(p, |b| b == t).unwrap().foot.distance_m).collect();
    for (lo, hi) in [(0.0, 10e3), (10e3, 50e3), (50e3, 200e3), (200e3, 500e3), (500e3, 3000e3)] {
        let sel: Vec<LonLat> = points.iter().zip(&d).filter(|(_, d)| **d >= lo && **d < hi).map(|(p, _)| *p).collect();
        let t0 = Instant::now();
        let mut acc = 0.0;
        for _ in 0..3 {
            for &p in &sel {
                acc += store.segment_index.nearest(p, |b| b == t).unwrap().foot.distance_m;
            }
        }
        println!(
            "{:>5}-{:<5} km: {:>6} points, {:.2} us/pt ({acc:.0})",
            lo / 1e3,
            hi / 1e3,
            sel.len(),
            t0.elapsed().as_secs_f64() * 1e6 / (3 * sel.len()) as f64
        );
    }
}
