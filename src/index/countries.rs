use geo::{BoundingRect, CoordsIter};
use rstar::primitives::{GeomWithData, Line};
use rstar::{AABB, RTree};

use crate::model::{Country, LonLat};

/// Which country polygon holds a point, in microseconds: every ring edge of every country in one R-tree,
/// and the even–odd rule along a ray going east, which meets only the few edges the tree returns.
#[derive(Debug, Default)]
pub struct CountryIndex {
    /// Ring edges, tagged with their country's index.
    edges: RTree<GeomWithData<Line<[f64; 2]>, u32>>,
    /// Each country's bounding box (west, south, east, north).
    boxes: Vec<[f64; 4]>,
}

impl CountryIndex {
    /// Indexes the rings of `countries`.
    pub fn new(countries: &[Country]) -> CountryIndex {
        let mut edges = Vec::new();
        let mut boxes = Vec::with_capacity(countries.len());
        for (c, country) in countries.iter().enumerate() {
            let r = country.area.bounding_rect();
            boxes.push(r.map_or([f64::NAN; 4], |r| [r.min().x, r.min().y, r.max().x, r.max().y]));
            for polygon in &country.area {
                for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                    let points: Vec<_> = ring.coords_iter().collect();
                    for w in points.windows(2) {
                        edges.push(GeomWithData::new(Line::new([w[0].x, w[0].y], [w[1].x, w[1].y]), c as u32));
                    }
                }
            }
        }
        CountryIndex { edges: RTree::bulk_load(edges), boxes }
    }

    /// The index of the first country whose territory holds `p` (a point on a boundary counts as inside).
    pub fn locate(&self, p: LonLat) -> Option<usize> {
        let inside_box = |b: &[f64; 4]| p.x >= b[0] && p.x <= b[2] && p.y >= b[1] && p.y <= b[3];
        let candidates: Vec<usize> = (0..self.boxes.len()).filter(|&c| inside_box(&self.boxes[c])).collect();
        if candidates.is_empty() {
            return None;
        }
        let east = candidates.iter().map(|&c| self.boxes[c][2]).fold(p.x, f64::max);
        let mut crossings = vec![false; self.boxes.len()];
        let ray = AABB::from_corners([p.x, p.y], [east, p.y]);
        for edge in self.edges.locate_in_envelope_intersecting(ray) {
            let ([x1, y1], [x2, y2]) = (edge.geom().from, edge.geom().to);
            let c = edge.data as usize;
            // On the edge itself: inside.
            let cross = (x2 - x1) * (p.y - y1) - (y2 - y1) * (p.x - x1);
            if cross == 0.0 && p.x >= x1.min(x2) && p.x <= x1.max(x2) && p.y >= y1.min(y2) && p.y <= y1.max(y2) {
                return Some(c);
            }
            // Half-open in y, so a vertex on the ray counts once; the crossing must lie east of p.
            if (y1 > p.y) != (y2 > p.y) {
                let x = x1 + (p.y - y1) * (x2 - x1) / (y2 - y1);
                if x > p.x {
                    crossings[c] = !crossings[c];
                }
            }
        }
        candidates.into_iter().find(|&c| crossings[c])
    }
}
