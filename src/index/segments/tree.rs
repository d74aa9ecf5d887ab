//! The tree over a border part's edges: runs of consecutive edges, [`FANOUT`] to a node, each bounded so
//! that one pass over a node gives a lower bound of the distance to every child's edges.

use crate::geodesy::sphere::{chord, cross, dot, normalized};
use crate::geodesy::{RECTIFYING_RADIUS_M, RECTIFYING_UPPER_RATIO, UnitVector, distance_m};
use crate::model::LonLat;

/// Children per node.
pub(super) const FANOUT: usize = 8;

/// Edges per leaf (the runs the bottom nodes bound; a scan reads them edge by edge).
pub(super) const LEAF_EDGES: usize = 4;

/// A query point in single precision, for [`Node::bounds`].
pub(super) type Point32 = [f32; 3];

/// The point `p` in single precision.
pub(super) fn point32(p: UnitVector) -> Point32 {
    p.map(|x| x as f32)
}

/// How far (radians) single-precision rounding may move a node's bounds. Rounding the coordinates to `f32`
/// (2⁻²⁵ each) moves a dot product or a chord by at most about 10⁻⁷ (both change by no more than the vectors
/// do); the arithmetic, rounded at each step (2⁻²⁴ relative, on terms of magnitude at most 4), adds a few
/// times that; the series' slopes are at most 1.5. A point within that of an end's plane may be taken to
/// be on its other side, which changes the bound by no more than the same amount. All told, under 10⁻⁶;
/// twice that leaves room (13 m on the sphere). The series' constants rounded to `f32` err far less.
const ROUNDING: f64 = 2e-6;

/// `FANOUT` values of one coordinate, in single precision: half the bytes, twice the lanes per vector
/// instruction; the bounds allow for the rounding ([`ROUNDING`]).
type Lanes = [f32; FANOUT];

/// `FANOUT` unit vectors, coordinate by coordinate, so a pass over them compiles to vector instructions.
#[derive(Clone, Debug, Default)]
struct Vectors([Lanes; 3]);

impl Vectors {
    fn set(&mut self, i: usize, v: UnitVector) {
        for (lanes, x) in self.0.iter_mut().zip(v) {
            lanes[i] = x as f32;
        }
    }

    fn dot(&self, i: usize, p: Point32) -> f32 {
        self.0[0][i] * p[0] + self.0[1][i] * p[1] + self.0[2][i] * p[2]
    }

    fn chord2(&self, i: usize, p: Point32) -> f32 {
        let d = [self.0[0][i] - p[0], self.0[1][i] - p[1], self.0[2][i] - p[2]];
        d[0] * d[0] + d[1] * d[1] + d[2] * d[2]
    }
}

/// A node: up to [`FANOUT`] runs of consecutive edges of a part (child nodes, or at the bottom level leaves
/// of up to [`LEAF_EDGES`] edges), each bounded two ways on the rectifying sphere:
///
/// - a **capsule**: the run keeps within `width_m` of the great-circle arc between its first and last
///   vertices (thin for straight runs, where it bounds a far point's distance tightly);
/// - a **ball**: the run's middle vertex and the largest WGS84 distance from it to the run's vertices
///   (balls this small are geodesically convex, so the edges between those vertices stay inside too).
///
/// Unused slots have infinite bounds.
#[derive(Clone, Debug, Default)]
pub(super) struct Node {
    /// Unit normal of the capsule's arc.
    pole: Vectors,
    /// Positive on the arc's side of its first end (tangent there, towards the second).
    after_start: Vectors,
    /// Positive on the arc's side of its second end.
    before_end: Vectors,
    /// The arc's ends (the run's first and last vertices).
    start: Vectors,
    end: Vectors,
    /// The capsule's half-width, radians.
    width: Lanes,
    middle: Vectors,
    /// The ball's radius, radians.
    radius: Lanes,
    /// The runs: edges `first[i]..last[i]`.
    pub(super) first: [u32; FANOUT],
    pub(super) last: [u32; FANOUT],
    /// Indexes of the child nodes, unless the children are leaves.
    pub(super) child: [u32; FANOUT],
    pub(super) leaves: bool,
    pub(super) count: usize,
}

impl Node {
    /// Lower bounds (metres) of the distance from `p` (rectifying sphere) to each child's edges, and an upper
    /// bound of the distance to the nearest of them (from the middle vertices).
    ///
    /// Across the capsule's arc the bound uses `s + s³/6` with `s = |pole·p|`, the sine of the cross-track
    /// angle (never more than the angle, `asin s`); beyond an end, also `c + c³/24` with `c` the chord to the
    /// nearer end (never more than the arc, `2 asin(c/2)`); the ball's bound uses the chord to the middle
    /// vertex the same way. The upper bound uses `2 asin(c/2) ≤ c (1 + c²/20)` for `c ≤ 1`. All allow for
    /// [`ROUNDING`].
    pub(super) fn bounds(&self, p: Point32) -> ([f64; FANOUT], f64) {
        let mut lower = [0.0; FANOUT];
        let mut to_middle = [0.0; FANOUT];
        for i in 0..FANOUT {
            let s = self.pole.dot(i, p).abs();
            let across = s * (1.0 + s * s * (1.0 / 6.0));
            let inside = (self.after_start.dot(i, p) >= 0.0) & (self.before_end.dot(i, p) >= 0.0);
            let (cs, ce) = (self.start.chord2(i, p), self.end.chord2(i, p));
            let c = if cs < ce { cs } else { ce }.sqrt();
            let beyond = c * (1.0 + c * c * (1.0 / 24.0));
            let angle = if inside || across > beyond { across } else { beyond };
            let m2 = self.middle.chord2(i, p);
            let m = m2.sqrt();
            let ball = m * (1.0 + m * m * (1.0 / 24.0)) - self.radius[i];
            let capsule = angle - self.width[i];
            lower[i] = if capsule > ball { capsule } else { ball };
            to_middle[i] = m2;
        }
        let lower = lower.map(|x: f32| (f64::from(x) - ROUNDING) * RECTIFYING_RADIUS_M);
        let m = f64::from(to_middle.iter().fold(f32::INFINITY, |a, &b| if b < a { b } else { a })).sqrt() + ROUNDING;
        let upper = if m <= 1.0 {
            RECTIFYING_RADIUS_M * RECTIFYING_UPPER_RATIO * m * (1.0 + m * m * 0.05)
        } else {
            f64::INFINITY
        };
        (lower, upper)
    }
}

/// The tree over a part's edges.
#[derive(Debug, Default)]
pub(super) struct Tree {
    pub(super) nodes: Vec<Node>,
    /// Index of the root in `nodes`.
    pub(super) root: u32,
    /// The whole part's middle vertex and radius (metres), to order parts.
    pub(super) middle: UnitVector,
    pub(super) radius_m: f64,
}

impl Tree {
    /// The tree over the edges of `line` (`vertices`: on the rectifying sphere; `stray_m`: how far each
    /// edge's geodesic may stray from its great-circle arc, metres).
    pub(super) fn new(line: &[LonLat], vertices: &[UnitVector], stray_m: &[f64]) -> Tree {
        let mut tree = Tree::default();
        let edges = stray_m.len();
        if edges == 0 {
            return tree;
        }
        let mut runs: Vec<(usize, usize, u32)> =
            (0..edges).step_by(LEAF_EDGES).map(|f| (f, (f + LEAF_EDGES).min(edges), 0)).collect();
        let mut leaves = true;
        loop {
            let next: Vec<(usize, usize, u32)> = runs
                .chunks(FANOUT)
                .map(|group| {
                    let mut node = Node { leaves, count: group.len(), ..Node::default() };
                    for (i, &(first, last, child)) in group.iter().enumerate() {
                        node.first[i] = first as u32;
                        node.last[i] = last as u32;
                        node.child[i] = child;
                        set_run(&mut node, i, line, vertices, &stray_m[first..last], first);
                    }
                    // Unused slots repeat the first child with bounds that rule them out.
                    for i in group.len()..FANOUT {
                        set_run(&mut node, i, line, vertices, &stray_m[group[0].0..group[0].1], group[0].0);
                        node.width[i] = f32::NEG_INFINITY;
                        node.radius[i] = f32::NEG_INFINITY;
                    }
                    tree.nodes.push(node);
                    (group[0].0, group[group.len() - 1].1, tree.nodes.len() as u32 - 1)
                })
                .collect();
            leaves = false;
            if next.len() == 1 {
                tree.root = next[0].2;
                break;
            }
            runs = next;
        }
        let (middle, radius_m) = ball(line, vertices, 0, stray_m);
        tree.middle = middle;
        tree.radius_m = radius_m;
        tree
    }
}

/// The middle vertex of edges `first..first + strays.len()` and the largest WGS84 distance (metres) from it
/// to their vertices, plus the edges' largest stray.
fn ball(line: &[LonLat], vertices: &[UnitVector], first: usize, strays: &[f64]) -> (UnitVector, f64) {
    let last = first + strays.len();
    let center = (first + last) / 2;
    let radius_m = line[first..=last].iter().map(|&v| distance_m(line[center], v)).fold(0.0, f64::max);
    (vertices[center], radius_m + largest(strays))
}

fn largest(values: &[f64]) -> f64 {
    values.iter().fold(0.0, |a: f64, &b| a.max(b))
}

/// Sets slot `i` of `node` to bound edges `first..first + strays.len()`.
fn set_run(node: &mut Node, i: usize, line: &[LonLat], vertices: &[UnitVector], strays: &[f64], first: usize) {
    let last = first + strays.len();
    let (middle, radius_m) = ball(line, vertices, first, strays);
    node.middle.set(i, middle);
    node.radius[i] = up32(radius_m / RECTIFYING_RADIUS_M);
    // Each edge's arc bulges from its chord by at most chord² R / 8 (its sagitta), so the run's distance
    // from the capsule's arc is at most the vertices' plus that (and the geodesic's stray).
    let (a, b) = (vertices[first], vertices[last]);
    let run = &vertices[first..=last];
    let from_arc = run.iter().map(|&v| angle_to_arc_upper(v, a, b)).fold(0.0, f64::max);
    let sagitta = run.windows(2).map(|w| chord(w[0], w[1]).powi(2) / 8.0).fold(0.0, f64::max);
    node.start.set(i, a);
    node.end.set(i, b);
    if chord(a, b) > 1e-9 {
        let pole = normalized(cross(a, b));
        node.pole.set(i, pole);
        node.after_start.set(i, normalized(cross(pole, a)));
        node.before_end.set(i, normalized(cross(b, pole)));
        node.width[i] = up32(from_arc + sagitta + (largest(strays) + 1.0) / RECTIFYING_RADIUS_M);
    } else {
        // A closed run has no arc: its capsule bound is ruled out (the ball's stands).
        node.width[i] = f32::INFINITY;
    }
}

/// `x` rounded up to single precision (a width or radius, so the bounds stay below the distance).
fn up32(x: f64) -> f32 {
    let y = x as f32;
    if f64::from(y) < x { y.next_up() } else { y }
}

/// An upper bound of the great-circle distance (radians) from `p` to the arc `a`–`b`: the cross-track angle
/// when the perpendicular falls on the arc, else the angle to the nearer end.
fn angle_to_arc_upper(p: UnitVector, a: UnitVector, b: UnitVector) -> f64 {
    let n = cross(a, b);
    let n_len = dot(n, n).sqrt();
    if n_len > 1e-15 && dot(cross(n, a), p) >= 0.0 && dot(cross(b, n), p) >= 0.0 {
        (dot(n, p) / n_len).clamp(-1.0, 1.0).abs().asin() * 1.000_001 + 1e-15
    } else {
        let end = chord(p, a).min(chord(p, b));
        2.0 * (end / 2.0).min(1.0).asin() * 1.000_001 + 1e-15
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::nearest_on_segment;
    use crate::geodesy::sphere::rectifying_unit;

    /// Every slot's lower bound stays below the exact WGS84 distance to the edges it covers (measured edge by
    /// edge), and every node's upper bound above the nearest of them, for points on, near and far from the
    /// Algeria–Mali lines of both sources; unused slots are ruled out.
    #[test]
    fn node_bounds_hold_the_exact_distances_between_them() {
        let store = crate::Store::embedded().unwrap();
        let pair: crate::model::BorderPair = "DZA-MLI".parse().unwrap();
        let mut seed: u64 = 7;
        let mut random = move || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let (mut slots, mut tight) = (0, 0);
        for part in store.segment_index.parts.iter().filter(|p| store.borders[p.border as usize].pair == pair) {
            let line = &store.borders[part.border as usize].parts[part.part as usize];
            for k in 0..12 {
                // On a vertex, within about 20 km of one, or 3° to 12° away.
                let v = line[(random() * line.len() as f64) as usize];
                let reach = [0.0, 0.2, 0.2, 0.2, 3.0, 12.0][k % 6];
                let p = LonLat { x: v.x + reach * (2.0 * random() - 1.0), y: v.y + reach * (2.0 * random() - 1.0) };
                let unit = point32(rectifying_unit(p));
                for node in &part.tree.nodes {
                    let (lower, upper) = node.bounds(unit);
                    let mut nearest = f64::INFINITY;
                    for (i, &lower) in lower.iter().enumerate() {
                        if i >= node.count {
                            assert_eq!(lower, f64::INFINITY, "unused slot {i}");
                            continue;
                        }
                        let (first, last) = (node.first[i] as usize, node.last[i] as usize);
                        let exact = (first..last)
                            .map(|e| nearest_on_segment(p, line[e], line[e + 1]).distance_m)
                            .fold(f64::INFINITY, f64::min);
                        assert!(lower <= exact, "{p:?}: edges {first}..{last} bound {lower} > {exact} m");
                        nearest = nearest.min(exact);
                        slots += 1;
                        tight += usize::from(lower > 0.5 * exact);
                    }
                    assert!(upper >= nearest, "{p:?}: upper bound {upper} < {nearest} m");
                }
            }
        }
        // Bounds that held only by being useless would not do: most are within a factor two.
        assert!(slots > 1000 && tight * 2 > slots, "{tight} of {slots} slots within a factor two");
    }
}
