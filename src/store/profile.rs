//! The border profile: where along one border line the incidents of its corridor lie, and when — each
//! incident placed at its nearest border point, in kilometres from the line's western end.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use super::{BorderChoice, DistanceError, IncidentFilter, LonLatJson, Store};
use crate::geodesy::{distance_m, widen_bbox};
use crate::index::BorderHit;
use crate::model::{BBox, Border, BorderPair, BorderSource, Iso3, LonLat};

/// The surge rule, after ACLED's conflict surge tracker: a stretch surges when its incidents of the last
/// [`SURGE_DAYS`] days (up to the latest incident of the profile) are at least twice its average over
/// the [`BASELINE_PERIODS`] periods of that length before, and at least [`SURGE_AT_LEAST`].
pub const SURGE_RULE: &str = "the last 4 weeks (to the latest incident shown) hold at least twice the stretch's \
                              average 4 weeks over the 52 weeks before, and at least 2 incidents";
/// Length of the recent period, days (4 weeks).
pub const SURGE_DAYS: u64 = 28;
/// How many periods of [`SURGE_DAYS`] the average is taken over (52 weeks).
pub const BASELINE_PERIODS: u64 = 13;
/// Fewest incidents in the recent period for a surge: one incident is not a trend.
pub const SURGE_AT_LEAST: usize = 2;

/// An incident of the corridor placed on the line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Placed {
    /// Index into the store's incidents.
    #[serde(skip)]
    pub index: u32,
    /// Its event id.
    #[serde(rename = "event_id_cnty")]
    pub event_id: String,
    /// Its event date.
    pub event_date: NaiveDate,
    /// Kilometres along the line from its western end to the incident's nearest border point.
    pub along_km: f64,
    /// Exact WGS84 distance to that point, kilometres.
    pub distance_km: f64,
    /// The side of this line the incident is on (ISO3).
    pub side_of_line: Iso3,
    /// Fatalities reported (the lower end of a range), 0 when unknown.
    pub fatalities: u32,
}

/// A place of the gazetteer within the corridor, placed on the line like an incident.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlaceMark {
    /// Gazetteer id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kilometres along the line.
    pub along_km: f64,
    /// Distance to the line, kilometres.
    pub distance_km: f64,
    /// The side of the line it is on.
    pub side_of_line: Iso3,
}

/// A stretch of the line, `from_km..to_km`, and the incidents placed on it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stretch {
    /// Start, kilometres from the western end.
    pub from_km: f64,
    /// End.
    pub to_km: f64,
    /// The box around this stretch of the line (west, south, east, north): where the map zooms to.
    pub bbox: [f64; 4],
    /// Incidents placed on it.
    pub incidents: usize,
    /// Their fatalities.
    pub fatalities: u64,
    /// Incidents by the side of the line they are on.
    pub by_side: BTreeMap<Iso3, usize>,
    /// Incidents of the last 4 weeks.
    pub recent: usize,
    /// Average incidents per 4 weeks over the 52 weeks before.
    pub baseline: f64,
    /// Whether the surge rule holds.
    pub surge: bool,
}

/// Incidents of one stretch in one month, by side: the position × time grid.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cell {
    /// Index of the stretch.
    pub stretch: usize,
    /// `YYYY-MM`.
    pub month: String,
    /// Incidents by side of the line.
    pub by_side: BTreeMap<Iso3, usize>,
}

/// The profile of one border line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Profile {
    /// The pair.
    pub border: BorderPair,
    /// Whose line.
    pub source: BorderSource,
    /// e.g. `Algeria – Mali`.
    pub name: String,
    /// Length along the line, kilometres (parts laid end to end).
    pub length_km: f64,
    /// The corridor's half-width, kilometres.
    pub km: f64,
    /// Stretch length, kilometres.
    pub stretch_km: f64,
    /// Where kilometre 0 is.
    pub west_end: LonLatJson,
    /// Where the last kilometre is.
    pub east_end: LonLatJson,
    /// The day the surge rule counts back from: the latest incident's date.
    pub as_of: Option<NaiveDate>,
    /// The surge rule, in words.
    pub surge_rule: &'static str,
    /// Stretches from west to east.
    pub stretches: Vec<Stretch>,
    /// Non-empty cells of stretch × month, in stretch then month order.
    pub cells: Vec<Cell>,
    /// Places within the corridor, west to east.
    pub places: Vec<PlaceMark>,
    /// The incidents of the corridor, newest first.
    pub incidents: Vec<Placed>,
}

/// The line laid out for measuring along: the distance from the start to every vertex.
struct Along<'a> {
    border: &'a Border,
    /// Per part, the distance from the line's start to each vertex, metres.
    at_vertex: Vec<Vec<f64>>,
    length_m: f64,
    /// The start is the east end: distances are counted from the other one.
    reversed: bool,
}

impl<'a> Along<'a> {
    fn new(border: &'a Border) -> Along<'a> {
        let mut total = 0.0;
        let at_vertex = border
            .parts
            .iter()
            .map(|part| {
                let mut at = Vec::with_capacity(part.len());
                for (k, &v) in part.iter().enumerate() {
                    if k > 0 {
                        total += distance_m(part[k - 1], v);
                    }
                    at.push(total);
                }
                at
            })
            .collect();
        let first = border.parts.first().and_then(|p| p.first()).map_or(0.0, |v| v.x);
        let last = border.parts.last().and_then(|p| p.last()).map_or(0.0, |v| v.x);
        Along { border, at_vertex, length_m: total, reversed: first > last }
    }

    /// Metres from the western end to the foot of `hit`.
    fn of(&self, hit: &BorderHit) -> f64 {
        let at = &self.at_vertex[hit.segment.part as usize];
        let seg = hit.segment.seg as usize;
        let start = at[seg];
        let end = at.get(seg + 1).copied().unwrap_or(start);
        self.west_measured(start + hit.foot.fraction.clamp(0.0, 1.0) * (end - start))
    }

    /// `m` metres from the line's first vertex, counted from its western end instead.
    fn west_measured(&self, m: f64) -> f64 {
        if self.reversed { self.length_m - m } else { m }
    }

    /// Every vertex with its distance from the western end, metres.
    fn vertices(&self) -> impl Iterator<Item = (f64, LonLat)> + '_ {
        let parts = self.border.parts.iter().zip(&self.at_vertex);
        parts.flat_map(move |(part, at)| part.iter().zip(at).map(move |(&v, &m)| (self.west_measured(m), v)))
    }

    fn ends(&self) -> (LonLat, LonLat) {
        let first = self.border.parts.first().and_then(|p| p.first()).copied().unwrap_or_default();
        let last = self.border.parts.last().and_then(|p| p.last()).copied().unwrap_or_default();
        if self.reversed { (last, first) } else { (first, last) }
    }
}

impl Store {
    /// The profile of the border `pair` drawn by `source`: every incident passing `filter` within `km`
    /// kilometres of that line (exactly, as [`Store::incidents_within`]) placed at its nearest point, in
    /// stretches of `stretch_km` from the western end, with the surge rule applied to each stretch.
    pub fn border_profile(
        &self,
        pair: BorderPair,
        source: BorderSource,
        km: f64,
        stretch_km: f64,
        filter: &IncidentFilter,
    ) -> Result<Profile, DistanceError> {
        let choice = BorderChoice { pair: Some(pair), source };
        let border = self.borders.iter().find(|b| choice.admits(b)).ok_or_else(|| choice.unknown())?;
        if !(stretch_km.is_finite() && stretch_km > 0.0) {
            return Err(DistanceError::BadDistance(stretch_km));
        }
        let parts = self.border_parts.get(choice).ok_or_else(|| choice.unknown())?;
        let along = Along::new(border);
        let within = self.incidents_within(km, choice, filter)?;
        let place = |p: LonLat| self.segment_index.nearest_in(p, parts).map(|hit| (along.of(&hit), hit));
        let side = |hit: &BorderHit| if hit.left { pair.left } else { pair.right };
        let placed = super::on_every_core(&within, |chunk| {
            let mut out = Vec::with_capacity(chunk.len());
            for &i in chunk {
                let incident = self.get(i);
                let (m, hit) = place(incident.position).ok_or_else(|| choice.unknown())?;
                out.push(Placed {
                    index: i,
                    event_id: incident.event_id.to_string(),
                    event_date: incident.event_date,
                    along_km: m / 1000.0,
                    distance_km: hit.foot.distance_m / 1000.0,
                    side_of_line: side(&hit),
                    fatalities: incident.fatalities_reported().unwrap_or(0),
                });
            }
            Ok::<_, DistanceError>(out)
        });
        let mut incidents = Vec::with_capacity(within.len());
        for chunk in placed {
            incidents.extend(chunk?);
        }
        incidents.sort_by(|a, b| b.event_date.cmp(&a.event_date).then(a.index.cmp(&b.index)));

        // Places: those of the gazetteer within the corridor, by the same measure.
        let vertices = border.parts.iter().flatten().copied();
        let region = BBox::around(vertices).map(|b| widen_bbox(&b, km * 1000.0 + 1000.0));
        let mut places: Vec<PlaceMark> = self
            .places
            .iter()
            .filter(|p| region.is_some_and(|r| r.contains(p.position.x, p.position.y)))
            .filter_map(|p| {
                let (m, hit) = place(p.position)?;
                (hit.foot.distance_m <= km * 1000.0).then(|| PlaceMark {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    along_km: m / 1000.0,
                    distance_km: hit.foot.distance_m / 1000.0,
                    side_of_line: side(&hit),
                })
            })
            .collect();
        places.sort_by(|a, b| a.along_km.total_cmp(&b.along_km));

        let length_km = along.length_m / 1000.0;
        let count = ((length_km / stretch_km).ceil() as usize).max(1);
        let stretch_of = |km: f64| ((km / stretch_km).floor().max(0.0) as usize).min(count - 1);
        let mut stretches: Vec<Stretch> = (0..count)
            .map(|k| Stretch {
                from_km: k as f64 * stretch_km,
                to_km: ((k + 1) as f64 * stretch_km).min(length_km),
                bbox: [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY],
                incidents: 0,
                fatalities: 0,
                by_side: BTreeMap::new(),
                recent: 0,
                baseline: 0.0,
                surge: false,
            })
            .collect();
        // A stretch's box holds its vertices and the ones either side of it, which bound its ends.
        let mut previous: Option<(usize, LonLat)> = None;
        for (m, v) in along.vertices() {
            let k = stretch_of(m / 1000.0);
            grow(&mut stretches[k].bbox, v);
            if let Some((j, u)) = previous
                && j != k
            {
                for s in &mut stretches[j.min(k)..=j.max(k)] {
                    grow(&mut s.bbox, u);
                    grow(&mut s.bbox, v);
                }
            }
            previous = Some((k, v));
        }

        let as_of = incidents.first().map(|p| p.event_date);
        let recent_from = as_of.and_then(|d| d.checked_sub_days(Days::new(SURGE_DAYS)));
        let baseline_from = recent_from.and_then(|d| d.checked_sub_days(Days::new(SURGE_DAYS * BASELINE_PERIODS)));
        let mut cells: BTreeMap<(usize, String), BTreeMap<Iso3, usize>> = BTreeMap::new();
        let mut earlier = vec![0usize; count];
        for p in &incidents {
            let k = stretch_of(p.along_km);
            let s = &mut stretches[k];
            s.incidents += 1;
            s.fatalities += u64::from(p.fatalities);
            *s.by_side.entry(p.side_of_line).or_default() += 1;
            if recent_from.is_some_and(|d| p.event_date > d) {
                s.recent += 1;
            } else if baseline_from.is_some_and(|d| p.event_date > d) {
                earlier[k] += 1;
            }
            let month = format!("{:04}-{:02}", p.event_date.year(), p.event_date.month());
            *cells.entry((k, month)).or_default().entry(p.side_of_line).or_default() += 1;
        }
        for (s, &n) in stretches.iter_mut().zip(&earlier) {
            s.baseline = n as f64 / BASELINE_PERIODS as f64;
            s.surge = s.recent >= SURGE_AT_LEAST && s.recent as f64 >= 2.0 * s.baseline;
        }
        let (west, east) = along.ends();
        Ok(Profile {
            border: pair,
            source,
            name: border.name.clone(),
            length_km,
            km,
            stretch_km,
            west_end: west.into(),
            east_end: east.into(),
            as_of,
            surge_rule: SURGE_RULE,
            stretches,
            cells: cells.into_iter().map(|((stretch, month), by_side)| Cell { stretch, month, by_side }).collect(),
            places,
            incidents,
        })
    }
}

fn grow(b: &mut [f64; 4], p: LonLat) {
    *b = [b[0].min(p.x), b[1].min(p.y), b[2].max(p.x), b[3].max(p.y)];
}
