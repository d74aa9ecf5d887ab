use chrono::NaiveDate;
use serde::Serialize;

/// Parses an ISO 8601 calendar date `YYYY-MM-DD`.
pub fn parse_iso_date(s: &str) -> Result<NaiveDate, String> {
    let ok_shape = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
    if !ok_shape {
        return Err(format!("{s:?} is not an ISO 8601 date (YYYY-MM-DD)"));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| format!("{s:?} is not a valid calendar date (YYYY-MM-DD)"))
}

/// A closed interval of calendar days, `start <= end`: when an event happened, as precisely as it is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DateInterval {
    /// First possible day.
    pub start: NaiveDate,
    /// Last possible day (inclusive).
    pub end: NaiveDate,
}

impl DateInterval {
    /// Whether this interval shares at least one day with `[from, to]` (either bound open when `None`).
    pub fn overlaps(&self, from: Option<NaiveDate>, to: Option<NaiveDate>) -> bool {
        from.is_none_or(|f| self.end >= f) && to.is_none_or(|t| self.start <= t)
    }
}
