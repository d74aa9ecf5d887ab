//! GeoPackage (OGC 12-128r18, version 1.3) output: one SQLite file holding every layer, written with the
//! bundled SQLite.
//!
//! What GDAL and QGIS need, and get:
//! * the `gpkg_spatial_ref_sys`, `gpkg_contents` and `gpkg_geometry_columns` tables, EPSG:4326;
//! * geometries as *GeoPackage binary*: the `GP` header with the SRS id and the envelope, then little-endian
//!   WKB (bare WKB reads as empty in GDAL);
//! * GeoPackage column types only (`TEXT`, `INTEGER`, `REAL`, `DATE`, `BOOLEAN`), dates as `YYYY-MM-DD`;
//! * the R-tree spatial index extension (`rtree_<table>_geom` with its triggers), so QGIS pans fast;
//! * QGIS styles in `layer_styles` (registered as an attributes table), so each layer opens styled.

use std::io;
use std::path::Path;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, ToSql, params};

use super::layer::{Layer, Shape, Value, hilbert_key, in_order};
use super::qml;
use crate::model::LonLat;

/// EPSG:4326 as GDAL writes it into `gpkg_spatial_ref_sys`.
const WGS84_WKT: &str = r#"GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]"#;

const SRS_ID: i32 = 4326;

/// The `application_id` of a GeoPackage ("GPKG").
pub const APPLICATION_ID: i32 = 0x4750_4B47;

/// The GeoPackage version written (1.3.0).
pub const USER_VERSION: i32 = 10300;

const SCHEMA: &str = "
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_extensions (
  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
CREATE TABLE layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
  f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT, styleSLD TEXT,
  useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
  update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));
INSERT INTO gpkg_contents (table_name, data_type, identifier, description)
  VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS styles of the layers');
";

/// The six triggers of the R-tree extension (spec annex F.3) that keep the index right when QGIS edits a layer.
fn rtree_triggers(t: &str) -> String {
    let r = format!("rtree_{t}_geom");
    let values = "NEW.fid, ST_MinX(NEW.geom), ST_MaxX(NEW.geom), ST_MinY(NEW.geom), ST_MaxY(NEW.geom)";
    format!(
        r#"
CREATE TRIGGER "{r}_insert" AFTER INSERT ON "{t}" WHEN (new.geom NOT NULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO "{r}" VALUES ({values}); END;
CREATE TRIGGER "{r}_update1" AFTER UPDATE OF geom ON "{t}"
WHEN OLD.fid = NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN INSERT OR REPLACE INTO "{r}" VALUES ({values}); END;
CREATE TRIGGER "{r}_update2" AFTER UPDATE OF geom ON "{t}"
WHEN OLD.fid = NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM "{r}" WHERE id = OLD.fid; END;
CREATE TRIGGER "{r}_update3" AFTER UPDATE ON "{t}"
WHEN OLD.fid != NEW.fid AND (NEW.geom NOTNULL AND NOT ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM "{r}" WHERE id = OLD.fid; INSERT OR REPLACE INTO "{r}" VALUES ({values}); END;
CREATE TRIGGER "{r}_update4" AFTER UPDATE ON "{t}"
WHEN OLD.fid != NEW.fid AND (NEW.geom ISNULL OR ST_IsEmpty(NEW.geom))
BEGIN DELETE FROM "{r}" WHERE id IN (OLD.fid, NEW.fid); END;
CREATE TRIGGER "{r}_delete" AFTER DELETE ON "{t}" WHEN old.geom NOT NULL
BEGIN DELETE FROM "{r}" WHERE id = OLD.fid; END;
"#
    )
}

impl ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Value::Integer(n) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(*n)),
            Value::Real(x) => ToSqlOutput::Owned(rusqlite::types::Value::Real(*x)),
            Value::Date(d) => ToSqlOutput::Owned(rusqlite::types::Value::Text(d.to_string())),
            Value::Boolean(b) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(i64::from(*b))),
        })
    }
}

fn sql_type(kind: super::layer::FieldKind) -> &'static str {
    use super::layer::FieldKind as K;
    match kind {
        K::Text | K::Json => "TEXT",
        K::Integer => "INTEGER",
        K::Real => "REAL",
        K::Date => "DATE",
        K::Boolean => "BOOLEAN",
    }
}

fn sql_err(e: rusqlite::Error) -> io::Error {
    io::Error::other(e)
}

/// Writes `layers` into a new GeoPackage at `path`, which must not exist (write to a temporary path and rename
/// it for an atomic replacement). `progress` is called with the number of features written so far.
pub fn write(path: &Path, layers: &[Layer<'_>], progress: &mut dyn FnMut(usize)) -> io::Result<()> {
    if path.exists() {
        return Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("{} already exists", path.display())));
    }
    let mut db = Connection::open(path).map_err(sql_err)?;
    // A fresh file that is renamed into place only when complete: no journal is needed, and the caller fsyncs.
    db.execute_batch(&format!(
        "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {USER_VERSION};
         PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536;"
    ))
    .map_err(sql_err)?;
    let tx = db.transaction().map_err(sql_err)?;
    tx.execute_batch(SCHEMA).map_err(sql_err)?;
    {
        let mut srs =
            tx.prepare("INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, ?3, ?4, ?5, ?6)").map_err(sql_err)?;
        srs.execute(params![
            "Undefined cartesian SRS",
            -1,
            "NONE",
            -1,
            "undefined",
            "undefined cartesian coordinate reference system"
        ])
        .map_err(sql_err)?;
        srs.execute(params![
            "Undefined geographic SRS",
            0,
            "NONE",
            0,
            "undefined",
            "undefined geographic coordinate reference system"
        ])
        .map_err(sql_err)?;
        srs.execute(params![
            "WGS 84 geodetic",
            SRS_ID,
            "EPSG",
            SRS_ID,
            WGS84_WKT,
            "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"
        ])
        .map_err(sql_err)?;
    }
    let mut written = 0;
    for layer in layers {
        write_layer(&tx, layer, &mut |n| progress(written + n))?;
        written += layer.len;
    }
    tx.commit().map_err(sql_err)?;
    db.close().map_err(|(_, e)| sql_err(e))?;
    Ok(())
}

fn write_layer(tx: &rusqlite::Transaction<'_>, layer: &Layer<'_>, progress: &mut dyn FnMut(usize)) -> io::Result<()> {
    let t = layer.name;
    let columns: Vec<String> = layer.fields.iter().map(|f| format!("\"{}\" {}", f.name, sql_type(f.kind))).collect();
    tx.execute_batch(&format!(
        "CREATE TABLE \"{t}\" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {}, {});
         CREATE VIRTUAL TABLE \"rtree_{t}_geom\" USING rtree(id, minx, maxx, miny, maxy);",
        layer.geometry.ogc_name(),
        columns.join(", ")
    ))
    .map_err(sql_err)?;
    let placeholders: Vec<String> = (0..layer.fields.len()).map(|n| format!("?{}", n + 3)).collect();
    let mut insert =
        tx.prepare(&format!("INSERT INTO \"{t}\" VALUES (?1, ?2, {})", placeholders.join(", "))).map_err(sql_err)?;
    // The R-tree is packed once all rows are in (see `pack_rtree`).
    let mut boxes: Vec<(i64, [f32; 4])> = Vec::with_capacity(layer.len);
    let mut extent = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
    // Rows are made (values, GeoPackage binary) in blocks on every core; SQLite inserts them in order.
    let block = |k: usize| {
        layer
            .block(k)
            .map(|n| {
                let feature = layer.feature(n);
                let e = feature.shape.envelope();
                let mut blob = Vec::with_capacity(64);
                geometry_blob(&mut blob, &feature.shape, e);
                (n as i64 + 1, e, blob, feature.values)
            })
            .collect::<Vec<_>>()
    };
    in_order(layer.blocks(), &block, &mut |rows| {
        for (fid, e, blob, values) in rows {
            extent = [extent[0].min(e[0]), extent[1].min(e[1]), extent[2].max(e[2]), extent[3].max(e[3])];
            insert.raw_bind_parameter(1, fid).map_err(sql_err)?;
            insert.raw_bind_parameter(2, &blob).map_err(sql_err)?;
            for (k, v) in values.iter().enumerate() {
                insert.raw_bind_parameter(k + 3, v).map_err(sql_err)?;
            }
            insert.raw_execute().map_err(sql_err)?;
            boxes.push((fid, outward_f32(e)));
        }
        progress(boxes.len());
        Ok(())
    })?;
    progress(layer.len);
    drop(insert);
    boxes.sort_by_cached_key(|(_, b)| hilbert_key(extent, b.map(f64::from)));
    pack_rtree(tx, &format!("rtree_{t}_geom"), &boxes).map_err(sql_err)?;
    if layer.len == 0 {
        extent = [0.0; 4];
    }
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, min_x, min_y, max_x, max_y, srs_id)
         VALUES (?1, 'features', ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![t, layer.title, layer.description, extent[0], extent[1], extent[2], extent[3], SRS_ID],
    )
    .map_err(sql_err)?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, ?3, 0, 0)",
        params![t, layer.geometry.ogc_name(), SRS_ID],
    )
    .map_err(sql_err)?;
    tx.execute(
        "INSERT INTO gpkg_extensions VALUES (?1, 'geom', 'gpkg_rtree_index', \
         'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
        params![t],
    )
    .map_err(sql_err)?;
    tx.execute_batch(&rtree_triggers(t)).map_err(sql_err)?;
    tx.execute(
        "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName,
           styleQML, styleSLD, useAsDefault, description, owner, ui)
         VALUES ('', '', ?1, 'geom', ?2, ?3, '', 1, ?4, '', '')",
        params![t, t, qml::style(layer), format!("borderline's style for {}", layer.title)],
    )
    .map_err(sql_err)?;
    Ok(())
}

/// Cells per node of SQLite's R-tree (`RTREE_MAXCELLS`), and the size of a node blob for two dimensions:
/// a 4-byte header and 24-byte cells (8-byte id, four 4-byte coordinates), as `rtree.c` sizes new tables.
const RTREE_CELLS: usize = 51;
const RTREE_NODE_BYTES: usize = 4 + 24 * RTREE_CELLS;

/// A node of a packed R-tree: its number, its height above the leaves, and its cells (id, box).
type RtreeNode = (i64, u16, Vec<(i64, [f32; 4])>);

/// Fills the R-tree `name` with `boxes` ((id, [min x, min y, max x, max y]), in Hilbert order) by writing its
/// shadow tables directly, a packed tree built bottom-up, as GDAL does: inserting a million boxes one at a
/// time through the virtual table takes several seconds, this a fraction of one. `rtreecheck()` verifies the
/// result in the tests.
fn pack_rtree(tx: &rusqlite::Transaction<'_>, name: &str, boxes: &[(i64, [f32; 4])]) -> rusqlite::Result<()> {
    if boxes.is_empty() {
        return Ok(()); // the empty root SQLite made is right
    }
    // Each level: (node number, cells); a cell is (id, box). Leaves hold the features.
    let mut next_node = 2i64;
    let mut level: Vec<(i64, [f32; 4])> = boxes.to_vec();
    let mut depth = 0u16;
    let mut nodes: Vec<RtreeNode> = Vec::new();
    while level.len() > RTREE_CELLS {
        let mut parents = Vec::with_capacity(level.len() / RTREE_CELLS + 1);
        for chunk in level.chunks(RTREE_CELLS) {
            let node = next_node;
            next_node += 1;
            let mut b = chunk[0].1;
            for (_, c) in chunk {
                b = [b[0].min(c[0]), b[1].min(c[1]), b[2].max(c[2]), b[3].max(c[3])];
            }
            nodes.push((node, depth, chunk.to_vec()));
            parents.push((node, b));
        }
        level = parents;
        depth += 1;
    }
    nodes.push((1, depth, level));

    let node_table = format!("\"{name}_node\"");
    tx.execute(&format!("DELETE FROM {node_table} WHERE nodeno = 1"), [])?;
    let mut write_node = tx.prepare(&format!("INSERT INTO {node_table} (nodeno, data) VALUES (?1, ?2)"))?;
    let mut write_parent =
        tx.prepare(&format!("INSERT INTO \"{name}_parent\" (nodeno, parentnode) VALUES (?1, ?2)"))?;
    let mut write_rowid = tx.prepare(&format!("INSERT INTO \"{name}_rowid\" (rowid, nodeno) VALUES (?1, ?2)"))?;
    let mut blob = vec![0u8; RTREE_NODE_BYTES];
    for (node, height, cells) in &nodes {
        blob.fill(0);
        if *node == 1 {
            blob[0..2].copy_from_slice(&depth.to_be_bytes());
        }
        blob[2..4].copy_from_slice(&(cells.len() as u16).to_be_bytes());
        for (k, (id, b)) in cells.iter().enumerate() {
            let at = 4 + 24 * k;
            blob[at..at + 8].copy_from_slice(&id.to_be_bytes());
            for (j, v) in [b[0], b[2], b[1], b[3]].into_iter().enumerate() {
                blob[at + 8 + 4 * j..at + 12 + 4 * j].copy_from_slice(&v.to_bits().to_be_bytes());
            }
            if *height == 0 {
                write_rowid.execute(params![id, node])?;
            } else {
                write_parent.execute(params![id, node])?;
            }
        }
        write_node.execute(params![node, &blob])?;
    }
    Ok(())
}

/// The envelope (min x, min y, max x, max y) rounded outward to `f32`, which is what SQLite's R-tree stores.
fn outward_f32(e: [f64; 4]) -> [f32; 4] {
    let down = |v: f64| {
        let f = v as f32;
        if f64::from(f) > v { f.next_down() } else { f }
    };
    let up = |v: f64| {
        let f = v as f32;
        if f64::from(f) < v { f.next_up() } else { f }
    };
    [down(e[0]), down(e[1]), up(e[2]), up(e[3])]
}

/// A GeoPackage binary geometry: header (`GP`, version 0, little-endian, xy envelope), SRS id, envelope
/// (min x, max x, min y, max y), then little-endian WKB.
pub fn geometry_blob(out: &mut Vec<u8>, shape: &Shape<'_>, envelope: [f64; 4]) {
    out.extend_from_slice(b"GP");
    out.push(0); // version 1
    out.push(0b0000_0011); // little-endian, envelope [minx, maxx, miny, maxy]
    out.extend_from_slice(&SRS_ID.to_le_bytes());
    for v in [envelope[0], envelope[2], envelope[1], envelope[3]] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    wkb(out, shape);
}

/// Little-endian WKB of `shape` (Point, MultiLineString or MultiPolygon).
pub fn wkb(out: &mut Vec<u8>, shape: &Shape<'_>) {
    fn header(out: &mut Vec<u8>, kind: u32) {
        out.push(1);
        out.extend_from_slice(&kind.to_le_bytes());
    }
    fn count(out: &mut Vec<u8>, n: usize) {
        out.extend_from_slice(&(n as u32).to_le_bytes());
    }
    fn points(out: &mut Vec<u8>, pts: &[LonLat]) {
        count(out, pts.len());
        for p in pts {
            out.extend_from_slice(&p.x.to_le_bytes());
            out.extend_from_slice(&p.y.to_le_bytes());
        }
    }
    match shape {
        Shape::Point(p) => {
            header(out, 1);
            out.extend_from_slice(&p.x.to_le_bytes());
            out.extend_from_slice(&p.y.to_le_bytes());
        }
        Shape::Lines(parts) => {
            header(out, 5);
            count(out, parts.len());
            for part in parts.iter() {
                header(out, 2);
                points(out, part);
            }
        }
        Shape::Polygons(mp) => {
            header(out, 6);
            count(out, mp.0.len());
            for polygon in &mp.0 {
                header(out, 3);
                count(out, 1 + polygon.interiors().len());
                for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                    points(out, &ring.0);
                }
            }
        }
    }
}
