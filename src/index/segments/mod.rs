use std::cmp::Ordering;

use rstar::primitives::{GeomWithData, Line};
use rstar::{AABB, RTree};
use smallvec::SmallVec;

mod tree;

use tree::{FANOUT, Point32, Tree, point32};

use crate::geodesy::sphere::{chord, cross, dot, normalized};
use crate::geodesy::{
    GeodesicSegment, Leg, RECTIFYING_RADIUS_M, SegmentFoot, UnitVector, auxiliary_unit, inverse_vincenty,
    lambert_bounds_m, rectifying_and_auxiliary_units, rectifying_bounds_m, rectifying_unit, vincenty,
};
use crate::model::{BBox, Border, LonLat};

/// Which segment of which border: `parts[part][seg]..=parts[part][seg + 1]` of `borders[border]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SegmentRef {
    /// Index into the store's borders.
    pub border: u32,
    /// Index of the polyline within the border.
    pub part: u32,
    /// Index of the segment's first vertex within the part.
    pub seg: u32,
}

type Entry = GeomWithData<Line<[f64; 2]>, SegmentRef>;

/// Some parts of the borders of a [`SegmentIndex`], chosen once for many queries ([`SegmentIndex::admitted`]).
#[derive(Clone, Debug, Default)]
pub struct PartSet(Vec<u32>);

/// The nearest point of a border to a query point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BorderHit {
    /// The segment it lies on (for a vertex: the segment starting there, or the last one at a line's end).
    pub segment: SegmentRef,
    /// The point, its distance (metres) and its position along the segment.
    pub foot: SegmentFoot,
    /// True when the query point is on the left of the line (its direction of travel), i.e. on the side of
    /// the pair's first country. At a vertex the left side is the wedge from the outgoing edge turning
    /// anticlockwise to the incoming one.
    pub left: bool,
}

/// The border edges, ready for nearest-point queries, and an R-tree per border for box queries.
///
/// Each border part has a tree over runs of consecutive edges, eight runs to a node: each run
/// is bounded by a ball (a vertex and the largest distance from it to the run's other vertices) and by a
/// capsule (the great-circle arc between its ends and how far the run strays from it, which bounds a far
/// point's distance much more tightly where the run is straight). One pass over a node bounds all eight runs
/// from below on the rectifying sphere (rigorous, up to 0.17 % short), in single precision with an allowance
/// for its rounding; candidate vertices are bounded more tightly by the Andoyer–Lambert distance and its
/// error bound (see [`crate::geodesy::lambert_m`]). Within a run, an edge is measured exactly only if the
/// distance along the line can have a local minimum on it (the point lies between the perpendiculars at its
/// ends) and a vertex only if the distance can have a local minimum there (the point lies behind the
/// perpendiculars of both edges meeting there): the global minimum is one of those local minima.
#[derive(Debug, Default)]
pub struct SegmentIndex {
    trees: Vec<RTree<Entry>>,
    parts: Vec<Part>,
}

/// One polyline of one border.
#[derive(Debug)]
struct Part {
    border: u32,
    part: u32,
    /// Vertices as unit vectors on the rectifying sphere.
    vertices: Vec<UnitVector>,
    /// Vertices as unit vectors on the auxiliary sphere.
    auxiliary: Vec<UnitVector>,
    /// Each vertex's longitude (degrees) and the sine and cosine of its reduced latitude, for Vincenty.
    reduced: Vec<(f64, (f64, f64))>,
    /// What a scan reads of every edge it passes over (see [`Ends`]).
    ends: Vec<Ends>,
    /// What a scan reads of an edge that may hold the nearest point, kept apart from its geodesic (hundreds
    /// of bytes) so a walk touches few cache lines.
    edges: Vec<Edge>,
    geodesics: Vec<GeodesicSegment>,
    tree: Tree,
}

/// The planes at an edge's ends perpendicular to it (rectifying sphere): what a scan reads of every edge,
/// kept apart so it reads few cache lines.
#[derive(Debug)]
struct Ends {
    /// Unit tangent at the first vertex, towards the second (rectifying sphere).
    forward: UnitVector,
    /// Unit tangent at the second vertex, towards the first.
    backward: UnitVector,
}

/// What the scan reads of an edge that may hold the nearest point.
#[derive(Debug)]
struct Edge {
    /// Unit normal of the edge's great circle.
    normal: UnitVector,
    /// Metres by which the mapped geodesic may stray from the great-circle arc between its mapped ends (on
    /// the rectifying sphere, and on the auxiliary sphere).
    stray_m: f64,
    /// The edge's great circle on the auxiliary sphere: its unit normal, and the normals of the planes
    /// through its ends, positive on the arc's side.
    aux_normal: UnitVector,
    aux_after_start: UnitVector,
    aux_before_end: UnitVector,
}

impl Edge {
    /// An upper bound (metres) of the distance from `q` (auxiliary sphere) to the edge: the distance to the
    /// foot of the perpendicular from `q` on the edge's arc of the auxiliary sphere, which lies within
    /// [`Edge::stray_m`] of the geodesic edge; infinite when the foot falls beyond the arc's ends.
    fn upper_m(&self, q: UnitVector) -> f64 {
        let n = self.aux_normal;
        let t = dot(n, q);
        let foot = normalized([q[0] - t * n[0], q[1] - t * n[1], q[2] - t * n[2]]);
        if dot(self.aux_after_start, foot) >= 0.0 && dot(self.aux_before_end, foot) >= 0.0 {
            lambert_bounds_m(q, foot).1 + self.stray_m
        } else {
            f64::INFINITY
        }
    }

    /// A lower bound (metres) of the distance from `p` (rectifying sphere) to the edge `a`–`b`, given
    /// `ahead_at_a = forward·p` and `behind_at_b = backward·p`: the cross-track angle when the perpendicular
    /// falls on the edge, else the chord to the nearer end, less the stray.
    fn lower_m(&self, p: UnitVector, a: UnitVector, b: UnitVector, ahead_at_a: f64, behind_at_b: f64) -> f64 {
        let angle = if ahead_at_a >= 0.0 && behind_at_b >= 0.0 {
            dot(self.normal, p).clamp(-1.0, 1.0).abs().asin()
        } else {
            chord(p, a).min(chord(p, b))
        };
        RECTIFYING_RADIUS_M * angle - self.stray_m
    }
}

/// How far (as the cosine of the angle either side of a right angle) the sphere may misjudge the angle
/// between an edge and the way to the point. Mapping to the rectifying sphere stretches directions by at
/// most 0.17 % and a short geodesic edge leaves its great circle by far less, so the error is a few
/// thousandths; 0.01 (0.57°) leaves room, at the cost of measuring an occasional extra edge.
const ANGLE_MARGIN: f64 = 0.01;

impl Part {
    fn new(border: u32, part: u32, line: &[LonLat]) -> Part {
        let vertices: Vec<UnitVector> = line.iter().map(|&v| rectifying_unit(v)).collect();
        let auxiliary: Vec<UnitVector> = line.iter().map(|&v| auxiliary_unit(v)).collect();
        let reduced = line.iter().map(|&v| (v.x, crate::geodesy::reduced(v.y))).collect();
        let geodesics = line.windows(2).map(|w| GeodesicSegment::new(w[0], w[1])).collect();
        let (ends, edges): (Vec<Ends>, Vec<Edge>) = vertices
            .windows(2)
            .zip(auxiliary.windows(2))
            .map(|(u, w)| {
                let n = cross(u[0], u[1]);
                let ends = Ends { forward: normalized(cross(n, u[0])), backward: normalized(cross(u[1], n)) };
                // The arc is at most π/2 times its chord; a geodesic edge strays from it by less than
                // 1 m plus 1e-4 of its length (edges here are under 25 km).
                let stray_m = 1.0 + 1.6e-4 * RECTIFYING_RADIUS_M * chord(u[0], u[1]);
                let aux_normal = normalized(cross(w[0], w[1]));
                let edge = Edge {
                    normal: normalized(n),
                    stray_m,
                    aux_normal,
                    aux_after_start: cross(aux_normal, w[0]),
                    aux_before_end: cross(w[1], aux_normal),
                };
                (ends, edge)
            })
            .unzip();
        let strays: Vec<f64> = edges.iter().map(|e: &Edge| e.stray_m).collect();
        let tree = Tree::new(line, &vertices, &strays);
        Part { border, part, vertices, auxiliary, reduced, ends, edges, geodesics, tree }
    }

    /// Left of the line at vertex `v`, for a point whose azimuth from `v` is `to_p` (degrees).
    fn left_at_vertex(&self, v: usize, to_p: f64) -> bool {
        let out = self.geodesics.get(v).map(|g| g.azimuth_start_deg());
        let back = v.checked_sub(1).map(|k| self.geodesics[k].azimuth_end_deg() + 180.0);
        let (out, back) = match (out, back) {
            (Some(o), Some(b)) => (o, b),
            (Some(o), None) => (o, o + 180.0),
            (None, Some(b)) => (b + 180.0, b),
            (None, None) => return false,
        };
        let a = (out - to_p).rem_euclid(360.0);
        let w = (out - back).rem_euclid(360.0);
        a > 0.0 && a < w
    }

    /// Vertex `v` as (its edge, whether it is that edge's second vertex).
    fn vertex_edge(&self, v: usize) -> (usize, bool) {
        if v < self.edges.len() { (v, false) } else { (v - 1, true) }
    }
}

/// Something that may hold the nearest point: a vertex where the distance along the line can have a local
/// minimum, or an edge that can have one inside.
#[derive(Clone, Copy, Debug)]
struct Candidate<'a> {
    /// A lower bound of its distance, metres.
    bound: f64,
    part: &'a Part,
    kind: Kind,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    Vertex(usize),
    /// An edge, and whether Newton's method should start from its second vertex.
    Edge(usize, bool),
}

/// The state of one nearest-point search: first the tree is walked to gather candidates, pruned by an upper
/// bound of the answer (Andoyer–Lambert distances to vertices and to the feet of perpendiculars on edges,
/// plus their error); then the candidates are
/// measured exactly, nearest bound first, until no bound is below the best exact distance.
struct Search<'a> {
    p: LonLat,
    /// `p` on the rectifying sphere.
    unit: UnitVector,
    /// `p` on the auxiliary sphere.
    auxiliary: UnitVector,
    /// `unit` in single precision, for the tree's nodes.
    unit32: Point32,
    /// No border point of the admitted borders is farther than this from `p` (metres).
    upper: f64,
    candidates: SmallVec<[Candidate<'a>; 16]>,
    /// The last geodesic measured from a vertex to `p`, and that vertex (border, part, index).
    last_vertex: Option<((u32, u32, usize), Leg)>,
}

impl<'a> Search<'a> {
    fn new(p: LonLat) -> Search<'a> {
        let (unit, auxiliary) = rectifying_and_auxiliary_units(p);
        Search {
            p,
            unit,
            auxiliary,
            unit32: point32(unit),
            upper: f64::INFINITY,
            candidates: SmallVec::new(),
            last_vertex: None,
        }
    }

    /// Walks node `node` of `part`: its children nearest first, while they can hold anything nearer than
    /// the upper bound.
    fn visit(&mut self, part: &'a Part, node: u32) {
        let n = &part.tree.nodes[node as usize];
        let (lower, upper) = n.bounds(self.unit32);
        self.upper = self.upper.min(upper);
        let mut order = [0u8; FANOUT];
        let mut len = 0;
        for i in 0..n.count {
            if lower[i] <= self.upper {
                let mut j = len;
                while j > 0 && lower[order[j - 1] as usize] > lower[i] {
                    order[j] = order[j - 1];
                    j -= 1;
                }
                order[j] = i as u8;
                len += 1;
            }
        }
        for &i in &order[..len] {
            let i = i as usize;
            if lower[i] > self.upper {
                break;
            }
            if n.leaves {
                self.scan(part, n.first[i] as usize..n.last[i] as usize);
            } else {
                self.visit(part, n.child[i]);
            }
        }
    }

    /// A lower bound (metres) of the distance to the edges of `part`, from its ball, whose middle vertex
    /// also tightens the upper bound.
    fn part_bound_m(&mut self, part: &Part) -> f64 {
        let (lower, upper) = rectifying_bounds_m(self.unit, part.tree.middle);
        self.upper = self.upper.min(upper);
        lower - part.tree.radius_m
    }

    /// Gathers the candidates among edges `edges` of `part`.
    ///
    /// `dot(tangent at v, p)` is `sin(angle v–p) · cos(angle between the tangent and the way to p)`, so the
    /// angle tests compare it with the margin times `sin(angle v–p)` (computed only when it matters).
    fn scan(&mut self, part: &'a Part, edges: std::ops::Range<usize>) {
        let p = self.unit;
        let last = part.edges.len() - 1;
        // Beyond this a dot product is clearly behind or ahead, whatever the angle (see `examine`).
        const CLEAR: f64 = ANGLE_MARGIN + 1e-12;
        let mut before = edges.start.checked_sub(1).map(|j| dot(part.ends[j].backward, p));
        for k in edges {
            let ends = &part.ends[k];
            let (ahead_at_a, behind_at_b) = (dot(ends.forward, p), dot(ends.backward, p));
            let maybe_edge = ahead_at_a > -CLEAR && behind_at_b > -CLEAR;
            let maybe_vertex = ahead_at_a < CLEAR && before.is_none_or(|d| d < CLEAR);
            if maybe_edge || maybe_vertex || (k == last && behind_at_b < CLEAR) {
                self.examine(part, k, ahead_at_a, behind_at_b, before);
            }
            before = Some(behind_at_b);
        }
    }

    /// Adds the candidates of edge `k` (and of its first vertex, and of its second at the end of the line),
    /// given the dot products of the point with the tangents at its ends (`before`: that of the previous
    /// edge's second end, if any).
    fn examine(&mut self, part: &'a Part, k: usize, ahead_at_a: f64, behind_at_b: f64, before: Option<f64>) {
        let p = self.unit;
        // Where `dot` stands against the margin at vertex `v`: Less (clearly behind), Greater (clearly
        // ahead), or Equal (within the margin).
        let side = |v: usize, dot_value: f64| {
            if dot_value.abs() >= ANGLE_MARGIN {
                return dot_value.total_cmp(&0.0);
            }
            let c = dot(part.vertices[v], p);
            let slack = ANGLE_MARGIN * (1.0 - c * c).max(0.0).sqrt() + 1e-12;
            if dot_value > slack {
                Ordering::Greater
            } else if dot_value < -slack {
                Ordering::Less
            } else {
                Ordering::Equal
            }
        };
        let (at_a, at_b) = (side(k, ahead_at_a), side(k + 1, behind_at_b));
        // A vertex is a local minimum when the point is not ahead of either edge's perpendicular there.
        if at_a != Ordering::Greater && before.is_none_or(|d| side(k, d) != Ordering::Greater) {
            self.vertex(part, k);
        }
        // An edge holds one inside when the point is between its two perpendiculars.
        if at_a != Ordering::Less && at_b != Ordering::Less {
            let e = &part.edges[k];
            let bound = e.lower_m(p, part.vertices[k], part.vertices[k + 1], ahead_at_a, behind_at_b);
            self.edge_upper(e);
            // Both dot products are the sine of the way along the edge to the foot, from either end.
            self.push(Candidate { bound, part, kind: Kind::Edge(k, ahead_at_a > behind_at_b) });
        }
        if k == part.edges.len() - 1 && at_b != Ordering::Greater {
            self.vertex(part, k + 1);
        }
    }

    /// Tightens the upper bound with edge `e` (see [`Edge::upper_m`]).
    fn edge_upper(&mut self, e: &Edge) {
        self.upper = self.upper.min(e.upper_m(self.auxiliary));
    }

    fn vertex(&mut self, part: &'a Part, v: usize) {
        let (lower, upper) = lambert_bounds_m(self.auxiliary, part.auxiliary[v]);
        self.upper = self.upper.min(upper);
        self.push(Candidate { bound: lower, part, kind: Kind::Vertex(v) });
    }

    fn push(&mut self, candidate: Candidate<'a>) {
        if candidate.bound <= self.upper {
            self.candidates.push(candidate);
        }
    }

    /// Measures the candidates, nearest bound first.
    fn finish(&mut self) -> Option<BorderHit> {
        self.candidates.sort_unstable_by(|x, y| x.bound.total_cmp(&y.bound));
        let mut best: Option<BorderHit> = None;
        for i in 0..self.candidates.len() {
            let c = self.candidates[i];
            if best.is_some_and(|b| c.bound >= b.foot.distance_m) {
                break;
            }
            let hit = match c.kind {
                Kind::Vertex(v) => self.at_vertex(c.part, v),
                Kind::Edge(k, from_end) => self.on_edge(c.part, k, from_end),
            };
            if best.is_none_or(|b| hit.foot.distance_m < b.foot.distance_m) {
                best = Some(hit);
            }
        }
        best
    }

    /// The exact geodesic from vertex `v` to the point (remembered: an edge starting there often follows).
    fn leg_from_vertex(&mut self, part: &Part, v: usize) -> Leg {
        let key = (part.border, part.part, v);
        if let Some((last, leg)) = self.last_vertex
            && last == key
        {
            return leg;
        }
        let (lon, vertex_reduced) = part.reduced[v];
        let (q, w) = (self.auxiliary, part.auxiliary[v]);
        let p_reduced = (q[2], (q[0] * q[0] + q[1] * q[1]).sqrt());
        let l = (self.p.x - lon).to_radians();
        // The sine and cosine of the difference of longitude, from the two points on the auxiliary sphere.
        let cosines = vertex_reduced.1 * p_reduced.1;
        let sin_cos_l = if cosines > 1e-9 {
            ((w[0] * q[1] - w[1] * q[0]) / cosines, (w[0] * q[0] + w[1] * q[1]) / cosines)
        } else {
            l.sin_cos()
        };
        let leg = vincenty(l, sin_cos_l, vertex_reduced, p_reduced, false).unwrap_or_else(|| {
            let (k, at_end) = part.vertex_edge(v);
            let (point, _) = part.geodesics[k].at(if at_end { f64::INFINITY } else { 0.0 });
            inverse_vincenty(point, self.p)
        });
        self.last_vertex = Some((key, leg));
        leg
    }

    fn at_vertex(&mut self, part: &Part, v: usize) -> BorderHit {
        let leg = self.leg_from_vertex(part, v);
        let (k, at_end) = part.vertex_edge(v);
        let probe = part.geodesics[k].probe_from_vertex(at_end, leg.distance_m, leg.azimuth_from_deg);
        let foot = SegmentFoot {
            point: probe.point,
            distance_m: probe.distance_m,
            fraction: if at_end { 1.0 } else { 0.0 },
            edge_azimuth_deg: probe.edge_azimuth_deg,
            azimuth_to_point_deg: probe.azimuth_to_point_deg,
        };
        let segment = SegmentRef { border: part.border, part: part.part, seg: k as u32 };
        BorderHit { segment, foot, left: part.left_at_vertex(v, leg.azimuth_from_deg) }
    }

    /// The nearest point of edge `k`, by Newton's method from the vertex nearer the foot (`from_end`).
    fn on_edge(&mut self, part: &Part, k: usize, from_end: bool) -> BorderHit {
        let geodesic = &part.geodesics[k];
        let leg = self.leg_from_vertex(part, if from_end { k + 1 } else { k });
        let first = geodesic.probe_from_vertex(from_end, leg.distance_m, leg.azimuth_from_deg);
        let foot = geodesic.nearest_from(self.p, first);
        let left = if foot.fraction <= 0.0 {
            part.left_at_vertex(k, foot.azimuth_to_point_deg)
        } else if foot.fraction >= 1.0 {
            part.left_at_vertex(k + 1, foot.azimuth_to_point_deg)
        } else {
            (foot.azimuth_to_point_deg - foot.edge_azimuth_deg).to_radians().sin() < 0.0
        };
        let segment = SegmentRef { border: part.border, part: part.part, seg: k as u32 };
        BorderHit { segment, foot, left }
    }
}

impl SegmentIndex {
    /// Margin in degrees that covers how far a geodesic edge leaves its lon/lat chord's box in this data
    /// (edges here are under 0.25° long and bulge by far less).
    pub const GEODESIC_BULGE_DEG: f64 = 0.05;

    /// Indexes every segment of every border.
    pub fn new(borders: &[Border]) -> SegmentIndex {
        let trees = borders
            .iter()
            .enumerate()
            .map(|(b, border)| {
                let mut entries = Vec::new();
                for (p, part) in border.parts.iter().enumerate() {
                    for (s, w) in part.windows(2).enumerate() {
                        let line = Line::new([w[0].x, w[0].y], [w[1].x, w[1].y]);
                        let r = SegmentRef { border: b as u32, part: p as u32, seg: s as u32 };
                        entries.push(GeomWithData::new(line, r));
                    }
                }
                RTree::bulk_load(entries)
            })
            .collect();
        let parts = borders
            .iter()
            .enumerate()
            .flat_map(|(b, border)| {
                border.parts.iter().enumerate().filter(|(_, line)| line.len() >= 2).map(move |(p, line)| (b, p, line))
            })
            .map(|(b, p, line)| Part::new(b as u32, p as u32, line))
            .collect();
        SegmentIndex { trees, parts }
    }

    /// Number of segments.
    pub fn len(&self) -> usize {
        self.trees.iter().map(RTree::size).sum()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn widened(b: BBox) -> AABB<[f64; 2]> {
        let m = Self::GEODESIC_BULGE_DEG;
        AABB::from_corners([b.west - m, b.south - m], [b.east + m, b.north + m])
    }

    /// Segments whose (widened) box meets `bbox`.
    pub fn in_bbox(&self, bbox: &BBox) -> impl Iterator<Item = SegmentRef> + '_ {
        bbox.parts().into_iter().flat_map(move |b| {
            self.trees.iter().flat_map(move |t| t.locate_in_envelope_intersecting(Self::widened(b)).map(|e| e.data))
        })
    }

    /// Whether any segment of a border `accept` admits has its (widened) box meeting `bbox`.
    pub fn any_in_bbox(&self, bbox: &BBox, accept: impl Fn(u32) -> bool) -> bool {
        bbox.parts().into_iter().any(|b| {
            let envelope = Self::widened(b);
            self.trees
                .iter()
                .enumerate()
                .any(|(i, t)| accept(i as u32) && t.locate_in_envelope_intersecting(envelope).next().is_some())
        })
    }

    /// The parts of the borders `accept` admits (by index into the borders the index was built from), for
    /// [`SegmentIndex::nearest_in`].
    pub fn admitted(&self, accept: impl Fn(u32) -> bool) -> PartSet {
        PartSet((0..self.parts.len() as u32).filter(|&i| accept(self.parts[i as usize].border)).collect())
    }

    /// The nearest point to `p` (lon, lat) of the borders `accept` admits (by index into the borders the
    /// index was built from), measured exactly on WGS84 with every border edge taken as the geodesic
    /// between its vertices, and the side of the line `p` is on.
    pub fn nearest(&self, p: LonLat, accept: impl Fn(u32) -> bool) -> Option<BorderHit> {
        self.nearest_in(p, &self.admitted(accept))
    }

    /// [`SegmentIndex::nearest`] for borders chosen beforehand.
    pub fn nearest_in(&self, p: LonLat, parts: &PartSet) -> Option<BorderHit> {
        let mut search = Search::new(p);
        if let [only] = parts.0[..] {
            let part = &self.parts[only as usize];
            search.visit(part, part.tree.root);
        } else {
            // The parts nearest first, so the first tightens the upper bound that rules out the others.
            let mut roots: SmallVec<[(f64, &Part); 48]> = (parts.0.iter())
                .map(|&i| &self.parts[i as usize])
                .map(|part| (search.part_bound_m(part), part))
                .collect();
            roots.sort_unstable_by(|x, y| x.0.total_cmp(&y.0));
            for (bound, part) in roots {
                if bound <= search.upper {
                    search.visit(part, part.tree.root);
                }
            }
        }
        search.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::{WGS84_F, nearest_on_segment};

    /// The point of the auxiliary sphere `q` as longitude and (geodetic) latitude.
    fn from_auxiliary(q: UnitVector) -> LonLat {
        let beta = q[2].atan2((q[0] * q[0] + q[1] * q[1]).sqrt());
        LonLat { x: q[1].atan2(q[0]).to_degrees(), y: (beta.tan() / (1.0 - WGS84_F)).atan().to_degrees() }
    }

    /// `Edge::upper_m` rests on the arc of the auxiliary sphere between an edge's ends staying within
    /// `stray_m` of the geodesic edge (on the embedded borders they part by at most 6 % of it, 1.7 m on the
    /// longest edges): checked at the middle of every edge of the embedded borders (where
    /// the two part most), and the bound itself checked against the exact distance from points nearby.
    #[test]
    fn an_edges_auxiliary_arc_stays_within_its_stray_and_bounds_the_distance_from_above() {
        let store = crate::Store::embedded().unwrap();
        let index = &store.segment_index;
        let mut worst: f64 = 0.0;
        let mut checked = 0;
        for part in &index.parts {
            let line = &store.borders[part.border as usize].parts[part.part as usize];
            for (k, e) in part.edges.iter().enumerate() {
                let (a, b) = (part.auxiliary[k], part.auxiliary[k + 1]);
                let middle = from_auxiliary(normalized([a[0] + b[0], a[1] + b[1], a[2] + b[2]]));
                let off = nearest_on_segment(middle, line[k], line[k + 1]).distance_m;
                assert!(off <= e.stray_m, "edge {k} of {:?}: {off} m off, stray {} m", part.border, e.stray_m);
                worst = worst.max(off / e.stray_m);
                // A point about 5 km to the side of the edge's middle, a little along it.
                if k % 7 == 0 {
                    let p = LonLat { x: middle.x + 0.03, y: middle.y + 0.04 };
                    let exact = nearest_on_segment(p, line[k], line[k + 1]).distance_m;
                    let upper = e.upper_m(auxiliary_unit(p));
                    assert!(upper >= exact, "edge {k}: upper bound {upper} m below the distance {exact} m");
                    checked += usize::from(upper.is_finite());
                }
            }
        }
        assert!(worst > 0.0 && worst < 0.9, "the arc and the geodesic part by {worst} of the stray at most");
        assert!(checked > 100, "only {checked} finite upper bounds checked");
    }
}
