//! File formats borderline reads and writes, one module per format. Every writer takes [`layer::Layer`]s.

use std::io::{self, Write};
use std::path::Path;

pub mod acled;
pub mod csv;
pub mod fgb;
pub mod geojson;
pub mod gpkg;
pub mod gpkg_read;
pub mod kml;
pub mod layer;
pub mod qml;
pub mod rows;

use layer::Layer;

/// The formats layers can be exported to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// GeoPackage: every layer in one file, styled for QGIS.
    Gpkg,
    /// GeoJSON (RFC 7946), one layer.
    Geojson,
    /// CSV with a WKT column, one layer.
    Csv,
    /// KML, a folder per layer.
    Kml,
    /// FlatGeobuf with its spatial index, one layer.
    Fgb,
}

impl ExportFormat {
    /// Every format, in the order help texts list them.
    pub const ALL: [ExportFormat; 5] =
        [ExportFormat::Gpkg, ExportFormat::Geojson, ExportFormat::Csv, ExportFormat::Kml, ExportFormat::Fgb];

    /// The name used on the command line and in URLs (`gpkg`, `geojson`, `csv`, `kml`, `fgb`).
    pub fn as_str(&self) -> &'static str {
        match self {
            ExportFormat::Gpkg => "gpkg",
            ExportFormat::Geojson => "geojson",
            ExportFormat::Csv => "csv",
            ExportFormat::Kml => "kml",
            ExportFormat::Fgb => "fgb",
        }
    }

    /// The usual file extension.
    pub fn extension(&self) -> &'static str {
        self.as_str()
    }

    /// The media type a server sends it as.
    pub fn media_type(&self) -> &'static str {
        match self {
            ExportFormat::Gpkg => "application/geopackage+sqlite3",
            ExportFormat::Geojson => "application/geo+json",
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Kml => "application/vnd.google-earth.kml+xml",
            ExportFormat::Fgb => "application/flatgeobuf",
        }
    }

    /// Whether a file of this format holds several layers.
    pub fn holds_several_layers(&self) -> bool {
        matches!(self, ExportFormat::Gpkg | ExportFormat::Kml)
    }

    /// Whether it is written front to back to any stream (a GeoPackage needs a file it can seek in).
    pub fn streams(&self) -> bool {
        !matches!(self, ExportFormat::Gpkg)
    }

    /// Writes `layers` to `w` (not for [`ExportFormat::Gpkg`]; see [`write_file`]). Formats that hold one layer
    /// get exactly one. `progress` is told how many features have been written.
    pub fn write(&self, w: &mut dyn Write, layers: &[Layer<'_>], progress: &mut dyn FnMut(usize)) -> io::Result<()> {
        let one = || match layers {
            [layer] => Ok(layer),
            _ => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{} holds exactly one layer; {} were given", self.as_str(), layers.len()),
            )),
        };
        match self {
            ExportFormat::Gpkg => {
                Err(io::Error::new(io::ErrorKind::InvalidInput, "a GeoPackage is written to a file, not a stream"))
            }
            ExportFormat::Geojson => geojson::write_layer(w, one()?, progress),
            ExportFormat::Csv => csv::write_layer(w, one()?, progress),
            ExportFormat::Fgb => fgb::write(w, one()?, progress),
            ExportFormat::Kml => {
                kml::write(w, "borderline", layers, progress)?;
                progress(layers.iter().map(|l| l.len).sum());
                Ok(())
            }
        }
    }
}

impl std::str::FromStr for ExportFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        let s = match s.as_str() {
            "json" => "geojson",
            "flatgeobuf" => "fgb",
            "geopackage" => "gpkg",
            other => other,
        };
        ExportFormat::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| format!("{s:?} is not an export format; valid: gpkg, geojson, csv, kml, fgb"))
    }
}

impl std::fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Writes `layers` in `format` to a new file at `path` (which must not exist; callers rename it into place).
pub fn write_file(
    format: ExportFormat,
    path: &Path,
    layers: &[Layer<'_>],
    progress: &mut dyn FnMut(usize),
) -> io::Result<()> {
    match (format, layers) {
        (ExportFormat::Gpkg, _) => return gpkg::write(path, layers, progress),
        (ExportFormat::Fgb, [layer]) => return fgb::write_file(std::fs::File::create_new(path)?, layer, progress),
        _ => {}
    }
    let file = std::fs::File::create_new(path)?;
    let mut out = io::BufWriter::with_capacity(1 << 20, file);
    format.write(&mut out, layers, progress)?;
    out.into_inner().map_err(|e| e.into_error())?;
    Ok(())
}
