//! Reading incidents back from a GeoPackage (one borderline exported, perhaps edited in QGIS since): each row
//! of the `incidents` table becomes a GeoJSON feature with the row's columns as properties, so that it meets
//! exactly the rules and messages of every other incident file.

use std::path::Path;

use rusqlite::types::ValueRef;
use serde_json::{Map, Value};

/// Columns holding JSON text (GeoPackage has no list type).
const JSON_COLUMNS: &[&str] = &["variants", "background"];

/// One row: its `fid` and the feature it stands for.
pub struct Row {
    /// The row's feature id in the GeoPackage.
    pub fid: i64,
    /// The feature.
    pub feature: Value,
}

/// The point of a GeoPackage binary geometry (header, optional envelope, then WKB), if it is one; also of a
/// SpatiaLite geometry, which GDAL's SQLite dialect writes when a point is set with `MakePoint`.
pub fn point_of(blob: &[u8]) -> Result<Option<[f64; 2]>, String> {
    if blob.len() == 60 && blob[0] == 0x00 && blob[38] == 0x7C && blob[59] == 0xFE {
        let little = blob[1] == 1;
        let f64_at = |b: &[u8]| {
            if little { f64::from_le_bytes(b.try_into().unwrap()) } else { f64::from_be_bytes(b.try_into().unwrap()) }
        };
        let class = if little {
            u32::from_le_bytes(blob[39..43].try_into().unwrap())
        } else {
            u32::from_be_bytes(blob[39..43].try_into().unwrap())
        };
        if class != 1 {
            return Err(format!("a SpatiaLite geometry of class {class}, not a point"));
        }
        return Ok(Some([f64_at(&blob[43..51]), f64_at(&blob[51..59])]));
    }
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err("not a GeoPackage geometry (no GP header)".into());
    }
    let flags = blob[3];
    if flags & 0x10 != 0 {
        return Ok(None);
    }
    let envelope = match (flags >> 1) & 0x07 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        e => return Err(format!("unknown envelope code {e}")),
    };
    let wkb = blob.get(8 + envelope..).ok_or("the geometry is cut short")?;
    if wkb.len() < 21 {
        return Err("the geometry is cut short".into());
    }
    let little = wkb[0] == 1;
    let u32_at = |b: &[u8]| {
        if little { u32::from_le_bytes(b.try_into().unwrap()) } else { u32::from_be_bytes(b.try_into().unwrap()) }
    };
    let f64_at = |b: &[u8]| {
        if little { f64::from_le_bytes(b.try_into().unwrap()) } else { f64::from_be_bytes(b.try_into().unwrap()) }
    };
    let kind = u32_at(&wkb[1..5]);
    // Point, with or without Z/M (ISO codes 1001–3001, or the EWKB flags).
    if kind % 1000 != 1 && kind & 0xff != 1 {
        return Err(format!("a geometry of WKB type {kind}, not a point"));
    }
    let (x, y) = (f64_at(&wkb[5..13]), f64_at(&wkb[13..21]));
    Ok(if x.is_nan() && y.is_nan() { None } else { Some([x, y]) })
}

/// Every row of `table` in `path`, in fid order.
pub fn read(path: &Path, table: &str) -> Result<Vec<Row>, String> {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let db = rusqlite::Connection::open_with_flags(path, flags).map_err(|e| format!("not a GeoPackage: {e}"))?;
    let geometry: String = db
        .query_row("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?1", [table], |r| r.get(0))
        .map_err(|_| format!("no table {table:?} with a geometry column (is this a borderline export?)"))?;
    let mut statement = db
        .prepare(&format!("SELECT * FROM \"{}\" ORDER BY fid", table.replace('"', "\"\"")))
        .map_err(|e| e.to_string())?;
    let names: Vec<String> = statement.column_names().into_iter().map(str::to_string).collect();
    let mut rows = statement.query([]).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(|e| e.to_string())? {
        let mut properties = Map::new();
        let (mut fid, mut coordinates) = (0, Value::Null);
        for (n, name) in names.iter().enumerate() {
            let value = row.get_ref(n).map_err(|e| e.to_string())?;
            if name == "fid" {
                fid = value.as_i64().unwrap_or_default();
                continue;
            }
            if *name == geometry {
                if let ValueRef::Blob(b) = value
                    && let Some([x, y]) = point_of(b).map_err(|e| format!("row {fid}: {geometry}: {e}"))?
                {
                    coordinates = Value::from(vec![x, y]);
                }
                continue;
            }
            let v = match value {
                ValueRef::Null => continue,
                ValueRef::Integer(i) => Value::from(i),
                ValueRef::Real(r) => Value::from(r),
                ValueRef::Text(t) => {
                    let text = String::from_utf8_lossy(t).to_string();
                    match JSON_COLUMNS.contains(&name.as_str()) {
                        true => serde_json::from_str(&text).unwrap_or(Value::String(text)),
                        false => Value::String(text),
                    }
                }
                ValueRef::Blob(_) => continue,
            };
            properties.insert(name.clone(), v);
        }
        let geometry = if coordinates.is_null() {
            Value::Null
        } else {
            serde_json::json!({"type": "Point", "coordinates": coordinates})
        };
        let feature = serde_json::json!({"type": "Feature", "geometry": geometry, "properties": properties});
        out.push(Row { fid, feature });
    }
    Ok(out)
}
