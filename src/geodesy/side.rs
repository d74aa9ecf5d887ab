//! Which country a point is in, and how uncertain a position is.

use geo::{BoundingRect, Intersects};

use crate::model::{Country, GeoPrecision, LonLat};

/// The country whose territory contains `p`, if any of `countries` does (lon, lat; borders count as inside).
pub fn country_at(countries: &[Country], p: LonLat) -> Option<&Country> {
    let point = geo::Point::from(p);
    countries.iter().find(|c| {
        c.area
            .bounding_rect()
            .is_some_and(|r| p.x >= r.min().x && p.x <= r.max().x && p.y >= r.min().y && p.y <= r.max().y)
            && c.area.intersects(&point)
    })
}

/// The radius, in metres, within which an incident of this ACLED `geo_precision` is taken to lie.
///
/// * 1 — the named place itself: 5 km covers a Sahelian town or village and the rounding of its coordinates.
/// * 2 — "near" a named place, or a small part of a district: 25 km, a day's walk or a short drive.
/// * 3 — only the region or province is known: 100 km, the half-width of a typical cercle or wilaya here.
pub fn uncertainty_radius_m(precision: GeoPrecision) -> f64 {
    match precision.code() {
        1 => 5_000.0,
        2 => 25_000.0,
        _ => 100_000.0,
    }
}
