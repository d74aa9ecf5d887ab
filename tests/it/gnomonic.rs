//! An independent reference for the nearest point of a geodesic edge: Karney's ellipsoidal gnomonic
//! projection (C. F. F. Karney, *Algorithms for geodesics*, J. Geodesy 87, 2013, §8), as in GeographicLib's
//! `Gnomonic` class.
//!
//! Geodesics through the centre map to straight lines, and the projection keeps directions at the centre.
//! That makes it the tool for the "intercept" problem: iterating it onto the foot of the perpendicular from
//! a point to a geodesic converges to the exact foot, because the exact foot is a fixed point of the iteration.

use borderline::geodesy::{WGS84_A, distance_m, wgs84};
use borderline::model::LonLat;
use geographiclib_rs::{DirectGeodesic, InverseGeodesic};

/// A gnomonic projection centred on one point. Plane coordinates are metres (x east, y north at the centre).
#[derive(Clone, Copy, Debug)]
pub struct Gnomonic {
    center: LonLat,
}

impl Gnomonic {
    /// Centred on `center` (lon, lat).
    pub fn new(center: LonLat) -> Gnomonic {
        Gnomonic { center }
    }

    /// Projects `p`; `None` when `p` is too far from the centre to be projected (beyond the horizon).
    pub fn forward(&self, p: LonLat) -> Option<[f64; 2]> {
        let (_s12, azi1, _azi2, m12, big_m12, _big_m21, _a12): (f64, f64, f64, f64, f64, f64, f64) =
            wgs84().inverse(self.center.y, self.center.x, p.y, p.x);
        if big_m12 <= 0.0 {
            return None;
        }
        let rho = m12 / big_m12;
        let (sin, cos) = azi1.to_radians().sin_cos();
        Some([rho * sin, rho * cos])
    }

    /// The point whose projection is `(x, y)`; `None` when the Newton iteration does not converge.
    pub fn reverse(&self, xy: [f64; 2]) -> Option<LonLat> {
        let (x, y) = (xy[0], xy[1]);
        let azi0 = x.atan2(y).to_degrees();
        let mut rho = x.hypot(y);
        let mut s = WGS84_A * (rho / WGS84_A).atan();
        let little = rho <= WGS84_A;
        if !little {
            rho = 1.0 / rho;
        }
        let eps = 0.01 * f64::EPSILON.sqrt();
        let mut converged = false;
        for _ in 0..10 {
            let (lat, lon, _azi, m, big_m, _big_m21): (f64, f64, f64, f64, f64, f64) =
                wgs84().direct(self.center.y, self.center.x, azi0, s);
            if converged {
                return Some(LonLat { x: lon, y: lat });
            }
            // little: solve rho(s) = rho with d rho / ds = 1 / M²; else 1 / rho(s) = 1 / rho, d/ds = -1 / m².
            let ds = if little { (m - rho * big_m) * big_m } else { (rho * m - big_m) * m };
            if !ds.is_finite() {
                return None;
            }
            s -= ds;
            converged = ds.abs() < eps * WGS84_A;
        }
        None
    }
}

/// The nearest point of the geodesic edge `a`–`b` to `p`, by the gnomonic intercept iteration (the library
/// uses Newton's method along the edge instead): endpoint tests by the first variation of arc length, then
/// repeated projection about the current foot until it moves less than 0.1 µm. Returns (distance, foot).
pub fn reference_foot(p: LonLat, a: LonLat, b: LonLat) -> (f64, LonLat) {
    let g = wgs84();
    let (s_ab, azi_a_b, azi_b_fwd, _a12): (f64, f64, f64, f64) = g.inverse(a.y, a.x, b.y, b.x);
    let (_s, azi_a_p, _, _): (f64, f64, f64, f64) = g.inverse(a.y, a.x, p.y, p.x);
    if s_ab == 0.0 || (azi_a_p - azi_a_b).to_radians().cos() <= 0.0 {
        return (distance_m(p, a), a);
    }
    let (_s, azi_b_p, _, _): (f64, f64, f64, f64) = g.inverse(b.y, b.x, p.y, p.x);
    if (azi_b_p - (azi_b_fwd + 180.0)).to_radians().cos() <= 0.0 {
        return (distance_m(p, b), b);
    }
    let (lat, lon): (f64, f64) = g.direct(a.y, a.x, azi_a_b, s_ab / 2.0);
    let mut foot = LonLat { x: lon, y: lat };
    for _ in 0..30 {
        let proj = Gnomonic::new(foot);
        let (Some(pa), Some(pb), Some(pp)) = (proj.forward(a), proj.forward(b), proj.forward(p)) else {
            break;
        };
        let d = [pb[0] - pa[0], pb[1] - pa[1]];
        let t = (((pp[0] - pa[0]) * d[0] + (pp[1] - pa[1]) * d[1]) / (d[0] * d[0] + d[1] * d[1])).clamp(0.0, 1.0);
        let xy = [pa[0] + t * d[0], pa[1] + t * d[1]];
        let Some(next) = proj.reverse(xy) else { break };
        foot = next;
        if xy[0].hypot(xy[1]) < 1e-7 {
            break;
        }
    }
    (distance_m(p, foot), foot)
}
