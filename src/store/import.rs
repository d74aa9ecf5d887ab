//! Importing incidents from ACLED or UCDP GED CSV downloads, or from GeoJSON (borderline's own or its exports):
//! every row checked, bad rows reported with line and column and left out (or the whole import refused), the
//! rest merged by event id so that importing the same file twice changes nothing.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::parse::IncidentContext;
use super::{Issue, LoadError, Store};
use crate::formats::acled::{self, Layout};
use crate::formats::rows::RowProblem;
use crate::model::Incident;

/// The layouts `borderline import` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportFormat {
    /// An ACLED CSV download (or borderline's CSV export).
    Acled,
    /// A UCDP GED CSV download.
    Ucdp,
    /// GeoJSON incidents, as borderline stores and exports them.
    Geojson,
    /// A GeoPackage borderline exported (its `incidents` table), edited in QGIS or not.
    Gpkg,
}

impl std::str::FromStr for ImportFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "acled" => Ok(ImportFormat::Acled),
            "ucdp" | "ged" => Ok(ImportFormat::Ucdp),
            "geojson" | "json" => Ok(ImportFormat::Geojson),
            "gpkg" | "geopackage" => Ok(ImportFormat::Gpkg),
            other => Err(format!("{other:?} is not an import format; valid: acled, ucdp, geojson, gpkg")),
        }
    }
}

impl std::fmt::Display for ImportFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ImportFormat::Acled => "acled",
            ImportFormat::Ucdp => "ucdp",
            ImportFormat::Geojson => "geojson",
            ImportFormat::Gpkg => "gpkg",
        })
    }
}

/// What an import found and what it would change.
#[derive(Debug, Default)]
pub struct ImportReport {
    /// The layout read.
    pub format: Option<ImportFormat>,
    /// Data rows (features) in the file.
    pub rows: u64,
    /// Incidents new to the data.
    pub added: usize,
    /// Incidents already there with other values, replaced by the file's.
    pub updated: usize,
    /// Incidents already there, identical.
    pub unchanged: usize,
    /// Rows left out, each problem with where it is (several problems may share a row).
    pub problems: Vec<Issue>,
    /// Rows left out.
    pub refused_rows: usize,
}

impl ImportReport {
    /// Whether applying the import would change the data.
    pub fn changes(&self) -> bool {
        self.added + self.updated > 0
    }
}

fn row_issue(file: &str, p: RowProblem) -> Issue {
    Issue { file: file.to_string(), line: Some(p.line as usize), feature: p.id, field: p.column, message: p.message }
}

/// The layout of `path`, from its extension and, for CSV, its header.
pub fn detect_format(path: &Path) -> Result<ImportFormat, String> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if ext == "geojson" || ext == "json" {
        return Ok(ImportFormat::Geojson);
    }
    if ext == "gpkg" {
        return Ok(ImportFormat::Gpkg);
    }
    let file = std::fs::File::open(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut first = String::new();
    // The header, at most 64 KB of it: a file without line breaks is not read whole.
    BufReader::new(file.take(64 * 1024))
        .read_line(&mut first)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    match acled::sniff(first.trim_start_matches('\u{feff}')) {
        Some(Layout::Acled) => Ok(ImportFormat::Acled),
        Some(Layout::Ucdp) => Ok(ImportFormat::Ucdp),
        None => Err(format!(
            "cannot tell the layout of {}: its header has neither ACLED's event_id_cnty nor UCDP's where_prec and \
             date_prec; give --format",
            path.display()
        )),
    }
}

impl Store {
    /// Reads `path` as `format` and works out the merge with the current incidents, without writing anything.
    /// Returns the incidents that are new or differ from the current ones (as the file gives them, revision
    /// fields included), and the report. A row whose `version` is given and is not the current one is refused
    /// as a conflict: the incident was changed since the file was written. `progress` is told bytes read.
    pub fn plan_import(
        &self,
        path: &Path,
        format: ImportFormat,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(Vec<Incident>, ImportReport), LoadError> {
        let label = path.display().to_string();
        let io_error = |e: std::io::Error| LoadError::Io { path: path.to_path_buf(), source: e };
        let mut report = ImportReport { format: Some(format), ..Default::default() };
        let place_ids: HashSet<&str> = self.places.iter().map(|p| p.id.as_str()).collect();
        let source_ids: HashSet<&str> = self.register.documents.iter().map(|d| d.id.as_str()).collect();
        let ctx = IncidentContext { place_ids: &place_ids, source_ids: &source_ids };

        // What the merge finds, counted apart from what reading the file found.
        let mut merged = ImportReport::default();
        let mut seen: rustc_hash::FxHashSet<Box<str>> = Default::default();
        // Whether an incident of the file (with its line, for CSV, or the version the file says it was written
        // at) is a change to make; refused ones are reported.
        let mut merge = |line: Option<u64>, incident: Incident, written_at: Option<u32>| -> Option<Incident> {
            let mut refuse = |message: String, field: &str| {
                merged.problems.push(Issue {
                    file: label.clone(),
                    line: line.map(|l| l as usize),
                    feature: Some(incident.event_id.to_string()),
                    field: Some(field.to_string()),
                    message,
                });
                merged.refused_rows += 1;
            };
            if !seen.insert(incident.event_id.clone()) {
                refuse("this event id appears earlier in the file; the first row is kept".into(), "event_id");
                return None;
            }
            // CSV rows meet the loader's rules here (GeoJSON features met them in the loader itself): a row the
            // loader would refuse is a bad row, never a data directory that no longer loads.
            if line.is_some() {
                let problems = super::rules::incident_problems(&incident, &ctx);
                if let Some((field, message)) = problems.into_iter().next() {
                    refuse(message, field);
                    return None;
                }
            }
            match self.incident(&incident.event_id) {
                Some(current) if current.same_content(&incident) => merged.unchanged += 1,
                Some(current) if written_at.is_some_and(|v| v != current.revision.version) => {
                    let message = format!(
                        "changed since this file was written (version {} now, {} in the file): export it again and \
                         redo the change",
                        current.revision.version,
                        written_at.unwrap_or_default()
                    );
                    refuse(message, "version");
                }
                Some(_) => {
                    merged.updated += 1;
                    return Some(incident);
                }
                None => {
                    merged.added += 1;
                    return Some(incident);
                }
            }
            None
        };

        // Only the changes are kept, in the memory of what was read where the reader gives a list, as they are
        // read for CSV (a million incidents are never held twice, nor at all when they are unchanged).
        let changes: Vec<Incident> = match format {
            ImportFormat::Geojson => {
                let mut issues = Vec::new();
                let source = super::IncidentSource::File(PathBuf::from(path));
                let incidents = super::parse_incidents(&label, &source, &ctx, &mut issues)?;
                let bad_lines: HashSet<Option<usize>> = issues.iter().map(|i| i.line).collect();
                report.refused_rows = bad_lines.len();
                report.rows = (incidents.len() + bad_lines.len()) as u64;
                report.problems = issues;
                incidents
                    .into_iter()
                    .filter_map(|i| {
                        let v = Some(i.revision.version).filter(|&v| v != 1);
                        merge(None, Arc::unwrap_or_clone(i), v)
                    })
                    .collect()
            }
            ImportFormat::Gpkg => {
                let invalid = |message: String| {
                    LoadError::Invalid(vec![Issue {
                        file: label.clone(),
                        line: None,
                        feature: None,
                        field: None,
                        message,
                    }])
                };
                let rows = crate::formats::gpkg_read::read(path, "incidents").map_err(invalid)?;
                report.rows = rows.len() as u64;
                let mut read = Vec::with_capacity(rows.len());
                for mut row in rows {
                    let props = row.feature["properties"].as_object_mut().expect("rows are read as objects");
                    let version = props.get("version").and_then(|v| v.as_u64()).and_then(|v| u32::try_from(v).ok());
                    for key in super::DERIVED_FIELDS {
                        props.remove(*key);
                    }
                    match self.read_incident(&row.feature.to_string()) {
                        Ok(incident) => read.push((incident, version)),
                        Err(issues) => {
                            report.refused_rows += 1;
                            report.problems.extend(issues.into_iter().map(|i| Issue {
                                file: label.clone(),
                                message: format!("row fid {}: {}", row.fid, i.message),
                                line: None,
                                ..i
                            }));
                        }
                    }
                }
                read.into_iter().filter_map(|(i, v)| merge(None, i, v)).collect()
            }
            ImportFormat::Acled | ImportFormat::Ucdp => {
                let file = std::fs::File::open(path).map_err(io_error)?;
                let size = file.metadata().map_or(0, |m| m.len());
                let layout = if format == ImportFormat::Acled { Layout::Acled } else { Layout::Ucdp };
                let iso3_of = |name: &str| {
                    self.countries.iter().find(|c| c.name.eq_ignore_ascii_case(name.trim())).map(|c| c.iso3)
                };
                // Rows of these downloads run to 300–500 bytes: room for that many (memory is taken only as used).
                let mut changes = Vec::with_capacity((size / 350) as usize);
                let read = acled::read(file, layout, &iso3_of, progress, &mut |line, incident| {
                    changes.extend(merge(Some(line), incident, None));
                })
                .map_err(|p| LoadError::Invalid(vec![row_issue(&label, p)]))?;
                report.rows = read.rows;
                let bad_lines: HashSet<u64> = read.problems.iter().map(|p| p.line).collect();
                report.refused_rows = bad_lines.len();
                report.problems = read.problems.into_iter().map(|p| row_issue(&label, p)).collect();
                changes
            }
        };
        report.added = merged.added;
        report.updated = merged.updated;
        report.unchanged = merged.unchanged;
        report.refused_rows += merged.refused_rows;
        report.problems.append(&mut merged.problems);
        report.problems.sort_by_key(|i| i.line);
        Ok((changes, report))
    }
}

/// Writes `incidents` as `dir/incidents.geojson`, atomically (the directory is created when missing).
pub fn save_incidents<I: std::borrow::Borrow<Incident> + Sync>(dir: &Path, incidents: &[I]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    super::atomic_write(&dir.join(super::files::INCIDENTS), |w| {
        crate::formats::geojson::write_incident_list(w, incidents)
    })
}
