//! Points as unit vectors on two spheres that stand in for WGS84 where a cheap bound is all that is needed:
//! the rectifying sphere (rigorous lower bounds of distance) and the auxiliary sphere of reduced latitude
//! (the Andoyer–Lambert formula, accurate to about a millionth).

use super::{WGS84_A, WGS84_F};
use crate::model::LonLat;

/// A point of a sphere as a unit vector (x towards 0°E on the equator, z towards the north pole).
pub type UnitVector = [f64; 3];

/// The unit vector of latitude `lat` and longitude `lon` (degrees) on a sphere.
pub(crate) fn unit(lon: f64, lat: f64) -> UnitVector {
    let ((sin_lat, cos_lat), (sin_lon, cos_lon)) = (lat.to_radians().sin_cos(), lon.to_radians().sin_cos());
    [cos_lat * cos_lon, cos_lat * sin_lon, sin_lat]
}

pub(crate) fn dot(u: UnitVector, v: UnitVector) -> f64 {
    u[0] * v[0] + u[1] * v[1] + u[2] * v[2]
}

pub(crate) fn cross(u: UnitVector, v: UnitVector) -> UnitVector {
    [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]]
}

pub(crate) fn normalized(u: [f64; 3]) -> UnitVector {
    let len = dot(u, u).sqrt();
    if len > 0.0 { [u[0] / len, u[1] / len, u[2] / len] } else { [0.0; 3] }
}

/// Straight-line (chord) distance between two unit vectors: never more than the angle between them.
pub(crate) fn chord(u: UnitVector, v: UnitVector) -> f64 {
    let d = [u[0] - v[0], u[1] - v[1], u[2] - v[2]];
    dot(d, d).sqrt()
}

/// Radius of the rectifying sphere of WGS84, metres: a meridian arc of the ellipsoid has the same length as
/// the arc of this sphere between the rectifying latitudes of its ends.
pub const RECTIFYING_RADIUS_M: f64 = 6_367_449.145_823_415;

/// The point with the same longitude and, as latitude, the rectifying latitude of `p` (degrees).
///
/// Mapped this way onto the sphere of radius [`RECTIFYING_RADIUS_M`], every curve of the ellipsoid gets
/// no longer: north–south lengths are kept exactly and east–west ones shrink by a factor between 1 and
/// 1/1.00168. So the great-circle distance between mapped points is a lower bound of the WGS84 geodesic
/// distance, and 1.00168 times it an upper bound.
pub fn rectifying(p: LonLat) -> LonLat {
    let phi = p.y.to_radians();
    let (sin_phi, cos_phi) = phi.sin_cos();
    LonLat { x: p.x, y: (phi + rectifying_offset(sin_phi, cos_phi)).to_degrees() }
}

/// The rectifying latitude less the latitude (radians), from the latitude's sine and cosine.
fn rectifying_offset(sin_phi: f64, cos_phi: f64) -> f64 {
    let n = WGS84_F / (2.0 - WGS84_F);
    let (n2, n3, n4) = (n * n, n * n * n, n * n * n * n);
    // sin 2kφ for k = 1..4 from sin 2φ and cos 2φ by the multiple-angle recurrence.
    let (s2, c2) = (2.0 * sin_phi * cos_phi, 1.0 - 2.0 * sin_phi * sin_phi);
    let s4 = 2.0 * s2 * c2;
    let c4 = 1.0 - 2.0 * s2 * s2;
    let s6 = s4 * c2 + c4 * s2;
    let s8 = 2.0 * s4 * c4;
    -(1.5 * n - 9.0 / 16.0 * n3) * s2 + (15.0 / 16.0 * n2 - 15.0 / 32.0 * n4) * s4 - (35.0 / 48.0 * n3) * s6
        + (315.0 / 512.0 * n4) * s8
}

/// Upper bound of WGS84 distance over the rectifying-sphere distance (see [`rectifying`]).
pub const RECTIFYING_UPPER_RATIO: f64 = 1.001_68;

/// Great-circle distance in metres between two points on the rectifying sphere (see [`rectifying`]).
pub fn sphere_distance_m(a: LonLat, b: LonLat) -> f64 {
    let (la, lb) = (a.y.to_radians(), b.y.to_radians());
    let dlat = lb - la;
    let dlon = (b.x - a.x).to_radians();
    let h = (dlat * 0.5).sin().powi(2) + la.cos() * lb.cos() * (dlon * 0.5).sin().powi(2);
    2.0 * RECTIFYING_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// `p` on the rectifying sphere, as a unit vector.
pub fn rectifying_unit(p: LonLat) -> UnitVector {
    let r = rectifying(p);
    unit(r.x, r.y)
}

/// `p` on the rectifying sphere and on the auxiliary sphere (as [`rectifying_unit`] and
/// [`auxiliary_unit`]), sharing the trigonometry: the rectifying latitude is within 0.2° of the latitude,
/// so its sine and cosine follow from theirs by short series.
pub fn rectifying_and_auxiliary_units(p: LonLat) -> (UnitVector, UnitVector) {
    let (sin_phi, cos_phi) = p.y.to_radians().sin_cos();
    let (sin_lon, cos_lon) = p.x.to_radians().sin_cos();
    let delta = rectifying_offset(sin_phi, cos_phi);
    let d2 = delta * delta;
    let (sin_d, cos_d) = (delta * (1.0 - d2 / 6.0 * (1.0 - d2 / 20.0)), 1.0 - d2 / 2.0 * (1.0 - d2 / 12.0));
    let (sin_mu, cos_mu) = (sin_phi * cos_d + cos_phi * sin_d, cos_phi * cos_d - sin_phi * sin_d);
    let (sin_beta, cos_beta) = ((1.0 - WGS84_F) * sin_phi, cos_phi);
    let n = (sin_beta * sin_beta + cos_beta * cos_beta).sqrt();
    ([cos_mu * cos_lon, cos_mu * sin_lon, sin_mu], [cos_beta / n * cos_lon, cos_beta / n * sin_lon, sin_beta / n])
}

/// `p` on the auxiliary sphere: same longitude, reduced latitude `atan((1 - f) tan φ)`.
pub fn auxiliary_unit(p: LonLat) -> UnitVector {
    let (sin_phi, cos_phi) = p.y.to_radians().sin_cos();
    let (sin_beta, cos_beta) = ((1.0 - WGS84_F) * sin_phi, cos_phi);
    let n = (sin_beta * sin_beta + cos_beta * cos_beta).sqrt();
    let (sin_lon, cos_lon) = p.x.to_radians().sin_cos();
    [cos_beta / n * cos_lon, cos_beta / n * sin_lon, sin_beta / n]
}

/// The Andoyer–Lambert distance in metres between two points given on the auxiliary sphere (see
/// [`auxiliary_unit`]): the great-circle angle `σ` there, corrected to first order in the flattening,
/// `a (σ − f/2 (X + Y))` with `X = (σ − sin σ) sin²P cos²Q / cos²(σ/2)`, `Y = (σ + sin σ) cos²P sin²Q /
/// sin²(σ/2)`, `P` and `Q` the half sum and half difference of the reduced latitudes.
///
/// Its error is under 1.41 millionths of the distance (measured against GeographicLib on 400,000 pairs over
/// the globe up to 6,000 km apart; the test suite re-checks it).
///
/// ```
/// use borderline::geodesy::{auxiliary_unit, distance_m, lambert_m};
/// use borderline::model::LonLat;
/// let (kidal, algiers) = (LonLat { x: 1.40921, y: 18.44345 }, LonLat { x: 3.04197, y: 36.7525 });
/// let exact = distance_m(kidal, algiers);
/// let lambert = lambert_m(auxiliary_unit(kidal), auxiliary_unit(algiers));
/// assert!((lambert - exact).abs() < 1.5e-6 * exact, "{lambert} vs {exact}");
/// ```
pub fn lambert_m(u: UnitVector, v: UnitVector) -> f64 {
    let c = cross(u, v);
    let sin_sigma = dot(c, c).sqrt();
    let sigma = sin_sigma.atan2(dot(u, v));
    let half_chord2 = {
        let d = chord(u, v);
        d * d / 4.0
    };
    if half_chord2 == 0.0 {
        return 0.0;
    }
    // sin P cos Q and cos P sin Q are the half sum and half difference of the sines of the reduced latitudes.
    let (sp_cq, cp_sq) = ((u[2] + v[2]) / 2.0, (v[2] - u[2]) / 2.0);
    let x = (sigma - sin_sigma) * sp_cq * sp_cq / (1.0 - half_chord2);
    let y = (sigma + sin_sigma) * cp_sq * cp_sq / half_chord2;
    WGS84_A * (sigma - WGS84_F / 2.0 * (x + y))
}

/// How far [`lambert_m`] may be off, as a fraction of the distance: seven times the largest error measured.
pub const LAMBERT_RELATIVE_ERROR: f64 = 1e-5;

/// Bounds of the angle `2 asin(c/2)` subtended by a chord `c < 0.975` of the unit sphere: the series
/// `c + c³/24 + 3c⁵/640` and that plus `0.00092 c⁷` (more than the rest of the series).
fn chord_angle_bounds(c: f64) -> (f64, f64) {
    let c2 = c * c;
    let lo = c * (1.0 + c2 / 24.0 + 3.0 * c2 * c2 / 640.0);
    (lo, lo + 0.00092 * c * c2 * c2 * c2)
}

/// Lower and upper bounds (metres) of the WGS84 distance between two points given on the rectifying sphere
/// (see [`rectifying_unit`]), without trigonometry: the rectifying sphere never lengthens a distance and
/// shortens it by at most [`RECTIFYING_UPPER_RATIO`]. Cheaper than [`lambert_bounds_m`] and as good for
/// short distances (the two bounds are 0.17 % apart). Beyond a chord of 0.95 the upper bound is infinite.
pub fn rectifying_bounds_m(u: UnitVector, v: UnitVector) -> (f64, f64) {
    let c = chord(u, v);
    if c > 0.95 {
        return (RECTIFYING_RADIUS_M * c, f64::INFINITY);
    }
    let (lo, hi) = chord_angle_bounds(c);
    (RECTIFYING_RADIUS_M * lo, RECTIFYING_RADIUS_M * hi * RECTIFYING_UPPER_RATIO)
}

/// Lower and upper bounds (metres) of the WGS84 distance between two points given on the auxiliary sphere,
/// from [`lambert_m`] without calling a trigonometric function. With `c` the chord between them,
/// `sin²(σ/2) = c²/4`, `cos²(σ/2) = 1 − c²/4` and `sin σ = c √(1 − c²/4)` are exact, and `σ = 2 asin(c/2)`
/// lies between the series `c + c³/24 + 3c⁵/640` and that plus `0.00092 c⁷` (the rest of the series, for
/// `c < 0.975`); `X` and `Y` grow with `σ`. Each bound then allows [`LAMBERT_RELATIVE_ERROR`] for the
/// formula itself. The border search bounds every candidate this way. Beyond a chord of 0.95 (6,100 km) the
/// lower bound is zero and the upper bound infinite.
pub fn lambert_bounds_m(u: UnitVector, v: UnitVector) -> (f64, f64) {
    let d = [u[0] - v[0], u[1] - v[1], u[2] - v[2]];
    let c2 = dot(d, d);
    if c2 == 0.0 {
        return (0.0, 0.0);
    }
    if c2 > 0.9 {
        return (0.0, f64::INFINITY);
    }
    let c = c2.sqrt();
    let (sigma_lo, sigma_hi) = chord_angle_bounds(c);
    let cos2_half = 1.0 - c2 / 4.0;
    let sin_sigma = c * cos2_half.sqrt();
    let (sum, diff) = ((u[2] + v[2]) / 2.0, d[2] / 2.0);
    let (x_weight, y_weight) = (sum * sum / cos2_half, diff * diff * 4.0 / c2);
    let correction = |sigma: f64| WGS84_F / 2.0 * ((sigma - sin_sigma) * x_weight + (sigma + sin_sigma) * y_weight);
    let lower = WGS84_A * (sigma_lo - correction(sigma_hi)) * (1.0 - LAMBERT_RELATIVE_ERROR);
    let upper = WGS84_A * (sigma_hi - correction(sigma_lo)) * (1.0 + LAMBERT_RELATIVE_ERROR);
    (lower.max(0.0), upper)
}

/// The distance up to which [`LAMBERT_RELATIVE_ERROR`] has been checked (a radian of the equator), metres.
pub const LAMBERT_RANGE_M: f64 = WGS84_A;
