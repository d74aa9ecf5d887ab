use rstar::primitives::GeomWithData;
use rstar::{AABB, RTree};

use crate::geodesy::{distance_m, radius_envelope};
use crate::model::{BBox, LonLat};

type Entry = GeomWithData<[f64; 2], u32>;

/// An R-tree of points, each carrying the index of its item in the caller's slice.
///
/// Large sets are split at the median longitude into one tree per core, bulk-loaded in parallel; queries
/// visit every tree whose bounds they touch, so results are the same as with a single tree.
#[derive(Debug, Default)]
pub struct PointIndex {
    trees: Vec<RTree<Entry>>,
}

/// Below this many points one tree is built on one thread.
const PARALLEL_THRESHOLD: usize = 100_000;

impl PointIndex {
    /// Bulk-loads positions; item `i` of the result refers to `positions[i]`.
    pub fn new(positions: impl IntoIterator<Item = LonLat>) -> PointIndex {
        let mut entries: Vec<Entry> =
            positions.into_iter().enumerate().map(|(i, p)| GeomWithData::new([p.x, p.y], i as u32)).collect();
        let parts = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
        if parts < 2 || entries.len() < PARALLEL_THRESHOLD {
            return PointIndex { trees: vec![RTree::bulk_load(entries)] };
        }
        // Slabs of equal size by longitude, each its own tree.
        let slab = entries.len().div_ceil(parts);
        let mut slabs = Vec::with_capacity(parts);
        let mut rest = entries.as_mut_slice();
        while rest.len() > slab {
            rest.select_nth_unstable_by(slab, |a, b| a.geom()[0].total_cmp(&b.geom()[0]));
            let (head, tail) = rest.split_at_mut(slab);
            slabs.push(head.to_vec());
            rest = tail;
        }
        slabs.push(rest.to_vec());
        drop(entries);
        let trees = std::thread::scope(|s| {
            let handles: Vec<_> = slabs.into_iter().map(|v| s.spawn(move || RTree::bulk_load(v))).collect();
            handles.into_iter().map(|h| h.join().expect("R-tree builder panicked")).collect()
        });
        PointIndex { trees }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.trees.iter().map(RTree::size).sum()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn locate(&self, b: BBox) -> impl Iterator<Item = &Entry> + '_ {
        let envelope = AABB::from_corners([b.west, b.south], [b.east, b.north]);
        self.trees.iter().flat_map(move |t| t.locate_in_envelope(envelope))
    }

    /// Items inside the box, edges included (antimeridian-crossing boxes are handled).
    pub fn in_bbox(&self, bbox: &BBox) -> impl Iterator<Item = u32> + '_ {
        bbox.parts().into_iter().flat_map(move |b| self.locate(b).map(|e| e.data))
    }

    /// How many items lie inside the box, edges included.
    pub fn count_in_bbox(&self, bbox: &BBox) -> usize {
        bbox.parts().iter().map(|b| self.locate(*b).count()).sum()
    }

    /// Items within `radius_m` metres (geodesic, WGS84) of `center`, with their distances, nearest first.
    pub fn within_radius_m(&self, center: LonLat, radius_m: f64) -> Vec<(u32, f64)> {
        let mut hits: Vec<(u32, f64)> = radius_envelope(center, radius_m)
            .iter()
            .flat_map(|b| self.locate(*b))
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
        let mut planar: Vec<f64> = self
            .trees
            .iter()
            .flat_map(|t| t.nearest_neighbor_iter([center.x, center.y]).take(k))
            .map(|e| distance_m(center, LonLat { x: e.geom()[0], y: e.geom()[1] }))
            .collect();
        planar.sort_by(f64::total_cmp);
        let guess = planar.get(k - 1).copied().unwrap_or(0.0);
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
