use chrono::NaiveDate;

use super::Store;
use crate::model::{BBox, EventType, Incident};

/// Which incidents to select. Every field is optional; all given ones must hold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IncidentFilter {
    /// Inside this lon/lat box (edges included).
    pub bbox: Option<BBox>,
    /// Date interval ends on or after this day.
    pub from: Option<NaiveDate>,
    /// Date interval starts on or before this day.
    pub to: Option<NaiveDate>,
    /// ACLED event type.
    pub event_type: Option<EventType>,
}

impl IncidentFilter {
    /// Whether `incident` passes every condition except the bbox (which the index answers).
    pub fn matches_attributes(&self, incident: &Incident) -> bool {
        incident.dates.overlaps(self.from, self.to) && self.event_type.is_none_or(|t| incident.event_type == t)
    }
}

impl Store {
    /// Indexes of matching incidents, in file order. Uses the R-tree when a bbox is given.
    pub fn select_incidents(&self, filter: &IncidentFilter) -> Vec<u32> {
        let mut ids: Vec<u32> = match &filter.bbox {
            Some(b) => self.incident_index.in_bbox(b).collect(),
            None => (0..self.incidents.len() as u32).collect(),
        };
        ids.retain(|&i| filter.matches_attributes(&self.incidents[i as usize]));
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}
