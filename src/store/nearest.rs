//! The incidents nearest to a point, by exact geodesic distance (WGS84): a radius is widened until it holds
//! enough matching incidents, so the answer is the true k nearest whatever the filter, the incidents recorded
//! since the base and those no public reader sees.

use crate::geodesy::{distance_m, radius_envelope};
use crate::model::LonLat;

use super::{IncidentFilter, Store};

/// The most incidents one question may ask for.
pub const MAX_NEAREST: usize = 1000;

impl Store {
    /// The `k` current incidents passing `filter` nearest to `center`, with their distances in metres,
    /// nearest first (ties by number).
    pub fn nearest_incidents(&self, center: LonLat, k: usize, filter: &IncidentFilter) -> Vec<(u32, f64)> {
        let k = k.min(MAX_NEAREST);
        if k == 0 {
            return Vec::new();
        }
        // The base's k nearest give a first radius; a filter, hidden versions or a sparse area widen it.
        let first = self.incident_index.nearest_k(center, k).last().map_or(1000.0, |&(_, d)| d);
        let mut radius = first.max(1.0);
        loop {
            // The base's hits come measured; only the versions recorded since are measured here.
            let mut hits = self.incident_index.within_radius_m(center, radius);
            let mut later: Vec<u32> =
                radius_envelope(center, radius).iter().flat_map(|part| self.current_changes_in(part)).collect();
            later.sort_unstable();
            later.dedup();
            hits.extend(
                later.into_iter().map(|i| (i, distance_m(center, self.get(i).position))).filter(|&(_, d)| d <= radius),
            );
            if filter.needs_facts() {
                self.incident_facts();
            }
            hits.retain(|&(i, _)| self.is_current(i) && self.passes(i, filter));
            if hits.len() >= k || radius > 2.1e7 {
                hits.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
                hits.truncate(k);
                return hits;
            }
            radius *= 2.0;
        }
    }
}
