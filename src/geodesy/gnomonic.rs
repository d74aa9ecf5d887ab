//! Karney's ellipsoidal gnomonic projection (C. F. F. Karney, *Algorithms for geodesics*, J. Geodesy 87, 2013,
//! §8), as in GeographicLib's `Gnomonic` class.
//!
//! Geodesics through the centre map to straight lines, and the projection keeps directions at the centre.
//! That makes it the tool for the "intercept" problem: iterating it onto the foot of the perpendicular from
//! a point to a geodesic converges to the exact foot, because the exact foot is a fixed point of the iteration.

use geographiclib_rs::{DirectGeodesic, InverseGeodesic};

use super::{WGS84_A, wgs84};
use crate::model::LonLat;

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

    /// The centre.
    pub fn center(&self) -> LonLat {
        self.center
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
