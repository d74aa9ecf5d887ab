use borderline::Store;
use borderline::model::BBox;
use borderline::store::IncidentFilter;
use std::time::Instant;
fn main() {
    let store = Store::load(Some(std::path::Path::new("/tmp/d100k"))).unwrap();
    let b = BBox { west: 0.9, south: 17.9, east: 1.9, north: 18.9 };
    let f = IncidentFilter { bbox: Some(b), ..Default::default() };
    let t = Instant::now();
    for _ in 0..1000 {
        std::hint::black_box(store.page_incidents(&f, 0, 100));
    }
    println!("page: {:.1} us", t.elapsed().as_secs_f64() * 1e3);
    let t = Instant::now();
    for _ in 0..1000 {
        std::hint::black_box(store.incident_grid.count(&b));
    }
    println!("count: {:.1} us", t.elapsed().as_secs_f64() * 1e3);
    let (m, p) = store.page_incidents(&f, 0, 100);
    println!("{m} {}", p.len());
}
