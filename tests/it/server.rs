//! The HTTP server, driven in-process through its router, and through a real socket by GDAL.

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use borderline::Store;
use borderline::server::{Options, openapi, router, text};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use borderline::record::Record;

use crate::common::store;

fn app() -> Router {
    static STORE: OnceLock<Arc<Store>> = OnceLock::new();
    let store = STORE.get_or_init(|| Arc::new(Store::embedded().unwrap()));
    router(Arc::new(Record::fixed((**store).clone())), &public("http://example.test:8080"))
}

/// Server options with `--public-url URL`.
fn public(url: &str) -> Options {
    Options { links: borderline::server::links::Links { public: Some(url.into()), listen: None }, ..Default::default() }
}

#[tokio::test]
async fn links_never_name_a_host_the_client_made_up() {
    let store = Arc::new(Store::embedded().unwrap());
    let listen = "127.0.0.1:8123".parse().unwrap();
    let options = Options {
        links: borderline::server::links::Links { public: None, listen: Some(listen) },
        ..Default::default()
    };
    let landing = |host: &'static str| {
        let app = router(Arc::new(Record::fixed((*store).clone())), &options);
        async move {
            let request = Request::get("/ogc").header(header::HOST, host).body(Body::empty()).unwrap();
            let doc = send(app, request).await.json();
            link(&doc, "data").unwrap()["href"].as_str().unwrap().to_string()
        }
    };
    assert_eq!(landing("evil.example.com").await, "http://127.0.0.1:8123/ogc/collections");
    assert_eq!(landing("127.0.0.1:9999").await, "http://127.0.0.1:8123/ogc/collections", "another port");
    assert_eq!(landing("localhost:8123").await, "http://localhost:8123/ogc/collections");
    assert_eq!(landing("127.0.0.1:8123").await, "http://127.0.0.1:8123/ogc/collections");
    let behind_proxy = router(Arc::new(Record::fixed((*store).clone())), &public("https://borderline.example.org/"));
    let request = Request::get("/ogc").header(header::HOST, "evil.example.com").body(Body::empty()).unwrap();
    let doc = send(behind_proxy, request).await.json();
    assert_eq!(link(&doc, "data").unwrap()["href"], "https://borderline.example.org/ogc/collections");
    for bad in ["ftp://x", "https://", "borderline.example.org", "https://x/?q=1"] {
        assert!(borderline::server::links::parse_public_url(bad).is_err(), "{bad}");
    }
}

/// A response: status, headers, body.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn content_type(&self) -> &str {
        self.headers.get(header::CONTENT_TYPE).map_or("", |v| v.to_str().unwrap())
    }
}

async fn send(app: Router, request: Request<Body>) -> Answer {
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    Answer { status, headers, body }
}

async fn get(path: &str) -> Answer {
    let request = Request::get(path).header(header::HOST, "example.test:8080").body(Body::empty()).unwrap();
    send(app(), request).await
}

async fn ok_json(path: &str) -> Value {
    let a = get(path).await;
    assert_eq!(a.status, StatusCode::OK, "{path}: {}", String::from_utf8_lossy(&a.body));
    a.json()
}

fn link<'a>(doc: &'a Value, rel: &str) -> Option<&'a Value> {
    doc["links"].as_array().unwrap().iter().find(|l| l["rel"] == rel)
}

/// The path and query of an absolute link.
fn local(href: &str) -> String {
    href.strip_prefix("http://example.test:8080").unwrap_or_else(|| panic!("link {href} is not absolute")).to_string()
}

#[tokio::test]
async fn the_landing_page_has_what_qgis_needs() {
    let doc = ok_json("/ogc").await;
    let desc = link(&doc, "service-desc").expect("service-desc link");
    assert_eq!(desc["type"], "application/vnd.oai.openapi+json;version=3.0");
    assert_eq!(link(&doc, "data").unwrap()["href"], "http://example.test:8080/ogc/collections");
    assert_eq!(link(&doc, "conformance").unwrap()["href"], "http://example.test:8080/ogc/conformance");
    assert!(link(&doc, "self").is_some());
    let conformance = ok_json("/ogc/conformance").await;
    let classes: Vec<&str> =
        conformance["conformsTo"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    for class in ["conf/core", "conf/geojson", "conf/oas30"] {
        assert!(classes.iter().any(|c| c.ends_with(class)), "{class} missing");
    }
    // JSON on request, by header or by f.
    let request = Request::get("/ogc").header(header::ACCEPT, "application/json").body(Body::empty()).unwrap();
    assert_eq!(send(app(), request).await.content_type(), "application/json");
    assert_eq!(get("/ogc?f=json").await.status, StatusCode::OK);
}

#[tokio::test]
async fn collections_describe_their_extent_and_items() {
    let doc = ok_json("/ogc/collections").await;
    let ids: Vec<&str> = doc["collections"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["incidents", "places", "borders", "countries"]);
    for c in doc["collections"].as_array().unwrap() {
        let bbox = c["extent"]["spatial"]["bbox"][0].as_array().unwrap();
        assert_eq!(bbox.len(), 4);
        let items = link(c, "items").unwrap();
        assert_eq!(items["type"], "application/geo+json");
        let one = ok_json(&format!("/ogc/collections/{}", c["id"].as_str().unwrap())).await;
        assert_eq!(one["id"], c["id"]);
    }
    let incidents = ok_json("/ogc/collections/incidents").await;
    let interval = &incidents["extent"]["temporal"]["interval"][0];
    assert!(
        interval[0].as_str().unwrap().ends_with('Z') && interval[1].as_str().unwrap() >= interval[0].as_str().unwrap()
    );
    // The embedded incidents' box.
    let s = store();
    let west = s.incidents().map(|i| i.position.x).fold(f64::INFINITY, f64::min);
    assert_eq!(incidents["extent"]["spatial"]["bbox"][0][0].as_f64().unwrap(), west);
}

#[tokio::test]
async fn paging_through_next_links_reads_every_incident_once_in_order() {
    let mut path = "/ogc/collections/incidents/items?limit=5".to_string();
    let mut ids = Vec::new();
    let mut pages = 0;
    loop {
        let a = get(&path).await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(a.content_type(), "application/geo+json");
        let page = a.json();
        assert_eq!(page["numberMatched"], 33);
        assert_eq!(page["numberReturned"].as_u64().unwrap() as usize, page["features"].as_array().unwrap().len());
        assert!(page["timeStamp"].as_str().unwrap().ends_with('Z'));
        if pages > 0 {
            assert_eq!(link(&page, "prev").unwrap()["type"], "application/geo+json");
        }
        ids.extend(page["features"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_string()));
        pages += 1;
        match link(&page, "next") {
            Some(next) => {
                assert_eq!(next["type"], "application/geo+json");
                path = local(next["href"].as_str().unwrap());
            }
            None => break,
        }
    }
    // Five on the first page; the next link asks for pages of at least 1,000, so the other 28 come in one.
    assert_eq!(pages, 2);
    let want: Vec<String> = store().incidents().map(|i| i.event_id.to_string()).collect();
    assert_eq!(ids, want);
}

#[tokio::test]
async fn incident_features_carry_their_border_distance_and_side() {
    let doc = ok_json("/ogc/collections/incidents/items/MLI0001").await;
    let p = &doc["properties"];
    assert_eq!(doc["id"], "MLI0001");
    let s = store();
    let incident = s.incident("MLI0001").unwrap();
    let exact = s.distance_to_border(incident.position, Default::default()).unwrap();
    assert!((p["border_distance_m"].as_f64().unwrap() - exact.distance_m).abs() < 1e-3);
    assert_eq!(p["border"], exact.border.to_string());
    assert_eq!(p["border_side"], exact.side_of_line.to_string());
    assert!(p["border_distance_min_m"].as_f64().unwrap() <= p["border_distance_m"].as_f64().unwrap());
    assert!(p["side_certain"].is_boolean() && p["country_side"].is_string());
    assert_eq!(doc["geometry"]["coordinates"][0].as_f64().unwrap(), incident.position.x);
    // Other collections' features, by id (a border id holds a slash, URL-encoded).
    assert_eq!(ok_json("/ogc/collections/borders/items/DZA-MLI%2Fosm").await["properties"]["pair"], "DZA-MLI");
    assert_eq!(ok_json("/ogc/collections/places/items/tinzaouatene").await["properties"]["border_side"], "MLI");
    assert_eq!(ok_json("/ogc/collections/countries/items/MLI").await["geometry"]["type"], "MultiPolygon");
}

/// The event ids a query returns (one page of up to 10,000).
async fn ids(query: &str) -> Vec<String> {
    let page = ok_json(&format!("/ogc/collections/incidents/items?limit=10000&{query}")).await;
    assert_eq!(page["numberMatched"], page["numberReturned"]);
    page["features"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_string()).collect()
}

fn expect(filter: impl Fn(&borderline::model::Incident, &borderline::store::IncidentFacts) -> bool) -> Vec<String> {
    let s = store();
    let facts = s.incident_facts();
    s.incidents().zip(facts).filter(|(i, f)| filter(i, f)).map(|(i, _)| i.event_id.to_string()).collect()
}

#[tokio::test]
async fn bbox_datetime_and_property_filters_select_exactly_the_right_incidents() {
    use chrono::NaiveDate;
    let day = |s: &str| s.parse::<NaiveDate>().unwrap();
    let want =
        expect(|i, _| i.position.x >= 0.0 && i.position.x <= 4.0 && i.position.y >= 18.0 && i.position.y <= 21.0);
    assert!(!want.is_empty());
    // With a bbox, features come cell by cell (a fixed order, not the file's).
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(sorted(ids("bbox=0,18,4,21").await), sorted(want.clone()));
    assert_eq!(ids("bbox=0,18,0,4,21,0").await, ids("bbox=0,18,4,21").await, "6-number bbox");
    // Crossing the antimeridian is a valid box (nothing there).
    assert!(ids("bbox=170,-10,-170,10").await.is_empty());
    let want = expect(|i, _| i.dates.overlaps(Some(day("2024-07-25")), Some(day("2024-07-27"))));
    assert!(!want.is_empty());
    assert_eq!(ids("datetime=2024-07-25/2024-07-27").await, want);
    assert_eq!(ids("datetime=2024-07-25T00:00:00Z/2024-07-27T12:00:00Z").await, want);
    assert_eq!(ids("datetime=2020-01-01/..").await, expect(|i, _| i.dates.overlaps(Some(day("2020-01-01")), None)));
    assert_eq!(ids("datetime=../2013-12-31").await, expect(|i, _| i.dates.overlaps(None, Some(day("2013-12-31")))));
    assert_eq!(
        ids("datetime=2024-07-27").await,
        expect(|i, _| i.dates.overlaps(Some(day("2024-07-27")), Some(day("2024-07-27"))))
    );
    assert_eq!(ids("event_type=Battles").await, expect(|i, _| i.event_type.as_str() == "Battles"));
    assert_eq!(
        ids("event_type=Battles,Violence%20against%20civilians").await,
        expect(|i, _| matches!(i.event_type.as_str(), "Battles" | "Violence against civilians"))
    );
    assert_eq!(
        ids("actor=wagner").await,
        expect(|i, _| (i.actor1.to_lowercase() + &i.actor2.to_lowercase()).contains("wagner"))
    );
    let tolls = ids("fatalities_min=10&fatalities_max=50").await;
    assert_eq!(
        tolls,
        expect(|i, _| i.fatalities_high.or(i.fatalities).is_some_and(|f| f >= 10)
            && i.fatalities_low.or(i.fatalities).is_some_and(|f| f <= 50))
    );
    assert_eq!(ids("side=DZA").await, expect(|_, f| f.country.is_some_and(|c| c.as_str() == "DZA")));
    let near = ids("within_km=50").await;
    assert_eq!(near, expect(|_, f| f.border_distance_m <= 50_000.0));
    assert!(!near.is_empty() && near.len() < 33);
    assert_eq!(
        ids("country=mli&event_type=Battles").await,
        expect(|i, _| i.country == "Mali".into() && i.event_type.as_str() == "Battles")
    );
}

#[tokio::test]
async fn every_bad_parameter_gets_a_4xx_that_names_it() {
    for (path, status, parameter) in [
        ("/ogc/collections/incidents/items?bbox=1,2,3", 400, Some("bbox")),
        ("/ogc/collections/incidents/items?bbox=0,91,1,92", 400, Some("bbox")),
        ("/ogc/collections/incidents/items?bbox=a,b,c,d", 400, Some("bbox")),
        ("/ogc/collections/incidents/items?bbox=0,0,1,1&bbox-crs=EPSG:3857", 400, Some("bbox-crs")),
        ("/ogc/collections/incidents/items?limit=abc", 400, Some("limit")),
        ("/ogc/collections/incidents/items?limit=-1", 400, Some("limit")),
        ("/ogc/collections/incidents/items?limit=0", 400, Some("limit")),
        ("/ogc/collections/incidents/items?limit=100000", 400, Some("limit")),
        ("/ogc/collections/incidents/items?offset=x", 400, Some("offset")),
        ("/ogc/collections/incidents/items?datetime=yesterday", 400, Some("datetime")),
        ("/ogc/collections/incidents/items?datetime=2024-13-01", 400, Some("datetime")),
        ("/ogc/collections/incidents/items?datetime=2025-01-01/2024-01-01", 400, Some("datetime")),
        ("/ogc/collections/incidents/items?event_type=Picnic", 400, Some("event_type")),
        ("/ogc/collections/incidents/items?side=Mali", 400, Some("side")),
        ("/ogc/collections/incidents/items?within_km=-5", 400, Some("within_km")),
        ("/ogc/collections/incidents/items?limit=5&limit=6", 400, Some("limit")),
        ("/ogc/collections/incidents/items?colour=red", 400, Some("colour")),
        ("/ogc/collections/places/items?actor=x", 400, Some("actor")),
        ("/ogc/collections/incidents/items?f=xml", 400, Some("f")),
        ("/api/distance?lon=2&lat=20&f=html", 400, Some("f")),
        ("/ogc/collections/rivers/items", 404, None),
        ("/ogc/collections/incidents/items/NOPE1", 404, None),
        ("/api/distance?lon=2&lat=91", 400, Some("lat")),
        ("/api/distance?lon=2", 400, Some("lat")),
        ("/api/distance?lon=east&lat=1", 400, Some("lon")),
        ("/api/distance?lon=2&lat=20&border=DZA-FRA", 400, Some("border")),
        ("/api/distance?lon=2&lat=20&source=google", 400, Some("source")),
        ("/api/incidents/NOPE1/distance", 404, None),
        ("/api/near-border", 400, Some("km")),
        ("/api/near-border?km=0", 400, Some("km")),
        ("/api/places/search?q=", 400, Some("q")),
        ("/nowhere", 404, None),
    ] {
        let a = get(path).await;
        assert_eq!(a.status.as_u16(), status, "{path}: {}", String::from_utf8_lossy(&a.body));
        let body = a.json();
        assert!(body["code"].is_string() && body["description"].is_string(), "{path}: {body}");
        if let Some(p) = parameter {
            assert_eq!(body["parameter"], p, "{path}: {body}");
            assert!(body["valid"].is_string(), "{path}: {body}");
        }
    }
}

#[tokio::test]
async fn the_border_and_place_endpoints_answer() {
    let d = ok_json("/api/distance?lon=2.96778&lat=19.94861").await;
    assert_eq!(d["side"]["iso3"], "MLI");
    assert!(d["distance_m"].as_f64().unwrap() < 1_000.0 && d["nearest"]["lon"].is_number());
    let ne = ok_json("/api/distance?lon=2.96778&lat=19.94861&border=DZA-MLI&source=naturalearth").await;
    assert_eq!(ne["side_of_line"], "DZA");
    let i = ok_json("/api/incidents/MLI0001/distance").await;
    assert!(i["distance_min_m"].as_f64().unwrap() <= i["distance_m"].as_f64().unwrap());
    let near = ok_json("/api/near-border?km=50&border=DZA-MLI").await;
    let hits = near["hits"].as_array().unwrap();
    assert_eq!(near["numberMatched"].as_u64().unwrap() as usize, hits.len());
    assert!(hits.windows(2).all(|w| w[0]["distance_m"].as_f64() <= w[1]["distance_m"].as_f64()));
    let found = ok_json("/api/places/search?q=Tinzawatin").await;
    assert_eq!(found["matches"][0]["id"], "tinzaouatene");
    assert_eq!(found["ambiguous"], false);
    let tie = ok_json("/api/places/search?q=Tinzaouatine").await;
    assert_eq!(tie["ambiguous"], true, "{tie}");
    let tied: Vec<_> = tie["matches"].as_array().unwrap().iter().filter(|m| m["tied"] == true).collect();
    assert_eq!(tied.iter().map(|m| m["country"].as_str().unwrap()).collect::<Vec<_>>(), ["MLI", "DZA"]);
    let own = ok_json("/api/places/search?q=Tin%20Zaouatine").await;
    assert_eq!((own["matches"][0]["id"].as_str(), own["ambiguous"].as_bool()), (Some("tin-zaouatine"), Some(false)));
    let claims = ok_json("/api/claims").await;
    assert!(claims["claims"].as_array().unwrap().len() >= 5);
    let stats = ok_json("/api/stats").await;
    let by_type: u64 = stats["by_event_type"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(by_type, 33);
    assert_eq!(stats["total"], 33);
    // Where the selected incidents lie, for the map's "show all".
    let bbox: Vec<f64> = stats["bbox"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    let xs = || store().incidents().map(|i| i.position);
    assert_eq!(bbox[0], xs().map(|p| p.x).fold(f64::INFINITY, f64::min));
    assert_eq!(bbox[3], xs().map(|p| p.y).fold(f64::NEG_INFINITY, f64::max));
    assert!(ok_json("/api/stats?actor=nobody-at-all").await["bbox"].is_null());
    let months: u64 = stats["by_month"].as_array().unwrap().iter().map(|m| m["incidents"].as_u64().unwrap()).sum();
    assert_eq!(months, 33);
    let battles = ok_json("/api/stats?event_type=Battles").await;
    assert_eq!(battles["total"].as_u64().unwrap() as usize, expect(|i, _| i.event_type.as_str() == "Battles").len());
}

#[tokio::test]
async fn the_openapi_document_covers_every_endpoint_and_each_answers() {
    let doc = ok_json("/ogc/api").await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.0"));
    let paths = doc["paths"].as_object().unwrap();
    // Every read, and the text check: a POST because a text is long, but it changes nothing.
    assert_eq!(paths.len(), openapi::ENDPOINTS.len() + 1);
    let methods = |p: &Value| p.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(methods(&paths[text::PATH]), ["post"]);
    assert!(
        paths.iter().filter(|(path, _)| *path != text::PATH).all(|(_, p)| methods(p) == ["get"]),
        "a read-only server offers no writes"
    );
    for e in openapi::ENDPOINTS {
        let op = &paths[e.path]["get"];
        assert!(op["responses"]["200"].is_object() && op["responses"]["400"].is_object(), "{}", e.path);
        let path = e
            .path
            .replace("{collectionId}", "incidents")
            .replace("{featureId}", "MLI0001")
            .replace("{incidentId}", "MLI0001")
            .replace("{format}", "geojson");
        // A point or a place: neither is required on its own.
        let path = if e.path == "/api/nearest" { "/api/nearest?place=Kidal&".to_string() } else { format!("{path}?") };
        let required: Vec<String> = op["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["in"] == "query" && p["required"] == true)
            .map(|p| {
                let name = p["name"].as_str().unwrap();
                let value = match name {
                    "lon" => "2",
                    "lat" => "20",
                    "km" => "25",
                    "bbox" => "-20,0,30,40",
                    "zoom" => "5",
                    "border" => "DZA-MLI",
                    _ => "Kidal",
                };
                format!("{name}={value}")
            })
            .collect();
        let a = get(&format!("{path}{}", required.join("&"))).await;
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", String::from_utf8_lossy(&a.body));
        assert!(a.content_type().contains("json"), "{path}");
    }
    let queryables = ok_json("/ogc/collections/incidents/queryables").await;
    assert!(queryables["properties"]["event_type"]["items"]["enum"].is_array());
}

#[tokio::test]
async fn pages_are_safe_and_assets_cannot_escape_the_web_root() {
    let page = get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.content_type().starts_with("text/html"));
    let csp = page.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(page.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(!String::from_utf8_lossy(&page.body).contains("<script>"), "no inline script");
    assert_eq!(get("/style.css").await.status, StatusCode::OK);
    for path in ["/../Cargo.toml", "/%2e%2e/Cargo.toml", "/..%2fCargo.toml", "/vendor/", "/src/main.rs", "/.git/config"]
    {
        assert_eq!(get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    // JSON answers are not sniffed either.
    assert_eq!(get("/ogc").await.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    // Overlong query strings and other methods are refused with a JSON explanation.
    let long = format!("/ogc/collections/incidents/items?actor={}", "x".repeat(5000));
    assert_eq!(get(&long).await.status, StatusCode::URI_TOO_LONG);
    let post = send(app(), Request::post("/ogc").body(Body::from("{}")).unwrap()).await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(post.json()["code"], "MethodNotAllowed");
}

#[tokio::test]
async fn cors_is_off_unless_configured() {
    let request = || Request::get("/ogc").header(header::ORIGIN, "https://example.org").body(Body::empty()).unwrap();
    let plain = send(app(), request()).await;
    assert!(plain.headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    let options = Options { cors_origins: vec!["https://example.org".into()], ..public("http://example.test:8080") };
    let open = send(router(Arc::new(Record::fixed(Store::embedded().unwrap())), &options), request()).await;
    assert_eq!(open.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "https://example.org");
}

#[tokio::test]
async fn the_map_gets_groups_that_add_up_and_single_incidents_when_zoomed_in() {
    let total = |doc: &Value| -> u64 {
        doc["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| if i["kind"] == "group" { i["count"].as_u64().unwrap() } else { 1 })
            .sum()
    };
    let far = ok_json("/api/clusters?bbox=-20,0,30,40&zoom=3").await;
    assert_eq!(far["numberMatched"], 33);
    assert_eq!(total(&far), 33);
    assert!(far["items"].as_array().unwrap().len() < 33, "nothing grouped at zoom 3");
    // A group's cell, asked for as items, gives exactly its members.
    for g in far["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "group") {
        let cell: Vec<String> = g["cell"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap().to_string()).collect();
        let members = ok_json(&format!("/ogc/collections/incidents/items?limit=1000&bbox={}", cell.join(","))).await;
        assert_eq!(members["numberMatched"], g["count"], "{g}");
    }
    let near = ok_json("/api/clusters?bbox=-20,0,30,40&zoom=14").await;
    assert_eq!(near["items"].as_array().unwrap().len(), 33);
    assert!(near["items"].as_array().unwrap().iter().all(|i| i["kind"] == "incident" && i["id"].is_string()));
    let battles = ok_json("/api/clusters?bbox=-20,0,30,40&zoom=3&event_type=Battles").await;
    assert_eq!(total(&battles) as usize, expect(|i, _| i.event_type.as_str() == "Battles").len());
    let sources = ok_json("/api/sources").await;
    assert_eq!(sources["documents"].as_array().unwrap().len(), store().register.documents.len());
    assert_eq!(get("/api/clusters?bbox=-20,0,30,40").await.status, StatusCode::BAD_REQUEST);
}

/// Writes an export's body to a file and reads it with GDAL: (summary, stderr).
fn ogrinfo_body(body: &[u8], name: &str) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, body).unwrap();
    let out = std::process::Command::new("ogrinfo").args(["-ro", "-al", "-so"]).arg(&path).output().expect("ogrinfo");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    (String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string())
}

#[tokio::test]
async fn exports_come_over_http_with_the_items_filters_and_open_in_gdal() {
    let s = store();
    let (from, to) =
        (chrono::NaiveDate::from_ymd_opt(2012, 1, 1).unwrap(), chrono::NaiveDate::from_ymd_opt(2012, 12, 31).unwrap());
    let in_2012 = s.incidents().filter(|i| i.dates.start <= to && i.dates.end >= from).count();
    assert!(in_2012 > 0 && in_2012 < s.incidents().count());
    let a = get("/api/export/gpkg?datetime=2012-01-01/2012-12-31").await;
    assert_eq!(a.status, StatusCode::OK, "{}", String::from_utf8_lossy(&a.body));
    assert_eq!(a.content_type(), "application/geopackage+sqlite3");
    assert_eq!(a.headers[header::CONTENT_DISPOSITION], "attachment; filename=\"borderline.gpkg\"");
    assert_eq!(a.headers[header::CONTENT_LENGTH].to_str().unwrap(), a.body.len().to_string());
    let (summary, warnings) = ogrinfo_body(&a.body, "x.gpkg");
    assert!(warnings.trim().is_empty(), "GDAL said: {warnings}");
    for (layer, n) in [("incidents", in_2012), ("places", s.places.len()), ("borders", s.borders.len())] {
        let at = summary.find(&format!("Layer name: {layer}")).unwrap_or_else(|| panic!("no {layer}: {summary}"));
        assert!(summary[at..].contains(&format!("Feature Count: {n}")), "{layer} should have {n}: {summary}");
    }
    for (format, media, name) in [
        ("csv", "text/csv; charset=utf-8", "x.csv"),
        ("fgb", "application/flatgeobuf", "x.fgb"),
        ("kml", "application/vnd.google-earth.kml+xml", "x.kml"),
        ("geojson", "application/geo+json", "x.geojson"),
    ] {
        let a = get(&format!("/api/export/{format}?layers=incidents&event_type=Battles")).await;
        assert_eq!(a.status, StatusCode::OK, "{format}");
        assert_eq!(a.content_type(), media, "{format}");
        let battles = s.incidents().filter(|i| i.event_type == borderline::model::EventType::Battles).count();
        let (summary, _) = ogrinfo_body(&a.body, name);
        assert!(summary.contains(&format!("Feature Count: {battles}")), "{format}: want {battles}: {summary}");
    }
}

#[tokio::test]
async fn the_csv_download_is_a_zip_with_its_sidecars_that_gdal_reads_as_typed_points() {
    let a = get("/api/export/csv.zip?event_type=Battles").await;
    assert_eq!((a.status, a.content_type()), (StatusCode::OK, "application/zip"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("incidents.csv.zip");
    std::fs::write(&path, &a.body).unwrap();
    let inside = format!("/vsizip/{}/incidents.csv", path.display());
    let out = std::process::Command::new("ogrinfo").args(["-ro", "-al", "-so", &inside]).output().expect("ogrinfo");
    let (summary, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && stderr.trim().is_empty(), "{stderr}");
    let battles = store().incidents().filter(|i| i.event_type == borderline::model::EventType::Battles).count();
    for want in [
        format!("Feature Count: {battles}"),
        "Geometry: Point".into(),
        "GEOGCRS[\"WGS 84\"".into(),
        "event_date: Date".into(),
        "fatalities: Integer".into(),
    ] {
        assert!(summary.contains(&want), "{want} missing: {summary}");
    }
}

#[tokio::test]
async fn bad_export_requests_are_refused_with_the_parameter_named() {
    for (path, parameter) in [
        ("/api/export/shp", "format"),
        ("/api/export/csv?layers=incidents,places", "layers"),
        ("/api/export/gpkg?layers=roads", "layers"),
        ("/api/export/gpkg?bbox=1,2,3", "bbox"),
        ("/api/export/kml?limit=5", "limit"),
    ] {
        let a = get(path).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{path}: {}", String::from_utf8_lossy(&a.body));
        assert_eq!(a.json()["parameter"], parameter, "{path}");
    }
}

#[tokio::test]
async fn every_error_is_json_even_those_the_framework_makes() {
    let param = get("/api/stats?country=%FF").await;
    assert_eq!(param.status, StatusCode::BAD_REQUEST);
    assert_eq!(param.json()["parameter"], "country");
    let not_utf8 = get("/api/incidents/%FF/distance").await;
    assert_eq!((not_utf8.status, not_utf8.content_type()), (StatusCode::BAD_REQUEST, "application/json"));
    assert_eq!(not_utf8.json()["code"], "BadRequest");
    // A body over the limit, with no length announced (as a chunked upload sends it).
    let chunks = borderline::server::MAX_BODY_BYTES / (16 * 1024) + 1;
    let stream = futures_util::stream::iter((0..chunks).map(|_| Ok::<_, std::io::Error>(vec![b'x'; 16 * 1024])));
    let request = Request::get("/ogc").body(Body::from_stream(stream)).unwrap();
    let big = send(app(), request).await;
    assert_eq!((big.status, big.content_type()), (StatusCode::PAYLOAD_TOO_LARGE, "application/json"));
    assert_eq!(big.json()["code"], "BodyTooLarge");
    let post = send(app(), Request::post("/ogc").body(Body::empty()).unwrap()).await;
    assert_eq!((post.status, post.content_type()), (StatusCode::METHOD_NOT_ALLOWED, "application/json"));
    assert!(post.headers.contains_key(header::ALLOW));
}

#[tokio::test]
async fn a_datetime_that_cannot_be_read_says_what_would_be_right() {
    for (value, want) in [
        ("2024-01-01T00:00:00", "needs a time zone"),
        ("2024-01-01T00:00:00+01:00", "%2B01:00"),
        ("2024/01/01", "dates are YYYY-MM-DD"),
    ] {
        let encoded: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
        // A literal `+` as a client that does not encode it sends.
        let path = format!("/ogc/collections/incidents/items?datetime={}", encoded.replace("%2B", "+"));
        let a = get(&path).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{value}");
        let description = a.json()["description"].as_str().unwrap().to_string();
        assert!(description.contains(want), "{value}: {description}");
    }
    assert_eq!(get("/ogc/collections/incidents/items?datetime=2024-01-01T00:00:00Z").await.status, StatusCode::OK);
    assert_eq!(
        get("/ogc/collections/incidents/items?datetime=2024-01-01T00:00:00%2B01:00").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_nearest_incidents_to_a_place_or_a_point_come_with_their_distance_and_border_facts() {
    let near = ok_json("/api/nearest?place=Tinzawatin&k=3").await;
    assert_eq!(near["center"]["place"], "tinzaouatene");
    let features = near["features"].as_array().unwrap();
    assert_eq!(features.len(), 3);
    let d: Vec<f64> = features.iter().map(|f| f["properties"]["distance_m"].as_f64().unwrap()).collect();
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    let first = &features[0]["properties"];
    assert!(first["border_distance_m"].is_number() && first["border_side"].is_string(), "{first}");
    let point = ok_json("/api/nearest?lon=2.98&lat=19.95&k=1&event_type=Battles").await;
    assert_eq!(point["features"][0]["properties"]["event_type"], "Battles");
    let twin = get("/api/nearest?place=Tinzaouatine").await;
    assert_eq!(twin.status, StatusCode::BAD_REQUEST, "a name both twin towns carry is refused");
    let body = String::from_utf8_lossy(&twin.body);
    assert!(body.contains("tinzaouatene") && body.contains("tin-zaouatine"), "{body}");
    for bad in [
        "/api/nearest",
        "/api/nearest?lon=2",
        "/api/nearest?lon=2&lat=20&k=5000",
        "/api/nearest?place=Nowhere%20at%20all",
    ] {
        assert!(get(bad).await.status.is_client_error(), "{bad}");
    }
}

#[tokio::test]
async fn near_border_pages_add_up_to_the_whole_ranking_for_every_border_choice() {
    for choice in ["", "&border=DZA-MLI", "&source=naturalearth", "&side=MLI"] {
        let whole = ok_json(&format!("/api/near-border?km=300&limit=1000{choice}")).await;
        let ids = |v: &Value| -> Vec<String> {
            v["hits"].as_array().unwrap().iter().map(|h| h["event_id_cnty"].as_str().unwrap().to_string()).collect()
        };
        let all = ids(&whole);
        assert!(all.len() > 5, "{choice}: {whole}");
        let mut paged = Vec::new();
        for offset in (0..all.len()).step_by(4) {
            let page = ok_json(&format!("/api/near-border?km=300&limit=4&offset={offset}{choice}")).await;
            assert_eq!(page["numberMatched"], whole["numberMatched"], "{choice}");
            paged.extend(ids(&page));
        }
        assert_eq!(paged, all, "{choice}");
    }
}

#[tokio::test]
async fn filtered_item_pages_add_up_to_the_whole_selection() {
    let q = "/ogc/collections/incidents/items?event_type=Battles,Explosions/Remote%20violence&datetime=2010-01-01/..";
    let whole = ok_json(&format!("{q}&limit=10000")).await;
    let ids = |v: &Value| -> Vec<String> {
        v["features"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_string()).collect()
    };
    let all = ids(&whole);
    assert!(all.len() > 5 && whole["numberMatched"].as_u64() == Some(all.len() as u64), "{}", all.len());
    let mut paged = Vec::new();
    for offset in (0..all.len()).step_by(3) {
        let page = ok_json(&format!("{q}&limit=3&offset={offset}")).await;
        assert_eq!(page["numberMatched"], whole["numberMatched"]);
        paged.extend(ids(&page));
    }
    assert_eq!(paged, all);
}

#[tokio::test]
async fn the_border_profile_places_the_corridor_along_the_line_and_names_bad_parameters() {
    let p = ok_json("/api/border-profile?border=MLI-DZA&km=50&stretch_km=10&limit=1").await;
    assert_eq!(p["border"], "DZA-MLI");
    assert_eq!(p["source"], "osm");
    assert_eq!(p["stretches"].as_array().unwrap().len(), (p["length_km"].as_f64().unwrap() / 10.0).ceil() as usize);
    let matched = p["numberMatched"].as_u64().unwrap();
    assert!(matched >= 3, "{matched}");
    assert_eq!(p["numberReturned"], 1);
    assert_eq!(p["incidents"].as_array().unwrap().len(), 1);
    let counted: u64 = p["stretches"].as_array().unwrap().iter().map(|s| s["incidents"].as_u64().unwrap()).sum();
    assert_eq!(counted, matched);
    assert!(p["surge_rule"].as_str().unwrap().contains("4 weeks"));
    let ne = ok_json("/api/border-profile?border=DZA-MLI&source=naturalearth").await;
    assert_eq!(ne["source"], "naturalearth");
    assert_ne!(ne["length_km"], p["length_km"]);
    for (query, parameter) in [
        ("", "border"),
        ("border=DZA-XXX", "border"),
        ("border=DZA-TCD", "border"),
        ("border=DZA-MLI&km=-1", "km"),
        ("border=DZA-MLI&stretch_km=0", "stretch_km"),
        ("border=DZA-MLI&source=google", "source"),
        ("border=DZA-MLI&limit=1000000", "limit"),
    ] {
        let a = get(&format!("/api/border-profile?{query}")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{query}: {}", String::from_utf8_lossy(&a.body));
        let body: Value = serde_json::from_slice(&a.body).unwrap();
        assert_eq!(body["parameter"], parameter, "{query}: {body}");
    }
}

#[tokio::test]
async fn density_hexagons_hold_every_incident_of_the_view_once_by_count_or_fatalities() {
    use geo::{Contains, Coord, LineString, Point, Polygon};
    let view = "bbox=-20,0,30,40&zoom=6";
    let d = ok_json(&format!("/api/density?{view}")).await;
    let items = ok_json("/ogc/collections/incidents/items?bbox=-20,0,30,40&limit=1000").await;
    let points: Vec<(Point, u64)> = items["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let c = &f["geometry"]["coordinates"];
            let fatalities = f["properties"]["fatalities"].as_u64().unwrap_or(0);
            (Point::new(c[0].as_f64().unwrap(), c[1].as_f64().unwrap()), fatalities)
        })
        .collect();
    assert_eq!(d["numberMatched"].as_u64().unwrap() as usize, points.len());
    let hexagons: Vec<(Polygon, u64, u64)> = d["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let ring: Vec<Coord> = f["geometry"]["coordinates"][0]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| Coord { x: c[0].as_f64().unwrap(), y: c[1].as_f64().unwrap() })
                .collect();
            let p = &f["properties"];
            (Polygon::new(LineString(ring), vec![]), p["count"].as_u64().unwrap(), p["fatalities"].as_u64().unwrap())
        })
        .collect();
    assert!(hexagons.len() > 3, "{}", hexagons.len());
    // Each incident is inside exactly one hexagon, and each hexagon counts what is inside it.
    for (point, _) in &points {
        assert_eq!(hexagons.iter().filter(|(h, _, _)| h.contains(point)).count(), 1, "{point:?}");
    }
    for (h, count, fatalities) in &hexagons {
        let inside: Vec<_> = points.iter().filter(|(p, _)| h.contains(p)).collect();
        assert_eq!(inside.len() as u64, *count);
        assert_eq!(inside.iter().map(|(_, f)| f).sum::<u64>(), *fatalities);
    }
    assert_eq!(d["max"], hexagons.iter().map(|h| h.1).max().unwrap());
    // By fatalities: hexagons without any are left out, and the values are the fatalities.
    let f = ok_json(&format!("/api/density?{view}&weight=fatalities&event_type=Battles")).await;
    assert_eq!(f["weight"], "fatalities");
    assert!(
        f["features"].as_array().unwrap().iter().all(|h| h["properties"]["value"] == h["properties"]["fatalities"]
            && h["properties"]["fatalities"].as_u64().unwrap() > 0)
    );
    let bad = get(&format!("/api/density?{view}&weight=deaths")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(serde_json::from_slice::<Value>(&bad.body).unwrap()["parameter"], "weight");
}

async fn get_accepting(app: Router, path: &str, accept: &str) -> Answer {
    let request = Request::get(path)
        .header(header::HOST, "example.test:8080")
        .header(header::ACCEPT, accept)
        .body(Body::empty())
        .unwrap();
    send(app, request).await
}

const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

#[tokio::test]
async fn a_browser_gets_the_ogc_pages_as_html_and_every_client_else_json() {
    for path in ["/ogc", "/ogc/collections", "/ogc/collections/incidents", "/ogc/collections/incidents/items?limit=2"] {
        let html = get_accepting(app(), path, BROWSER).await;
        assert_eq!(html.status, StatusCode::OK, "{path}");
        assert!(html.content_type().starts_with("text/html"), "{path}: {}", html.content_type());
        assert!(html.headers.get(header::CONTENT_SECURITY_POLICY).is_some(), "{path}: no CSP");
        let text = String::from_utf8(html.body).unwrap();
        assert!(text.contains("This page as JSON") && text.contains("ogc.css"), "{path}");
        // GDAL, QGIS and scripts: JSON, whatever else they accept.
        for accept in ["application/geo+json, application/json", "*/*", "application/json;q=1, text/html;q=0.5"] {
            let json = get_accepting(app(), path, accept).await;
            assert!(json.content_type().contains("json"), "{path} with {accept}: {}", json.content_type());
        }
        assert!(get(path).await.content_type().contains("json"), "{path} without Accept");
    }
    // f=html asks for it, f=json refuses it whatever the Accept.
    let landing = String::from_utf8(get("/ogc?f=html").await.body).unwrap();
    assert!(landing.contains("<h1>OGC API</h1>") && landing.contains("/ogc/collections?f=html"), "{landing}");
    assert!(get_accepting(app(), "/ogc?f=json", BROWSER).await.content_type().contains("json"));
    // A page of items: a table row per feature, its id leading to the feature's page, and the next page.
    let items = String::from_utf8(get("/ogc/collections/incidents/items?f=html&limit=2&event_type=Battles").await.body)
        .unwrap();
    assert_eq!(items.matches("<tr><th scope=\"row\">").count(), 2, "{items}");
    assert!(items.contains("/ogc/collections/incidents/items/"), "{items}");
    let next = items.split("rel=\"next\" href=\"").nth(1).expect("a next link").split('"').next().unwrap();
    assert!(next.contains("f=html") && next.contains("event_type=Battles") && next.contains("offset=2"), "{next}");
    let feature = String::from_utf8(get("/ogc/collections/incidents/items/MLI0001?f=html").await.body).unwrap();
    assert!(
        feature.contains("<h1>MLI0001</h1>") && feature.contains("° N") && feature.contains("Tinzaouatene"),
        "{feature}"
    );
    let border = String::from_utf8(get("/ogc/collections/borders/items/DZA-MLI%2Fosm?f=html").await.body).unwrap();
    assert!(border.contains("LineString") || border.contains("MultiLineString"), "{border}");
    assert!(border.contains("1466 positions"), "the OSM line has 1,466 vertices");
}

#[tokio::test]
async fn the_html_pages_show_data_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let hostile = r#"<script>alert(1)</script><img src=x onerror=alert(2)>"#;
    let feature = serde_json::json!({"type": "FeatureCollection", "features": [{"type": "Feature",
        "properties": {"event_id_cnty": "X1", "event_date": "2024-01-01", "event_type": "Battles",
            "sub_event_type": "Armed clash", "actor1": hostile, "location": hostile, "country": "Mali",
            "geo_precision": 1, "fatalities": 1, "source": "test", "notes": hostile},
        "geometry": {"type": "Point", "coordinates": [1.0, 18.0]}}]});
    std::fs::write(dir.path().join("incidents.geojson"), feature.to_string()).unwrap();
    let store = Store::load(Some(dir.path())).unwrap();
    let app = || router(Arc::new(Record::fixed(store.clone())), &public("http://example.test:8080"));
    for path in ["/ogc/collections/incidents/items?f=html", "/ogc/collections/incidents/items/X1?f=html"] {
        let page = String::from_utf8(get_accepting(app(), path, BROWSER).await.body).unwrap();
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{path}: {page}");
        assert!(!page.contains("<script") && !page.contains("<img"), "{path}: {page}");
    }
}
