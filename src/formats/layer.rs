//! The tabular form every layer takes on its way into a file: a name, a geometry type, typed fields, a style,
//! and features produced one at a time (so an export of a million incidents never holds them all twice).
//! GeoPackage, KML, FlatGeobuf and CSV are all written from a [`Layer`].

use std::borrow::Cow;

use chrono::NaiveDate;
use geo::MultiPolygon;

use crate::model::LonLat;

/// The type of a field, as every format can express it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// UTF-8 text.
    Text,
    /// A 64-bit integer.
    Integer,
    /// A double.
    Real,
    /// A calendar date (ISO 8601).
    Date,
    /// True or false.
    Boolean,
    /// Text holding a JSON value (GeoJSON writes the value itself, FlatGeobuf types the column `Json`).
    Json,
}

/// A named, typed field.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// Column name.
    pub name: &'static str,
    /// Column type.
    pub kind: FieldKind,
}

impl Field {
    /// A field called `name` of type `kind`.
    pub const fn new(name: &'static str, kind: FieldKind) -> Field {
        Field { name, kind }
    }
}

/// One value of a feature; `Null` when unknown.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// No value.
    Null,
    /// Text.
    Text(Cow<'a, str>),
    /// An integer.
    Integer(i64),
    /// A double.
    Real(f64),
    /// A date.
    Date(NaiveDate),
    /// A boolean.
    Boolean(bool),
}

impl<'a> Value<'a> {
    /// Text, or `Null` when empty (files write no value rather than an empty string).
    pub fn text(s: &'a str) -> Value<'a> {
        if s.is_empty() { Value::Null } else { Value::Text(Cow::Borrowed(s)) }
    }

    /// Text from an optional string.
    pub fn opt_text(s: Option<&'a str>) -> Value<'a> {
        s.map_or(Value::Null, Value::text)
    }

    /// An integer from an optional count.
    pub fn opt_int(n: Option<u32>) -> Value<'a> {
        n.map_or(Value::Null, |n| Value::Integer(n.into()))
    }

    /// The value as text, as CSV and KML write it (`None` for `Null`).
    pub fn to_text(&self) -> Option<Cow<'_, str>> {
        match self {
            Value::Null => None,
            Value::Text(s) => Some(Cow::Borrowed(s)),
            Value::Integer(n) => Some(Cow::Owned(n.to_string())),
            Value::Real(x) => Some(Cow::Owned(x.to_string())),
            Value::Date(d) => Some(Cow::Owned(d.to_string())),
            Value::Boolean(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        }
    }
}

/// The geometry type of a layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeometryKind {
    /// Points.
    Point,
    /// Lines, each feature one or more parts.
    MultiLineString,
    /// Polygons with holes, each feature one or more parts.
    MultiPolygon,
}

impl GeometryKind {
    /// The OGC name (`POINT`, `MULTILINESTRING`, `MULTIPOLYGON`), as GeoPackage records it.
    pub fn ogc_name(&self) -> &'static str {
        match self {
            GeometryKind::Point => "POINT",
            GeometryKind::MultiLineString => "MULTILINESTRING",
            GeometryKind::MultiPolygon => "MULTIPOLYGON",
        }
    }
}

/// A feature's geometry, borrowed from the data (lon, lat degrees, WGS84).
#[derive(Clone, Copy, Debug)]
pub enum Shape<'a> {
    /// A point.
    Point(LonLat),
    /// One or more lines.
    Lines(&'a [Vec<LonLat>]),
    /// One or more polygons.
    Polygons(&'a MultiPolygon<f64>),
}

impl Shape<'_> {
    /// Every vertex, for envelopes.
    pub fn vertices(&self) -> Box<dyn Iterator<Item = LonLat> + '_> {
        match self {
            Shape::Point(p) => Box::new(std::iter::once(*p)),
            Shape::Lines(parts) => Box::new(parts.iter().flatten().copied()),
            Shape::Polygons(mp) => Box::new(
                mp.0.iter()
                    .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                    .flat_map(|ring| ring.0.iter().copied()),
            ),
        }
    }

    /// The bounding box: min lon, min lat, max lon, max lat.
    pub fn envelope(&self) -> [f64; 4] {
        let mut e = [f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY];
        for v in self.vertices() {
            e = [e[0].min(v.x), e[1].min(v.y), e[2].max(v.x), e[3].max(v.y)];
        }
        e
    }

    /// Well-known text, e.g. `POINT (1.5 20.25)`.
    pub fn wkt(&self) -> String {
        fn ring(out: &mut String, points: impl Iterator<Item = LonLat>) {
            out.push('(');
            for (n, p) in points.enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                out.push_str(&format!("{} {}", p.x, p.y));
            }
            out.push(')');
        }
        let mut out = String::new();
        match self {
            Shape::Point(p) => out.push_str(&format!("POINT ({} {})", p.x, p.y)),
            Shape::Lines(parts) => {
                out.push_str("MULTILINESTRING (");
                for (n, part) in parts.iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    ring(&mut out, part.iter().copied());
                }
                out.push(')');
            }
            Shape::Polygons(mp) => {
                out.push_str("MULTIPOLYGON (");
                for (n, polygon) in mp.0.iter().enumerate() {
                    out.push_str(if n > 0 { ", (" } else { "(" });
                    for (k, r) in std::iter::once(polygon.exterior()).chain(polygon.interiors()).enumerate() {
                        if k > 0 {
                            out.push_str(", ");
                        }
                        ring(&mut out, r.0.iter().copied());
                    }
                    out.push(')');
                }
                out.push(')');
            }
        }
        out
    }
}

/// One feature: an id, a geometry, and one value per field of its layer (same order).
#[derive(Debug)]
pub struct Feature<'a> {
    /// The feature's own id (`event_id`, place id, border id, ISO3).
    pub id: Cow<'a, str>,
    /// Its geometry.
    pub shape: Shape<'a>,
    /// Its values, one per [`Layer::fields`].
    pub values: Vec<Value<'a>>,
}

/// An RGB colour (the web map's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// From `#RRGGBB`.
    pub const fn hex(rgb: u32) -> Rgb {
        Rgb((rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8)
    }
}

/// How a feature is drawn.
#[derive(Clone, Copy, Debug)]
pub struct Symbol {
    /// Stroke (lines) or fill (points, polygons) colour.
    pub color: Rgb,
    /// Outline colour of points and polygons.
    pub outline: Rgb,
    /// Dashed line (the Natural Earth border, as on the web map).
    pub dashed: bool,
}

/// How a layer is styled: one symbol, or one per value of a field.
#[derive(Clone, Copy, Debug)]
pub enum Style {
    /// Every feature alike.
    Single(Symbol),
    /// By the value of `field`; features with another value get `other`.
    Categorized {
        /// The field whose value picks the symbol.
        field: &'static str,
        /// (value, label, symbol).
        classes: &'static [(&'static str, &'static str, Symbol)],
        /// For any other value.
        other: Symbol,
    },
}

impl Style {
    /// The symbol for `feature` of `layer`.
    pub fn symbol_for(&self, layer: &Layer<'_>, feature: &Feature<'_>) -> Symbol {
        match self {
            Style::Single(s) => *s,
            Style::Categorized { field, classes, other } => {
                let value = layer.field_index(field).and_then(|i| feature.values[i].to_text());
                classes.iter().find(|(v, _, _)| Some(*v) == value.as_deref()).map_or(*other, |(_, _, s)| *s)
            }
        }
    }
}

/// Makes the `n`th feature of a layer.
pub type FeatureFn<'a> = Box<dyn Fn(usize) -> Feature<'a> + Sync + 'a>;

/// A layer ready to be written: what it is, its fields, its style and a way to get each feature.
pub struct Layer<'a> {
    /// Table name (`incidents`, `places`, `borders`, `countries`).
    pub name: &'static str,
    /// Human title.
    pub title: &'static str,
    /// What it holds, its provenance and licence.
    pub description: String,
    /// Geometry type.
    pub geometry: GeometryKind,
    /// Fields, in order.
    pub fields: &'static [Field],
    /// The field that names a feature on a map (KML `<name>`).
    pub label: &'static str,
    /// How it is drawn (QGIS styles, KML styles).
    pub style: Style,
    /// A QGIS expression for the diameter of a point's symbol in millimetres, when it depends on the feature
    /// (incidents: by fatalities, as on the web map).
    pub size_expression: Option<&'static str>,
    /// Whether QGIS shows the `label` field as map labels (places, as on the web map).
    pub labelled: bool,
    /// The fields giving each feature's first and last day, when it has a time (KML `TimeSpan`).
    pub time: Option<(&'static str, &'static str)>,
    /// Number of features.
    pub len: usize,
    /// Makes the `n`th feature (`n < len`).
    pub feature: FeatureFn<'a>,
    /// The bounding box of the `n`th feature without making it, when that is cheap (incidents: their point).
    pub envelope: Option<EnvelopeFn<'a>>,
}

/// The bounding box (min x, min y, max x, max y) of the `n`th feature of a layer.
pub type EnvelopeFn<'a> = Box<dyn Fn(usize) -> [f64; 4] + Sync + 'a>;

impl<'a> Layer<'a> {
    /// The `n`th feature (0-based, `n < len`).
    pub fn feature(&self, n: usize) -> Feature<'a> {
        (self.feature)(n)
    }

    /// The bounding box (min x, min y, max x, max y) of the `n`th feature.
    pub fn envelope(&self, n: usize) -> [f64; 4] {
        match &self.envelope {
            Some(f) => f(n),
            None => self.feature(n).shape.envelope(),
        }
    }

    /// The position of the field called `name`.
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }
}

impl std::fmt::Debug for Layer<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Layer").field("name", &self.name).field("len", &self.len).finish_non_exhaustive()
    }
}

/// Where the centre of `bbox` (min x, min y, max x, max y) falls along a Hilbert curve over `extent` (same
/// form): sorting by it puts near boxes next to each other, as spatial indexes want.
pub fn hilbert_key(extent: [f64; 4], bbox: [f64; 4]) -> u64 {
    let cell = |v: f64, lo: f64, hi: f64| ((v - lo) * 65_535.0 / (hi - lo).max(1e-9)).clamp(0.0, 65_535.0) as u32;
    let x = cell((bbox[0] + bbox[2]) / 2.0, extent[0], extent[2]);
    let y = cell((bbox[1] + bbox[3]) / 2.0, extent[1], extent[3]);
    hilbert(x, y)
}

/// The position of cell (`x`, `y`) along a Hilbert curve over a 65,536 × 65,536 grid.
pub fn hilbert(mut x: u32, mut y: u32) -> u64 {
    let mut d = 0u64;
    let mut s = 1u32 << 15;
    while s > 0 {
        let rx = u32::from(x & s > 0);
        let ry = u32::from(y & s > 0);
        d += u64::from(s) * u64::from(s) * u64::from((3 * rx) ^ ry);
        if ry == 0 {
            if rx == 1 {
                x = s.wrapping_sub(1).wrapping_sub(x) & 0xFFFF;
                y = s.wrapping_sub(1).wrapping_sub(y) & 0xFFFF;
            }
            std::mem::swap(&mut x, &mut y);
        }
        s >>= 1;
    }
    d
}

/// Features per block of the writers' parallel passes.
pub const BLOCK: usize = 2048;

/// Makes blocks `0..count` with `make` on every core and gives them to `consume` in order, so writing stays
/// sequential while making features (measuring, formatting, encoding) uses every core. At most two blocks per
/// core wait to be consumed, so memory stays flat; when `consume` fails, the makers stop.
pub fn in_order<T: Send>(
    count: usize,
    make: &(dyn Fn(usize) -> T + Sync),
    consume: &mut dyn FnMut(T) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    if workers == 1 || count < 2 {
        return (0..count).try_for_each(|k| consume(make(k)));
    }
    std::thread::scope(|s| {
        let channels: Vec<_> = (0..workers)
            .map(|worker| {
                let (tx, rx) = std::sync::mpsc::sync_channel::<T>(2);
                s.spawn(move || {
                    for k in (worker..count).step_by(workers) {
                        if tx.send(make(k)).is_err() {
                            return;
                        }
                    }
                });
                rx
            })
            .collect();
        for k in 0..count {
            let block = channels[k % workers].recv().expect("a block maker stopped");
            consume(block)?;
        }
        Ok(())
    })
}

impl Layer<'_> {
    /// The features `k * BLOCK ..` of block `k`.
    pub fn block(&self, k: usize) -> std::ops::Range<usize> {
        k * BLOCK..((k + 1) * BLOCK).min(self.len)
    }

    /// Number of blocks of [`BLOCK`] features.
    pub fn blocks(&self) -> usize {
        self.len.div_ceil(BLOCK)
    }

    /// Writes every feature as text: `feature(n, out)` appends feature `n`; blocks of features are made on every
    /// core and written to `w` in order. `progress` is told how many features are written.
    pub fn write_text(
        &self,
        w: &mut dyn std::io::Write,
        progress: &mut dyn FnMut(usize),
        feature: &(dyn Fn(usize, &mut Vec<u8>) -> std::io::Result<()> + Sync),
    ) -> std::io::Result<()> {
        let block = |k: usize| -> std::io::Result<Vec<u8>> {
            let mut out = Vec::with_capacity(BLOCK * 1024);
            for n in self.block(k) {
                feature(n, &mut out)?;
            }
            Ok(out)
        };
        let mut written = 0;
        in_order(self.blocks(), &block, &mut |bytes| {
            progress(written);
            written += BLOCK;
            w.write_all(&bytes?)
        })?;
        progress(self.len);
        Ok(())
    }
}
