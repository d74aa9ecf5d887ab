//! The OpenAPI 3.0 document of every endpoint, built from the same parameter tables the handlers check
//! requests against.

use serde_json::{Map, Value, json};

use super::api::{CLUSTERS, DISTANCE, NEAR_BORDER, NEAREST, PLACE_SEARCH};
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
    Endpoint {
        path: "/health",
        summary: "Whether the process is up (200 from the moment it listens, while the data loads too)",
        tag: "Operations",
        params: &[],
        media: JSON,
    },
    Endpoint {
        path: "/ready",
        summary: "Whether the data is loaded: 200 when ready; while loading, 503 with Retry-After and the step reached",
        tag: "Operations",
        params: &[],
        media: JSON,
    },
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
        path: super::profile::PATH,
        summary: "The border profile: a line's corridor incidents placed along it from its western end, counted by stretch (with the surge rule) and by stretch and month",
        tag: "Borders",
        params: &[super::profile::PROFILE, F],
        media: JSON,
    },
    Endpoint {
        path: "/api/nearest",
        summary: "The k incidents nearest to a point or a place (exact geodesic distance), with their border facts",
        tag: "Borders",
        params: &[NEAREST, INCIDENT_FILTERS, F],
        media: GEOJSON,
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
        path: super::density::PATH,
        summary: "The incidents of a map view counted in hexagons about 36 screen pixels across (the web map's density view), by count or fatalities",
        tag: "Data",
        params: &[super::density::DENSITY, INCIDENT_FILTERS, F],
        media: GEOJSON,
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
    Endpoint {
        path: "/ogc/collections/{collectionId}/items/{featureId}/history",
        summary: "Every recorded version of an incident: who, when, why and what changed",
        tag: "Record",
        params: &[F],
        media: JSON,
    },
    Endpoint {
        path: "/api/deleted",
        summary: "Incidents retired or rejected, with the date (so a copy elsewhere can drop them)",
        tag: "Record",
        params: &[&[super::params::param("since", Kind::Date, "Only those on or after this day.")]],
        media: JSON,
    },
];

/// One operation that needs `Authorization: Bearer TOKEN` (a server with a data directory only).
pub struct Signed {
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    pub method: &'static str,
    /// Path, with `{name}` for path parameters.
    pub path: &'static str,
    /// What it does, and who may.
    pub summary: &'static str,
    /// The media type of the request body, if it has one.
    pub body: Option<&'static str>,
    /// The status of a successful answer.
    pub ok: &'static str,
}

const ITEM: &str = "/ogc/collections/{collectionId}/items/{featureId}";
const MERGE_PATCH: &str = "application/merge-patch+json";

/// Every operation that needs a token: OGC API – Features Part 4 on the incidents, review, sources, users.
pub const SIGNED: &[Signed] = &[
    Signed {
        method: "post",
        path: "/ogc/collections/{collectionId}/items",
        summary: "Record a new incident, a GeoJSON feature citing a source (editor); it starts as a draft",
        body: Some(GEOJSON),
        ok: "201",
    },
    Signed {
        method: "put",
        path: ITEM,
        summary: "Replace an incident (editor for drafts, reviewer for published ones; an editor's correction of a \
                  published incident is answered 202 with the proposal it became). If-Match: the ETag read",
        body: Some(GEOJSON),
        ok: "200",
    },
    Signed {
        method: "patch",
        path: ITEM,
        summary: "Change some fields (JSON Merge Patch, RFC 7396), as PUT; a patch of only properties.status \
                  publishes, rejects or retires",
        body: Some(MERGE_PATCH),
        ok: "200",
    },
    Signed {
        method: "delete",
        path: ITEM,
        summary: "Retire an incident (it stays in the history); a reason is required",
        body: None,
        ok: "204",
    },
    Signed {
        method: "post",
        path: "/api/incidents/{incidentId}/publish",
        summary: "Publish a draft (reviewer)",
        body: None,
        ok: "200",
    },
    Signed {
        method: "post",
        path: "/api/incidents/{incidentId}/reject",
        summary: "Reject a draft (reviewer; a reason is required)",
        body: None,
        ok: "200",
    },
    Signed {
        method: "get",
        path: "/api/proposals",
        summary: "Corrections editors proposed to published incidents, waiting for a reviewer",
        body: None,
        ok: "200",
    },
    Signed {
        method: "get",
        path: "/api/proposals/{proposal}",
        summary: "One open proposal, with the border facts the incident would have",
        body: None,
        ok: "200",
    },
    Signed {
        method: "post",
        path: "/api/proposals/{proposal}/accept",
        summary: "Accept a proposal (reviewer): the incident's next version; 409 if it changed since",
        body: None,
        ok: "200",
    },
    Signed {
        method: "post",
        path: "/api/proposals/{proposal}/decline",
        summary: "Decline a proposal (reviewer, or its author; a reason is required)",
        body: None,
        ok: "200",
    },
    Signed {
        method: "post",
        path: "/api/sources",
        summary: "Add a document to the source register: title, outlet, published, url, language, text, keep_text",
        body: Some(JSON),
        ok: "201",
    },
    Signed {
        method: "get",
        path: "/api/me",
        summary: "Who the token belongs to, and their role",
        body: None,
        ok: "200",
    },
    Signed {
        method: "get",
        path: "/api/users",
        summary: "The users, never their tokens (admin)",
        body: None,
        ok: "200",
    },
    Signed {
        method: "post",
        path: "/api/users",
        summary: "Add a user, {\"name\", \"role\"} (admin); the answer holds their token, once",
        body: Some(JSON),
        ok: "201",
    },
    Signed {
        method: "delete",
        path: "/api/users/{name}",
        summary: "Revoke a user's token at once (admin)",
        body: None,
        ok: "204",
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
        "proposal" => "A proposal's number",
        "name" => "A user's name",
        _ => "An incident's event_id",
    };
    json!({"name": name, "in": "path", "required": true, "description": description, "schema": {"type": "string"}})
}

fn path_parameters(path: &str) -> Vec<Value> {
    path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).map(path_parameter).collect()
}

/// The document, with `base` as the server URL; the operations that change the record are in it when the
/// server can record changes (`writable`).
pub fn document(base: &str, writable: bool) -> Value {
    let error = json!({
        "description": "What was wrong, which parameter, and what would be valid",
        "content": {JSON: {"schema": {"$ref": "#/components/schemas/exception"}}}
    });
    let mut paths = Map::new();
    for e in ENDPOINTS {
        let mut parameters = path_parameters(e.path);
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
    for s in SIGNED.iter().filter(|_| writable) {
        let mut parameters = path_parameters(s.path);
        if s.method != "get" && s.path != "/api/users" {
            parameters.push(json!({
                "name": "reason", "in": "query", "required": false, "schema": {"type": "string"},
                "description": "Why (required for corrections, rejections, retirements and declines); or the Borderline-Reason header",
            }));
        }
        let mut operation = json!({
            "summary": s.summary,
            "tags": ["Record"],
            "operationId": format!("{}{}", s.method, s.path.replace(['/', '{', '}'], "_")),
            "security": [{"bearer": []}],
            "parameters": parameters,
            "responses": {
                s.ok: {"description": "Done"},
                "401": error.clone(), "403": error.clone(), "404": error.clone(),
                "409": error.clone(), "412": error.clone(), "422": error.clone(),
            }
        });
        if let Some(media) = s.body {
            operation["requestBody"] = json!({"required": true, "content": {media: {"schema": {"type": "object"}}}});
        }
        let entry = paths.entry(s.path.to_string()).or_insert_with(|| json!({}));
        entry[s.method] = operation;
    }
    paths.insert(
        super::text::PATH.to_string(),
        json!({"post": {
            "summary": "Read a text (an article): its places, distance claims measured and judged, draft incidents",
            "tags": ["Borders"],
            "operationId": "post_api_text_check",
            "parameters": super::text::TEXT_CHECK.iter().map(|p| json!({
                "name": p.name, "in": "query", "required": p.required, "description": p.description,
                "schema": p.kind.schema(),
            })).collect::<Vec<_>>(),
            "requestBody": {"required": true, "content": {
                "text/plain": {"schema": {"type": "string"}},
                "application/json": {"schema": {"type": "object", "required": ["text"], "properties": {
                    "text": {"type": "string"}, "lang": {"type": "string", "enum": ["en", "fr", "auto"]}}}},
            }},
            "responses": {"200": {"description": "The places, claims and drafts, with character offsets"},
                "400": error.clone(), "413": error.clone(), "415": error.clone()},
        }}),
    );
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
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "description": "A token from borderline users add"}},
            "schemas": {"exception": {
            "type": "object",
            "required": ["code"],
            "properties": {
                "code": {"type": "string"}, "description": {"type": "string"},
                "parameter": {"type": "string"}, "valid": {"type": "string"}
            }
        }}}
    })
}
