use borderline::Store;
use borderline::model::LonLat;
use std::time::Instant;
fn main() {
    let store = Store::load(Some(std::path::Path::new("/tmp/d100k"))).unwrap();
    let t = store.borders.iter().position(|b| b.id == "DZA-MLI/osm").unwrap() as u32;
    let points: Vec<LonLat> = store.incidents.iter().take(100_000).map(|i| i.position).collect();
    for _ in 0..3 {
        let t0 = Instant::now();
        let mut acc = 0.0;
        for &p in &points {
            acc += store.segment_index.nearest(p, |b| b == t).unwrap().foot.distance_m;
        }
        println!("index.nearest: {:.3} us/pt ({acc})", t0.elapsed().as_secs_f64() * 1e6 / points.len() as f64);
    }
}
