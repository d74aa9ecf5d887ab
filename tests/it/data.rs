//! The embedded geodata is the real thing: these are facts a user relies on.

use borderline::geodesy::distance_m;
use borderline::model::{BorderPair, BorderSource, EventType, LonLat};
use geo::Contains;

use crate::common::store;

fn dza_mli() -> BorderPair {
    "DZA-MLI".parse().unwrap()
}

fn geodesic_length(parts: &[Vec<LonLat>]) -> f64 {
    parts.iter().flat_map(|p| p.windows(2)).map(|w| distance_m(w[0], w[1])).sum()
}

#[test]
fn algeria_mali_osm_line_runs_between_the_tripoints() {
    let b = store().border(dza_mli(), BorderSource::Osm).expect("DZA-MLI/osm");
    assert_eq!(b.parts.len(), 1);
    assert_eq!(b.vertex_count(), 1466);
    let len = geodesic_length(&b.parts);
    assert!((len - 1_365_600.0).abs() < 500.0, "length {len} m");
    assert!((len - b.length_m).abs() < 1.0, "stored length {} vs computed {len}", b.length_m);
    let (first, last) = (b.parts[0][0], *b.parts[0].last().unwrap());
    // Mauritania tripoint (about -4.83, 25.00) first, Niger tripoint (about 4.27, 19.14) last.
    assert!(distance_m(first, LonLat { x: -4.8333, y: 25.0 }) < 1_000.0, "{first:?}");
    assert!(distance_m(last, LonLat { x: 4.2667, y: 19.1441 }) < 1_000.0, "{last:?}");
}

#[test]
fn natural_earth_line_is_the_coarser_second_source() {
    let b = store().border(dza_mli(), BorderSource::NaturalEarth).expect("DZA-MLI/naturalearth");
    assert_eq!(b.vertex_count(), 192);
    let len = geodesic_length(&b.parts);
    assert!((len - 1_266_900.0).abs() < 500.0, "length {len} m");
}

#[test]
fn every_required_border_pair_exists_in_both_sources() {
    for pair in ["DZA-MLI", "DZA-NER", "MLI-NER", "MLI-MRT", "BFA-MLI", "DZA-LBY", "DZA-MRT"] {
        for source in [BorderSource::Osm, BorderSource::NaturalEarth] {
            assert!(store().border(pair.parse().unwrap(), source).is_some(), "{pair}/{source}");
        }
    }
}

#[test]
fn borders_keep_the_first_country_on_the_left() {
    // Walking DZA-MLI from the Mauritania tripoint, Algeria (north-east) must be on the left.
    let s = store();
    let dza = s.countries.iter().find(|c| c.iso3.as_str() == "DZA").unwrap();
    for border in s.borders.iter().filter(|b| b.source == BorderSource::Osm && b.pair.left.as_str() == "DZA") {
        let part = &border.parts[0];
        let mid = part.len() / 2;
        let (a, b) = (part[mid - 1], part[mid]);
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let n = (dx * dx + dy * dy).sqrt();
        let left = geo::Point::new((a.x + b.x) / 2.0 - dy / n * 1e-3, (a.y + b.y) / 2.0 + dx / n * 1e-3);
        assert!(dza.area.contains(&left), "{}: Algeria is not on the left", border.id);
    }
}

#[test]
fn the_twin_towns_lie_on_either_side_of_the_osm_line() {
    let s = store();
    let country_of = |place: &str| {
        let p = s.place(place).unwrap();
        let pt = geo::Point::from(p.position);
        s.countries.iter().filter(|c| c.area.contains(&pt)).map(|c| c.iso3.to_string()).collect::<Vec<_>>()
    };
    assert_eq!(country_of("tinzaouatene"), ["MLI"]);
    assert_eq!(country_of("tin-zaouatine"), ["DZA"]);
    for (place, iso3) in [("kidal", "MLI"), ("in-guezzam", "DZA"), ("tamanrasset", "DZA"), ("gao", "MLI")] {
        assert_eq!(country_of(place), [iso3], "{place}");
    }
}

#[test]
fn countries_do_not_overlap_and_western_sahara_is_flagged_disputed() {
    let s = store();
    let esh = s.countries.iter().find(|c| c.iso3.as_str() == "ESH").unwrap();
    assert!(esh.disputed);
    // Laayoune is in Western Sahara and in no other polygon (Morocco's OSM polygon had it too).
    let laayoune = geo::Point::new(-13.2, 27.15);
    let holders: Vec<_> = s.countries.iter().filter(|c| c.area.contains(&laayoune)).map(|c| c.iso3).collect();
    assert_eq!(holders.len(), 1);
    assert_eq!(holders[0].as_str(), "ESH");
    assert_eq!(s.countries.len(), 10);
}

#[test]
fn places_cite_where_their_coordinates_come_from() {
    let s = store();
    for p in s.places.iter() {
        let kind = p.coordinates_from["kind"].as_str().unwrap_or("");
        match kind {
            "geonames" => assert!(p.coordinates_from["geonameid"].as_u64().is_some(), "{}", p.id),
            "simplemaps" => assert!(p.coordinates_from["simplemaps_id"].is_string(), "{}", p.id),
            "reference" => assert!(!p.coordinates_from["citation"].as_str().unwrap_or("").is_empty(), "{}", p.id),
            other => panic!("{}: unknown provenance {other:?}", p.id),
        }
    }
    for required in [
        "tinzaouatene",
        "tin-zaouatine",
        "in-guezzam",
        "kidal",
        "tamanrasset",
        "gao",
        "timbuktu",
        "bamako",
        "algiers",
        "tessalit",
        "aguelhok",
        "abeibara",
        "bordj-badji-mokhtar",
        "menaka",
        "ouargla",
        "in-amenas",
        "tigantourine",
        "tindouf",
        "oran",
        "konna",
        "diabaly",
        "ouagadougou",
    ] {
        assert!(s.place(required).is_some(), "missing place {required}");
    }
}

#[test]
fn incidents_from_the_seeds_cite_registered_documents() {
    let s = store();
    assert!(s.incidents().count() >= 30, "{} incidents", s.incidents().count());
    for i in s.incidents() {
        assert!(!i.sources.is_empty(), "{} cites nothing", i.event_id);
        for src in &i.sources {
            assert!(s.register.document(src).is_some(), "{}: {src}", i.event_id);
        }
        assert!(!i.notes.is_empty(), "{} has no summary", i.event_id);
    }
    let ambush = s.incident("MLI0001").unwrap();
    assert_eq!(ambush.event_type, EventType::Battles);
    assert_eq!(ambush.place_id.as_deref(), Some("tinzaouatene"));
    assert_eq!(
        (ambush.dates.start.to_string(), ambush.dates.end.to_string()),
        ("2024-07-25".into(), "2024-07-27".into())
    );
    assert_eq!(ambush.fatalities_high, Some(50));
    // The two documents spell the place differently; both spellings are kept with their source.
    let spellings: Vec<_> =
        ambush.variants.iter().filter(|v| v.field == "location").map(|v| v.value.as_str()).collect();
    assert_eq!(spellings, ["Tinsauaten", "Tinzaouatine"]);
}

#[test]
fn the_register_records_each_document_hash_and_its_claims() {
    let r = &store().register;
    assert_eq!(r.documents.len(), 5);
    let claims: usize = r.documents.iter().map(|d| d.claims.len()).sum();
    assert_eq!(claims, 5);
    // When the shared seeds are present beside the repository, their hashes must match the register.
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if seeds.is_dir() {
        for d in &r.documents {
            let bytes = std::fs::read(seeds.join(&d.file)).unwrap();
            let out = std::process::Command::new("sha256sum").arg(seeds.join(&d.file)).output();
            if let Ok(out) = out {
                let hex = String::from_utf8_lossy(&out.stdout);
                assert!(
                    hex.starts_with(&d.sha256),
                    "{}: register hash differs from the file ({} bytes)",
                    d.id,
                    bytes.len()
                );
            }
        }
    }
}
