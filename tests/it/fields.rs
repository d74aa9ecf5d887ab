//! `docs/fields.md` documents the one vocabulary of every format: each layer's fields, in order, with their types.

use borderline::formats::layer::FieldKind;
use borderline::store::{IncidentFilter, LayerName};

use crate::common::store;

/// The `(field, type)` rows of the table under `## {layer}` in docs/fields.md.
fn documented(doc: &str, layer: &str) -> Vec<(String, String)> {
    let section = doc.split("\n## ").find(|s| s.starts_with(&format!("{layer}\n"))).expect("a section per layer");
    section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let name = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            Some((name.to_string(), cells.get(2)?.to_string()))
        })
        .collect()
}

#[test]
fn docs_fields_lists_every_field_of_every_layer_in_order_with_its_type() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/fields.md")).unwrap();
    for name in LayerName::ALL {
        let layer = store().layer(name, &IncidentFilter::default());
        let actual: Vec<(String, String)> = layer
            .fields
            .iter()
            .map(|f| {
                let kind = match f.kind {
                    FieldKind::Text => "text",
                    FieldKind::Integer => "integer",
                    FieldKind::Real => "real",
                    FieldKind::Date => "date",
                    FieldKind::Boolean => "boolean",
                    FieldKind::Json => "JSON",
                };
                (f.name.to_string(), kind.to_string())
            })
            .collect();
        assert_eq!(documented(&doc, name.as_str()), actual, "docs/fields.md, section {name}");
    }
}
