//! FlatGeobuf output (format version 3): one layer per file, typed columns, EPSG:4326, features sorted along a
//! Hilbert curve behind a packed R-tree, so that QGIS and GDAL read a box without reading the whole file.
//!
//! The header, the index and the flatbuffer tables come from the `flatgeobuf` crate; features are encoded here
//! because its writer leaves out the `ends` of a one-part MultiLineString, which GDAL (3.6) then refuses to read
//! ("Unexpected nullptr: MultiLineString ends data"). Written to a file, features go straight to their place
//! after the room kept for the index, which comes last; written to a stream, they pass through a temporary file
//! while the index is built. Either way memory stays flat.

use std::io::{self, BufWriter, Seek, Write};

use flatbuffers::{FlatBufferBuilder, WIPOffset};
use flatgeobuf::packed_r_tree::{NodeItem, PackedRTree, calc_extent};
use flatgeobuf::{
    Column, ColumnArgs, ColumnType, Crs, CrsArgs, Feature, FeatureArgs, Geometry, GeometryArgs, GeometryType, Header,
    HeaderArgs,
};

use super::layer::{BLOCK, FieldKind, GeometryKind, Layer, Shape, Value, hilbert_key, in_order};
use crate::model::LonLat;

/// "fgb", version 3, "fgb", 0.
const MAGIC: [u8; 8] = *b"fgb\x03fgb\x00";

fn column_type(kind: FieldKind) -> ColumnType {
    match kind {
        FieldKind::Text => ColumnType::String,
        FieldKind::Integer => ColumnType::Long,
        FieldKind::Real => ColumnType::Double,
        FieldKind::Date => ColumnType::DateTime,
        FieldKind::Boolean => ColumnType::Bool,
        FieldKind::Json => ColumnType::Json,
    }
}

/// Appends FlatGeobuf's property encoding of `values`: for each non-null value, its column number (u16), then the
/// value (little-endian; strings as a u32 length and UTF-8).
fn encode_properties(out: &mut Vec<u8>, values: &[Value<'_>]) {
    for (column, value) in values.iter().enumerate() {
        let text = |out: &mut Vec<u8>, s: &str| {
            out.extend_from_slice(&(s.len() as u32).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
        };
        if *value == Value::Null {
            continue;
        }
        out.extend_from_slice(&(column as u16).to_le_bytes());
        match value {
            Value::Null => {}
            Value::Text(s) => text(out, s),
            Value::Integer(n) => out.extend_from_slice(&n.to_le_bytes()),
            Value::Real(x) => out.extend_from_slice(&x.to_le_bytes()),
            Value::Boolean(b) => out.push(u8::from(*b)),
            Value::Date(d) => text(out, &d.to_string()),
        }
    }
}

fn flat_xy(points: impl Iterator<Item = LonLat>, xy: &mut Vec<f64>) {
    for p in points {
        xy.push(p.x);
        xy.push(p.y);
    }
}

/// The geometry table of `shape`: a point's xy; a MultiLineString's xy with the end of every part (always, even
/// for one part); a MultiPolygon's parts, each with its rings' ends.
fn encode_geometry<'b>(fbb: &mut FlatBufferBuilder<'b>, shape: &Shape<'_>) -> WIPOffset<Geometry<'b>> {
    let mut xy = Vec::new();
    match shape {
        Shape::Point(p) => {
            let xy = fbb.create_vector(&[p.x, p.y]);
            Geometry::create(fbb, &GeometryArgs { xy: Some(xy), ..Default::default() })
        }
        Shape::Lines(parts) => {
            let mut ends = Vec::with_capacity(parts.len());
            for part in parts.iter() {
                flat_xy(part.iter().copied(), &mut xy);
                ends.push((xy.len() / 2) as u32);
            }
            let xy = fbb.create_vector(&xy);
            let ends = fbb.create_vector(&ends);
            Geometry::create(fbb, &GeometryArgs { xy: Some(xy), ends: Some(ends), ..Default::default() })
        }
        Shape::Polygons(mp) => {
            let mut polygons = Vec::with_capacity(mp.0.len());
            for polygon in &mp.0 {
                xy.clear();
                let mut ends = Vec::new();
                for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                    flat_xy(ring.0.iter().copied(), &mut xy);
                    ends.push((xy.len() / 2) as u32);
                }
                let xy = fbb.create_vector(&xy);
                let ends = fbb.create_vector(&ends);
                polygons.push(Geometry::create(
                    fbb,
                    &GeometryArgs {
                        xy: Some(xy),
                        ends: Some(ends),
                        type_: GeometryType::Polygon,
                        ..Default::default()
                    },
                ));
            }
            let parts = fbb.create_vector(&polygons);
            Geometry::create(fbb, &GeometryArgs { parts: Some(parts), ..Default::default() })
        }
    }
}

/// The order of a layer's features in the file: every feature's box, sorted along a Hilbert curve over their
/// extent (the box of them all), with the feature's number as its offset for now.
fn hilbert_order(layer: &Layer<'_>) -> (Vec<NodeItem>, NodeItem) {
    let mut nodes: Vec<NodeItem> = (0..layer.len)
        .map(|n| {
            let e = layer.envelope(n);
            let mut node = NodeItem::bounds(e[0], e[1], e[2], e[3]);
            node.offset = n as u64;
            node
        })
        .collect();
    let extent = calc_extent(&nodes);
    let whole = [extent.min_x, extent.min_y, extent.max_x, extent.max_y];
    nodes.sort_by_cached_key(|n| hilbert_key(whole, [n.min_x, n.min_y, n.max_x, n.max_y]));
    (nodes, extent)
}

/// Encodes the features in the order of `nodes`, in blocks on every core, and hands each block (its bytes,
/// and each feature's size) to `write` in order; then makes each node's offset the place of its feature among
/// them.
fn write_features(
    layer: &Layer<'_>,
    nodes: &mut [NodeItem],
    progress: &mut dyn FnMut(usize),
    write: &mut dyn FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<()> {
    let order: &[NodeItem] = nodes;
    let block = |k: usize| {
        let mut fbb = FlatBufferBuilder::with_capacity(4096);
        let mut properties = Vec::with_capacity(1024);
        let mut bytes = Vec::with_capacity(BLOCK * 512);
        let mut sizes = Vec::with_capacity(BLOCK);
        for node in &order[layer.block(k)] {
            let feature = layer.feature(node.offset as usize);
            fbb.reset();
            properties.clear();
            encode_properties(&mut properties, &feature.values);
            let geometry = encode_geometry(&mut fbb, &feature.shape);
            let properties = fbb.create_vector(&properties);
            let table = Feature::create(
                &mut fbb,
                &FeatureArgs { geometry: Some(geometry), properties: Some(properties), columns: None },
            );
            fbb.finish_size_prefixed(table, None);
            let encoded = fbb.finished_data();
            bytes.extend_from_slice(encoded);
            sizes.push(encoded.len() as u64);
        }
        (bytes, sizes)
    };
    let mut offsets = Vec::with_capacity(order.len());
    let mut offset = 0u64;
    in_order(layer.blocks(), &block, &mut |(bytes, sizes): (Vec<u8>, Vec<u64>)| {
        progress(offsets.len());
        write(&bytes)?;
        for size in sizes {
            offsets.push(offset);
            offset += size;
        }
        Ok(())
    })?;
    for (node, at) in nodes.iter_mut().zip(offsets) {
        node.offset = at;
    }
    Ok(())
}

/// The file's magic number and header.
fn head(layer: &Layer<'_>, nodes: &[NodeItem], extent: &NodeItem) -> Vec<u8> {
    let mut hb = FlatBufferBuilder::new();
    let columns: Vec<_> = layer
        .fields
        .iter()
        .map(|f| {
            let name = hb.create_string(f.name);
            Column::create(
                &mut hb,
                &ColumnArgs { name: Some(name), type_: column_type(f.kind), nullable: true, ..Default::default() },
            )
        })
        .collect();
    let columns = hb.create_vector(&columns);
    let name = hb.create_string(layer.name);
    let title = hb.create_string(layer.title);
    let description = hb.create_string(&layer.description);
    let crs = Crs::create(&mut hb, &CrsArgs { code: 4326, ..Default::default() });
    let envelope =
        (!nodes.is_empty()).then(|| hb.create_vector(&[extent.min_x, extent.min_y, extent.max_x, extent.max_y]));
    let header = Header::create(
        &mut hb,
        &HeaderArgs {
            name: Some(name),
            envelope,
            geometry_type: match layer.geometry {
                GeometryKind::Point => GeometryType::Point,
                GeometryKind::MultiLineString => GeometryType::MultiLineString,
                GeometryKind::MultiPolygon => GeometryType::MultiPolygon,
            },
            columns: Some(columns),
            features_count: layer.len as u64,
            index_node_size: if nodes.is_empty() { 0 } else { PackedRTree::DEFAULT_NODE_SIZE },
            crs: Some(crs),
            title: Some(title),
            description: Some(description),
            ..Default::default()
        },
    );
    hb.finish_size_prefixed(header, None);
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(hb.finished_data());
    out
}

/// Writes the spatial index of `nodes` (none for no features).
fn write_index(w: &mut dyn Write, nodes: &[NodeItem], extent: &NodeItem) -> io::Result<()> {
    if nodes.is_empty() {
        return Ok(());
    }
    let tree = PackedRTree::build(nodes, extent, PackedRTree::DEFAULT_NODE_SIZE)
        .map_err(|e| io::Error::other(format!("FlatGeobuf index: {e}")))?;
    tree.stream_write(&mut &mut *w)
}

/// Writes `layer` as a FlatGeobuf file with its spatial index to a stream. The index comes before the features
/// and is made of their sizes, so features pass through a temporary file meanwhile (memory stays flat); a file
/// that can be written out of order is better written by [`write_file`]. `progress` is told how many features
/// are done.
pub fn write(w: &mut dyn Write, layer: &Layer<'_>, progress: &mut dyn FnMut(usize)) -> io::Result<()> {
    let (mut nodes, extent) = hilbert_order(layer);
    let mut spool = BufWriter::with_capacity(1 << 20, tempfile::tempfile()?);
    write_features(layer, &mut nodes, progress, &mut |bytes| spool.write_all(bytes))?;
    w.write_all(&head(layer, &nodes, &extent))?;
    write_index(w, &nodes, &extent)?;
    let mut spool = spool.into_inner().map_err(|e| e.into_error())?;
    spool.seek(io::SeekFrom::Start(0))?;
    io::copy(&mut io::BufReader::with_capacity(1 << 20, spool), w)?;
    progress(layer.len);
    Ok(())
}

/// [`write()`] to a new file: the features go straight to their place after the room left for the index, which
/// is written last (so every byte is written once).
pub fn write_file(file: std::fs::File, layer: &Layer<'_>, progress: &mut dyn FnMut(usize)) -> io::Result<()> {
    let (mut nodes, extent) = hilbert_order(layer);
    let head = head(layer, &nodes, &extent);
    let index = if nodes.is_empty() { 0 } else { PackedRTree::index_size(nodes.len(), PackedRTree::DEFAULT_NODE_SIZE) };
    let mut out = BufWriter::with_capacity(1 << 20, file);
    out.write_all(&head)?;
    out.seek(io::SeekFrom::Start((head.len() + index) as u64))?;
    write_features(layer, &mut nodes, progress, &mut |bytes| out.write_all(bytes))?;
    out.seek(io::SeekFrom::Start(head.len() as u64))?;
    write_index(&mut out, &nodes, &extent)?;
    out.into_inner().map_err(|e| e.into_error())?;
    progress(layer.len);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_holds_the_bytes_the_stream_does() {
        let store = crate::store::Store::load(None).unwrap();
        for name in [crate::store::LayerName::Incidents, crate::store::LayerName::Borders] {
            let layer = store.layer(name, &Default::default());
            let mut streamed = Vec::new();
            write(&mut streamed, &layer, &mut |_| {}).unwrap();
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("x.fgb");
            write_file(std::fs::File::create_new(&path).unwrap(), &layer, &mut |_| {}).unwrap();
            let filed = std::fs::read(&path).unwrap();
            assert!(streamed.len() > 1000, "{name:?}");
            assert!(filed == streamed, "{name:?}: {} bytes in the file, {} in the stream", filed.len(), streamed.len());
        }
    }
}
