use geo::{BoundingRect, CoordsIter};
use rstar::primitives::{GeomWithData, Line};
use rstar::{AABB, RTree};

use crate::model::{Country, LonLat};

/// Which country polygon holds a point: a grid answers at once for the cells no boundary comes near; elsewhere,
/// every ring edge of every country is in one R-tree, and the even–odd rule along a ray going east meets only
/// the few edges the tree returns.
#[derive(Debug, Default)]
pub struct CountryIndex {
    /// Ring edges, tagged with their country's index.
    edges: RTree<GeomWithData<Line<[f64; 2]>, u32>>,
    /// Each country's bounding box (west, south, east, north).
    boxes: Vec<[f64; 4]>,
    grid: Grid,
}

/// Cells of [`Grid::SIZE_DEG`] over the countries' boxes. A cell is [`Grid::EDGE`] when a ring edge's box
/// (widened a little) meets it; the others are labelled by flood fill, one exact test per connected group of
/// cells: no edge passes between two cells of a group, so every point of the group is in the same country.
#[derive(Debug, Default)]
struct Grid {
    west: f64,
    south: f64,
    columns: usize,
    rows: usize,
    cells: Vec<u16>,
}

impl Grid {
    const SIZE_DEG: f64 = 0.05;
    const EDGE: u16 = u16::MAX;
    const OUTSIDE: u16 = u16::MAX - 1;
    const UNSET: u16 = u16::MAX - 2;

    fn cell(&self, x: f64, y: f64) -> Option<usize> {
        let c = ((x - self.west) / Self::SIZE_DEG).floor();
        let r = ((y - self.south) / Self::SIZE_DEG).floor();
        (c >= 0.0 && r >= 0.0 && (c as usize) < self.columns && (r as usize) < self.rows)
            .then(|| r as usize * self.columns + c as usize)
    }
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
        let mut index = CountryIndex { edges: RTree::bulk_load(edges), boxes, grid: Grid::default() };
        index.grid = index.build_grid();
        index
    }

    fn build_grid(&self) -> Grid {
        let finite: Vec<&[f64; 4]> = self.boxes.iter().filter(|b| b.iter().all(|v| v.is_finite())).collect();
        if finite.is_empty() {
            return Grid::default();
        }
        let west = finite.iter().map(|b| b[0]).fold(f64::INFINITY, f64::min) - Grid::SIZE_DEG;
        let south = finite.iter().map(|b| b[1]).fold(f64::INFINITY, f64::min) - Grid::SIZE_DEG;
        let east = finite.iter().map(|b| b[2]).fold(f64::NEG_INFINITY, f64::max) + Grid::SIZE_DEG;
        let north = finite.iter().map(|b| b[3]).fold(f64::NEG_INFINITY, f64::max) + Grid::SIZE_DEG;
        let columns = ((east - west) / Grid::SIZE_DEG).ceil() as usize;
        let rows = ((north - south) / Grid::SIZE_DEG).ceil() as usize;
        let mut grid = Grid { west, south, columns, rows, cells: vec![Grid::UNSET; columns * rows] };
        const MARGIN: f64 = 1e-7;
        for edge in self.edges.iter() {
            let ([x1, y1], [x2, y2]) = (edge.geom().from, edge.geom().to);
            let (Some(a), Some(b)) = (
                grid.cell(x1.min(x2) - MARGIN, y1.min(y2) - MARGIN),
                grid.cell(x1.max(x2) + MARGIN, y1.max(y2) + MARGIN),
            ) else {
                continue;
            };
            let (c0, r0, c1, r1) = (a % columns, a / columns, b % columns, b / columns);
            for r in r0..=r1 {
                grid.cells[r * columns + c0..=r * columns + c1].fill(Grid::EDGE);
            }
        }
        let mut stack = Vec::new();
        for start in 0..grid.cells.len() {
            if grid.cells[start] != Grid::UNSET {
                continue;
            }
            let (c, r) = (start % columns, start / columns);
            let centre =
                LonLat { x: west + (c as f64 + 0.5) * Grid::SIZE_DEG, y: south + (r as f64 + 0.5) * Grid::SIZE_DEG };
            let label = self.locate_exactly(centre).map_or(Grid::OUTSIDE, |k| k as u16);
            grid.cells[start] = label;
            stack.push(start);
            while let Some(k) = stack.pop() {
                let (c, r) = (k % columns, k / columns);
                let neighbours = [
                    (c > 0).then(|| k - 1),
                    (c + 1 < columns).then(|| k + 1),
                    (r > 0).then(|| k - columns),
                    (r + 1 < rows).then(|| k + columns),
                ];
                for n in neighbours.into_iter().flatten() {
                    if grid.cells[n] == Grid::UNSET {
                        grid.cells[n] = label;
                        stack.push(n);
                    }
                }
            }
        }
        grid
    }

    /// The index of the first country whose territory holds `p` (a point on a boundary counts as inside).
    pub fn locate(&self, p: LonLat) -> Option<usize> {
        match self.grid.cell(p.x, p.y).map(|k| self.grid.cells[k]) {
            Some(Grid::OUTSIDE) => None,
            Some(Grid::EDGE) | None => self.locate_exactly(p),
            Some(label) => Some(label as usize),
        }
    }

    /// [`CountryIndex::locate`] without the grid.
    pub fn locate_exactly(&self, p: LonLat) -> Option<usize> {
        self.containing(p).first().copied()
    }

    /// Every country whose territory holds `p`, in index order: one for a point of land, none off the region's
    /// land, two on a shared edge (a point on a boundary counts as inside), and more only if polygons overlap.
    pub fn containing(&self, p: LonLat) -> Vec<usize> {
        let inside_box = |b: &[f64; 4]| p.x >= b[0] && p.x <= b[2] && p.y >= b[1] && p.y <= b[3];
        let mut candidates: Vec<usize> = (0..self.boxes.len()).filter(|&c| inside_box(&self.boxes[c])).collect();
        if candidates.is_empty() {
            return candidates;
        }
        let east = candidates.iter().map(|&c| self.boxes[c][2]).fold(p.x, f64::max);
        let mut crossings = vec![false; self.boxes.len()];
        let mut on_edge = vec![false; self.boxes.len()];
        let ray = AABB::from_corners([p.x, p.y], [east, p.y]);
        for edge in self.edges.locate_in_envelope_intersecting(ray) {
            let ([x1, y1], [x2, y2]) = (edge.geom().from, edge.geom().to);
            let c = edge.data as usize;
            let cross = (x2 - x1) * (p.y - y1) - (y2 - y1) * (p.x - x1);
            if cross == 0.0 && p.x >= x1.min(x2) && p.x <= x1.max(x2) && p.y >= y1.min(y2) && p.y <= y1.max(y2) {
                on_edge[c] = true;
            }
            // Half-open in y, so a vertex on the ray counts once; the crossing must lie east of p.
            if (y1 > p.y) != (y2 > p.y) {
                let x = x1 + (p.y - y1) * (x2 - x1) / (y2 - y1);
                if x > p.x {
                    crossings[c] = !crossings[c];
                }
            }
        }
        candidates.retain(|&c| on_edge[c] || crossings[c]);
        candidates
    }
}
