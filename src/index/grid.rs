use crate::model::{BBox, LonLat};

/// Points bucketed in a regular lon/lat grid, stored cell by cell (row-major, compressed): counting the
/// points in a box costs a subtraction per row for the cells the box covers whole and a test per point only
/// in the cells along its edges, and a page of a box's points comes in a fixed order (cell by cell, file
/// order within a cell) without collecting the rest. That is what an OGC API items request needs:
/// `numberMatched` and one page, many thousand times a second.
#[derive(Debug, Default)]
pub struct GridIndex {
    west: f64,
    south: f64,
    /// Cell size, degrees.
    cell: f64,
    cols: usize,
    rows: usize,
    /// `starts[c]..starts[c + 1]` are cell `c`'s entries in `items` and `points`.
    starts: Vec<u32>,
    items: Vec<u32>,
    points: Vec<LonLat>,
    /// `slots[i]` is item `i`'s entry in `items`.
    slots: Vec<u32>,
}

/// About this many points per cell on average; dense clusters hold more.
const POINTS_PER_CELL: f64 = 0.5;
/// At most this many cells.
const MAX_CELLS: f64 = 4_000_000.0;

impl GridIndex {
    /// Indexes `positions` (item `i` is the `i`-th).
    pub fn new(positions: &[LonLat]) -> GridIndex {
        let Some(extent) = BBox::around(positions.iter().copied()) else {
            return GridIndex::default();
        };
        let (width, height) = ((extent.east - extent.west).max(1e-9), (extent.north - extent.south).max(1e-9));
        let cells = (positions.len() as f64 / POINTS_PER_CELL).clamp(1.0, MAX_CELLS);
        let cell = (width * height / cells).sqrt().max(1e-6);
        let cols = (width / cell).floor() as usize + 1;
        let rows = (height / cell).floor() as usize + 1;
        let mut grid = GridIndex { west: extent.west, south: extent.south, cell, cols, rows, ..Default::default() };
        let cell_of: Vec<u32> = positions.iter().map(|&p| grid.cell_of(p) as u32).collect();
        let mut starts = vec![0u32; cols * rows + 1];
        for &c in &cell_of {
            starts[c as usize + 1] += 1;
        }
        for c in 0..cols * rows {
            starts[c + 1] += starts[c];
        }
        let mut next = starts.clone();
        let mut items = vec![0u32; positions.len()];
        let mut points = vec![LonLat { x: 0.0, y: 0.0 }; positions.len()];
        for (i, &c) in cell_of.iter().enumerate() {
            let slot = next[c as usize] as usize;
            next[c as usize] += 1;
            items[slot] = i as u32;
            points[slot] = positions[i];
        }
        let mut slots = vec![0u32; positions.len()];
        for (slot, &i) in items.iter().enumerate() {
            slots[i as usize] = slot as u32;
        }
        grid.starts = starts;
        grid.items = items;
        grid.points = points;
        grid.slots = slots;
        grid
    }

    fn col(&self, x: f64) -> usize {
        (((x - self.west) / self.cell).floor().max(0.0) as usize).min(self.cols - 1)
    }

    fn row(&self, y: f64) -> usize {
        (((y - self.south) / self.cell).floor().max(0.0) as usize).min(self.rows - 1)
    }

    fn cell_of(&self, p: LonLat) -> usize {
        self.row(p.y) * self.cols + self.col(p.x)
    }

    /// Runs of cells a box (not crossing the antimeridian) covers, row by row: (first cell, end cell, whether
    /// every point of those cells is inside the box). The runs come in grid order.
    fn runs(&self, b: &BBox) -> Vec<(usize, usize, bool)> {
        let mut runs = Vec::new();
        if self.starts.is_empty() {
            return runs;
        }
        let east = self.west + self.cols as f64 * self.cell;
        let north = self.south + self.rows as f64 * self.cell;
        if b.east < self.west || b.west > east || b.north < self.south || b.south > north {
            return runs;
        }
        let (c0, c1, r0, r1) = (self.col(b.west), self.col(b.east), self.row(b.south), self.row(b.north));
        let whole_x = |c: usize| {
            let x0 = self.west + c as f64 * self.cell;
            x0 >= b.west && x0 + self.cell <= b.east
        };
        for r in r0..=r1 {
            let y0 = self.south + r as f64 * self.cell;
            let whole_row = y0 >= b.south && y0 + self.cell <= b.north;
            let base = r * self.cols;
            if !whole_row {
                runs.push((base + c0, base + c1 + 1, false));
                continue;
            }
            // The edge columns are partial unless the box edge falls on the cell edge.
            let (left, right) = (whole_x(c0), whole_x(c1));
            if c0 == c1 {
                runs.push((base + c0, base + c0 + 1, left && right));
                continue;
            }
            if !left {
                runs.push((base + c0, base + c0 + 1, false));
            }
            let (lo, hi) = (if left { c0 } else { c0 + 1 }, if right { c1 + 1 } else { c1 });
            if lo < hi {
                runs.push((base + lo, base + hi, true));
            }
            if !right {
                runs.push((base + c1, base + c1 + 1, false));
            }
        }
        runs
    }

    /// Where item `i` is stored (the grid order of every page).
    pub fn slot_of(&self, i: u32) -> u32 {
        self.slots[i as usize]
    }

    /// The position of item `i`.
    pub fn position(&self, i: u32) -> LonLat {
        self.points[self.slots[i as usize] as usize]
    }

    /// How many points lie in `bbox` (edges included; antimeridian-crossing boxes are handled).
    pub fn count(&self, bbox: &BBox) -> usize {
        let mut n = 0;
        for part in bbox.parts() {
            for (first, end, whole) in self.runs(&part) {
                let (a, z) = (self.starts[first] as usize, self.starts[end] as usize);
                n += if whole { z - a } else { self.points[a..z].iter().filter(|p| part.contains(p.x, p.y)).count() };
            }
        }
        n
    }

    /// The points in `bbox`, in grid order, skipping `offset` of them and keeping at most `limit`.
    pub fn page(&self, bbox: &BBox, offset: usize, limit: usize) -> Vec<u32> {
        self.page_excluding(bbox, offset, limit, &[])
    }

    /// [`GridIndex::page`] as if the points stored in `excluded` slots (ascending) were not there.
    pub fn page_excluding(&self, bbox: &BBox, offset: usize, limit: usize, excluded: &[u32]) -> Vec<u32> {
        let mut out = Vec::with_capacity(limit.min(1024));
        let mut skip = offset;
        let excluded_in = |a: usize, z: usize| {
            excluded.partition_point(|&s| (s as usize) < z) - excluded.partition_point(|&s| (s as usize) < a)
        };
        for part in bbox.parts() {
            for (first, end, whole) in self.runs(&part) {
                if out.len() >= limit {
                    return out;
                }
                let (a, z) = (self.starts[first] as usize, self.starts[end] as usize);
                if whole && skip >= z - a - excluded_in(a, z) {
                    skip -= z - a - excluded_in(a, z);
                    continue;
                }
                let mut next = excluded.partition_point(|&s| (s as usize) < a);
                for k in a..z {
                    if !whole && !part.contains(self.points[k].x, self.points[k].y) {
                        continue;
                    }
                    while next < excluded.len() && (excluded[next] as usize) < k {
                        next += 1;
                    }
                    if excluded.get(next).is_some_and(|&s| s as usize == k) {
                        continue;
                    }
                    if skip > 0 {
                        skip -= 1;
                    } else if out.len() < limit {
                        out.push(self.items[k]);
                    } else {
                        return out;
                    }
                }
            }
        }
        out
    }

    /// How many points stored in `excluded` slots (ascending) lie in `bbox`.
    pub fn count_excluded(&self, bbox: &BBox, excluded: &[u32]) -> usize {
        let mut n = 0;
        for part in bbox.parts() {
            for (first, end, whole) in self.runs(&part) {
                let (a, z) = (self.starts[first], self.starts[end]);
                let run = &excluded[excluded.partition_point(|&s| s < a)..excluded.partition_point(|&s| s < z)];
                n += if whole {
                    run.len()
                } else {
                    run.iter().filter(|&&s| part.contains(self.points[s as usize].x, self.points[s as usize].y)).count()
                };
            }
        }
        n
    }

    /// Every point in `bbox`, in grid order.
    pub fn in_bbox(&self, bbox: &BBox) -> Vec<u32> {
        self.page(bbox, 0, usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator (xorshift), so the cases are the same every run.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> f64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
        fn range(&mut self, lo: f64, hi: f64) -> f64 {
            lo + (hi - lo) * self.next()
        }
    }

    #[test]
    fn counting_and_paging_past_excluded_slots_agree_with_looking_at_every_point() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        // Clustered points (as incidents are), some on the antimeridian side.
        let points: Vec<LonLat> = (0..5000)
            .map(|i| {
                let (cx, cy) = if i % 5 == 0 { (179.5, -10.0) } else { (2.0, 19.0) };
                LonLat { x: (cx + rng.range(-3.0, 3.0)).clamp(-180.0, 180.0), y: cy + rng.range(-3.0, 3.0) }
            })
            .collect();
        let grid = GridIndex::new(&points);
        for case in 0..200 {
            let mut excluded: Vec<u32> =
                (0..points.len() as u32).filter(|_| rng.next() < 0.1 * (case % 4) as f64).collect();
            excluded = excluded.iter().map(|&i| grid.slot_of(i)).collect();
            excluded.sort_unstable();
            let (w, s) = (rng.range(-5.0, 180.0), rng.range(-14.0, 22.0));
            let e = if case % 7 == 0 { rng.range(-180.0, -170.0) } else { (w + rng.range(0.0, 4.0)).min(180.0) };
            let bbox = BBox::new(w, s, e, s + rng.range(0.0, 4.0)).unwrap();
            let inside = |slot: u32| {
                let p = grid.points[slot as usize];
                bbox.contains(p.x, p.y)
            };
            let expected = excluded.iter().filter(|&&slot| inside(slot)).count();
            assert_eq!(grid.count_excluded(&bbox, &excluded), expected, "case {case}: {bbox:?}");
            let all = grid.in_bbox(&bbox);
            let kept: Vec<u32> =
                all.iter().copied().filter(|&i| excluded.binary_search(&grid.slot_of(i)).is_err()).collect();
            assert_eq!(grid.count(&bbox) - expected, kept.len(), "case {case}");
            let (offset, limit) = ((rng.next() * kept.len() as f64) as usize, 1 + (rng.next() * 50.0) as usize);
            let page = grid.page_excluding(&bbox, offset, limit, &excluded);
            assert_eq!(page, kept.iter().skip(offset).take(limit).copied().collect::<Vec<_>>(), "case {case}");
        }
    }
}
