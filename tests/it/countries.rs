//! Sides you can trust: every point of the region's land lies in exactly one country polygon, in the interior
//! and near every land border, so "which country is this?" never answers "outside the region" on land.

use borderline::index::CountryIndex;
use borderline::model::{BorderSource, Country, LonLat};
use geo::{MultiPolygon, Polygon};

use crate::common::{Rng, store};

/// The region's land: the union of the countries' outer rings (their holes, if any, filled).
fn outlines() -> CountryIndex {
    let filled: Vec<Country> = store()
        .countries
        .iter()
        .map(|c| Country {
            area: MultiPolygon(c.area.iter().map(|p| Polygon::new(p.exterior().clone(), vec![])).collect()),
            ..c.clone()
        })
        .collect();
    CountryIndex::new(&filled)
}

/// Asserts that each point of `points` on the region's land lies in exactly one country, and that the grid
/// lookup names that country; returns how many points were on land.
fn assert_one_country_each(points: impl Iterator<Item = LonLat>) -> usize {
    let (land, s) = (outlines(), store());
    let mut on_land = 0;
    for p in points.filter(|&p| !land.containing(p).is_empty()) {
        on_land += 1;
        let holders: Vec<_> = s.country_index.containing(p).into_iter().map(|c| s.countries[c].iso3).collect();
        assert_eq!(holders.len(), 1, "lon {}, lat {} is in {holders:?}", p.x, p.y);
        assert_eq!(s.country_at(p).map(|c| c.iso3), Some(holders[0]), "lon {}, lat {}", p.x, p.y);
    }
    on_land
}

#[test]
fn every_land_point_of_a_seeded_sample_is_in_exactly_one_country() {
    let mut rng = Rng::new(13);
    let points = (0..160_000).map(|_| LonLat { x: rng.range(-18.0, 25.0), y: rng.range(8.0, 38.0) });
    let on_land = assert_one_country_each(points);
    assert!(on_land >= 100_000, "only {on_land} of the sample fell on land");
}

#[test]
fn points_near_every_land_border_are_in_exactly_one_country() {
    let s = store();
    let mut rng = Rng::new(1313);
    for border in s.borders.iter().filter(|b| b.source == BorderSource::Osm) {
        let vertices: Vec<LonLat> = border.parts.iter().flatten().copied().collect();
        // Within ~5 km of the line: a random vertex, moved by up to 0.05° each way.
        let points: Vec<LonLat> = (0..3_000)
            .map(|_| {
                let v = vertices[(rng.next_u64() % vertices.len() as u64) as usize];
                LonLat { x: v.x + rng.range(-0.05, 0.05), y: v.y + rng.range(-0.05, 0.05) }
            })
            .collect();
        let on_land = assert_one_country_each(points.into_iter());
        assert!(on_land >= 2_000, "{}: only {on_land} of 3,000 points near the line fell on land", border.id);
    }
}

#[test]
fn a_point_six_km_inside_algeria_near_tin_zaouatine_is_in_algeria() {
    let p = LonLat { x: 2.91876, y: 20.01816 };
    assert_eq!(store().country_at(p).map(|c| c.iso3.as_str()), Some("DZA"));
}

#[test]
fn no_country_polygon_has_an_interior_ring() {
    for c in store().countries.iter() {
        let holes: usize = c.area.iter().map(|p| p.interiors().len()).sum();
        assert_eq!(holes, 0, "{} has {holes} interior rings", c.iso3);
    }
}
