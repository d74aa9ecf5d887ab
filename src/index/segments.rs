use rstar::primitives::{GeomWithData, Line};
use rstar::{AABB, RTree};

use crate::geodesy::{
    SPHERE_LOWER_RATIO, SegmentFoot, nearest_on_segment, radius_envelope, sphere_distance_m, sphere_distance_to_arc_m,
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

/// The nearest point of a border to a query point.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BorderHit {
    /// The segment it lies on.
    pub segment: SegmentRef,
    /// The point, its distance (metres) and its position along the segment.
    pub foot: SegmentFoot,
}

/// An R-tree over every border segment (as lon/lat boxes; the edges themselves are geodesics, which
/// bulge poleward of the straight lon/lat chord by at most a few hundred metres on the longest
/// segment, so callers widen query boxes by [`SegmentIndex::GEODESIC_BULGE_DEG`]).
#[derive(Debug, Default)]
pub struct SegmentIndex {
    tree: RTree<Entry>,
}

impl SegmentIndex {
    /// Margin in degrees that covers how far a geodesic edge leaves its lon/lat chord's box in this data
    /// (the 735 km Algeria–Mali segment bulges by under 0.01°).
    pub const GEODESIC_BULGE_DEG: f64 = 0.05;

    /// Indexes every segment of every border.
    pub fn new(borders: &[Border]) -> SegmentIndex {
        let mut entries = Vec::new();
        for (b, border) in borders.iter().enumerate() {
            for (p, part) in border.parts.iter().enumerate() {
                for (s, w) in part.windows(2).enumerate() {
                    let line = Line::new([w[0].x, w[0].y], [w[1].x, w[1].y]);
                    entries
                        .push(GeomWithData::new(line, SegmentRef { border: b as u32, part: p as u32, seg: s as u32 }));
                }
            }
        }
        SegmentIndex { tree: RTree::bulk_load(entries) }
    }

    /// Number of segments.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// Segments whose (widened) box meets `bbox`.
    pub fn in_bbox(&self, bbox: &BBox) -> impl Iterator<Item = SegmentRef> + '_ {
        let m = Self::GEODESIC_BULGE_DEG;
        bbox.parts().into_iter().flat_map(move |b| {
            self.tree
                .locate_in_envelope_intersecting(AABB::from_corners(
                    [b.west - m, b.south - m],
                    [b.east + m, b.north + m],
                ))
                .map(|e| e.data)
        })
    }

    /// The nearest point to `p` (lon, lat) of the borders `accept` admits (by index into `borders`), measured
    /// exactly on WGS84 with every border edge taken as the geodesic between its vertices.
    ///
    /// The planar nearest segment gives a first distance; every segment that could be nearer lies in the
    /// conservative box of that radius, and is measured exactly only when a rigorous lower bound (the
    /// great-circle distance to the arc, scaled by the sphere/ellipsoid ratio bound, less a margin for how far
    /// a short geodesic edge strays from its great circle) does not already rule it out.
    pub fn nearest(&self, borders: &[Border], p: LonLat, accept: impl Fn(u32) -> bool) -> Option<BorderHit> {
        let seg = |r: &SegmentRef| {
            let part = &borders[r.border as usize].parts[r.part as usize];
            (part[r.seg as usize], part[r.seg as usize + 1])
        };
        let first = self.tree.nearest_neighbor_iter([p.x, p.y]).find(|e| accept(e.data.border))?.data;
        let (a, b) = seg(&first);
        let mut best = BorderHit { segment: first, foot: nearest_on_segment(p, a, b) };
        let m = Self::GEODESIC_BULGE_DEG;
        let mut candidates: Vec<(f64, SegmentRef)> = radius_envelope(p, best.foot.distance_m)
            .iter()
            .flat_map(|bx| {
                self.tree.locate_in_envelope_intersecting(AABB::from_corners(
                    [bx.west - m, bx.south - m],
                    [bx.east + m, bx.north + m],
                ))
            })
            .filter(|e| e.data != first && accept(e.data.border))
            .map(|e| {
                let (a, b) = seg(&e.data);
                // The edge strays from its great circle by far less than a metre at these lengths (≤ 25 km);
                // 1 m plus 1e-4 of its length covers it with room to spare.
                let stray = 1.0 + 1e-4 * sphere_distance_m(a, b);
                let bound = SPHERE_LOWER_RATIO * (sphere_distance_to_arc_m(p, a, b) - stray);
                (bound, e.data)
            })
            .collect();
        candidates.sort_by(|x, y| x.0.total_cmp(&y.0));
        for (bound, r) in candidates {
            if bound >= best.foot.distance_m {
                break;
            }
            let (a, b) = seg(&r);
            let foot = nearest_on_segment(p, a, b);
            if foot.distance_m < best.foot.distance_m {
                best = BorderHit { segment: r, foot };
            }
        }
        Some(best)
    }
}
