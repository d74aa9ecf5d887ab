use rstar::primitives::{GeomWithData, Line};
use rstar::{AABB, RTree};

use crate::model::{BBox, Border};

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
}
