//! Where an incident stands in its history: its review status, its version and who changed it last.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, Utc};

/// An incident's review status. Public reads see only [`Status::Published`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Recorded, not yet checked by a reviewer.
    Draft,
    /// Checked and shown to everyone (what incidents already in the data are).
    #[default]
    Published,
    /// Checked and refused by a reviewer; kept in the history.
    Rejected,
    /// Withdrawn; kept in the history.
    Retired,
}

impl Status {
    /// All four, in the order of a record's life.
    pub const ALL: [Status; 4] = [Status::Draft, Status::Published, Status::Rejected, Status::Retired];

    /// The lower-case name used in files and the API.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Rejected => "rejected",
            Status::Retired => "retired",
        }
    }
}

impl FromStr for Status {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("{s:?} is not a status; valid: draft, published, rejected, retired"))
    }
}

impl serde::Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Status {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An incident's status and version, and its last change's time and author (none for incidents that have
/// not been changed since they were loaded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revision {
    /// Review status.
    pub status: Status,
    /// Grows by one with every change; 1 for an incident as first recorded or loaded.
    pub version: u32,
    /// When the last change was acknowledged.
    pub updated_at: Option<DateTime<Utc>>,
    /// Who made it (a user name).
    pub updated_by: Option<Arc<str>>,
}

impl Default for Revision {
    fn default() -> Self {
        Revision { status: Status::Published, version: 1, updated_at: None, updated_by: None }
    }
}

/// `t` as RFC 3339 in UTC with milliseconds (`2026-12-02T01:02:03.456Z`), as files and the API write times.
pub fn format_time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Reads an RFC 3339 time (any offset), as UTC.
pub fn parse_time(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| format!("{s:?} is not an RFC 3339 time such as 2026-12-02T10:00:00Z: {e}"))
}

/// Now, to the millisecond.
pub fn now() -> DateTime<Utc> {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    DateTime::from_timestamp_millis(since.as_millis() as i64).unwrap_or_default()
}
