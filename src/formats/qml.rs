//! QGIS layer styles (QML) built from a [`Layer`]'s [`Style`]: a categorised renderer (incidents by event type in
//! the web map's colours and sized by fatalities, borders by source, the Natural Earth line dashed) or a single
//! symbol, and labels where the map shows names (places). GeoPackage exports store them in `layer_styles`, where
//! QGIS finds them and applies them when the layer is added.

use std::fmt::Write;

use super::layer::{GeometryKind, Layer, Rgb, Style, Symbol};

fn rgba(c: Rgb) -> String {
    format!("{},{},{},255", c.0, c.1, c.2)
}

/// Escapes text for an XML attribute or element.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot hold at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn props(out: &mut String, pairs: &[(&str, String)]) {
    for (k, v) in pairs {
        let _ = writeln!(out, r#"      <prop k="{k}" v="{}"/>"#, escape(v));
    }
}

/// A data-defined symbol size: `expression` (millimetres) in place of the fixed size.
fn data_defined_size(out: &mut String, expression: &str) {
    out.push_str("      <data_defined_properties>\n       <Option type=\"Map\">\n");
    out.push_str("        <Option type=\"QString\" name=\"name\" value=\"\"/>\n");
    out.push_str("        <Option type=\"Map\" name=\"properties\">\n         <Option type=\"Map\" name=\"size\">\n");
    out.push_str("          <Option type=\"bool\" name=\"active\" value=\"true\"/>\n");
    let _ = writeln!(out, r#"          <Option type="QString" name="expression" value="{}"/>"#, escape(expression));
    out.push_str("          <Option type=\"int\" name=\"type\" value=\"3\"/>\n");
    out.push_str("         </Option>\n        </Option>\n");
    out.push_str("        <Option type=\"QString\" name=\"type\" value=\"collection\"/>\n");
    out.push_str("       </Option>\n      </data_defined_properties>\n");
}

/// Labels from `field`: dark text with a white buffer, beside the point, as the web map's place names.
fn labeling(out: &mut String, field: &str) {
    out.push_str(" <labeling type=\"simple\">\n  <settings calloutType=\"simple\">\n");
    let _ = writeln!(
        out,
        r#"   <text-style fieldName="{}" isExpression="0" fontSize="9" fontSizeUnit="Point" textColor="35,35,35,255" textOpacity="1" fontWeight="50" fontFamily="Sans Serif" namedStyle="Regular">"#,
        escape(field)
    );
    out.push_str("    <text-buffer bufferDraw=\"1\" bufferSize=\"1\" bufferSizeUnits=\"MM\" bufferColor=\"255,255,255,255\" bufferOpacity=\"0.8\"/>\n");
    out.push_str("   </text-style>\n");
    out.push_str("   <placement placement=\"6\" dist=\"1\" distUnits=\"MM\" priority=\"5\"/>\n");
    out.push_str("   <rendering obstacle=\"1\" scaleVisibility=\"0\" drawLabels=\"1\"/>\n");
    out.push_str("  </settings>\n </labeling>\n");
}

fn symbol(out: &mut String, name: &str, geometry: GeometryKind, s: &Symbol, size_expression: Option<&str>) {
    let (kind, class) = match geometry {
        GeometryKind::Point => ("marker", "SimpleMarker"),
        GeometryKind::MultiLineString => ("line", "SimpleLine"),
        GeometryKind::MultiPolygon => ("fill", "SimpleFill"),
    };
    let _ = writeln!(out, r#"   <symbol type="{kind}" name="{name}" alpha="1" clip_to_extent="1" force_rhr="0">"#);
    let _ = writeln!(out, r#"    <layer class="{class}" enabled="1" pass="0" locked="0">"#);
    match geometry {
        GeometryKind::Point => props(
            out,
            &[
                ("name", "circle".into()),
                ("color", rgba(s.color)),
                ("outline_color", rgba(s.outline)),
                ("outline_style", "solid".into()),
                ("outline_width", "0.2".into()),
                ("outline_width_unit", "MM".into()),
                ("size", "2.6".into()),
                ("size_unit", "MM".into()),
            ],
        ),
        GeometryKind::MultiLineString => props(
            out,
            &[
                ("line_color", rgba(s.color)),
                ("line_style", if s.dashed { "dash" } else { "solid" }.into()),
                ("line_width", if s.dashed { "0.5" } else { "0.6" }.into()),
                ("line_width_unit", "MM".into()),
                ("capstyle", "round".into()),
                ("joinstyle", "round".into()),
            ],
        ),
        GeometryKind::MultiPolygon => props(
            out,
            &[
                ("color", rgba(s.color)),
                ("style", "solid".into()),
                ("outline_color", rgba(s.outline)),
                ("outline_style", "solid".into()),
                ("outline_width", "0.26".into()),
                ("outline_width_unit", "MM".into()),
            ],
        ),
    }
    if let (GeometryKind::Point, Some(expression)) = (geometry, size_expression) {
        data_defined_size(out, expression);
    }
    out.push_str("    </layer>\n   </symbol>\n");
}

/// The QML document styling `layer` in QGIS.
pub fn style(layer: &Layer<'_>) -> String {
    let mut out = String::from("<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n");
    let _ = writeln!(
        out,
        r#"<qgis version="3.22.0" styleCategories="Symbology|Labeling" labelsEnabled="{}">"#,
        u8::from(layer.labelled)
    );
    match &layer.style {
        Style::Single(s) => {
            out.push_str(
                " <renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\n",
            );
            out.push_str("  <symbols>\n");
            symbol(&mut out, "0", layer.geometry, s, layer.size_expression);
            out.push_str("  </symbols>\n </renderer-v2>\n");
        }
        Style::Categorized { field, classes, other } => {
            let _ = writeln!(
                out,
                r#" <renderer-v2 type="categorizedSymbol" attr="{}" symbollevels="0" enableorderby="0" forceraster="0">"#,
                escape(field)
            );
            out.push_str("  <categories>\n");
            for (n, (value, label, _)) in classes.iter().enumerate() {
                let _ = writeln!(
                    out,
                    r#"   <category symbol="{n}" value="{}" label="{}" render="true"/>"#,
                    escape(value),
                    escape(label)
                );
            }
            let _ = writeln!(out, r#"   <category symbol="{}" value="" label="other" render="true"/>"#, classes.len());
            out.push_str("  </categories>\n  <symbols>\n");
            for (n, (_, _, s)) in classes.iter().enumerate() {
                symbol(&mut out, &n.to_string(), layer.geometry, s, layer.size_expression);
            }
            symbol(&mut out, &classes.len().to_string(), layer.geometry, other, layer.size_expression);
            out.push_str("  </symbols>\n </renderer-v2>\n");
        }
    }
    if layer.labelled {
        labeling(&mut out, layer.label);
    }
    out.push_str("</qgis>\n");
    out
}
