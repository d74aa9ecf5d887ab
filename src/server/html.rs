//! Plain HTML views of the OGC API pages — the landing page, the collections, a page of items, one feature —
//! for people who open the service in a browser (as pygeoapi offers them). Each is drawn from the same JSON
//! document a client gets, every value escaped; links lead to the HTML view of what they name, and each page
//! links to its JSON.

use std::fmt::Write as _;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

// The five characters markup gives a meaning, escaped: the same for HTML as for the QGIS styles' XML.
use crate::formats::qml::escape as esc;

/// Item properties shown as columns of an items page, those present in this order (every property is on the
/// feature's own page).
const COLUMNS: &[&str] = &[
    "event_date",
    "event_type",
    "sub_event_type",
    "actor1",
    "location",
    "country",
    "fatalities",
    "border",
    "border_distance_m",
    "side_of_line",
    "name",
    "kind",
    "population",
    "iso3",
    "pair",
    "source",
    "length_m",
];

/// `href` without `f=`, with `f=` `format`.
fn with_format(href: &str, format: &str) -> String {
    let (path, query) = href.split_once('?').unwrap_or((href, ""));
    let mut url = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.as_bytes()).filter(|(k, _)| k != "f") {
        url.append_pair(&k, &v);
    }
    url.append_pair("f", format);
    format!("{path}?{}", url.finish())
}

/// A value as text: strings as they are, numbers and the rest as JSON, null as nothing.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn self_href(doc: &Value) -> Option<&str> {
    doc["links"].as_array()?.iter().find(|l| l["rel"] == "self")?["href"].as_str()
}

/// The whole page: `crumbs` lead from the landing page to this one.
fn page(base: &str, title: &str, crumbs: &[(String, &str)], doc: &Value, body: &str) -> Response {
    let mut html = String::with_capacity(body.len() + 1024);
    let _ = write!(
        html,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} — borderline OGC API</title>\n\
         <link rel=\"stylesheet\" href=\"{}/ogc.css\">\n<link rel=\"icon\" href=\"{}/favicon.svg\" type=\"image/svg+xml\">\n</head>\n<body>\n<header><nav aria-label=\"Breadcrumbs\"><a href=\"{}/\">borderline map</a>",
        esc(title),
        esc(base),
        esc(base),
        esc(base)
    );
    for (href, name) in crumbs {
        let _ = write!(html, " › <a href=\"{}\">{}</a>", esc(href), esc(name));
    }
    let _ = write!(html, " › <span aria-current=\"page\">{}</span></nav>", esc(title));
    if let Some(href) = self_href(doc) {
        let _ = write!(html, "<a class=\"json\" href=\"{}\">This page as JSON</a>", esc(&with_format(href, "json")));
    }
    let _ = write!(html, "</header>\n<main>\n<h1>{}</h1>\n{body}</main>\n</body>\n</html>\n", esc(title));
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))], html).into_response()
}

/// A document's links, as a list; those the HTML views serve lead to them.
fn links(doc: &Value) -> String {
    let mut out = String::from("<ul class=\"links\">\n");
    for l in doc["links"].as_array().into_iter().flatten() {
        let href = l["href"].as_str().unwrap_or("");
        let kind = l["type"].as_str().unwrap_or("");
        let viewable = kind.contains("json") && !kind.contains("openapi") && !kind.contains("schema");
        let href = if viewable { with_format(href, "html") } else { href.to_string() };
        let _ = writeln!(
            out,
            "<li><a href=\"{}\">{}</a> <small>{} · {}</small></li>",
            esc(&href),
            esc(&text(&l["title"])),
            esc(&text(&l["rel"])),
            esc(kind)
        );
    }
    out.push_str("</ul>\n");
    out
}

/// Any JSON value as nested definition lists.
fn definitions(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let mut out = String::from("<dl>");
            for (k, v) in map {
                let _ = write!(out, "<dt>{}</dt><dd>{}</dd>", esc(k), definitions(v));
            }
            out.push_str("</dl>");
            out
        }
        Value::Array(items) if items.iter().all(|i| !i.is_object() && !i.is_array()) => {
            esc(&items.iter().map(text).collect::<Vec<_>>().join(", "))
        }
        Value::Array(items) => {
            let mut out = String::from("<ol>");
            for i in items {
                let _ = write!(out, "<li>{}</li>", definitions(i));
            }
            out.push_str("</ol>");
            out
        }
        other => esc(&text(other)),
    }
}

fn collection_section(c: &Value, heading: bool) -> String {
    let mut out = String::new();
    if heading {
        let href = c["links"]
            .as_array()
            .and_then(|ls| ls.iter().find(|l| l["rel"] == "self"))
            .and_then(|l| l["href"].as_str())
            .unwrap_or("");
        let _ = write!(
            out,
            "<section>\n<h2><a href=\"{}\">{}</a></h2>\n",
            esc(&with_format(href, "html")),
            esc(&text(&c["title"]))
        );
    }
    let _ = writeln!(out, "<p>{}</p>", esc(&text(&c["description"])));
    let _ = writeln!(out, "<h3>Extent</h3>{}", definitions(&c["extent"]));
    let _ = writeln!(out, "<h3>Links</h3>{}", links(c));
    if heading {
        out.push_str("</section>\n");
    }
    out
}

/// The landing page.
pub fn landing(base: &str, doc: &Value) -> Response {
    let body = format!("<p>{}</p>\n<h2>Links</h2>\n{}", esc(&text(&doc["description"])), links(doc));
    page(base, "OGC API", &[], doc, &body)
}

/// The collections.
pub fn collections(base: &str, doc: &Value) -> Response {
    let body: String =
        doc["collections"].as_array().into_iter().flatten().map(|c| collection_section(c, true)).collect();
    page(base, "Collections", &[(format!("{base}/ogc?f=html"), "OGC API")], doc, &body)
}

/// One collection.
pub fn collection(base: &str, doc: &Value) -> Response {
    let crumbs = [(format!("{base}/ogc?f=html"), "OGC API"), (format!("{base}/ogc/collections?f=html"), "Collections")];
    page(base, &text(&doc["title"]), &crumbs, doc, &collection_section(doc, false))
}

/// A page of items of collection `id`.
pub fn items(base: &str, id: &str, title: &str, doc: &Value) -> Response {
    let features = doc["features"].as_array().map_or(&[][..], Vec::as_slice);
    let columns: Vec<&str> = features
        .first()
        .and_then(|f| f["properties"].as_object())
        .map(|p| COLUMNS.iter().copied().filter(|k| p.contains_key(*k)).collect())
        .unwrap_or_default();
    let mut body = String::new();
    let _ = writeln!(
        body,
        "<p>{} of {} features{}.</p>",
        doc["numberReturned"],
        doc["numberMatched"],
        if features.len() < doc["numberMatched"].as_u64().unwrap_or(0) as usize { " (this page)" } else { "" }
    );
    let nav: Vec<String> = doc["links"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|l| l["rel"] == "prev" || l["rel"] == "next")
        .map(|l| {
            let href = with_format(l["href"].as_str().unwrap_or(""), "html");
            format!("<a rel=\"{}\" href=\"{}\">{}</a>", esc(&text(&l["rel"])), esc(&href), esc(&text(&l["title"])))
        })
        .collect();
    if !nav.is_empty() {
        let _ = writeln!(body, "<nav class=\"pages\" aria-label=\"Pages\">{}</nav>", nav.join(" "));
    }
    body.push_str("<div class=\"table\"><table>\n<thead><tr><th scope=\"col\">id</th>");
    for c in &columns {
        let _ = write!(body, "<th scope=\"col\">{}</th>", esc(c));
    }
    body.push_str("</tr></thead>\n<tbody>\n");
    for f in features {
        let fid = text(&f["id"]);
        let encoded: String = form_urlencoded::byte_serialize(fid.as_bytes()).collect();
        let href = format!("{base}/ogc/collections/{id}/items/{encoded}?f=html");
        let _ = write!(body, "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th>", esc(&href), esc(&fid));
        for c in &columns {
            let _ = write!(body, "<td>{}</td>", esc(&text(&f["properties"][*c])));
        }
        body.push_str("</tr>\n");
    }
    body.push_str("</tbody>\n</table></div>\n");
    let crumbs = [
        (format!("{base}/ogc?f=html"), "OGC API"),
        (format!("{base}/ogc/collections?f=html"), "Collections"),
        (format!("{base}/ogc/collections/{id}?f=html"), title),
    ];
    page(base, &format!("{title}: items"), &crumbs, doc, &body)
}

/// How many positions (arrays of numbers) a GeoJSON `coordinates` value holds.
fn positions(v: &Value) -> usize {
    match v.as_array() {
        Some(a) if a.first().is_some_and(Value::is_number) => 1,
        Some(a) => a.iter().map(positions).sum(),
        None => 0,
    }
}

/// One feature of collection `id`.
pub fn feature(base: &str, id: &str, title: &str, doc: &Value) -> Response {
    let geometry = &doc["geometry"];
    let kind = text(&geometry["type"]);
    let shape = match kind.as_str() {
        "Point" => {
            let c = &geometry["coordinates"];
            let (lon, lat) = (c[0].as_f64().unwrap_or(0.0), c[1].as_f64().unwrap_or(0.0));
            format!(
                "Point at {:.5}° {}, {:.5}° {}",
                lat.abs(),
                if lat < 0.0 { 'S' } else { 'N' },
                lon.abs(),
                if lon < 0.0 { 'W' } else { 'E' }
            )
        }
        _ => format!("{kind} of {} positions", positions(&geometry["coordinates"])),
    };
    let body = format!(
        "<p>{}</p>\n<h2>Properties</h2>\n{}\n<h2>Links</h2>\n{}",
        esc(&shape),
        definitions(&doc["properties"]),
        links(doc)
    );
    let crumbs = [
        (format!("{base}/ogc?f=html"), "OGC API"),
        (format!("{base}/ogc/collections?f=html"), "Collections"),
        (format!("{base}/ogc/collections/{id}?f=html"), title),
        (format!("{base}/ogc/collections/{id}/items?f=html"), "Items"),
    ];
    page(base, &text(&doc["id"]), &crumbs, doc, &body)
}
