//! The OpenAPI 3.0 document of every endpoint, built from the same parameter tables the handlers check
//! requests against.

use serde_json::{Map, Value, json};

use super::api::{CLUSTERS, DISTANCE, NEAR_BORDER, PLACE_SEARCH};
use super::export::EXPORT;
use super::ogc::{GEOJSON, JSON, OPENAPI, SCHEMA};
use super::params::{BORDER, FORMAT, INCIDENT_FILTERS, ITEMS, Kind, Param};

/// One operation (all are GET).
pub struct Endpoint {
    /// Path, with `{name}` for path parameters.
    pub path: &'static str,
    /// What it does.
    pub summary: &'static str,
    /// Grouping in the document.
    pub tag: &'static str,
    /// Query parameters.
    pub params: &'static [&'static [Param]],
    /// Media type of a successful answer.
    pub media: &'static str,
}

const F: &[Param] = &[FORMAT];

/// Every endpoint of the server.
pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint { path: "/ogc", summary: "Landing page", tag: "Capabilities", params: &[F], media: JSON },
    Endpoint {
        path: "/ogc/conformance",
        summary: "Conformance classes",
        tag: "Capabilities",
        params: &[F],
        media: JSON,
    },
    Endpoint { path: "/ogc/api", summary: "This document", tag: "Capabilities", params: &[F], media: OPENAPI },
    Endpoint {
        path: "/ogc/collections",
        summary: "The feature collections",
        tag: "Capabilities",
        params: &[F],
        media: JSON,
    },
    Endpoint {
        path: "/ogc/collections/{collectionId}",
        summary: "One collection",
        tag: "Capabilities",
        params: &[F],
        media: JSON,
    },
    Endpoint {
        path: "/ogc/collections/{collectionId}/items",
        summary: "Features of a collection, paged (the incident filters apply to the incidents collection only)",
        tag: "Data",
        params: &[ITEMS, INCIDENT_FILTERS],
        media: GEOJSON,
    },
    Endpoint {
        path: "/ogc/collections/{collectionId}/items/{featureId}",
        summary: "One feature",
        tag: "Data",
        params: &[F],
        media: GEOJSON,
    },
    Endpoint {
        path: "/ogc/collections/{collectionId}/queryables",
        summary: "Properties the items endpoint filters on",
        tag: "Data",
        params: &[F],
        media: SCHEMA,
    },
    Endpoint {
        path: "/api/distance",
        summary: "Exact WGS84 distance from a point to the border, the nearest border point, and the sides",
        tag: "Borders",
        params: &[DISTANCE, BORDER, F],
        media: JSON,
    },
    Endpoint {
        path: "/api/incidents/{incidentId}/distance",
        summary: "An incident's distance to the border, with the range its location uncertainty allows",
        tag: "Borders",
        params: &[BORDER, F],
        media: JSON,
    },
    Endpoint {
        path: "/api/near-border",
        summary: "Incidents within a distance of the border, nearest first",
        tag: "Borders",
        params: &[NEAR_BORDER, BORDER, F],
        media: JSON,
    },
    Endpoint {
        path: "/api/places/search",
        summary: "Places by any spelling",
        tag: "Places",
        params: &[PLACE_SEARCH, F],
        media: JSON,
    },
    Endpoint {
        path: "/api/claims",
        summary: "The source documents' distance claims, checked",
        tag: "Borders",
        params: &[F],
        media: JSON,
    },
    Endpoint {
        path: "/api/stats",
        summary: "Incident counts by month (with fatalities), event type, side and distance band, for the same filters as items",
        tag: "Data",
        params: &[STATS_SELECTION, INCIDENT_FILTERS, F],
        media: JSON,
    },
    Endpoint {
        path: "/api/clusters",
        summary: "The incidents of a map view, grouped on the server by zoom level (what the web map draws)",
        tag: "Data",
        params: &[CLUSTERS, INCIDENT_FILTERS, F],
        media: JSON,
    },
    Endpoint {
        path: "/api/export/{format}",
        summary: "Layers as a file for QGIS: gpkg (styled), geojson, csv, kml or fgb, with the same filters as items, streamed",
        tag: "Data",
        params: &[STATS_SELECTION, INCIDENT_FILTERS, EXPORT],
        media: "application/octet-stream",
    },
    Endpoint {
        path: "/api/sources",
        summary: "The source documents incidents cite",
        tag: "Data",
        params: &[F],
        media: JSON,
    },
];

/// The selection parameters of `/api/stats` (those of items, without paging).
pub const STATS_SELECTION: &[Param] = ITEMS.split_at(3).0;

fn path_parameter(name: &str) -> Value {
    let description = match name {
        "collectionId" => "incidents, places, borders or countries",
        "featureId" => {
            "The feature's id (an incident's event_id, a place id, a border id such as DZA-MLI/osm URL-encoded, an ISO3 code)"
        }
        "format" => "gpkg, geojson, csv, csv.zip (the CSV with its .csvt and .prj), kml or fgb",
        _ => "An incident's event_id",
    };
    json!({"name": name, "in": "path", "required": true, "description": description, "schema": {"type": "string"}})
}

/// The document, with `base` as the server URL.
pub fn document(base: &str) -> Value {
    let error = json!({
        "description": "What was wrong, which parameter, and what would be valid",
        "content": {JSON: {"schema": {"$ref": "#/components/schemas/exception"}}}
    });
    let mut paths = Map::new();
    for e in ENDPOINTS {
        let mut parameters: Vec<Value> = e
            .path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(path_parameter)
            .collect();
        let mut seen = Vec::new();
        for p in e.params.iter().flat_map(|ps| ps.iter()) {
            if seen.contains(&p.name) {
                continue;
            }
            seen.push(p.name);
            let schema = p.kind.schema();
            let explode = matches!(p.kind, Kind::Bbox | Kind::EventType | Kind::Layers);
            parameters.push(json!({
                "name": p.name, "in": "query", "required": p.required, "description": p.description,
                "schema": schema, "style": "form", "explode": !explode,
            }));
        }
        let operation = json!({
            "summary": e.summary,
            "tags": [e.tag],
            "operationId": e.path.trim_start_matches('/').replace(['/', '{', '}'], "_"),
            "parameters": parameters,
            "responses": {
                "200": {"description": "OK", "content": {e.media: {"schema": {"type": "object"}}}},
                "400": error.clone(),
                "404": error.clone(),
            }
        });
        paths.insert(e.path.to_string(), json!({"get": operation}));
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "borderline",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Border incidents of the Sahel: OGC API – Features (Core, GeoJSON, OpenAPI 3.0) and exact WGS84 border-distance queries.",
            "license": {"name": "MIT (code); data ODbL 1.0 / public domain, see geodata/PROVENANCE.md"},
        },
        "servers": [{"url": base}],
        "paths": paths,
        "components": {"schemas": {"exception": {
            "type": "object",
            "required": ["code"],
            "properties": {
                "code": {"type": "string"}, "description": {"type": "string"},
                "parameter": {"type": "string"}, "valid": {"type": "string"}
            }
        }}}
    })
}
