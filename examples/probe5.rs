use borderline::Store;
use borderline::model::LonLat;
fn main() {
    let store = Store::embedded().unwrap();
    let t = store.borders.iter().position(|b| b.id == "DZA-MLI/osm").unwrap() as u32;
    let mut s: u64 = 99;
    let mut r = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    let line = &store.borders[t as usize].parts[0];
    let pts: Vec<LonLat> = (0..20000)
        .map(|_| {
            let v = line[(r() * line.len() as f64) as usize];
            LonLat { x: v.x + (r() - 0.5) * 0.1, y: v.y + (r() - 0.5) * 0.1 }
        })
        .collect();
    let mut acc = 0.0;
    let t0 = std::time::Instant::now();
    for _ in 0..100 {
        for &p in &pts {
            acc += store.segment_index.nearest(p, |b| b == t).unwrap().foot.distance_m;
        }
    }
    println!("{:.2} us/pt {acc}", t0.elapsed().as_secs_f64() * 1e6 / 2e6);
}
