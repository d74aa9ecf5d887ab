//! CSV output for spreadsheets and QGIS: ACLED's column names, in ACLED's order, for every field that has an
//! ACLED counterpart; then borderline's own fields. UTF-8, ISO dates, RFC 4180 quoting; a text cell that a
//! spreadsheet would run as a formula gets a leading `'` ([`formula_safe`]), which the import takes off again. Two sidecar files, the
//! GDAL convention QGIS follows, give the column types ([`csvt`], `.csvt`) and the CRS ([`PRJ`], `.prj`, WGS84).
//!
//! Points are their `longitude` and `latitude` columns (ACLED's, or added after the fields for a point layer
//! without them), typed `CoordX`/`CoordY`, so GDAL and QGIS read points when the file is dragged in. There is no
//! `WKT` column beside them: GDAL 3.6 crashes on a `.csvt` geometry column when `X_POSSIBLE_NAMES`,
//! `Y_POSSIBLE_NAMES` and `KEEP_GEOM_COLUMNS=NO` name the coordinate columns too (the usual way to open an ACLED
//! CSV). Lines and polygons are a last `WKT` column.

use std::borrow::Cow;
use std::io::{self, Seek, Write};

use super::layer::{FieldKind, GeometryKind, Layer, Shape, Value};

/// WGS84 longitude/latitude, the content of the `.prj` sidecar.
pub const PRJ: &str = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;

/// How a layer's geometry goes into columns.
enum Geometry {
    /// The `longitude` and `latitude` fields at these positions are the point.
    Fields { x: usize, y: usize },
    /// The point is written in two columns added after the fields.
    Added,
    /// A last `WKT` column.
    Wkt,
}

fn geometry(layer: &Layer<'_>) -> Geometry {
    if layer.geometry != GeometryKind::Point {
        return Geometry::Wkt;
    }
    let at = |name: &str| layer.fields.iter().position(|f| f.name == name && f.kind == FieldKind::Real);
    match (at("longitude"), at("latitude")) {
        (Some(x), Some(y)) => Geometry::Fields { x, y },
        _ => Geometry::Added,
    }
}

/// GDAL's column types for `layer`: the content of the `.csvt` sidecar.
pub fn csvt(layer: &Layer<'_>) -> String {
    let geometry = geometry(layer);
    let mut types: Vec<&str> = layer
        .fields
        .iter()
        .enumerate()
        .map(|(k, f)| match (&geometry, f.kind) {
            (Geometry::Fields { x, .. }, _) if k == *x => "CoordX",
            (Geometry::Fields { y, .. }, _) if k == *y => "CoordY",
            (_, FieldKind::Text | FieldKind::Json) => "String",
            (_, FieldKind::Integer) => "Integer64",
            (_, FieldKind::Real) => "Real",
            (_, FieldKind::Date) => "Date",
            (_, FieldKind::Boolean) => "Integer(Boolean)",
        })
        .collect();
    match geometry {
        Geometry::Fields { .. } => {}
        Geometry::Added => types.extend(["CoordX", "CoordY"]),
        Geometry::Wkt => types.push("WKT"),
    }
    types.join(",")
}

/// Whether a spreadsheet would take `text` as a formula (OWASP's CSV-injection rule: a cell that starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return), or it starts with the `'` that [`formula_safe`] adds before one.
fn needs_quote_mark(text: &str) -> bool {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => true,
        Some('\'') => needs_quote_mark(&text[1..]),
        _ => false,
    }
}

/// `text` as a spreadsheet shows it and never runs it: a leading `'` before a cell a spreadsheet would take for
/// a formula (`=HYPERLINK(…)`, `+cmd|…`, `@SUM(…)`). Text cells only; numbers stay numbers.
pub fn formula_safe(text: &str) -> Cow<'_, str> {
    if needs_quote_mark(text) { Cow::Owned(format!("'{text}")) } else { Cow::Borrowed(text) }
}

/// The text [`formula_safe`] was given: the import reads borderline's own CSV exports back unchanged.
pub fn undo_formula_safe(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_quote_mark(rest) => rest,
        _ => cell,
    }
}

/// Writes one field, quoted when it holds a comma, a quote or a line break.
fn field(w: &mut dyn Write, value: &str) -> io::Result<()> {
    if value.contains([',', '"', '\n', '\r']) {
        write!(w, "\"{}\"", value.replace('"', "\"\""))
    } else {
        w.write_all(value.as_bytes())
    }
}

/// Writes `layer`: a header of its field names (and of its geometry columns), then one row per feature.
/// Booleans are written `1`/`0` (what GDAL's `Integer(Boolean)` reads), dates `YYYY-MM-DD`, absent values as
/// empty fields.
pub fn write_layer(w: &mut dyn Write, layer: &Layer<'_>, progress: &mut dyn FnMut(usize)) -> io::Result<()> {
    let geometry = geometry(layer);
    let mut names: Vec<&str> = layer.fields.iter().map(|f| f.name).collect();
    match geometry {
        Geometry::Fields { .. } => {}
        Geometry::Added => names.extend(["longitude", "latitude"]),
        Geometry::Wkt => names.push("WKT"),
    }
    writeln!(w, "{}", names.join(","))?;
    layer.write_text(w, progress, &|n, out| {
        let feature = layer.feature(n);
        for (k, (value, f)) in feature.values.iter().zip(layer.fields).enumerate() {
            if k > 0 {
                out.push(b',');
            }
            match value {
                Value::Boolean(b) => out.extend_from_slice(if *b { b"1" } else { b"0" }),
                Value::Text(text) if matches!(f.kind, FieldKind::Text | FieldKind::Json) => {
                    field(out, &formula_safe(text))?
                }
                v => {
                    if let Some(text) = v.to_text() {
                        field(out, &text)?;
                    }
                }
            }
        }
        match (&geometry, &feature.shape) {
            (Geometry::Fields { .. }, _) => {}
            (Geometry::Added, Shape::Point(p)) => write!(out, ",{},{}", p.x, p.y)?,
            (Geometry::Added, _) => out.extend_from_slice(b",,"),
            (Geometry::Wkt, shape) => {
                out.push(b',');
                field(out, &shape.wkt())?;
            }
        }
        out.push(b'\n');
        Ok(())
    })
}

/// Writes `layer` as a zip of `NAME.csv` with its `.csvt` and `.prj` beside it: one download from which GDAL
/// (`/vsizip/`) and QGIS (drag the zip in) read typed points in WGS84, as from the three files.
pub fn write_package<W: Write + Seek>(w: W, layer: &Layer<'_>, progress: &mut dyn FnMut(usize)) -> io::Result<()> {
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut zip = zip::ZipWriter::new(w);
    zip.start_file(format!("{}.csv", layer.name), options).map_err(io::Error::other)?;
    write_layer(&mut zip, layer, progress)?;
    for (extension, text) in [("csvt", csvt(layer)), ("prj", PRJ.to_string())] {
        zip.start_file(format!("{}.{extension}", layer.name), options).map_err(io::Error::other)?;
        zip.write_all(text.as_bytes())?;
    }
    zip.finish().map_err(io::Error::other)?.flush()
}
