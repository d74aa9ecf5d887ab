//! Reading incident tables (ACLED and UCDP CSV downloads): columns found by name, each value checked, and every
//! problem kept with its line and column, so that a bad row is reported and skipped, never half-read.

use std::io::Read;
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;

/// One problem with one row (or with the header: row 1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowProblem {
    /// 1-based line of the file where the row starts.
    pub line: u64,
    /// The row's event id, when it has one.
    pub id: Option<String>,
    /// The column at fault.
    pub column: Option<String>,
    /// What was wrong and what would be right.
    pub message: String,
}

/// Shares one allocation among equal strings (actors, countries and types repeat across a million rows).
#[derive(Default)]
pub struct Interner(rustc_hash::FxHashMap<Box<str>, Arc<str>>);

impl Interner {
    /// The shared copy of `s`.
    pub fn get(&mut self, s: &str) -> Arc<str> {
        if let Some(a) = self.0.get(s) {
            return a.clone();
        }
        let a: Arc<str> = Arc::from(s);
        self.0.insert(s.into(), a.clone());
        a
    }
}

/// A CSV file's header: where each named column is.
pub struct Header {
    columns: rustc_hash::FxHashMap<String, usize>,
    /// How many columns it has.
    pub len: usize,
}

impl Header {
    /// Reads the header of `reader`; names compared without case or surrounding spaces. A name that appears
    /// twice is refused: which of the two columns holds the value would be a guess.
    pub fn new(record: &csv::StringRecord) -> Result<Header, String> {
        let mut columns = rustc_hash::FxHashMap::default();
        for (i, name) in record.iter().enumerate() {
            let key = name.trim().trim_start_matches('\u{feff}').to_ascii_lowercase();
            if key.is_empty() {
                continue;
            }
            if let Some(first) = columns.insert(key, i) {
                return Err(format!("column {name:?} appears twice (columns {} and {})", first + 1, i + 1));
            }
        }
        Ok(Header { columns, len: record.len() })
    }

    /// Whether the header has column `name`.
    pub fn has(&self, name: &str) -> bool {
        self.columns.contains_key(name)
    }

    /// The columns of `required` that the header lacks.
    pub fn missing<'n>(&self, required: &[&'n str]) -> Vec<&'n str> {
        required.iter().copied().filter(|c| !self.has(c)).collect()
    }
}

/// One row being read: values by column name, problems collected.
pub struct Row<'r> {
    header: &'r Header,
    record: &'r csv::StringRecord,
    /// Line of the row.
    pub line: u64,
    /// Event id, once known.
    pub id: Option<String>,
    /// Problems found so far.
    pub problems: Vec<RowProblem>,
}

impl<'r> Row<'r> {
    /// The row `record` (starting on `line`) under `header`.
    pub fn new(header: &'r Header, record: &'r csv::StringRecord, line: u64) -> Row<'r> {
        Row { header, record, line, id: None, problems: Vec::new() }
    }

    /// Records a problem with `column`.
    pub fn problem(&mut self, column: &str, message: impl Into<String>) {
        self.problems.push(RowProblem {
            line: self.line,
            id: self.id.clone(),
            column: Some(column.to_string()),
            message: message.into(),
        });
    }

    /// The trimmed text of `column`; empty when the column is absent or blank. The `'` that borderline's CSV
    /// export puts before a cell a spreadsheet would run as a formula is taken off.
    pub fn text(&self, column: &str) -> &'r str {
        self.header
            .columns
            .get(column)
            .and_then(|&i| self.record.get(i))
            .map_or("", |cell| super::csv::undo_formula_safe(cell.trim()))
    }

    /// The text of `column` as written (not trimmed: notes and names keep their spaces, so an export reads back
    /// unchanged), with the export's formula mark taken off; empty when the column is absent or blank.
    pub fn free_text(&self, column: &str) -> &'r str {
        let cell = self.header.columns.get(column).and_then(|&i| self.record.get(i)).unwrap_or("");
        if cell.trim().is_empty() { "" } else { super::csv::undo_formula_safe(cell) }
    }

    /// The text of `column`, which must not be empty.
    pub fn required(&mut self, column: &str) -> Option<&'r str> {
        let v = self.text(column);
        if v.is_empty() {
            self.problem(column, "missing; this column must have a value");
            None
        } else {
            Some(v)
        }
    }

    /// The value of `column` parsed as `T`; `None` (no problem) when empty.
    pub fn optional<T: FromStr>(&mut self, column: &str, what: &str) -> Option<T> {
        let v = self.text(column);
        if v.is_empty() {
            return None;
        }
        match v.parse::<T>() {
            Ok(x) => Some(x),
            Err(_) => {
                self.problem(column, format!("{v:?} is not {what}"));
                None
            }
        }
    }

    /// A number in `lo..=hi` (latitude, longitude).
    pub fn number_in(&mut self, column: &str, lo: f64, hi: f64) -> Option<f64> {
        let v = self.required(column)?;
        match v.parse::<f64>() {
            Ok(x) if x.is_finite() && (lo..=hi).contains(&x) => Some(x),
            Ok(x) => {
                self.problem(column, format!("{x} is out of range; expected {lo} to {hi}"));
                None
            }
            Err(_) => {
                self.problem(column, format!("{v:?} is not a number"));
                None
            }
        }
    }

    /// A count of deaths: a whole number, 0 or more; `None` when empty.
    pub fn count(&mut self, column: &str) -> Option<u32> {
        self.optional::<u32>(column, "a whole number, 0 or more")
    }

    /// A date: ISO `2024-07-27` (optionally followed by a time, as UCDP writes it) or ACLED's older
    /// `27 July 2024` / `27-July-2024`.
    pub fn date(&mut self, column: &str) -> Option<NaiveDate> {
        let v = self.required(column)?;
        match parse_date(v) {
            Some(d) => Some(d),
            None => {
                self.problem(column, format!("{v:?} is not a date; expected YYYY-MM-DD (or 27 July 2024)"));
                None
            }
        }
    }
}

/// A date in the forms ACLED and UCDP downloads use.
pub fn parse_date(v: &str) -> Option<NaiveDate> {
    let head = v.get(..10).unwrap_or(v);
    NaiveDate::parse_from_str(head, "%Y-%m-%d")
        .ok()
        .filter(|_| v.len() == 10 || v.as_bytes().get(10).is_some_and(|b| *b == b' ' || *b == b'T'))
        .or_else(|| NaiveDate::parse_from_str(v, "%d %B %Y").ok())
        .or_else(|| NaiveDate::parse_from_str(v, "%d-%B-%Y").ok())
        .or_else(|| NaiveDate::parse_from_str(v, "%d %b %Y").ok())
}

/// The longest record a CSV file may have, bytes: ACLED's rows run to a few hundred bytes, its longest notes to
/// a few thousand; a longer record means the file is not CSV, has lost its line breaks, or has an unclosed quote.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// A CSV reader over `input` with the settings both downloads need (a header, ragged rows reported, not fatal),
/// refusing any record over [`MAX_RECORD_BYTES`] rather than reading it whole.
pub fn reader<R: Read>(input: R) -> csv::Reader<BoundedRecords<R>> {
    csv::ReaderBuilder::new().has_headers(true).flexible(true).buffer_capacity(1 << 20).from_reader(BoundedRecords {
        inner: input,
        line: 1,
        record_line: 1,
        in_quotes: false,
        in_record: 0,
    })
}

/// Reads `inner`, failing once a record (its lines, quoted line breaks included) grows past
/// [`MAX_RECORD_BYTES`]. Quotes are followed as CSV has them: `""` inside a quoted field toggles twice.
pub struct BoundedRecords<R> {
    inner: R,
    line: u64,
    record_line: u64,
    in_quotes: bool,
    in_record: usize,
}

impl<R: Read> Read for BoundedRecords<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            match b {
                b'"' => self.in_quotes = !self.in_quotes,
                b'\n' => {
                    self.line += 1;
                    if !self.in_quotes {
                        self.in_record = 0;
                        self.record_line = self.line;
                        continue;
                    }
                }
                _ => {}
            }
            self.in_record += 1;
            if self.in_record > MAX_RECORD_BYTES {
                let why = if self.in_quotes { "a quote that is never closed?" } else { "is it CSV, with line breaks?" };
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "the record from line {} is longer than {} MiB ({why})",
                        self.record_line,
                        MAX_RECORD_BYTES >> 20
                    ),
                ));
            }
        }
        Ok(n)
    }
}
