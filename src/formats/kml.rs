//! KML 2.2 output (OGC 07-147r2) for Google Earth and QGIS: one `<Folder>` per layer, a typed `<Schema>` per
//! layer with `<SchemaData>` in each placemark (untyped `<Data>` arrives in GDAL as strings), incident dates as
//! `<TimeStamp>` (one day) or `<TimeSpan>` (an interval), and a style per event type in the web map's colours.

use std::io::{self, Write};

use super::layer::{FieldKind, GeometryKind, Layer, Rgb, Shape, Style, Symbol, Value};
use super::qml::escape;
use crate::model::LonLat;

/// KML's colour order: alpha, blue, green, red.
fn abgr(c: Rgb, alpha: u8) -> String {
    format!("{alpha:02x}{:02x}{:02x}{:02x}", c.2, c.1, c.0)
}

fn style(w: &mut dyn Write, id: &str, geometry: GeometryKind, s: &Symbol) -> io::Result<()> {
    write!(w, "<Style id=\"{}\">", escape(id))?;
    match geometry {
        GeometryKind::Point => write!(
            w,
            "<IconStyle><color>{}</color><scale>0.8</scale><Icon>\
             <href>http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png</href></Icon></IconStyle>",
            abgr(s.color, 0xff)
        )?,
        GeometryKind::MultiLineString => {
            write!(w, "<LineStyle><color>{}</color><width>{}</width></LineStyle>", abgr(s.color, 0xff), 2.5)?
        }
        GeometryKind::MultiPolygon => write!(
            w,
            "<LineStyle><color>{}</color><width>1</width></LineStyle><PolyStyle><color>{}</color></PolyStyle>",
            abgr(s.outline, 0xff),
            abgr(s.color, 0x80)
        )?,
    }
    writeln!(w, "</Style>")
}

/// Names GDAL's KML reader keeps for KML's own elements (compared without case): a field of the same name would
/// be lost in QGIS.
const RESERVED: &[&str] = &[
    "name",
    "description",
    "timestamp",
    "begin",
    "end",
    "altitudemode",
    "tessellate",
    "extrude",
    "visibility",
    "draworder",
    "icon",
    "snippet",
];

/// The name `field` is written under: its own, or for one of [`RESERVED`], `upload_timestamp` (ACLED's
/// `timestamp` is the time of upload) or the name with `_` appended. `None` for the layer's label field when
/// reserved: the placemark's `<name>` already carries it.
fn field_name(layer: &Layer<'_>, field: &str) -> Option<std::borrow::Cow<'static, str>> {
    use std::borrow::Cow;
    if !RESERVED.iter().any(|r| r.eq_ignore_ascii_case(field)) {
        return Some(Cow::Owned(field.to_string()));
    }
    if field == layer.label {
        return None;
    }
    Some(if field == "timestamp" { Cow::Borrowed("upload_timestamp") } else { Cow::Owned(format!("{field}_")) })
}

fn kml_type(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Text | FieldKind::Date | FieldKind::Json => "string",
        FieldKind::Integer => "int",
        FieldKind::Real => "double",
        FieldKind::Boolean => "bool",
    }
}

fn coordinates(w: &mut dyn Write, points: &[LonLat]) -> io::Result<()> {
    w.write_all(b"<coordinates>")?;
    for (n, p) in points.iter().enumerate() {
        if n > 0 {
            w.write_all(b" ")?;
        }
        write!(w, "{},{}", p.x, p.y)?;
    }
    w.write_all(b"</coordinates>")
}

fn geometry(w: &mut dyn Write, shape: &Shape<'_>) -> io::Result<()> {
    match shape {
        Shape::Point(p) => write!(w, "<Point><coordinates>{},{}</coordinates></Point>", p.x, p.y),
        Shape::Lines(parts) => {
            w.write_all(b"<MultiGeometry>")?;
            for part in parts.iter() {
                w.write_all(b"<LineString><tessellate>1</tessellate>")?;
                coordinates(w, part)?;
                w.write_all(b"</LineString>")?;
            }
            w.write_all(b"</MultiGeometry>")
        }
        Shape::Polygons(mp) => {
            w.write_all(b"<MultiGeometry>")?;
            for polygon in &mp.0 {
                w.write_all(b"<Polygon><outerBoundaryIs><LinearRing>")?;
                coordinates(w, &polygon.exterior().0)?;
                w.write_all(b"</LinearRing></outerBoundaryIs>")?;
                for hole in polygon.interiors() {
                    w.write_all(b"<innerBoundaryIs><LinearRing>")?;
                    coordinates(w, &hole.0)?;
                    w.write_all(b"</LinearRing></innerBoundaryIs>")?;
                }
                w.write_all(b"</Polygon>")?;
            }
            w.write_all(b"</MultiGeometry>")
        }
    }
}

/// The id of the style a feature of `layer` gets: `<layer>-<class number>`, or `<layer>-other`.
fn style_id(layer: &Layer<'_>, symbol_index: Option<usize>) -> String {
    symbol_index.map_or_else(|| format!("{}-other", layer.name), |n| format!("{}-{n}", layer.name))
}

/// Writes `layers` as one KML document, streaming (a feature at a time).
pub fn write(w: &mut dyn Write, title: &str, layers: &[Layer<'_>], progress: &mut dyn FnMut(usize)) -> io::Result<()> {
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(w, r#"<kml xmlns="http://www.opengis.net/kml/2.2">"#)?;
    writeln!(w, "<Document id=\"borderline\"><name>{}</name>", escape(title))?;
    for layer in layers {
        match &layer.style {
            Style::Single(s) => style(w, &style_id(layer, None), layer.geometry, s)?,
            Style::Categorized { classes, other, .. } => {
                for (n, (_, _, s)) in classes.iter().enumerate() {
                    style(w, &style_id(layer, Some(n)), layer.geometry, s)?;
                }
                style(w, &style_id(layer, None), layer.geometry, other)?;
            }
        }
        writeln!(w, "<Schema name=\"{0}\" id=\"{0}\">", layer.name)?;
        for f in layer.fields {
            if let Some(name) = field_name(layer, f.name) {
                writeln!(w, "<SimpleField name=\"{name}\" type=\"{}\"></SimpleField>", kml_type(f.kind))?;
            }
        }
        writeln!(w, "</Schema>")?;
    }
    let mut written = 0;
    for layer in layers {
        write_folder(w, layer, &mut |n| progress(written + n))?;
        written += layer.len;
    }
    writeln!(w, "</Document>\n</kml>")
}

fn write_folder(w: &mut dyn Write, layer: &Layer<'_>, progress: &mut dyn FnMut(usize)) -> io::Result<()> {
    writeln!(
        w,
        "<Folder id=\"{0}\"><name>{0}</name><description>{1}: {2}</description>",
        layer.name,
        escape(layer.title),
        escape(&layer.description)
    )?;
    let label = layer.field_index(layer.label);
    let names: Vec<_> = layer.fields.iter().map(|f| field_name(layer, f.name)).collect();
    let time = layer.time.and_then(|(a, b)| Some((layer.field_index(a)?, layer.field_index(b)?)));
    let category = match &layer.style {
        Style::Categorized { field, classes, .. } => layer.field_index(field).map(|i| (i, *classes)),
        Style::Single(_) => None,
    };
    layer.write_text(w, progress, &|n, out| {
        let w: &mut dyn Write = out;
        let feature = layer.feature(n);
        write!(w, "<Placemark id=\"{}.{}\">", layer.name, escape(&feature.id))?;
        let name = label.and_then(|i| feature.values[i].to_text()).unwrap_or(std::borrow::Cow::Borrowed(&feature.id));
        write!(w, "<name>{}</name>", escape(&name))?;
        let class = category.and_then(|(i, classes)| {
            let v = feature.values[i].to_text()?;
            classes.iter().position(|(c, _, _)| *c == v)
        });
        write!(w, "<styleUrl>#{}</styleUrl>", style_id(layer, class))?;
        if let Some((a, b)) = time {
            match (&feature.values[a], &feature.values[b]) {
                (Value::Date(start), Value::Date(end)) if start == end => {
                    write!(w, "<TimeStamp><when>{start}</when></TimeStamp>")?
                }
                (Value::Date(start), Value::Date(end)) => {
                    write!(w, "<TimeSpan><begin>{start}</begin><end>{end}</end></TimeSpan>")?
                }
                _ => {}
            }
        }
        write!(w, "<ExtendedData><SchemaData schemaUrl=\"#{}\">", layer.name)?;
        for (name, value) in names.iter().zip(&feature.values) {
            // GDAL reads a KML bool as an integer: 1 or 0.
            let text = match value {
                Value::Boolean(b) => Some(std::borrow::Cow::Borrowed(if *b { "1" } else { "0" })),
                v => v.to_text(),
            };
            if let (Some(name), Some(text)) = (name, text) {
                write!(w, "<SimpleData name=\"{name}\">{}</SimpleData>", escape(&text))?;
            }
        }
        w.write_all(b"</SchemaData></ExtendedData>")?;
        geometry(w, &feature.shape)?;
        w.write_all(b"</Placemark>\n")?;
        Ok(())
    })?;
    writeln!(w, "</Folder>")
}
