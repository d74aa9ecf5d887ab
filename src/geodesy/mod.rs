//! Distances on the WGS84 ellipsoid (Karney's algorithms via `geographiclib-rs`), and the boxes that
//! bound them so the R-trees can prefilter in plain lon/lat degrees.
//!
//! All distances are metres; all positions are (longitude, latitude) in degrees.

mod gnomonic;
mod segment;
mod side;

pub use gnomonic::Gnomonic;
pub use segment::{SegmentFoot, nearest_on_segment};
pub use side::{country_at, uncertainty_radius_m};

use geographiclib_rs::{Geodesic, InverseGeodesic};

use crate::model::{BBox, LonLat};

/// WGS84 semi-major axis, metres.
pub const WGS84_A: f64 = 6_378_137.0;
/// WGS84 flattening.
pub const WGS84_F: f64 = 1.0 / 298.257_223_563;

/// The smallest radius of curvature of WGS84 (meridional, at the equator): `a (1 - e²)`, metres.
/// No geodesic of length `s` spans more than `s / MIN_RADIUS_M` radians of latitude.
const MIN_RADIUS_M: f64 = WGS84_A * (1.0 - WGS84_F) * (1.0 - WGS84_F);

/// The WGS84 ellipsoid as GeographicLib models it.
pub fn wgs84() -> &'static Geodesic {
    static WGS84: std::sync::OnceLock<Geodesic> = std::sync::OnceLock::new();
    WGS84.get_or_init(Geodesic::wgs84)
}

/// Geodesic distance in metres between two positions on WGS84 (accurate to ~15 nm).
///
/// ```
/// use borderline::geodesy::distance_m;
/// use borderline::model::LonLat;
/// // Kidal to Gao (GeoNames coordinates): about 284 km.
/// let kidal = LonLat { x: 1.40921, y: 18.44345 };
/// let gao = LonLat { x: -0.04472, y: 16.27167 };
/// let d = distance_m(kidal, gao);
/// assert!((d - 284_000.0).abs() < 2_000.0, "{d}");
/// ```
pub fn distance_m(a: LonLat, b: LonLat) -> f64 {
    wgs84().inverse(a.y, a.x, b.y, b.x)
}

/// Lon/lat boxes that together contain every point within `radius_m` metres (geodesic) of `center`.
///
/// The bound is conservative (a few per cent wider than needed) and splits at the antimeridian;
/// near a pole it widens to every longitude.
pub fn radius_envelope(center: LonLat, radius_m: f64) -> Vec<BBox> {
    let angle = radius_m / MIN_RADIUS_M * 1.02 + 1e-9; // radians, with margin
    let dlat = angle.to_degrees();
    let south = (center.y - dlat).max(-90.0);
    let north = (center.y + dlat).min(90.0);
    let max_abs_lat = south.abs().max(north.abs());
    let full = |s, n| vec![BBox { west: -180.0, south: s, east: 180.0, north: n }];
    if max_abs_lat >= 90.0 || angle >= std::f64::consts::FRAC_PI_2 {
        return full(south, north);
    }
    // On a sphere, a point at latitude φ and longitude offset Δλ is at least
    // asin(cos φ · sin Δλ) from the centre's meridian plane, hence this bound.
    let s = angle.sin() / max_abs_lat.to_radians().cos();
    if s >= 1.0 {
        return full(south, north);
    }
    let dlon = s.asin().to_degrees();
    let (west, east) = (center.x - dlon, center.x + dlon);
    if west < -180.0 {
        vec![BBox { west: west + 360.0, south, east: 180.0, north }, BBox { west: -180.0, south, east, north }]
    } else if east > 180.0 {
        vec![BBox { west, south, east: 180.0, north }, BBox { west: -180.0, south, east: east - 360.0, north }]
    } else {
        vec![BBox { west, south, east, north }]
    }
}
