use rstar::primitives::{GeomWithData, Line};
use rstar::{AABB, RTree};

use crate::geodesy::{RECTIFYING_RADIUS_M, SegmentFoot, nearest_on_segment, rectifying};
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

/// The nearest point of a border to a query point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BorderHit {
    /// The segment it lies on.
    pub segment: SegmentRef,
    /// The point, its distance (metres) and its position along the segment.
    pub foot: SegmentFoot,
}

/// One R-tree per border over its segments (as lon/lat boxes; the edges themselves are geodesics, which
/// leave their lon/lat chord's box by little, so query boxes are widened by
/// [`SegmentIndex::GEODESIC_BULGE_DEG`]).
#[derive(Debug, Default)]
pub struct SegmentIndex {
    trees: Vec<RTree<Entry>>,
    /// Every vertex as a unit vector on the rectifying sphere (same layout as the borders' parts).
    units: Vec<Vec<Vec<[f64; 3]>>>,
    /// Runs of consecutive segments bounded by a spherical cap, to rule many segments out at once.
    chunks: Vec<Chunk>,
}

/// Consecutive segments of one border part and the cap (on the rectifying sphere) that holds them.
#[derive(Debug, Clone, Copy)]
struct Chunk {
    border: u32,
    part: u32,
    first_seg: u32,
    segs: u32,
    center: [f64; 3],
    /// Angular radius of the cap, radians, including the stray margin of its edges.
    radius: f64,
}

/// Segments per chunk.
const CHUNK_SEGMENTS: usize = 16;

fn unit(p: LonLat) -> [f64; 3] {
    let (lat, lon) = (p.y.to_radians(), p.x.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}

fn dot(u: [f64; 3], v: [f64; 3]) -> f64 {
    u[0] * v[0] + u[1] * v[1] + u[2] * v[2]
}

fn cross(u: [f64; 3], v: [f64; 3]) -> [f64; 3] {
    [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]]
}

/// Straight-line (chord) distance between two unit vectors: never more than the angle between them.
fn chord(u: [f64; 3], v: [f64; 3]) -> f64 {
    let d = [u[0] - v[0], u[1] - v[1], u[2] - v[2]];
    dot(d, d).sqrt()
}

/// A lower bound of the great-circle distance (radians) from `p` to the arc `a`–`b`, all unit vectors: the
/// exact cross-track angle when the perpendicular falls on the arc, else the chord to the nearer end.
fn angle_to_arc_lower(p: [f64; 3], a: [f64; 3], b: [f64; 3]) -> f64 {
    let n = cross(a, b);
    let n_len = dot(n, n).sqrt();
    if n_len > 1e-15 && dot(cross(n, a), p) >= 0.0 && dot(cross(b, n), p) >= 0.0 {
        (dot(n, p) / n_len).clamp(-1.0, 1.0).abs().asin()
    } else {
        chord(p, a).min(chord(p, b))
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
        let units: Vec<Vec<Vec<[f64; 3]>>> = borders
            .iter()
            .map(|b| b.parts.iter().map(|p| p.iter().map(|&v| unit(rectifying(v))).collect()).collect())
            .collect();
        let mut chunks = Vec::new();
        for (b, parts) in units.iter().enumerate() {
            for (p, part) in parts.iter().enumerate() {
                for (first_seg, vs) in super::segment_runs(part, CHUNK_SEGMENTS) {
                    let sum = vs.iter().fold([0.0; 3], |acc, v| [acc[0] + v[0], acc[1] + v[1], acc[2] + v[2]]);
                    let len = dot(sum, sum).sqrt();
                    let center = [sum[0] / len, sum[1] / len, sum[2] / len];
                    // Vertices' angular distance from the centre (2·asin(chord/2)), plus how far an edge can stray
                    // from its great circle (as in `lower_bound_m`) and the arc's bulge between its vertices.
                    let vertex_radius = vs.iter().map(|&v| 2.0 * (chord(center, v) / 2.0).asin()).fold(0.0, f64::max);
                    let longest = vs.windows(2).map(|w| chord(w[0], w[1])).fold(0.0, f64::max);
                    let stray = (1.0 + 1.6e-4 * RECTIFYING_RADIUS_M * longest) / RECTIFYING_RADIUS_M;
                    chunks.push(Chunk {
                        border: b as u32,
                        part: p as u32,
                        first_seg: first_seg as u32,
                        segs: (vs.len() - 1) as u32,
                        center,
                        radius: vertex_radius + longest + stray,
                    });
                }
            }
        }
        SegmentIndex { trees, units, chunks }
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

    /// A rigorous lower bound, metres, of the WGS84 distance from `p` (as a rectifying-sphere unit vector)
    /// to segment `r`: the rectifying sphere never lengthens a curve (see [`rectifying`]), and a short
    /// geodesic edge strays from the great-circle arc between its mapped ends by far less than the margin
    /// taken here (1 m plus 1e-4 of its length; edges here are under 25 km).
    fn lower_bound_m(&self, p: [f64; 3], r: &SegmentRef) -> f64 {
        let part = &self.units[r.border as usize][r.part as usize];
        let (a, b) = (part[r.seg as usize], part[r.seg as usize + 1]);
        // The arc is at most π/2 times its chord.
        let stray = 1.0 + 1.6e-4 * RECTIFYING_RADIUS_M * chord(a, b);
        RECTIFYING_RADIUS_M * angle_to_arc_lower(p, a, b) - stray
    }

    /// The nearest point to `p` (lon, lat) of the borders `accept` admits (by index into `borders`), measured
    /// exactly on WGS84 with every border edge taken as the geodesic between its vertices.
    ///
    /// Each admitted border's planar-nearest segment gives a first distance; then runs of 16 segments are
    /// ruled out by the spherical cap that holds them, and the remaining segments by their own lower bound
    /// (rectifying-sphere distance to its arc, less a stray margin); only survivors are measured exactly.
    pub fn nearest(&self, borders: &[Border], p: LonLat, accept: impl Fn(u32) -> bool) -> Option<BorderHit> {
        let seg = |r: &SegmentRef| {
            let part = &borders[r.border as usize].parts[r.part as usize];
            (part[r.seg as usize], part[r.seg as usize + 1])
        };
        let exact = |r: SegmentRef| {
            let (a, b) = seg(&r);
            BorderHit { segment: r, foot: nearest_on_segment(p, a, b) }
        };
        let p_unit = unit(rectifying(p));
        let trees: Vec<&RTree<Entry>> =
            self.trees.iter().enumerate().filter(|(i, _)| accept(*i as u32)).map(|(_, t)| t).collect();
        // A first upper bound: the planar-nearest segment of each admitted border, best lower bound first.
        let mut firsts: Vec<(f64, SegmentRef)> = trees
            .iter()
            .filter_map(|t| t.nearest_neighbor([p.x, p.y]))
            .map(|e| (self.lower_bound_m(p_unit, &e.data), e.data))
            .collect();
        firsts.sort_by(|x, y| x.0.total_cmp(&y.0));
        let mut best: Option<BorderHit> = None;
        for (bound, r) in &firsts {
            if best.is_some_and(|b| *bound >= b.foot.distance_m) {
                break;
            }
            let hit = exact(*r);
            if best.is_none_or(|b| hit.foot.distance_m < b.foot.distance_m) {
                best = Some(hit);
            }
        }
        let mut best = best?;
        // Rule out whole chunks by their cap (chord ≤ angle keeps the bound a lower bound), then segments.
        let mut candidates: Vec<(f64, SegmentRef)> = Vec::new();
        for chunk in self.chunks.iter().filter(|c| accept(c.border)) {
            let chunk_bound = RECTIFYING_RADIUS_M * (chord(p_unit, chunk.center) - chunk.radius);
            if chunk_bound >= best.foot.distance_m {
                continue;
            }
            for seg in chunk.first_seg..chunk.first_seg + chunk.segs {
                let r = SegmentRef { border: chunk.border, part: chunk.part, seg };
                let bound = self.lower_bound_m(p_unit, &r);
                if bound < best.foot.distance_m && r != best.segment {
                    candidates.push((bound, r));
                }
            }
        }
        candidates.sort_unstable_by(|x, y| x.0.total_cmp(&y.0));
        for (bound, r) in candidates {
            if bound >= best.foot.distance_m {
                break;
            }
            let hit = exact(r);
            if hit.foot.distance_m < best.foot.distance_m {
                best = hit;
            }
        }
        Some(best)
    }
}
