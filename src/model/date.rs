use chrono::NaiveDate;
use serde::Serialize;

/// Parses an ISO 8601 calendar date `YYYY-MM-DD`.
pub fn parse_iso_date(s: &str) -> Result<NaiveDate, String> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(format!("{s:?} is not an ISO 8601 date (YYYY-MM-DD)"));
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0')))
    };
    match (digits(0..4), digits(5..7), digits(8..10)) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d)
            .ok_or_else(|| format!("{s:?} is not a valid calendar date (YYYY-MM-DD)")),
        _ => Err(format!("{s:?} is not an ISO 8601 date (YYYY-MM-DD)")),
    }
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
