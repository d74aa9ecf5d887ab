//! "How far from the border, and on which side?" for a point, a place or an incident.

use serde::Serialize;

use super::Base;
use crate::geodesy::uncertainty_radius_m;
use crate::index::{PartSet, SegmentIndex};
use crate::model::{Border, BorderPair, BorderSource, Incident, Iso3, LonLat};

/// Which border to measure to: a pair (or the nearest of any pair) drawn by one source.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct BorderChoice {
    /// `None`: the nearest international border of the region.
    pub pair: Option<BorderPair>,
    /// Whose line (OpenStreetMap by default).
    pub source: BorderSource,
}

impl BorderChoice {
    /// Whether `border` is one this choice measures to.
    pub fn admits(&self, border: &Border) -> bool {
        border.source == self.source && self.pair.is_none_or(|pair| border.pair == pair)
    }

    /// The error for a choice no border of the data matches.
    pub fn unknown(&self) -> DistanceError {
        DistanceError::UnknownBorder {
            pair: self.pair.map_or("any".into(), |p| p.to_string()),
            line_source: self.source,
        }
    }
}

/// The border parts each border choice the data offers measures to, chosen once at load.
#[derive(Debug)]
pub(crate) struct PartsByChoice {
    /// Every pair the borders have, sorted.
    pairs: Vec<BorderPair>,
    /// Slot `source × (pairs + 1) + (0 for the nearest pair, else 1 + the pair's rank)`.
    sets: Vec<PartSet>,
}

impl PartsByChoice {
    pub(crate) fn new(borders: &[Border], index: &SegmentIndex) -> PartsByChoice {
        let mut pairs: Vec<BorderPair> = borders.iter().map(|b| b.pair).collect();
        pairs.sort_unstable();
        pairs.dedup();
        let sets = BorderSource::ALL
            .into_iter()
            .flat_map(|source| {
                std::iter::once(None)
                    .chain(pairs.iter().copied().map(Some))
                    .map(move |pair| BorderChoice { pair, source })
            })
            .map(|choice| index.admitted(|b| choice.admits(&borders[b as usize])))
            .collect();
        PartsByChoice { pairs, sets }
    }

    /// The parts for `choice`, or none for a pair the data does not have.
    pub(super) fn get(&self, choice: BorderChoice) -> Option<&PartSet> {
        let pair = match choice.pair {
            None => 0,
            Some(pair) => 1 + self.pairs.binary_search(&pair).ok()?,
        };
        let source = BorderSource::ALL.iter().position(|&s| s == choice.source)?;
        self.sets.get(source * (self.pairs.len() + 1) + pair)
    }
}

/// A position as `{lon, lat}` on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LonLatJson {
    /// Longitude, degrees.
    pub lon: f64,
    /// Latitude, degrees.
    pub lat: f64,
}

impl From<LonLat> for LonLatJson {
    fn from(p: LonLat) -> Self {
        LonLatJson { lon: p.x, lat: p.y }
    }
}

/// The country a point lies in, from the country polygons (OpenStreetMap).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Side {
    /// ISO3 code, or `None` outside every country of the region.
    pub iso3: Option<Iso3>,
    /// Country name, or "outside the region".
    pub name: String,
    /// True in a territory of disputed sovereignty (Western Sahara).
    pub disputed: bool,
}

/// Distance from a point to one border line, exact on WGS84 (edges are geodesics).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BorderDistance {
    /// Geodesic distance to the nearest point of the line, metres.
    pub distance_m: f64,
    /// That nearest point.
    pub nearest: LonLatJson,
    /// The pair, e.g. `DZA-MLI`.
    pub border: BorderPair,
    /// Whose line.
    pub source: BorderSource,
    /// Index of the segment (its first vertex) within the line part.
    pub segment: u32,
    /// The side of this source's line the point is on (ISO3 of that country).
    pub side_of_line: Iso3,
    /// Distance signed positive on the side of the pair's first country (e.g. Algeria for `DZA-MLI`).
    pub signed_distance_m: f64,
}

/// The full answer for a point.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PointReport {
    /// The point.
    pub point: LonLatJson,
    /// The country containing it (OpenStreetMap polygons).
    pub side: Side,
    /// The nearest border (of the chosen pair and source).
    #[serde(flatten)]
    pub border: BorderDistance,
}

/// The answer for an incident, with its location uncertainty.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IncidentReport {
    /// The point answer for its recorded position.
    #[serde(flatten)]
    pub at_point: PointReport,
    /// Radius of the area the incident may have happened in, from its `geo_precision`.
    pub uncertainty_radius_m: f64,
    /// Smallest distance to the line over that area (exact: 0 when the area reaches the line).
    pub distance_min_m: f64,
    /// Largest distance over that area (an upper bound: `distance_m + radius`).
    pub distance_max_m: f64,
    /// False when the area straddles the line, so the side is undetermined.
    pub side_certain: bool,
    /// First day the incident may have happened on (from its date interval or `time_precision`).
    pub date_start: chrono::NaiveDate,
    /// Last day it may have happened on.
    pub date_end: chrono::NaiveDate,
}

/// Why a border query could not be answered.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DistanceError {
    /// Latitude or longitude out of range, or not finite.
    #[error("{0}")]
    BadPoint(String),
    /// A corridor width that is negative or not a number.
    #[error("distance {0} km must be a finite number, zero or more")]
    BadDistance(f64),
    /// No border of that pair (and source) in the data.
    #[error("no border {pair} from source {line_source} in the data")]
    UnknownBorder {
        /// The pair asked for.
        pair: String,
        /// The source asked for.
        line_source: BorderSource,
    },
}

/// Checks a position given by a user.
pub fn check_point(lon: f64, lat: f64) -> Result<LonLat, DistanceError> {
    if !lon.is_finite() || !lat.is_finite() {
        return Err(DistanceError::BadPoint("longitude and latitude must be finite numbers".into()));
    }
    if !(-90.0..=90.0).contains(&lat) {
        return Err(DistanceError::BadPoint(format!("latitude {lat} is outside -90..90")));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(DistanceError::BadPoint(format!("longitude {lon} is outside -180..180")));
    }
    Ok(LonLat { x: lon, y: lat })
}

impl Base {
    /// The country containing `p`.
    pub fn side(&self, p: LonLat) -> Side {
        match self.country_at(p) {
            Some(c) => Side { iso3: Some(c.iso3), name: c.name.clone(), disputed: c.disputed },
            None => Side { iso3: None, name: "outside the region".into(), disputed: false },
        }
    }

    /// Distance from `p` (lon, lat) to the chosen border line, exact on WGS84, in metres, with the nearest
    /// border point and the side of the line.
    ///
    /// ```
    /// use borderline::Store;
    /// use borderline::store::BorderChoice;
    /// let store = Store::embedded().unwrap();
    /// let kidal = store.place("kidal").unwrap().position;
    /// let choice = BorderChoice { pair: Some("DZA-MLI".parse().unwrap()), ..Default::default() };
    /// let d = store.distance_to_border(kidal, choice).unwrap();
    /// assert!((d.distance_m - 196_000.0).abs() < 5_000.0, "{}", d.distance_m);
    /// assert_eq!(d.side_of_line.as_str(), "MLI");
    /// ```
    pub fn distance_to_border(&self, p: LonLat, choice: BorderChoice) -> Result<BorderDistance, DistanceError> {
        let hit = self
            .border_parts
            .get(choice)
            .and_then(|parts| self.segment_index.nearest_in(p, parts))
            .ok_or_else(|| choice.unknown())?;
        let border = &self.borders[hit.segment.border as usize];
        let left = hit.left;
        let d = hit.foot.distance_m;
        Ok(BorderDistance {
            distance_m: d,
            nearest: hit.foot.point.into(),
            border: border.pair,
            source: border.source,
            segment: hit.segment.seg,
            side_of_line: if left { border.pair.left } else { border.pair.right },
            signed_distance_m: if left { d } else { -d },
        })
    }

    /// The full answer for a point.
    pub fn report_point(&self, p: LonLat, choice: BorderChoice) -> Result<PointReport, DistanceError> {
        Ok(PointReport { point: p.into(), side: self.side(p), border: self.distance_to_border(p, choice)? })
    }

    /// The answer for an incident, with the range its location uncertainty allows.
    pub fn report_incident(&self, incident: &Incident, choice: BorderChoice) -> Result<IncidentReport, DistanceError> {
        let at_point = self.report_point(incident.position, choice)?;
        let r = uncertainty_radius_m(incident.geo_precision);
        let d = at_point.border.distance_m;
        Ok(IncidentReport {
            uncertainty_radius_m: r,
            distance_min_m: (d - r).max(0.0),
            distance_max_m: d + r,
            side_certain: d > r,
            date_start: incident.dates.start,
            date_end: incident.dates.end,
            at_point,
        })
    }
}
