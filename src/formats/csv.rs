//! CSV output for spreadsheets and QGIS: ACLED's column names, in ACLED's order, for every field that has an
//! ACLED counterpart; then borderline's own fields; then `WKT` (`POINT (lon lat)`), which GDAL and QGIS take as
//! the geometry when the file is dragged in. UTF-8, ISO dates, RFC 4180 quoting. Two sidecar files, the GDAL
//! convention QGIS follows, give the column types ([`csvt`], `.csvt`) and the CRS ([`PRJ`], `.prj`, WGS84).

use std::io::{self, Write};

use super::layer::{FieldKind, Layer, Value};

/// WGS84 longitude/latitude, the content of the `.prj` sidecar.
pub const PRJ: &str = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;

/// GDAL's column types for `layer` (its fields, then `WKT`): the content of the `.csvt` sidecar.
pub fn csvt(layer: &Layer<'_>) -> String {
    let mut types: Vec<&str> = layer
        .fields
        .iter()
        .map(|f| match f.kind {
            FieldKind::Text | FieldKind::Json => "String",
            FieldKind::Integer => "Integer64",
            FieldKind::Real => "Real",
            FieldKind::Date => "Date",
            FieldKind::Boolean => "Integer(Boolean)",
        })
        .collect();
    types.push("WKT");
    types.join(",")
}

/// Writes one field, quoted when it holds a comma, a quote or a line break.
fn field(w: &mut dyn Write, value: &str) -> io::Result<()> {
    if value.contains([',', '"', '\n', '\r']) {
        write!(w, "\"{}\"", value.replace('"', "\"\""))
    } else {
        w.write_all(value.as_bytes())
    }
}

/// Writes `layer`: a header of its field names and `WKT`, then one row per feature. Booleans are written
/// `1`/`0` (what GDAL's `Integer(Boolean)` reads), dates `YYYY-MM-DD`, absent values as empty fields.
pub fn write_layer(w: &mut dyn Write, layer: &Layer<'_>, progress: &mut dyn FnMut(usize)) -> io::Result<()> {
    let names: Vec<&str> = layer.fields.iter().map(|f| f.name).chain(["WKT"]).collect();
    writeln!(w, "{}", names.join(","))?;
    layer.write_text(w, progress, &|n, out| {
        let feature = layer.feature(n);
        for value in &feature.values {
            match value {
                Value::Boolean(b) => out.extend_from_slice(if *b { b"1" } else { b"0" }),
                v => {
                    if let Some(text) = v.to_text() {
                        field(out, &text)?;
                    }
                }
            }
            out.push(b',');
        }
        field(out, &feature.shape.wkt())?;
        out.push(b'\n');
        Ok(())
    })
}
