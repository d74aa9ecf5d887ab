use std::fmt;
use std::path::PathBuf;

/// One problem found in the data: what was wrong and exactly where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// File the problem is in (`geodata/incidents.geojson`, or `<embedded>/…`).
    pub file: String,
    /// 1-based line of the feature (or of the syntax error), when known.
    pub line: Option<usize>,
    /// Feature id, when known.
    pub feature: Option<String>,
    /// Property or member at fault (`event_date`, `geometry.coordinates`, …).
    pub field: Option<String>,
    /// What was wrong and what would be right.
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(id) = &self.feature {
            write!(f, ": feature {id}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Why a data directory could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The data has problems; every one found is listed.
    #[error("{} problem(s) in the data:\n{}", .0.len(), .0.iter().map(|i| format!("  {i}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<Issue>),
}
