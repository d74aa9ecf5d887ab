//! Reading texts: one gazetteer lookup (exact names, folded spellings, near misses, nonsense) over the 1,721
//! places, checking a 5,000-word article (the committed test article repeated), and texts built to be slow.
//! Targets: ≤ 50 µs a lookup, ≤ 20 ms an article, a 256 KB adversarial text no slower than an article its size.

use std::time::Duration;

use borderline::Store;
use criterion::{Criterion, criterion_group, criterion_main};

/// Queries of every kind a person types: a preferred name, an alternate name, a folded spelling, a prefix, a
/// near miss, a typo in a long name, nonsense.
const QUERIES: &[&str] = &[
    "Kidal",
    "Tombouctou",
    "Tinzawatin",
    "Tamanr",
    "Tamenghaset",
    "Tinzaouatenne",
    "Bordj Badji Mokhtarr",
    "Xyzzyplugh",
];

fn article() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/text/sahel-en.txt");
    let one = std::fs::read_to_string(path).expect("the test article");
    let mut text = String::new();
    while text.split_whitespace().count() < 5_000 {
        text.push_str(&one);
        text.push('\n');
    }
    text
}

fn benches(c: &mut Criterion) {
    let store = Store::load(None).expect("the embedded data loads");
    let mut g = c.benchmark_group("gazetteer");
    g.measurement_time(Duration::from_secs(5));
    for q in QUERIES {
        g.bench_function(format!("lookup/{q}"), |b| b.iter(|| store.gazetteer.lookup(std::hint::black_box(q))));
        // What the search box asks: the five best, near misses included.
        g.bench_function(format!("search5/{q}"), |b| b.iter(|| store.gazetteer.search(std::hint::black_box(q), 5)));
    }
    g.finish();

    let text = article();
    let words = text.split_whitespace().count();
    let mut g = c.benchmark_group("check_text");
    g.sample_size(20).measurement_time(Duration::from_secs(10));
    g.bench_function(format!("article_{words}_words"), |b| {
        b.iter(|| borderline::text::check(&store, std::hint::black_box(&text), None))
    });

    // Texts built to be slow (tests/fixtures/text/adversarial.txt), each 256 KB.
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/text/adversarial.txt");
    let units = std::fs::read_to_string(path).expect("the adversarial texts");
    for (k, unit) in units.lines().enumerate() {
        let text = unit.repeat(256 * 1024 / unit.len());
        g.bench_function(format!("adversarial_{k}_256k"), |b| {
            b.iter(|| borderline::text::check(&store, std::hint::black_box(&text), None))
        });
    }
    g.finish();
}

criterion_group!(text, benches);
criterion_main!(text);
