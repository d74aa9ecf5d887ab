//! Selecting incidents: attribute filters, a box, and the facts about each incident's nearest border.

use std::sync::OnceLock;

use chrono::NaiveDate;

use super::{Base, BorderChoice, Store};

use crate::model::{BBox, EventType, Incident, IncidentFacts, Iso3, Status};

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
    /// In any of these review statuses; empty: published only (what a public reader sees).
    pub statuses: Vec<Status>,
}

fn contains_ignoring_case(haystack: &str, lower_needle: &str) -> bool {
    haystack.to_lowercase().contains(lower_needle)
}

impl IncidentFilter {
    /// Whether `incident` passes every condition except the bbox (which the index answers) and those on
    /// its nearest border ([`IncidentFilter::needs_facts`]).
    pub fn matches_attributes(&self, incident: &Incident) -> bool {
        let lower = |s: &Option<String>| s.as_ref().map(|s| s.to_lowercase());
        self.admits_status(incident.revision.status)
            && incident.dates.overlaps(self.from, self.to)
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

    /// Whether an incident in `status` may pass.
    pub fn admits_status(&self, status: Status) -> bool {
        if self.statuses.is_empty() { status == Status::Published } else { self.statuses.contains(&status) }
    }

    /// Whether the filter asks for published incidents only, with no other condition than perhaps a box.
    pub fn public_bbox_only(&self) -> bool {
        let public = self.statuses.is_empty() || self.statuses == [Status::Published];
        public && IncidentFilter { bbox: None, statuses: Vec::new(), ..self.clone() } == IncidentFilter::default()
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

/// The facts of every loaded incident, computed on first use (all cores; about 2.5 µs an incident).
#[derive(Debug, Default)]
pub(crate) struct FactsCache(pub(crate) OnceLock<Vec<IncidentFacts>>);

impl Base {
    /// The loaded incidents by their distance to the nearest border (OpenStreetMap lines), nearest first
    /// (ties by number), once their facts are measured: a corridor is a prefix of it. Sorted the first time
    /// it is asked for.
    pub fn by_border_distance(&self) -> Option<&[u32]> {
        let facts = self.facts.0.get()?;
        Some(self.by_border_distance.get_or_init(|| {
            let mut keyed: Vec<(f64, u32)> =
                facts.iter().enumerate().map(|(k, f)| (f.border_distance_m, k as u32)).collect();
            keyed.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            keyed.into_iter().map(|(_, k)| k).collect()
        }))
    }

    /// The facts of every loaded incident (in file order), measured the first time they are asked for.
    /// With no border in the data, every distance is infinite.
    pub fn incident_facts(&self) -> &[IncidentFacts] {
        self.facts.0.get_or_init(|| {
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
            let chunk = self.loaded.len().div_ceil(threads).max(1);
            std::thread::scope(|s| {
                let parts: Vec<_> = self
                    .loaded
                    .chunks(chunk)
                    .map(|c| s.spawn(move || c.iter().map(|i| self.measure(i)).collect::<Vec<_>>()))
                    .collect();
                parts.into_iter().flat_map(|h| h.join().expect("measuring thread panicked")).collect()
            })
        })
    }

    /// The facts of loaded incident `k`: from the cache when every incident has been measured, else measured
    /// now (an export of every incident measures each as it writes it, on all cores, rather than all first).
    pub fn facts_of(&self, k: usize) -> IncidentFacts {
        match self.facts.0.get() {
            Some(all) => all[k],
            None => self.measure(&self.loaded[k]),
        }
    }

    /// Measures one incident: its nearest border (OpenStreetMap lines) and the country it lies in.
    pub fn measure(&self, i: &Incident) -> IncidentFacts {
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
}

impl Store {
    /// Whether current incident `k` passes every condition of `filter` but the bbox.
    pub(crate) fn passes(&self, k: u32, filter: &IncidentFilter) -> bool {
        filter.matches_attributes(self.get(k)) && (!filter.needs_facts() || filter.matches_facts(&self.facts(k)))
    }

    /// Keeps the current incidents of `ids` that pass every condition of `filter` but the bbox.
    fn retain_matching(&self, ids: &mut Vec<u32>, filter: &IncidentFilter) {
        if filter.needs_facts() {
            // Measure every loaded incident at once, on all cores, rather than one by one.
            self.incident_facts();
        }
        ids.retain(|&k| self.is_current(k) && self.passes(k, filter));
    }

    /// The current numbers added since the base that lie in `bbox` (all of them without one), ascending.
    fn changes_in(&self, bbox: Option<&BBox>) -> Vec<u32> {
        match bbox {
            Some(b) => self.current_changes_in(b),
            None => self.current_changes().collect(),
        }
    }

    /// One page of the matching incidents, and how many match in all. The order is the same for every
    /// request, so pages add up: the loaded incidents first (with a bbox in the grid's order, cell by cell,
    /// else in file order), then those recorded since, in the order they were recorded. What a public reader
    /// asks most (published incidents, perhaps in a box) is answered without looking at the incidents
    /// outside the page.
    pub fn page_incidents(&self, filter: &IncidentFilter, offset: usize, limit: usize) -> (usize, Vec<u32>) {
        if filter.public_bbox_only() {
            return self.page_public(filter.bbox.as_ref(), offset, limit);
        }
        let mut ids: Vec<u32> = match &filter.bbox {
            Some(b) => self.incident_grid.in_bbox(b),
            None => (0..self.loaded.len() as u32).collect(),
        };
        ids.extend(self.changes_in(filter.bbox.as_ref()));
        self.retain_matching(&mut ids, filter);
        let page = ids.iter().skip(offset).take(limit).copied().collect();
        (ids.len(), page)
    }

    /// A page of the published incidents (in `bbox`, when given): the loaded ones skipping those a public
    /// reader does not see, then the published ones recorded since.
    fn page_public(&self, bbox: Option<&BBox>, offset: usize, limit: usize) -> (usize, Vec<u32>) {
        let loaded = self.loaded.len() as u32;
        let hidden = self.hidden();
        let hidden_loaded = hidden.partition_point(|&k| k < loaded);
        let later: Vec<u32> = self.changes_in(bbox).into_iter().filter(|&k| self.is_public(k)).collect();
        let (in_base, mut page) = match bbox {
            Some(b) => {
                let slots = self.hidden_slots();
                let n = self.incident_grid.count(b) - self.incident_grid.count_excluded(b, slots);
                (n, self.incident_grid.page_excluding(b, offset, limit, slots))
            }
            None => {
                let n = loaded as usize - hidden_loaded;
                let hidden = &hidden[..hidden_loaded];
                let first = offset.min(n);
                let (k, mut next) = nth_not_in(hidden, first);
                let mut k = k as u32;
                let mut page = Vec::with_capacity(limit.min(n - first));
                while page.len() < limit && k < loaded {
                    if hidden.get(next) == Some(&k) {
                        next += 1;
                    } else {
                        page.push(k);
                    }
                    k += 1;
                }
                (n, page)
            }
        };
        let rest = limit - page.len();
        page.extend(later.iter().skip(offset.saturating_sub(in_base)).take(rest));
        (in_base + later.len(), page)
    }

    /// Numbers of the current incidents passing `filter`, ascending. Uses the R-tree when a bbox is given.
    pub fn select_incidents(&self, filter: &IncidentFilter) -> Vec<u32> {
        let mut ids: Vec<u32> = match &filter.bbox {
            Some(b) => self.incident_index.in_bbox(b).collect(),
            None => (0..self.loaded.len() as u32).collect(),
        };
        ids.sort_unstable();
        ids.dedup();
        ids.extend(self.changes_in(filter.bbox.as_ref()));
        self.retain_matching(&mut ids, filter);
        ids
    }
}

/// The `o`-th (from 0) number not in `hidden` (ascending, distinct), and how many of `hidden` are below it:
/// `o + i`, `i` the count of hidden numbers `h` (at index `j`) with `h - j <= o`, found by binary search.
fn nth_not_in(hidden: &[u32], o: usize) -> (usize, usize) {
    let (mut lo, mut hi) = (0, hidden.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if hidden[mid] as usize - mid <= o {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    (o + lo, lo)
}
