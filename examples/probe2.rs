use borderline::Store;
use borderline::store::{BorderChoice, IncidentFilter};
use std::time::Instant;
fn main() {
    let store = Store::load(Some(std::path::Path::new("/tmp/d1m"))).unwrap();
    let choice = BorderChoice { pair: Some("DZA-MLI".parse().unwrap()), ..Default::default() };
    for _ in 0..20 {
        let t0 = Instant::now();
        let n = store.incidents_within(50.0, choice, &IncidentFilter::default()).unwrap().len();
        println!("{n} in {:.1} ms", t0.elapsed().as_secs_f64() * 1e3);
    }
}
