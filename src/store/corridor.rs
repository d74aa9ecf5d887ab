//! Corridor queries: the incidents within a distance of a border, and counts by distance band, side and year.

use chrono::Datelike;
use serde::Serialize;

use super::{BorderChoice, BorderDistance, DistanceError, IncidentFilter, Store};
use crate::geodesy::{RECTIFYING_UPPER_RATIO, rectifying, sphere_distance_m, widen_bbox};
use crate::model::{BBox, Iso3, LonLat};

/// An incident inside the corridor, with its exact distance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CorridorHit {
    /// Index into the store's incidents.
    #[serde(skip)]
    pub index: u32,
    /// Its event id (ACLED's `event_id_cnty`, the name it is served under).
    #[serde(rename = "event_id_cnty")]
    pub event_id: String,
    /// Distance and side.
    #[serde(flatten)]
    pub distance: BorderDistance,
}

/// An incident of a corridor and its distance to the border, metres.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ranked {
    /// Its number.
    pub index: u32,
    /// Exact WGS84 distance to the chosen border, metres.
    pub distance_m: f64,
}

/// The distance bands counts are given in, kilometres: [0, 10), [10, 25), [25, 50), [50, 100), [100, ∞).
pub const BANDS_KM: [(f64, f64, &str); 5] = [
    (0.0, 10.0, "0-10"),
    (10.0, 25.0, "10-25"),
    (25.0, 50.0, "25-50"),
    (50.0, 100.0, "50-100"),
    (100.0, f64::INFINITY, ">100"),
];

/// One cell of the band × side × year table.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct BandCount {
    /// Year of the event date.
    pub year: i32,
    /// Distance band label, e.g. `10-25`.
    pub band: &'static str,
    /// Country containing the incident (ISO3), or `outside`.
    pub side: String,
    /// Number of incidents.
    pub count: usize,
}

/// Cells holding at most this many incidents are decided point by point.
const FEW_INCIDENTS: usize = 8;

impl Store {
    /// Indexes (in file order) of the incidents passing `filter` within `km` kilometres of the chosen border,
    /// decided exactly on WGS84, like PostGIS's `ST_DWithin` on geography.
    ///
    /// The region around the border is cut into lon/lat cells, recursively. A cell that no border segment
    /// comes near (the segment R-tree, widened by `km`) or that holds no incident (the incident R-tree) is
    /// dropped. Otherwise the exact distance `d` from the cell's centre to the border and the cell's radius
    /// `r` (exact distance from the centre to its farthest corner) decide it whole when they can: every
    /// point is within `d + r` and beyond `d − r` (triangle inequality). Cells the limit passes through are
    /// split, and those holding a few incidents are decided point by point.
    pub fn incidents_within(
        &self,
        km: f64,
        choice: BorderChoice,
        filter: &IncidentFilter,
    ) -> Result<Vec<u32>, DistanceError> {
        if !(km.is_finite() && km >= 0.0) {
            return Err(DistanceError::BadDistance(km));
        }
        let limit_m = km * 1000.0;
        let vertices = self.borders.iter().filter(|b| choice.admits(b)).flat_map(|b| b.parts.iter().flatten().copied());
        let Some(b) = BBox::around(vertices) else {
            return Err(choice.unknown());
        };
        let m = crate::index::SegmentIndex::GEODESIC_BULGE_DEG;
        let region =
            widen_bbox(&BBox { west: b.west - m, south: b.south - m, east: b.east + m, north: b.north + m }, limit_m);
        let found = vec![0u64; (self.numbers() as usize).div_ceil(64)];
        let mut corridor = Corridor { store: self, choice, filter, limit_m, found };
        for cell in region.parts() {
            corridor.cell(cell)?;
        }
        // The R-tree holds the loaded incidents; those recorded since are few and measured one by one.
        for k in self.current_changes() {
            let p = self.get(k).position;
            if self.passes(k, filter)
                && filter.bbox.is_none_or(|b| b.contains(p.x, p.y))
                && self.distance_to_border(p, choice)?.distance_m <= limit_m
            {
                corridor.found[k as usize / 64] |= 1 << (k % 64);
            }
        }
        // Cells share their edges, so an incident may be found twice; the bit set keeps it once, in order.
        let words = corridor.found.iter().enumerate();
        Ok(words
            .flat_map(|(w, &bits)| (0..64).filter(move |b| bits >> b & 1 == 1).map(move |b| (w * 64 + b) as u32))
            .collect())
    }

    /// Incidents (passing `filter`) within `km` kilometres of the chosen border, nearest first, with their
    /// exact distance and side; `side` keeps only those on that country's side of the line.
    pub fn incidents_near_border(
        &self,
        km: f64,
        choice: BorderChoice,
        side: Option<Iso3>,
        filter: &IncidentFilter,
    ) -> Result<Vec<CorridorHit>, DistanceError> {
        self.ranked_near_border(km, choice, side, filter)?.iter().map(|r| self.corridor_hit(r.index, choice)).collect()
    }

    /// The full answer for incident `i` in a corridor: its distance to the chosen border, nearest point and side.
    pub fn corridor_hit(&self, i: u32, choice: BorderChoice) -> Result<CorridorHit, DistanceError> {
        let incident = self.get(i);
        let distance = self.distance_to_border(incident.position, choice)?;
        Ok(CorridorHit { index: i, event_id: incident.event_id.to_string(), distance })
    }

    /// What [`Store::incidents_near_border`] finds, as numbers and distances only: what a page is cut from.
    /// To the nearest border of OpenStreetMap's lines (the default choice), once every incident is measured,
    /// the corridor is cut from their ranking; otherwise the distances are measured now, on every core.
    pub fn ranked_near_border(
        &self,
        km: f64,
        choice: BorderChoice,
        side: Option<Iso3>,
        filter: &IncidentFilter,
    ) -> Result<Vec<Ranked>, DistanceError> {
        if choice == BorderChoice::default()
            && let Some(order) = self.by_border_distance()
        {
            return self.ranked_by_facts(order, km, side, filter);
        }
        // Any other question (another border, or facts not measured yet): measured now, on every core.
        let within = self.incidents_within(km, choice, filter)?;
        let parts = super::on_every_core(&within, |part| {
            let mut out = Vec::with_capacity(part.len());
            for &i in part {
                let d = self.distance_to_border(self.get(i).position, choice)?;
                if side.is_none_or(|s| d.side_of_line == s) {
                    out.push(Ranked { index: i, distance_m: d.distance_m });
                }
            }
            Ok::<_, DistanceError>(out)
        });
        let mut ranked = Vec::with_capacity(within.len());
        for part in parts {
            ranked.extend(part?);
        }
        ranked.sort_unstable_by(|a, b| a.distance_m.total_cmp(&b.distance_m).then(a.index.cmp(&b.index)));
        Ok(ranked)
    }

    /// [`Store::ranked_near_border`] to the default border, from the loaded incidents ranked by their measured
    /// distance (`order`): the corridor is a prefix of it, merged with the versions recorded since.
    fn ranked_by_facts(
        &self,
        order: &[u32],
        km: f64,
        side: Option<Iso3>,
        filter: &IncidentFilter,
    ) -> Result<Vec<Ranked>, DistanceError> {
        if !(km.is_finite() && km >= 0.0) {
            return Err(DistanceError::BadDistance(km));
        }
        let limit_m = km * 1000.0;
        let public = filter.public_bbox_only();
        let keeps = |k: u32| {
            let f = self.facts(k);
            let passes = if public { self.is_public(k) } else { self.is_current(k) && self.passes(k, filter) };
            let inside = filter.bbox.is_none_or(|b| b.contains(self.get(k).position.x, self.get(k).position.y));
            (passes && inside && side.is_none_or(|s| f.side_of_line == s))
                .then_some(Ranked { index: k, distance_m: f.border_distance_m })
        };
        let end = order.partition_point(|&k| self.facts(k).border_distance_m <= limit_m);
        let loaded: Vec<Ranked> = order[..end].iter().filter_map(|&k| keeps(k)).collect();
        let mut later: Vec<Ranked> =
            self.current_changes().filter(|&k| self.facts(k).border_distance_m <= limit_m).filter_map(keeps).collect();
        if later.is_empty() {
            return Ok(loaded);
        }
        let by = |a: &Ranked, b: &Ranked| a.distance_m.total_cmp(&b.distance_m).then(a.index.cmp(&b.index));
        later.sort_unstable_by(by);
        let mut merged = Vec::with_capacity(loaded.len() + later.len());
        let (mut a, mut b) = (loaded.into_iter().peekable(), later.into_iter().peekable());
        while let (Some(x), Some(y)) = (a.peek(), b.peek()) {
            let next = if by(x, y).is_le() { a.next() } else { b.next() };
            merged.extend(next);
        }
        merged.extend(a);
        merged.extend(b);
        Ok(merged)
    }

    /// Counts of incidents (passing `filter`) by distance band to the chosen border, side and year.
    pub fn distance_bands(
        &self,
        choice: BorderChoice,
        filter: &IncidentFilter,
    ) -> Result<Vec<BandCount>, DistanceError> {
        let outer_km = BANDS_KM[BANDS_KM.len() - 2].1;
        let near = self.ranked_near_border(outer_km, choice, None, filter)?;
        let mut distance_of = vec![f64::INFINITY; self.numbers() as usize];
        for hit in &near {
            distance_of[hit.index as usize] = hit.distance_m;
        }
        let mut cells = std::collections::BTreeMap::<(i32, &'static str, String), usize>::new();
        for i in self.select_incidents(filter) {
            let incident = self.get(i);
            let km = distance_of[i as usize] / 1000.0;
            let band = BANDS_KM.iter().find(|(lo, hi, _)| km >= *lo && km < *hi).map_or(">100", |b| b.2);
            let side = self.country_at(incident.position).map_or("outside".to_string(), |c| c.iso3.to_string());
            *cells.entry((incident.event_date.year(), band, side)).or_default() += 1;
        }
        Ok(cells.into_iter().map(|((year, band, side), count)| BandCount { year, band, side, count }).collect())
    }
}

/// One corridor query in progress.
struct Corridor<'a> {
    store: &'a Store,
    choice: BorderChoice,
    filter: &'a IncidentFilter,
    limit_m: f64,
    /// One bit per incident.
    found: Vec<u64>,
}

impl Corridor<'_> {
    fn distance_m(&self, p: LonLat) -> Result<f64, DistanceError> {
        Ok(self.store.distance_to_border(p, self.choice)?.distance_m)
    }

    /// Keeps the incidents of `cell` that pass the filter and are within the limit: all of them, or, given
    /// the exact distance `center_m` from `center` to the border, those that are. Each incident is within
    /// its distance from the centre of that (triangle inequality), so most need no search of their own.
    fn keep(&mut self, cell: &BBox, measure: Option<(LonLat, f64)>) -> Result<(), DistanceError> {
        let measure = measure.map(|(center, center_m)| (rectifying(center), center_m));
        let store = self.store;
        // Asked for what the public sees (the usual question), an incident passes by its number alone, and its
        // position comes from the index: the incidents themselves are not read.
        let public = self.filter.public_bbox_only();
        for (i, position) in store.incident_index.in_bbox_points(cell) {
            let passes = if public {
                store.is_public(i)
            } else {
                store.is_current(i) && self.filter.matches_attributes(store.get(i))
            };
            if !passes || self.filter.bbox.is_some_and(|b| !b.contains(position.x, position.y)) {
                continue;
            }
            let within = match measure {
                None => true,
                Some((center, center_m)) => {
                    let offset = far_bound_m(center, rectifying(position));
                    if center_m + offset <= self.limit_m {
                        true
                    } else if center_m - offset > self.limit_m {
                        false
                    } else {
                        self.distance_m(position)? <= self.limit_m
                    }
                }
            };
            if within {
                self.found[i as usize / 64] |= 1 << (i % 64);
            }
        }
        Ok(())
    }

    fn cell(&mut self, cell: BBox) -> Result<(), DistanceError> {
        let store = self.store;
        let near_a_segment = store
            .segment_index
            .any_in_bbox(&widen_bbox(&cell, self.limit_m), |b| self.choice.admits(&store.borders[b as usize]));
        if !near_a_segment {
            return Ok(());
        }
        let count = store.incident_index.in_bbox(&cell).take(FEW_INCIDENTS + 1).count();
        if count == 0 {
            return Ok(());
        }
        let (mx, my) = ((cell.west + cell.east) / 2.0, (cell.south + cell.north) / 2.0);
        let center = LonLat { x: mx, y: my };
        let d = self.distance_m(center)?;
        // Cells of a ten-thousandth of a degree (11 m) are not worth splitting further.
        if count <= FEW_INCIDENTS || cell.east - cell.west < 1e-4 {
            return self.keep(&cell, Some((center, d)));
        }
        // The farthest point of a small lon/lat cell from its centre is a corner or the middle of a side;
        // one part in 10⁴ and a metre cover the rest.
        let rim = [
            (cell.west, cell.south),
            (cell.east, cell.south),
            (cell.west, cell.north),
            (cell.east, cell.north),
            (mx, cell.south),
            (mx, cell.north),
            (cell.west, my),
            (cell.east, my),
        ];
        let c = rectifying(center);
        let radius =
            rim.iter().map(|&(x, y)| far_bound_m(c, rectifying(LonLat { x, y }))).fold(0.0, f64::max) * 1.0001 + 1.0;
        if d - radius > self.limit_m {
            return Ok(());
        }
        if d + radius <= self.limit_m {
            return self.keep(&cell, None);
        }
        for (west, east) in [(cell.west, mx), (mx, cell.east)] {
            for (south, north) in [(cell.south, my), (my, cell.north)] {
                self.cell(BBox { west, south, east, north })?;
            }
        }
        Ok(())
    }
}

/// An upper bound of the WGS84 distance between two points given on the rectifying sphere (metres): their
/// distance there times the most the ellipsoid can add to it (see [`rectifying`]).
fn far_bound_m(a: LonLat, b: LonLat) -> f64 {
    sphere_distance_m(a, b) * RECTIFYING_UPPER_RATIO + 1e-6
}
