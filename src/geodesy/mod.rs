//! Distances on the WGS84 ellipsoid (Karney's algorithms via `geographiclib-rs`), and the boxes that
//! bound them so the R-trees can prefilter in plain lon/lat degrees.
//!
//! All distances are metres; all positions are (longitude, latitude) in degrees.

mod segment;
mod side;
pub(crate) mod sphere;
mod vincenty;

pub use segment::{FINISH_STEP_M, GeodesicSegment, Probe, SegmentFoot, nearest_on_segment};
pub use side::{country_at, uncertainty_radius_m};
pub use sphere::{
    LAMBERT_RANGE_M, LAMBERT_RELATIVE_ERROR, RECTIFYING_RADIUS_M, RECTIFYING_UPPER_RATIO, UnitVector, auxiliary_unit,
    lambert_bounds_m, lambert_m, rectifying, rectifying_and_auxiliary_units, rectifying_bounds_m, rectifying_unit,
    sphere_distance_m,
};
pub use vincenty::{inverse_vincenty, reduced, vincenty};

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

/// A geodesic between two points: its length and the azimuths at both ends.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Leg {
    /// Length, metres.
    pub distance_m: f64,
    /// Azimuth at the start, degrees clockwise from north.
    pub azimuth_from_deg: f64,
    /// Azimuth at the end (direction of travel), degrees clockwise from north.
    pub azimuth_to_deg: f64,
}

/// The geodesic from `a` to `b` on WGS84 (GeographicLib's inverse problem).
///
/// ```
/// use borderline::geodesy::inverse;
/// use borderline::model::LonLat;
/// // In Guezzam to Tamanrasset (GeoNames): about 360 km, heading a little west of north.
/// let leg = inverse(LonLat { x: 5.76806, y: 19.57361 }, LonLat { x: 5.52278, y: 22.785 });
/// assert!((leg.distance_m - 356_000.0).abs() < 5_000.0, "{}", leg.distance_m);
/// assert!(leg.azimuth_from_deg < 0.0 && leg.azimuth_from_deg > -10.0);
/// ```
pub fn inverse(a: LonLat, b: LonLat) -> Leg {
    let (s12, azi1, azi2, _a12): (f64, f64, f64, f64) = wgs84().inverse(a.y, a.x, b.y, b.x);
    Leg { distance_m: s12, azimuth_from_deg: azi1, azimuth_to_deg: azi2 }
}

/// Lon/lat boxes that together contain every point within `radius_m` metres (geodesic) of `center`.
///
/// The bound is conservative (a few per cent wider than needed) and splits at the antimeridian;
/// near a pole it widens to every longitude.
pub fn radius_envelope(center: LonLat, radius_m: f64) -> Vec<BBox> {
    let point = BBox { west: center.x, south: center.y, east: center.x, north: center.y };
    widen_bbox(&point, radius_m).parts()
}

/// `bbox` widened on every side by `margin_m` metres (geodesic), conservatively; may cross the antimeridian
/// or reach a pole (then it spans every longitude).
pub fn widen_bbox(bbox: &BBox, margin_m: f64) -> BBox {
    let angle = margin_m / MIN_RADIUS_M * 1.02 + 1e-9;
    let dlat = angle.to_degrees();
    let south = (bbox.south - dlat).max(-90.0);
    let north = (bbox.north + dlat).min(90.0);
    let max_abs_lat = south.abs().max(north.abs());
    // On a sphere, a point at latitude φ and longitude offset Δλ is at least asin(cos φ · sin Δλ) from a
    // meridian plane, hence this bound on Δλ.
    let s = if max_abs_lat >= 90.0 { 2.0 } else { angle.sin() / max_abs_lat.to_radians().cos() };
    if s >= 1.0 || angle >= std::f64::consts::FRAC_PI_2 {
        return BBox { west: -180.0, south, east: 180.0, north };
    }
    let dlon = s.asin().to_degrees();
    let wrap = |x: f64| {
        if x < -180.0 {
            x + 360.0
        } else if x > 180.0 {
            x - 360.0
        } else {
            x
        }
    };
    if bbox.east - bbox.west + 2.0 * dlon >= 360.0 {
        return BBox { west: -180.0, south, east: 180.0, north };
    }
    BBox { west: wrap(bbox.west - dlon), south, east: wrap(bbox.east + dlon), north }
}
