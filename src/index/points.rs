use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};

use crate::geodesy::{distance_m, radius_envelope};
use crate::model::{BBox, LonLat};

type Entry = GeomWithData<[f64; 2], u32>;

/// Wider nodes than rstar's default (6): a shallower tree that bulk-loads faster and answers box counts
/// with fewer node visits.
#[derive(Debug)]
pub struct WideNodes;

impl rstar::RTreeParams for WideNodes {
    const MIN_SIZE: usize = 8;
    const MAX_SIZE: usize = 24;
    const REINSERTION_COUNT: usize = 6;
    type DefaultInsertionStrategy = rstar::RStarInsertionStrategy;
}

/// An R-tree of points, each carrying the index of its item in the caller's slice.
#[derive(Debug, Default)]
pub struct PointIndex {
    tree: RTree<Entry, WideNodes>,
}

impl PointIndex {
    /// Bulk-loads positions; item `i` of the result refers to `positions[i]`.
    pub fn new(positions: impl IntoIterator<Item = LonLat>) -> PointIndex {
        let entries: Vec<Entry> =
            positions.into_iter().enumerate().map(|(i, p)| GeomWithData::new([p.x, p.y], i as u32)).collect();
        PointIndex { tree: RTree::bulk_load_with_params(entries) }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// Items inside the box, edges included (antimeridian-crossing boxes are handled).
    pub fn in_bbox(&self, bbox: &BBox) -> impl Iterator<Item = u32> + '_ {
        bbox.parts().into_iter().flat_map(move |b| {
            self.tree.locate_in_envelope(AABB::from_corners([b.west, b.south], [b.east, b.north])).map(|e| e.data)
        })
    }

    /// Items inside the box with their positions, edges included (antimeridian-crossing boxes are handled).
    pub fn in_bbox_points(&self, bbox: &BBox) -> impl Iterator<Item = (u32, LonLat)> + '_ {
        bbox.parts().into_iter().flat_map(move |b| {
            self.tree
                .locate_in_envelope(AABB::from_corners([b.west, b.south], [b.east, b.north]))
                .map(|e| (e.data, LonLat { x: e.geom()[0], y: e.geom()[1] }))
        })
    }

    /// How many items lie inside the box, edges included.
    pub fn count_in_bbox(&self, bbox: &BBox) -> usize {
        bbox.parts()
            .iter()
            .map(|b| self.tree.locate_in_envelope(AABB::from_corners([b.west, b.south], [b.east, b.north])).count())
            .sum()
    }

    /// Items within `radius_m` metres (geodesic, WGS84) of `center`, with their distances, nearest first.
    pub fn within_radius_m(&self, center: LonLat, radius_m: f64) -> Vec<(u32, f64)> {
        let mut hits: Vec<(u32, f64)> = radius_envelope(center, radius_m)
            .iter()
            .flat_map(|b| self.tree.locate_in_envelope(AABB::from_corners([b.west, b.south], [b.east, b.north])))
            .filter_map(|e| {
                let d = distance_m(center, LonLat { x: e.geom()[0], y: e.geom()[1] });
                (d <= radius_m).then_some((e.data, d))
            })
            .collect();
        hits.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        hits
    }

    /// The `k` items nearest to `center` by geodesic distance (WGS84), nearest first.
    ///
    /// Exact: it widens a geodesic radius until it holds `k` items, then ranks them by true distance.
    pub fn nearest_k(&self, center: LonLat, k: usize) -> Vec<(u32, f64)> {
        if k == 0 || self.is_empty() {
            return Vec::new();
        }
        let k = k.min(self.len());
        // Start from the planar k-th neighbour as a guess for the radius.
        let guess = self
            .tree
            .nearest_neighbor_iter([center.x, center.y])
            .take(k)
            .map(|e| distance_m(center, LonLat { x: e.geom()[0], y: e.geom()[1] }))
            .fold(0.0_f64, f64::max);
        let mut radius = guess.max(1.0);
        loop {
            let mut hits = self.within_radius_m(center, radius);
            if hits.len() >= k || radius > 2.1e7 {
                hits.truncate(k);
                return hits;
            }
            radius *= 2.0;
        }
    }
}
