use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{BorderPair, DateInterval, Iso3, LonLat, Revision};

/// ACLED's six event types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EventType {
    /// Armed clashes, territory changing hands.
    #[serde(rename = "Battles")]
    Battles,
    /// Air/drone strikes, IEDs, shelling, suicide bombs.
    #[serde(rename = "Explosions/Remote violence")]
    ExplosionsRemoteViolence,
    /// Attacks on, abductions of, and sexual violence against civilians.
    #[serde(rename = "Violence against civilians")]
    ViolenceAgainstCivilians,
    /// Demonstrations with violence or intervention.
    #[serde(rename = "Riots")]
    Riots,
    /// Peaceful demonstrations.
    #[serde(rename = "Protests")]
    Protests,
    /// Agreements, bases, arrests, property destruction and other non-violent but significant events.
    #[serde(rename = "Strategic developments")]
    StrategicDevelopments,
}

impl EventType {
    /// All six, in ACLED's order.
    pub const ALL: [EventType; 6] = [
        EventType::Battles,
        EventType::ExplosionsRemoteViolence,
        EventType::ViolenceAgainstCivilians,
        EventType::Riots,
        EventType::Protests,
        EventType::StrategicDevelopments,
    ];

    /// ACLED's spelling, e.g. `Explosions/Remote violence`.
    pub fn as_str(&self) -> &'static str {
        match self {
            EventType::Battles => "Battles",
            EventType::ExplosionsRemoteViolence => "Explosions/Remote violence",
            EventType::ViolenceAgainstCivilians => "Violence against civilians",
            EventType::Riots => "Riots",
            EventType::Protests => "Protests",
            EventType::StrategicDevelopments => "Strategic developments",
        }
    }
}

impl FromStr for EventType {
    type Err = String;

    /// ACLED's spelling, compared without regard to case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EventType::ALL.into_iter().find(|t| t.as_str().eq_ignore_ascii_case(s.trim())).ok_or_else(|| {
            let valid: Vec<&str> = EventType::ALL.iter().map(EventType::as_str).collect();
            format!("{s:?} is not an ACLED event type; valid: {}", valid.join(", "))
        })
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// ACLED `time_precision`: 1 the day is known, 2 the week, 3 the month.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct TimePrecision(u8);

impl TimePrecision {
    /// Accepts 1, 2 or 3.
    pub fn new(code: u8) -> Option<TimePrecision> {
        (1..=3).contains(&code).then_some(TimePrecision(code))
    }

    /// The ACLED code (1–3).
    pub fn code(&self) -> u8 {
        self.0
    }

    /// The interval a date of this precision stands for, when the data gives none explicitly:
    /// the day itself (1), the day ±3 days (2, ACLED: "within a week"), or its calendar month (3).
    pub fn implied_interval(&self, date: NaiveDate) -> DateInterval {
        use chrono::{Datelike, Duration};
        match self.0 {
            1 => DateInterval { start: date, end: date },
            2 => DateInterval { start: date - Duration::days(3), end: date + Duration::days(3) },
            _ => {
                let start = date.with_day(1).unwrap_or(date);
                let next = if start.month() == 12 {
                    NaiveDate::from_ymd_opt(start.year() + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(start.year(), start.month() + 1, 1)
                };
                let end = next.and_then(|n| n.pred_opt()).unwrap_or(date);
                DateInterval { start, end }
            }
        }
    }
}

/// ACLED `geo_precision`: 1 the exact place is known, 2 near a named place, 3 only the region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct GeoPrecision(u8);

impl GeoPrecision {
    /// Accepts 1, 2 or 3.
    pub fn new(code: u8) -> Option<GeoPrecision> {
        (1..=3).contains(&code).then_some(GeoPrecision(code))
    }

    /// The ACLED code (1–3).
    pub fn code(&self) -> u8 {
        self.0
    }
}

/// Another version of a fact, kept with the source that gives it (documents disagree on dates, tolls, spellings).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    /// Which fact: `date`, `fatalities`, `location`, `victims`, …
    pub field: String,
    /// The version, in our words.
    pub value: String,
    /// The source document id that gives it, or `background` when it comes from a cited outside source.
    pub source: String,
}

/// Fields filled from a cited source outside the register (a background fact), flagged as such.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Background {
    /// The properties that come from the citation.
    pub fields: Vec<String>,
    /// The public reference.
    pub citation: String,
}

/// One event: ACLED's field names where one fits, plus a date interval, sources and variants.
#[derive(Clone, Debug, PartialEq)]
pub struct Incident {
    /// Unique id, ACLED style (`MLI0001`).
    pub event_id: Box<str>,
    /// Where it happened (lon, lat), as precisely as `geo_precision` says.
    pub position: LonLat,
    /// The reported date.
    pub event_date: NaiveDate,
    /// Every day it may have happened on.
    pub dates: DateInterval,
    /// How precise `event_date` is.
    pub time_precision: TimePrecision,
    /// ACLED event type.
    pub event_type: EventType,
    /// ACLED sub-event type.
    pub sub_event_type: Arc<str>,
    /// First actor.
    pub actor1: Arc<str>,
    /// Second actor; empty when none.
    pub actor2: Arc<str>,
    /// Best estimate of deaths; `None` when no source gives one.
    pub fatalities: Option<u32>,
    /// Lower bound when a range is reported.
    pub fatalities_low: Option<u32>,
    /// Upper bound when a range is reported.
    pub fatalities_high: Option<u32>,
    /// Place name as reported.
    pub location: Arc<str>,
    /// Gazetteer id of the place, when it is one of ours.
    pub place_id: Option<Arc<str>>,
    /// Country name (ACLED's `country`).
    pub country: Arc<str>,
    /// ISO3 of `country`, when known.
    pub iso3: Option<Iso3>,
    /// First-level administrative unit, when given (ACLED's `admin1`).
    pub admin1: Option<Arc<str>>,
    /// How precise `position` is.
    pub geo_precision: GeoPrecision,
    /// What happened, in our own words.
    pub notes: Box<str>,
    /// Ids of the source documents in the register.
    pub sources: Vec<Arc<str>>,
    /// Free-text outlet names (ACLED's `source`), for imported data.
    pub source: Option<Arc<str>>,
    /// Disagreeing versions of facts, each with its source.
    pub variants: Vec<Variant>,
    /// Fields that come from a cited outside source.
    pub background: Vec<Background>,
    /// ACLED's upload `timestamp`, when imported.
    pub timestamp: Option<i64>,
    /// Review status, version and last change.
    pub revision: Revision,
}

impl Incident {
    /// The ids of [`Incident::sources`] as one `;`-separated string, as every file format writes them.
    pub fn sources_text(&self) -> String {
        self.sources.iter().map(|s| &**s).collect::<Vec<_>>().join(";")
    }

    /// Whether `self` and `other` say the same about the event, whatever their revisions.
    pub fn same_content(&self, other: &Incident) -> bool {
        if self.revision == other.revision {
            self == other
        } else {
            Incident { revision: other.revision.clone(), ..self.clone() } == *other
        }
    }

    /// The reported toll: the figure, or the low end of a range (what counts and sums use).
    pub fn fatalities_reported(&self) -> Option<u32> {
        self.fatalities.or(self.fatalities_low)
    }
}

/// What is known of an incident's position once measured: its nearest border (OpenStreetMap lines, any
/// pair) and the country it lies in.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct IncidentFacts {
    /// Exact WGS84 distance to the nearest border, metres.
    pub border_distance_m: f64,
    /// That border.
    pub border: BorderPair,
    /// The side of that border's line the incident is on.
    pub side_of_line: Iso3,
    /// The country whose polygon holds the incident, if any.
    pub country: Option<Iso3>,
}
