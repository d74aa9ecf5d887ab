use borderline::model::LonLat;
fn main() {
    let store = borderline::Store::embedded().unwrap();
    let target = store.borders.iter().position(|b| b.id == "DZA-MLI/osm").unwrap() as u32;
    let text = std::fs::read_to_string("/tmp/peers-data/incidents_10k.geojson").unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let pts: Vec<LonLat> = v["features"].as_array().unwrap().iter().map(|f| { let c=&f["geometry"]["coordinates"]; LonLat{x:c[0].as_f64().unwrap(), y:c[1].as_f64().unwrap()} }).collect();
    let t = std::time::Instant::now();
    let mut sum = 0.0;
    for p in &pts { sum += store.segment_index.nearest(&store.borders, *p, |b| b == target).unwrap().foot.distance_m; }
    eprintln!("{:?} per point over {} points (sum {sum})", t.elapsed() / pts.len() as u32, pts.len());
}
