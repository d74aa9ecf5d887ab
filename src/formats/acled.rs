//! ACLED and UCDP GED CSV downloads read into incidents, their precision codes mapped onto borderline's. This
//! reads each row's cells; the rules an incident must obey across its fields (dates in order, fatality ranges,
//! references) are the loader's, applied by the import to every row (`store::rules`).
//!
//! * **ACLED** (codebook columns `event_id_cnty, event_date, year, time_precision, disorder_type, event_type,
//!   sub_event_type, actor1, assoc_actor_1, inter1, actor2, …, iso, region, country, admin1–3, location, latitude,
//!   longitude, geo_precision, source, source_scale, notes, fatalities, tags, timestamp`). `iso` is ISO 3166
//!   numeric. borderline's own export adds `iso3`, `date_start`, `date_end`, `fatalities_low`/`_high`,
//!   `place_id`, `sources`, `variants` and `background`, which are read back when present (the round trip).
//! * **UCDP GED** (`id, date_start, date_end, date_prec, where_prec, type_of_violence, side_a, side_b, best, low,
//!   high, latitude, longitude, country, adm_1, where_coordinates, source_office, …`):
//!   * `date_prec` 1 → day (1); 2–3 (within a week) → week (2); 4–5 (month or longer) → month (3), with the
//!     file's own interval kept;
//!   * `where_prec` 1 → 1; 2 (within 25 km) → 2; 3–5 (admin area, a line, between places) → 3; 6–7 (only the
//!     country, or international waters) are refused: such a point says nothing about a border;
//!   * `type_of_violence` 1–2 (state-based, non-state) → Battles; 3 (one-sided) → Violence against civilians;
//!   * ids become `GED<id>`.

use std::io::Read;
use std::sync::Arc;

use super::rows::{Header, Interner, Row, RowProblem};
use crate::model::{Background, DateInterval, EventType, GeoPrecision, Incident, Iso3, LonLat, TimePrecision, Variant};

/// What reading a download found besides its incidents: the rows refused, and the row count.
#[derive(Debug, Default)]
pub struct ReadResult {
    /// Every problem, by line.
    pub problems: Vec<RowProblem>,
    /// Data rows read.
    pub rows: u64,
}

/// Which layout a CSV download has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// ACLED's codebook columns.
    Acled,
    /// UCDP GED columns.
    Ucdp,
}

const ACLED_REQUIRED: &[&str] = &[
    "event_id_cnty",
    "event_date",
    "time_precision",
    "event_type",
    "country",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
];

const UCDP_REQUIRED: &[&str] = &[
    "id",
    "date_start",
    "date_end",
    "date_prec",
    "where_prec",
    "type_of_violence",
    "latitude",
    "longitude",
    "country",
];

/// Reads a CSV download of `layout`, handing each good row's incident, with its line, to `each` as it is read.
/// `iso3_of_country` names the ISO3 of a country name (UCDP has no ISO codes); `progress` is told the bytes
/// read so far. Fails only when the file cannot be read or lacks required columns.
pub fn read(
    input: impl Read + Send,
    layout: Layout,
    iso3_of_country: &dyn Fn(&str) -> Option<Iso3>,
    progress: &mut dyn FnMut(u64),
    each: &mut dyn FnMut(u64, Incident),
) -> Result<ReadResult, RowProblem> {
    let mut csv = super::rows::reader(input);
    let header_problem = |message: String| RowProblem { line: 1, id: None, column: None, message };
    let header = Header::new(csv.headers().map_err(|e| header_problem(format!("cannot read the header: {e}")))?)
        .map_err(header_problem)?;
    let required = match layout {
        Layout::Acled => ACLED_REQUIRED,
        Layout::Ucdp => UCDP_REQUIRED,
    };
    let missing = header.missing(required);
    if !missing.is_empty() {
        return Err(header_problem(format!(
            "not an {} file: the header lacks {}",
            if layout == Layout::Acled { "ACLED" } else { "UCDP GED" },
            missing.join(", ")
        )));
    }
    let mut out = ReadResult::default();
    let mut interner = Interner::default();
    // One thread splits the file into records while this one checks them: a batch at a time, a few ahead.
    std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Result<csv::StringRecord, RowProblem>>>(4);
        s.spawn(move || {
            loop {
                let mut batch = Vec::with_capacity(4096);
                let mut end = false;
                while batch.len() < 4096 {
                    let line = csv.position().line();
                    let mut record = csv::StringRecord::new();
                    match csv.read_record(&mut record) {
                        Ok(false) => {
                            end = true;
                            break;
                        }
                        Ok(true) => batch.push(Ok(record)),
                        Err(e) => {
                            let message = format!("unreadable row: {e}");
                            batch.push(Err(RowProblem { line, id: None, column: None, message }));
                            // A broken quote ruins the rest of the file; stop rather than guess.
                            if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. } | csv::ErrorKind::UnequalLengths { .. })
                            {
                                end = true;
                                break;
                            }
                        }
                    }
                }
                if tx.send(batch).is_err() || end {
                    return;
                }
            }
        });
        for batch in rx {
            for record in batch {
                out.rows += 1;
                let record = match record {
                    Ok(r) => r,
                    Err(problem) => {
                        out.problems.push(problem);
                        continue;
                    }
                };
                let line = record.position().map_or(0, |p| p.line());
                if record.len() > header.len {
                    out.problems.push(RowProblem {
                        line,
                        id: None,
                        column: None,
                        message: format!(
                            "this row has {} fields and the header {}: is a comma missing its quotes?",
                            record.len(),
                            header.len
                        ),
                    });
                    continue;
                }
                let mut row = Row::new(&header, &record, line);
                let incident = match layout {
                    Layout::Acled => acled_row(&mut row, &mut interner),
                    Layout::Ucdp => ucdp_row(&mut row, &mut interner, iso3_of_country),
                };
                match incident {
                    Some(i) if row.problems.is_empty() => each(line, i),
                    _ => out.problems.append(&mut row.problems),
                }
                if out.rows.is_multiple_of(16_384) {
                    progress(record.position().map_or(0, |p| p.byte()));
                }
            }
        }
    });
    Ok(out)
}

fn code<T>(row: &mut Row<'_>, column: &str, make: fn(u8) -> Option<T>, valid: &str) -> Option<T> {
    let v = row.required(column)?;
    match v.parse::<u8>().ok().and_then(make) {
        Some(x) => Some(x),
        None => {
            row.problem(column, format!("{v:?} is not {valid}"));
            None
        }
    }
}

fn text(interner: &mut Interner, s: &str) -> Arc<str> {
    interner.get(s)
}

fn json_list<T: serde::de::DeserializeOwned>(row: &mut Row<'_>, column: &str) -> Vec<T> {
    let v = row.text(column);
    if v.is_empty() {
        return Vec::new();
    }
    match serde_json::from_str(v) {
        Ok(list) => list,
        Err(e) => {
            row.problem(column, format!("not a JSON array as borderline writes it: {e}"));
            Vec::new()
        }
    }
}

fn acled_row(row: &mut Row<'_>, interner: &mut Interner) -> Option<Incident> {
    let id = row.required("event_id_cnty");
    row.id = id.map(str::to_string);
    let event_date = row.date("event_date");
    let time_precision = code(row, "time_precision", TimePrecision::new, "1, 2 or 3 (day, week, month)");
    let event_type = match row.required("event_type").map(str::parse::<EventType>) {
        Some(Ok(t)) => Some(t),
        Some(Err(e)) => {
            row.problem("event_type", e);
            None
        }
        None => None,
    };
    let lat = row.number_in("latitude", -90.0, 90.0);
    let lon = row.number_in("longitude", -180.0, 180.0);
    let geo_precision = code(row, "geo_precision", GeoPrecision::new, "1, 2 or 3 (ACLED's geo_precision)");
    let country = row.required("country").map(|_| row.free_text("country"));
    let location = row.required("location").map(|_| row.free_text("location"));
    let fatalities = row.count("fatalities");
    let fatalities_low = row.count("fatalities_low");
    let fatalities_high = row.count("fatalities_high");
    let timestamp = row.optional::<i64>("timestamp", "a Unix time (whole seconds)");
    let iso3 = match row.text("iso3") {
        "" => row.optional::<u16>("iso", "an ISO 3166 numeric code").and_then(Iso3::from_numeric),
        s => match s.parse::<Iso3>() {
            Ok(c) => Some(c),
            Err(e) => {
                row.problem("iso3", e);
                None
            }
        },
    };
    let sources: Vec<Arc<str>> =
        row.text("sources").split(';').map(str::trim).filter(|s| !s.is_empty()).map(|s| interner.get(s)).collect();
    let source = row.free_text("source");
    if sources.is_empty() && source.is_empty() {
        row.problem("source", "missing; an incident must cite its source");
    }
    let variants: Vec<Variant> = json_list(row, "variants");
    let background: Vec<Background> = json_list(row, "background");
    let (event_date, time_precision) = (event_date?, time_precision?);
    let dates = match (row.text("date_start"), row.text("date_end")) {
        ("", "") => time_precision.implied_interval(event_date),
        _ => DateInterval { start: row.date("date_start")?, end: row.date("date_end")? },
    };
    let admin1 = row.free_text("admin1");
    let place_id = row.text("place_id");
    Some(Incident {
        event_id: id?.into(),
        position: LonLat { x: lon?, y: lat? },
        event_date,
        dates,
        time_precision,
        event_type: event_type?,
        sub_event_type: text(interner, row.free_text("sub_event_type")),
        actor1: text(interner, row.free_text("actor1")),
        actor2: text(interner, row.free_text("actor2")),
        fatalities,
        fatalities_low,
        fatalities_high,
        location: text(interner, location?),
        place_id: (!place_id.is_empty()).then(|| interner.get(place_id)),
        country: text(interner, country?),
        iso3,
        admin1: (!admin1.is_empty()).then(|| interner.get(admin1)),
        geo_precision: geo_precision?,
        notes: row.free_text("notes").into(),
        sources,
        source: (!source.is_empty()).then(|| interner.get(source)),
        variants,
        background,
        timestamp,
        revision: Default::default(),
    })
}

fn ucdp_row(
    row: &mut Row<'_>,
    interner: &mut Interner,
    iso3_of_country: &dyn Fn(&str) -> Option<Iso3>,
) -> Option<Incident> {
    let id = row.required("id");
    row.id = id.map(|i| format!("GED{i}"));
    let start = row.date("date_start");
    let end = row.date("date_end");
    let time_precision = match row.required("date_prec").map(str::parse::<u8>) {
        Some(Ok(1)) => TimePrecision::new(1),
        Some(Ok(2 | 3)) => TimePrecision::new(2),
        Some(Ok(4 | 5)) => TimePrecision::new(3),
        Some(_) => {
            row.problem("date_prec", "expected 1 to 5 (UCDP's date precision)");
            None
        }
        None => None,
    };
    let geo_precision = match row.required("where_prec").map(str::parse::<u8>) {
        Some(Ok(1)) => GeoPrecision::new(1),
        Some(Ok(2)) => GeoPrecision::new(2),
        Some(Ok(3..=5)) => GeoPrecision::new(3),
        Some(Ok(p @ (6 | 7))) => {
            row.problem(
                "where_prec",
                format!("{p}: only the country (or international waters) is known, so the point cannot be placed relative to a border"),
            );
            None
        }
        Some(_) => {
            row.problem("where_prec", "expected 1 to 7 (UCDP's location precision)");
            None
        }
        None => None,
    };
    let (event_type, kind) = match row.required("type_of_violence").map(str::parse::<u8>) {
        Some(Ok(1)) => (Some(EventType::Battles), "State-based armed conflict (UCDP)"),
        Some(Ok(2)) => (Some(EventType::Battles), "Non-state conflict (UCDP)"),
        Some(Ok(3)) => (Some(EventType::ViolenceAgainstCivilians), "One-sided violence (UCDP)"),
        Some(_) => {
            row.problem("type_of_violence", "expected 1 (state-based), 2 (non-state) or 3 (one-sided)");
            (None, "")
        }
        None => (None, ""),
    };
    let lat = row.number_in("latitude", -90.0, 90.0);
    let lon = row.number_in("longitude", -180.0, 180.0);
    let best = row.count("best");
    let low = row.count("low");
    let high = row.count("high");
    let country = row.required("country");
    let (start, end) = (start?, end?);
    let location = [row.text("where_coordinates"), row.text("where_description")]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or("");
    let source = [row.text("source_office"), row.text("source_article")].into_iter().find(|s| !s.is_empty());
    if source.is_none() {
        row.problem("source_office", "missing; an incident must cite its source (source_office or source_article)");
    }
    let admin1 = row.text("adm_1");
    let notes: Vec<&str> =
        [row.text("dyad_name"), row.text("where_description")].into_iter().filter(|s| !s.is_empty()).collect();
    let country = country?;
    Some(Incident {
        event_id: format!("GED{}", id?).into(),
        position: LonLat { x: lon?, y: lat? },
        event_date: start,
        dates: DateInterval { start, end },
        time_precision: time_precision?,
        event_type: event_type?,
        sub_event_type: interner.get(kind),
        actor1: interner.get(row.text("side_a")),
        actor2: interner.get(row.text("side_b")),
        fatalities: best,
        fatalities_low: low,
        fatalities_high: high,
        location: interner.get(location),
        place_id: None,
        country: interner.get(country),
        iso3: iso3_of_country(country),
        admin1: (!admin1.is_empty()).then(|| interner.get(admin1)),
        geo_precision: geo_precision?,
        notes: notes.join("; ").into(),
        sources: Vec::new(),
        source: source.map(|s| interner.get(s)),
        variants: Vec::new(),
        background: Vec::new(),
        timestamp: None,
        revision: Default::default(),
    })
}

/// Guesses the layout from a header line: ACLED has `event_id_cnty`; UCDP GED has `where_prec` and `date_prec`.
pub fn sniff(header_line: &str) -> Option<Layout> {
    let names: Vec<String> = header_line.split(',').map(|s| s.trim().trim_matches('"').to_ascii_lowercase()).collect();
    let has = |n: &str| names.iter().any(|c| c == n);
    if has("event_id_cnty") {
        Some(Layout::Acled)
    } else if has("where_prec") && has("date_prec") {
        Some(Layout::Ucdp)
    } else {
        None
    }
}
