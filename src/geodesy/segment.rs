//! The point of a geodesic segment nearest to a given point, exactly, on WGS84.
//!
//! A border edge is the geodesic between its two vertices. The nearest point is either an endpoint (when the
//! angle there between the edge and the way to the point is 90° or more) or the foot of the geodesic from the
//! point that meets the edge at a right angle, found by iterating Karney's gnomonic projection onto that foot.

use geographiclib_rs::{DirectGeodesic, InverseGeodesic};

use super::gnomonic::Gnomonic;
use super::{distance_m, wgs84};
use crate::model::LonLat;

/// Where on a segment the nearest point lies.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SegmentFoot {
    /// The nearest point of the segment (lon, lat).
    pub point: LonLat,
    /// Geodesic distance from the query point to `point`, metres.
    pub distance_m: f64,
    /// How far along the segment `point` is, as a fraction of its length (0 at the first vertex, 1 at the second).
    pub fraction: f64,
}

/// Stop iterating once the foot moves less than this many metres.
const CONVERGED_M: f64 = 1e-7;

/// The point of the geodesic segment `a`–`b` nearest to `p`, with its distance (metres).
///
/// ```
/// use borderline::geodesy::nearest_on_segment;
/// use borderline::model::LonLat;
/// // A point 10 km north of the middle of a 1° east–west edge on the equator.
/// let (a, b) = (LonLat { x: 0.0, y: 0.0 }, LonLat { x: 1.0, y: 0.0 });
/// let foot = nearest_on_segment(LonLat { x: 0.5, y: 0.0904 }, a, b);
/// assert!((foot.point.x - 0.5).abs() < 1e-9 && foot.point.y.abs() < 1e-9);
/// assert!((foot.distance_m - 9_995.5).abs() < 1.0, "{}", foot.distance_m);
/// ```
pub fn nearest_on_segment(p: LonLat, a: LonLat, b: LonLat) -> SegmentFoot {
    let (s_ab, azi_a_b, azi_b_fwd, _a12): (f64, f64, f64, f64) = wgs84().inverse(a.y, a.x, b.y, b.x);
    let endpoint = |point: LonLat, fraction: f64| SegmentFoot { point, distance_m: distance_m(p, point), fraction };
    if s_ab == 0.0 {
        return endpoint(a, 0.0);
    }
    // The distance to the edge grows from an endpoint when the point lies 90° or more off the edge there
    // (first variation of arc length); within the ranges we serve the distance along an edge is unimodal.
    let (_s, azi_a_p, _, _): (f64, f64, f64, f64) = wgs84().inverse(a.y, a.x, p.y, p.x);
    if (azi_a_p - azi_a_b).to_radians().cos() <= 0.0 {
        return endpoint(a, 0.0);
    }
    let (_s, azi_b_p, _, _): (f64, f64, f64, f64) = wgs84().inverse(b.y, b.x, p.y, p.x);
    if (azi_b_p - (azi_b_fwd + 180.0)).to_radians().cos() <= 0.0 {
        return endpoint(b, 1.0);
    }
    // Start from a local planar estimate of the foot, then let the gnomonic iteration finish the job.
    let mut fraction = planar_fraction(p, a, b);
    let mut foot = along(a, azi_a_b, s_ab * fraction);
    for _ in 0..30 {
        let g = Gnomonic::new(foot);
        let (Some(pa), Some(pb), Some(pp)) = (g.forward(a), g.forward(b), g.forward(p)) else {
            break;
        };
        let d = [pb[0] - pa[0], pb[1] - pa[1]];
        let t = (((pp[0] - pa[0]) * d[0] + (pp[1] - pa[1]) * d[1]) / (d[0] * d[0] + d[1] * d[1])).clamp(0.0, 1.0);
        let xy = [pa[0] + t * d[0], pa[1] + t * d[1]];
        let Some(next) = g.reverse(xy) else { break };
        foot = next;
        if xy[0].hypot(xy[1]) < CONVERGED_M {
            break;
        }
    }
    fraction = (distance_m(a, foot) / s_ab).clamp(0.0, 1.0);
    SegmentFoot { point: foot, distance_m: distance_m(p, foot), fraction }
}

/// The point `s` metres from `a` along azimuth `azi` (degrees).
fn along(a: LonLat, azi: f64, s: f64) -> LonLat {
    let (lat, lon): (f64, f64) = wgs84().direct(a.y, a.x, azi, s);
    LonLat { x: lon, y: lat }
}

/// Foot of the perpendicular in a local equirectangular plane around `p` (a starting guess only).
fn planar_fraction(p: LonLat, a: LonLat, b: LonLat) -> f64 {
    let k = p.y.to_radians().cos();
    let wrap = |d: f64| (d + 540.0).rem_euclid(360.0) - 180.0;
    let (ax, ay) = (wrap(a.x - p.x) * k, a.y - p.y);
    let (bx, by) = (wrap(b.x - p.x) * k, b.y - p.y);
    let (dx, dy) = (bx - ax, by - ay);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 { 0.0 } else { (-(ax * dx + ay * dy) / len2).clamp(0.0, 1.0) }
}
