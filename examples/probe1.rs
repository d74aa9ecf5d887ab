use borderline::Store;
use borderline::model::LonLat;
fn main() {
    let store = Store::embedded().unwrap();
    let t = store.borders.iter().position(|b| b.id == "DZA-MLI/osm").unwrap() as u32;
    let p = LonLat { x: -3.0, y: 16.77 };
    let h = store.segment_index.nearest(p, |b| b == t).unwrap();
    println!("{h:?}");
}
