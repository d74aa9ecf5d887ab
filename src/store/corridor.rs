//! Corridor queries: the incidents within a distance of a border, and counts by distance band, side and year.

use chrono::Datelike;
use serde::Serialize;

use super::{BorderChoice, BorderDistance, DistanceError, IncidentFilter, Store};
use crate::geodesy::{country_at, widen_bbox};
use crate::model::{BBox, Iso3};

/// Consecutive border segments grouped into one prefilter box.
const SEGMENTS_PER_BOX: usize = 8;

/// An incident inside the corridor, with its exact distance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CorridorHit {
    /// Index into the store's incidents.
    #[serde(skip)]
    pub index: u32,
    /// Its `event_id`.
    pub event_id: String,
    /// Distance and side.
    #[serde(flatten)]
    pub distance: BorderDistance,
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

impl Store {
    /// Incidents (passing `filter`) within `km` kilometres of the chosen border, nearest first; `side`
    /// keeps only those on that country's side of the line.
    ///
    /// Segment boxes widened by `km` prefilter the incident R-tree; exact WGS84 distances decide.
    pub fn incidents_near_border(
        &self,
        km: f64,
        choice: BorderChoice,
        side: Option<Iso3>,
        filter: &IncidentFilter,
    ) -> Result<Vec<CorridorHit>, DistanceError> {
        let limit_m = km * 1000.0;
        let mut seen = vec![false; self.incidents.len()];
        let mut hits = Vec::new();
        for border in
            self.borders.iter().filter(|b| b.source == choice.source && choice.pair.is_none_or(|p| b.pair == p))
        {
            for part in &border.parts {
                for (_, pts) in crate::index::segment_runs(part, SEGMENTS_PER_BOX) {
                    let (mut west, mut south, mut east, mut north) = (180.0f64, 90.0f64, -180.0f64, -90.0f64);
                    for p in pts.iter() {
                        (west, south, east, north) = (west.min(p.x), south.min(p.y), east.max(p.x), north.max(p.y));
                    }
                    // Geodesic edges bulge a little beyond their vertices' box.
                    let m = crate::index::SegmentIndex::GEODESIC_BULGE_DEG;
                    let b = BBox { west: west - m, south: south - m, east: east + m, north: north + m };
                    for i in self.incident_index.in_bbox(&widen_bbox(&b, limit_m)) {
                        seen[i as usize] = true;
                    }
                }
            }
        }
        for (i, _) in seen.iter().enumerate().filter(|(_, s)| **s) {
            let incident = &self.incidents[i];
            if !filter.matches_attributes(incident)
                || filter.bbox.is_some_and(|b| !b.contains(incident.position.x, incident.position.y))
            {
                continue;
            }
            let distance = self.distance_to_border(incident.position, choice)?;
            if distance.distance_m <= limit_m && side.is_none_or(|s| distance.side_of_line == s) {
                hits.push(CorridorHit { index: i as u32, event_id: incident.event_id.to_string(), distance });
            }
        }
        hits.sort_by(|a, b| a.distance.distance_m.total_cmp(&b.distance.distance_m).then(a.index.cmp(&b.index)));
        Ok(hits)
    }

    /// Counts of incidents (passing `filter`) by distance band to the chosen border, side and year.
    pub fn distance_bands(
        &self,
        choice: BorderChoice,
        filter: &IncidentFilter,
    ) -> Result<Vec<BandCount>, DistanceError> {
        let outer_km = BANDS_KM[BANDS_KM.len() - 2].1;
        let near = self.incidents_near_border(outer_km, choice, None, filter)?;
        let mut distance_of = vec![f64::INFINITY; self.incidents.len()];
        for hit in &near {
            distance_of[hit.index as usize] = hit.distance.distance_m;
        }
        let mut cells = std::collections::BTreeMap::<(i32, &'static str, String), usize>::new();
        for i in self.select_incidents(filter) {
            let incident = &self.incidents[i as usize];
            let km = distance_of[i as usize] / 1000.0;
            let band = BANDS_KM.iter().find(|(lo, hi, _)| km >= *lo && km < *hi).map_or(">100", |b| b.2);
            let side =
                country_at(&self.countries, incident.position).map_or("outside".to_string(), |c| c.iso3.to_string());
            *cells.entry((incident.event_date.year(), band, side)).or_default() += 1;
        }
        Ok(cells.into_iter().map(|((year, band, side), count)| BandCount { year, band, side, count }).collect())
    }
}
