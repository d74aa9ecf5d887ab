//! Selecting incidents: attribute filters, a box, and the facts about each incident's nearest border.

use std::sync::OnceLock;

use chrono::NaiveDate;

use super::{BorderChoice, Store};

use crate::model::{BBox, EventType, Incident, IncidentFacts, Iso3};

/// Which incidents to select. Every field is optional; all given ones must hold.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IncidentFilter {
    /// Inside this lon/lat box (edges included).
    pub bbox: Option<BBox>,
    /// Date interval ends on or after this day.
    pub from: Option<NaiveDate>,
    /// Date interval starts on or before this day.
    pub to: Option<NaiveDate>,
    /// ACLED event types (any of them; empty: all).
    pub event_types: Vec<EventType>,
    /// ACLED sub-event type (exact, ignoring case).
    pub sub_event_type: Option<String>,
    /// Part of either actor's name (ignoring case).
    pub actor: Option<String>,
    /// The country as recorded (name or ISO3, ignoring case).
    pub country: Option<String>,
    /// Part of a cited source's name or id (ignoring case).
    pub source: Option<String>,
    /// At least this many fatalities (the upper end of a range counts).
    pub fatalities_min: Option<u32>,
    /// At most this many fatalities (the lower end of a range counts).
    pub fatalities_max: Option<u32>,
    /// In this country, by the country polygons.
    pub side: Option<Iso3>,
    /// Within this many kilometres of the nearest border (OpenStreetMap line).
    pub within_km: Option<f64>,
}

fn contains_ignoring_case(haystack: &str, lower_needle: &str) -> bool {
    haystack.to_lowercase().contains(lower_needle)
}

impl IncidentFilter {
    /// Whether `incident` passes every condition except the bbox (which the index answers) and those on
    /// its nearest border ([`IncidentFilter::needs_facts`]).
    pub fn matches_attributes(&self, incident: &Incident) -> bool {
        let lower = |s: &Option<String>| s.as_ref().map(|s| s.to_lowercase());
        incident.dates.overlaps(self.from, self.to)
            && (self.event_types.is_empty() || self.event_types.contains(&incident.event_type))
            && self.sub_event_type.as_ref().is_none_or(|t| incident.sub_event_type.eq_ignore_ascii_case(t))
            && lower(&self.actor).is_none_or(|a| {
                contains_ignoring_case(&incident.actor1, &a) || contains_ignoring_case(&incident.actor2, &a)
            })
            && self.country.as_ref().is_none_or(|c| {
                incident.country.eq_ignore_ascii_case(c)
                    || incident.iso3.is_some_and(|i| i.as_str().eq_ignore_ascii_case(c))
            })
            && lower(&self.source).is_none_or(|s| {
                incident.source.as_deref().is_some_and(|o| contains_ignoring_case(o, &s))
                    || incident.sources.iter().any(|o| contains_ignoring_case(o, &s))
            })
            && self
                .fatalities_min
                .is_none_or(|m| incident.fatalities_high.or(incident.fatalities).is_some_and(|f| f >= m))
            && self
                .fatalities_max
                .is_none_or(|m| incident.fatalities_low.or(incident.fatalities).is_some_and(|f| f <= m))
    }

    /// Whether the filter asks about the incidents' nearest border or country.
    pub fn needs_facts(&self) -> bool {
        self.side.is_some() || self.within_km.is_some()
    }

    /// Whether the facts of an incident pass the conditions on its nearest border and country.
    pub fn matches_facts(&self, facts: &IncidentFacts) -> bool {
        self.side.is_none_or(|s| facts.country == Some(s))
            && self.within_km.is_none_or(|km| facts.border_distance_m <= km * 1000.0)
    }
}

/// The facts of every incident, computed on first use (all cores; about 2.5 µs an incident).
#[derive(Debug, Default)]
pub(crate) struct FactsCache(OnceLock<Vec<IncidentFacts>>);

impl Store {
    /// The facts of every incident (same order as `incidents`), measured the first time they are asked for.
    /// With no border in the data, every distance is infinite.
    pub fn incident_facts(&self) -> &[IncidentFacts] {
        self.facts.0.get_or_init(|| {
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            let chunk = self.incidents.len().div_ceil(threads).max(1);
            std::thread::scope(|s| {
                let parts: Vec<_> = self
                    .incidents
                    .chunks(chunk)
                    .map(|c| s.spawn(move || c.iter().map(|i| self.measure(i)).collect::<Vec<_>>()))
                    .collect();
                parts.into_iter().flat_map(|h| h.join().expect("measuring thread panicked")).collect()
            })
        })
    }

    /// The facts of incident `k`: from the cache when every incident has been measured, else measured now
    /// (an export of every incident measures each as it writes it, on all cores, rather than all first).
    pub fn facts_of(&self, k: usize) -> IncidentFacts {
        match self.facts.0.get() {
            Some(all) => all[k],
            None => self.measure(&self.incidents[k]),
        }
    }

    /// Measures one incident: its nearest border (OpenStreetMap lines) and the country it lies in.
    fn measure(&self, i: &Incident) -> IncidentFacts {
        let country = self.country_at(i.position).map(|c| c.iso3);
        match self.distance_to_border(i.position, BorderChoice::default()) {
            Ok(d) => IncidentFacts {
                border_distance_m: d.distance_m,
                border: d.border,
                side_of_line: d.side_of_line,
                country,
            },
            Err(_) => IncidentFacts {
                border_distance_m: f64::INFINITY,
                border: "DZA-MLI".parse().expect("a valid pair"),
                side_of_line: country.unwrap_or_else(|| "DZA".parse().expect("a valid code")),
                country,
            },
        }
    }

    /// Keeps the incidents of `ids` that pass every condition of `filter` but the bbox.
    fn retain_matching(&self, ids: &mut Vec<u32>, filter: &IncidentFilter) {
        ids.retain(|&i| filter.matches_attributes(&self.incidents[i as usize]));
        if filter.needs_facts() {
            let facts = self.incident_facts();
            ids.retain(|&i| filter.matches_facts(&facts[i as usize]));
        }
    }

    /// One page of the matching incidents, and how many match in all. With a bbox the order is the grid's
    /// (cell by cell), else the file's; either way it is the same for every request, so pages add up. A
    /// filter of a bbox alone is answered without looking at the incidents outside the page.
    pub fn page_incidents(&self, filter: &IncidentFilter, offset: usize, limit: usize) -> (usize, Vec<u32>) {
        let only_bbox = IncidentFilter { bbox: None, ..filter.clone() } == IncidentFilter::default();
        match &filter.bbox {
            Some(b) if only_bbox => (self.incident_grid.count(b), self.incident_grid.page(b, offset, limit)),
            _ => {
                let mut ids: Vec<u32> = match &filter.bbox {
                    Some(b) => self.incident_grid.in_bbox(b),
                    None => (0..self.incidents.len() as u32).collect(),
                };
                self.retain_matching(&mut ids, filter);
                let page = ids.iter().skip(offset).take(limit).copied().collect();
                (ids.len(), page)
            }
        }
    }

    /// Indexes of matching incidents, in file order. Uses the R-tree when a bbox is given.
    pub fn select_incidents(&self, filter: &IncidentFilter) -> Vec<u32> {
        let mut ids: Vec<u32> = match &filter.bbox {
            Some(b) => self.incident_index.in_bbox(b).collect(),
            None => (0..self.incidents.len() as u32).collect(),
        };
        self.retain_matching(&mut ids, filter);
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}
