//! The point of a geodesic segment nearest to a given point, exactly, on WGS84.
//!
//! A border edge is the geodesic between its two vertices. The nearest point is either an endpoint or the
//! foot of the geodesic from the point that meets the edge at a right angle. The foot is found by Newton's
//! method along the edge: at a trial point F of the edge, the geodesic inverse problem F → P (Vincenty's
//! formula, see [`inverse_vincenty`]) gives the distance `d` and the angle `θ` between the edge and the way to P; the right triangle
//! F, foot, P with hypotenuse `d` and angle `θ` gives the step to the foot, `atan(tan(d/R) cos θ)·R`. Each
//! step leaves an error about `f` (the flattening) times the previous one.
//!
//! Once the step is under [`FINISH_STEP_M`], the same triangle gives the distance to the foot,
//! `asin(sin(d/R) |sin θ|)·R`, instead of one more inverse. The triangle is spherical only approximately;
//! the error that leaves grows as the square of the step and stays under a micrometre below a kilometre.
//! So from a vertex of a short edge (border edges are about a kilometre) one inverse is all it takes. The
//! test suite checks the result against GeographicLib (to 1 mm) and against an independent solver (Karney's
//! gnomonic intercept iteration).

use geographiclib_rs::capability::{AZIMUTH, LATITUDE, LONGITUDE};
use geographiclib_rs::{GeodesicLine, InverseGeodesic};

use super::{RECTIFYING_RADIUS_M, inverse_vincenty, wgs84};
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
    /// Azimuth of the segment at `point` (direction from its first vertex to its second), degrees.
    pub edge_azimuth_deg: f64,
    /// Azimuth of the geodesic from `point` towards the query point, degrees (undefined at distance 0).
    pub azimuth_to_point_deg: f64,
}

/// Below this step (metres) Newton's method stops and the right triangle gives the distance. The error of
/// that last triangle grows as the square of the step, about 1e-12 m per m² on WGS84 (measured against
/// the gnomonic intercept iteration from 1 m to 2,000 km): under a micrometre for a kilometre.
pub const FINISH_STEP_M: f64 = 1_000.0;

/// More than enough Newton steps: each one divides the error by about 1/f ≈ 300.
const MAX_STEPS: usize = 12;

/// The geodesic from a point of the edge to the query point: where it starts (`s` metres along the edge)
/// and what the inverse problem gave.
#[derive(Clone, Copy, Debug)]
pub struct Probe {
    /// Metres along the edge.
    pub s: f64,
    /// The point of the edge there.
    pub point: LonLat,
    /// The edge's azimuth there, degrees.
    pub edge_azimuth_deg: f64,
    /// Distance to the query point, metres.
    pub distance_m: f64,
    /// Azimuth towards the query point, degrees.
    pub azimuth_to_point_deg: f64,
}

/// A geodesic edge between two vertices, ready for repeated nearest-point queries (its geodesic line is
/// set up once).
#[derive(Clone, Debug)]
pub struct GeodesicSegment {
    a: LonLat,
    b: LonLat,
    length_m: f64,
    /// Azimuth at `a` towards `b`, degrees.
    azimuth_a_deg: f64,
    /// Forward azimuth at `b` (direction of travel from `a`), degrees.
    azimuth_b_deg: f64,
    line: GeodesicLine,
}

impl GeodesicSegment {
    /// The geodesic from `a` to `b` (lon, lat).
    pub fn new(a: LonLat, b: LonLat) -> GeodesicSegment {
        let (length_m, azimuth_a_deg, azimuth_b_deg, _a12): (f64, f64, f64, f64) = wgs84().inverse(a.y, a.x, b.y, b.x);
        let line = GeodesicLine::new(wgs84(), a.y, a.x, azimuth_a_deg, None, None, None);
        GeodesicSegment { a, b, length_m, azimuth_a_deg, azimuth_b_deg, line }
    }

    /// Length, metres.
    pub fn length_m(&self) -> f64 {
        self.length_m
    }

    /// Azimuth at the first vertex towards the second, degrees.
    pub fn azimuth_start_deg(&self) -> f64 {
        self.azimuth_a_deg
    }

    /// Forward azimuth at the second vertex (direction of travel), degrees.
    pub fn azimuth_end_deg(&self) -> f64 {
        self.azimuth_b_deg
    }

    /// The point `s` metres from the first vertex, and the segment's azimuth there.
    pub fn at(&self, s: f64) -> (LonLat, f64) {
        if s <= 0.0 {
            return (self.a, self.azimuth_a_deg);
        }
        if s >= self.length_m {
            return (self.b, self.azimuth_b_deg);
        }
        let (_a12, lat, lon, azi, ..) = self.line._gen_position(false, s, LATITUDE | LONGITUDE | AZIMUTH);
        (LonLat { x: lon, y: lat }, azi)
    }

    /// The geodesic from the point `s` metres along the edge to `p`.
    pub fn probe(&self, s: f64, p: LonLat) -> Probe {
        let s = s.clamp(0.0, self.length_m);
        let (point, edge_azimuth_deg) = self.at(s);
        let leg = inverse_vincenty(point, p);
        Probe { s, point, edge_azimuth_deg, distance_m: leg.distance_m, azimuth_to_point_deg: leg.azimuth_from_deg }
    }

    /// A probe from an endpoint (`at_end`: the second vertex) whose geodesic to the query point is known.
    pub fn probe_from_vertex(&self, at_end: bool, distance_m: f64, azimuth_to_point_deg: f64) -> Probe {
        let (s, point, edge_azimuth_deg) =
            if at_end { (self.length_m, self.b, self.azimuth_b_deg) } else { (0.0, self.a, self.azimuth_a_deg) };
        Probe { s, point, edge_azimuth_deg, distance_m, azimuth_to_point_deg }
    }

    /// The point of this segment nearest to `p`, by Newton's method from `first` (any probe of this edge
    /// towards `p` converges; one near the foot saves steps).
    pub fn nearest_from(&self, p: LonLat, first: Probe) -> SegmentFoot {
        let length = self.length_m;
        let fraction = |s: f64| if length > 0.0 { s / length } else { 0.0 };
        let r = RECTIFYING_RADIUS_M;
        let mut probe = first;
        let mut best = probe;
        for _ in 0..MAX_STEPS {
            if probe.distance_m < best.distance_m {
                best = probe;
            }
            if probe.distance_m == 0.0 || length == 0.0 {
                break;
            }
            let theta = (probe.azimuth_to_point_deg - probe.edge_azimuth_deg).to_radians();
            let c = probe.distance_m / r;
            let step = r * (c.sin() * theta.cos()).atan2(c.cos());
            let next = (probe.s + step).clamp(0.0, length);
            if next == probe.s {
                // At an endpoint with the foot beyond it: the endpoint is the nearest point.
                break;
            }
            if next == probe.s + step && step.abs() <= FINISH_STEP_M {
                let leg = r * (c.sin() * theta.sin().abs()).min(1.0).asin();
                let (point, azi) = self.at(next);
                let left = theta.sin() < 0.0;
                return SegmentFoot {
                    point,
                    distance_m: leg,
                    fraction: fraction(next),
                    edge_azimuth_deg: azi,
                    azimuth_to_point_deg: if left { azi - 90.0 } else { azi + 90.0 },
                };
            }
            probe = self.probe(next, p);
        }
        SegmentFoot {
            point: best.point,
            distance_m: best.distance_m,
            fraction: fraction(best.s),
            edge_azimuth_deg: best.edge_azimuth_deg,
            azimuth_to_point_deg: best.azimuth_to_point_deg,
        }
    }

    /// The point of this segment nearest to `p`, starting Newton's method at the fraction `start` of its length.
    pub fn nearest(&self, p: LonLat, start: f64) -> SegmentFoot {
        let start = if start.is_finite() { start.clamp(0.0, 1.0) } else { 0.0 };
        self.nearest_from(p, self.probe(start * self.length_m, p))
    }
}

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
    GeodesicSegment::new(a, b).nearest(p, planar_fraction(p, a, b))
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
