//! CSV output for spreadsheets and QGIS: ACLED's column names, in ACLED's order, for every field that has an
//! ACLED counterpart; then borderline's own fields; then `WKT` (`POINT (lon lat)`), which GDAL and QGIS take as
//! the geometry when the file is dragged in. UTF-8, ISO dates, RFC 4180 quoting. Two sidecar files, the GDAL
//! convention QGIS follows, give the column types ([`CSVT`], `.csvt`) and the CRS ([`PRJ`], `.prj`, WGS84).

use std::io::{self, Write};

use crate::geodesy::uncertainty_radius_m;
use crate::model::Incident;
use crate::store::IncidentFacts;

/// The header: ACLED columns first (in the codebook's order), then borderline's.
pub const COLUMNS: &[&str] = &[
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "actor2",
    "iso",
    "country",
    "admin1",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
    "fatalities",
    "timestamp",
    "date_start",
    "date_end",
    "fatalities_low",
    "fatalities_high",
    "place_id",
    "sources",
    "border_distance_m",
    "border",
    "border_side",
    "country_side",
    "uncertainty_radius_m",
    "border_distance_min_m",
    "border_distance_max_m",
    "side_certain",
    "WKT",
];

/// GDAL's column types for [`COLUMNS`], the content of the `.csvt` sidecar.
pub const CSVT: &str = "String,Date,Integer,Integer,String,String,String,String,String,String,String,String,Real,Real,Integer,String,String,Integer,Integer64,Date,Date,Integer,Integer,String,String,Real,String,String,String,Real,Real,Real,Integer(Boolean),WKT";

/// WGS84 longitude/latitude, the content of the `.prj` sidecar.
pub const PRJ: &str = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;

/// Writes one field, quoted when it holds a comma, a quote or a line break.
fn field(w: &mut dyn Write, value: &str) -> io::Result<()> {
    if value.contains([',', '"', '\n', '\r']) {
        write!(w, "\"{}\"", value.replace('"', "\"\""))
    } else {
        w.write_all(value.as_bytes())
    }
}

/// Writes incidents with the facts measured for them (same order), header first.
pub fn write_incidents<'a>(
    w: &mut dyn Write,
    rows: impl Iterator<Item = (&'a Incident, &'a IncidentFacts)>,
) -> io::Result<()> {
    writeln!(w, "{}", COLUMNS.join(","))?;
    let opt = |v: Option<u32>| v.map_or(String::new(), |v| v.to_string());
    for (i, f) in rows {
        let r = uncertainty_radius_m(i.geo_precision);
        let d = f.border_distance_m;
        let values: [String; 34] = [
            i.event_id.to_string(),
            i.event_date.to_string(),
            i.event_date.format("%Y").to_string(),
            i.time_precision.code().to_string(),
            i.event_type.as_str().to_string(),
            i.sub_event_type.to_string(),
            i.actor1.to_string(),
            i.actor2.to_string(),
            i.iso3.map_or(String::new(), |c| c.to_string()),
            i.country.to_string(),
            i.admin1.as_deref().unwrap_or("").to_string(),
            i.location.to_string(),
            i.position.y.to_string(),
            i.position.x.to_string(),
            i.geo_precision.code().to_string(),
            i.source.as_deref().unwrap_or("").to_string(),
            i.notes.to_string(),
            opt(i.fatalities),
            i.timestamp.map_or(String::new(), |t| t.to_string()),
            i.dates.start.to_string(),
            i.dates.end.to_string(),
            opt(i.fatalities_low),
            opt(i.fatalities_high),
            i.place_id.as_deref().unwrap_or("").to_string(),
            i.sources.iter().map(|s| &**s).collect::<Vec<_>>().join(";"),
            format!("{d:.3}"),
            f.border.to_string(),
            f.side_of_line.to_string(),
            f.country.map_or(String::new(), |c| c.to_string()),
            format!("{r}"),
            format!("{:.3}", (d - r).max(0.0)),
            format!("{:.3}", d + r),
            u8::from(d > r).to_string(),
            format!("POINT ({} {})", i.position.x, i.position.y),
        ];
        for (n, v) in values.iter().enumerate() {
            if n > 0 {
                w.write_all(b",")?;
            }
            field(w, v)?;
        }
        w.write_all(b"\n")?;
    }
    Ok(())
}
