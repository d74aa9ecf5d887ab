//! The border profile: incidents placed along a border line, counted by stretch, with the surge rule.

use std::io::Write;

use borderline::Store;
use borderline::model::{BorderPair, BorderSource, LonLat};
use borderline::store::IncidentFilter;
use geographiclib_rs::{Geodesic, InverseGeodesic};

use crate::common::store;

fn dza_mli() -> BorderPair {
    "DZA-MLI".parse().unwrap()
}

/// The OpenStreetMap line's vertices and, independently of the store, each one's distance from the first
/// vertex along the line (GeographicLib).
fn line_with_distances(store: &Store) -> (Vec<LonLat>, Vec<f64>) {
    let border = store.border(dza_mli(), BorderSource::Osm).unwrap();
    assert_eq!(border.parts.len(), 1, "one polyline");
    let line = border.parts[0].clone();
    let g = Geodesic::wgs84();
    let mut along = vec![0.0];
    for w in line.windows(2) {
        let d: f64 = g.inverse(w[0].y, w[0].x, w[1].y, w[1].x);
        along.push(along.last().unwrap() + d);
    }
    (line, along)
}

/// A data directory whose incidents are `(id, lon, lat, date)`.
fn incidents_dir(incidents: &[(String, f64, f64, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut f = std::io::BufWriter::new(std::fs::File::create(dir.path().join("incidents.geojson")).unwrap());
    let features: Vec<String> = incidents
        .iter()
        .map(|(id, lon, lat, date)| {
            format!(
                r#"{{"type":"Feature","properties":{{"event_id_cnty":"{id}","event_date":"{date}","event_type":"Battles","sub_event_type":"Armed clash","actor1":"A","location":"x","country":"Mali","geo_precision":1,"fatalities":1,"source":"test"}},"geometry":{{"type":"Point","coordinates":[{lon},{lat}]}}}}"#
            )
        })
        .collect();
    write!(f, r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(",")).unwrap();
    drop(f);
    dir
}

#[test]
fn tinzaouatene_lies_1108_km_along_the_line_from_the_mauritania_tripoint() {
    let s = store();
    let p = s.border_profile(dza_mli(), BorderSource::Osm, 50.0, 25.0, &IncidentFilter::default()).unwrap();
    let border = s.border(dza_mli(), BorderSource::Osm).unwrap();
    assert!((p.length_km * 1000.0 - border.length_m).abs() < 1.0, "{} km vs {} m", p.length_km, border.length_m);
    assert!(p.west_end.lon < p.east_end.lon, "kilometre 0 is the western end");
    // Every incident within 50 km of this line is placed, once, with the distance the distance query gives.
    let choice = borderline::store::BorderChoice { pair: Some(dza_mli()), source: BorderSource::Osm };
    let within = s.incidents_within(50.0, choice, &IncidentFilter::default()).unwrap();
    assert_eq!(p.incidents.len(), within.len());
    assert!(!p.incidents.is_empty());
    for placed in &p.incidents {
        let d = s.distance_to_border(s.get(placed.index).position, choice).unwrap();
        assert!((placed.distance_km * 1000.0 - d.distance_m).abs() < 1e-6);
        assert_eq!(placed.side_of_line, d.side_of_line);
        assert!((0.0..=p.length_km).contains(&placed.along_km));
    }
    let mli0001 = p.incidents.iter().find(|i| i.event_id == "MLI0001").unwrap();
    assert!((mli0001.along_km - 1107.6).abs() < 0.5, "{}", mli0001.along_km);
    assert_eq!(mli0001.side_of_line.as_str(), "MLI");
    // Newest first; the stretches and cells count them all.
    assert!(p.incidents.windows(2).all(|w| w[0].event_date >= w[1].event_date));
    assert_eq!(p.stretches.iter().map(|s| s.incidents).sum::<usize>(), p.incidents.len());
    let cells: usize = p.cells.iter().flat_map(|c| c.by_side.values()).sum();
    assert_eq!(cells, p.incidents.len());
    assert_eq!(p.stretches.len(), (p.length_km / 25.0).ceil() as usize);
    // The stretch holding Tin Zaouatine has a box around that stretch of the line.
    let k = (mli0001.along_km / 25.0) as usize;
    let [w, south, e, n] = p.stretches[k].bbox;
    let at = s.place("tin-zaouatine").unwrap().position;
    assert!(w <= at.x + 0.3 && at.x - 0.3 <= e && south <= at.y + 0.3 && at.y - 0.3 <= n, "{:?}", p.stretches[k].bbox);
    assert!(e - w < 1.0 && n - south < 1.0, "a 25 km stretch's box is small: {:?}", p.stretches[k].bbox);
    // The places of the corridor, west to east: the twin towns, one on each side of this line.
    let names: Vec<&str> = p.places.iter().map(|m| m.id.as_str()).collect();
    let bbm = names.iter().position(|&n| n == "bordj-badji-mokhtar").unwrap();
    let tz = names.iter().position(|&n| n == "tinzaouatene").unwrap();
    assert!(bbm < tz, "{names:?}");
    let sides: Vec<&str> = ["tinzaouatene", "tin-zaouatine"]
        .iter()
        .map(|id| p.places.iter().find(|m| m.id == *id).unwrap().side_of_line.as_str())
        .collect();
    assert_eq!(sides, ["MLI", "DZA"]);
    // Natural Earth's line puts the ambush on the Algerian side.
    let ne = s.border_profile(dza_mli(), BorderSource::NaturalEarth, 50.0, 25.0, &IncidentFilter::default()).unwrap();
    assert_eq!(ne.incidents.iter().find(|i| i.event_id == "MLI0001").unwrap().side_of_line.as_str(), "DZA");
}

#[test]
fn an_incident_on_a_vertex_is_placed_at_that_vertexs_distance_along_the_line() {
    let (line, along) = line_with_distances(store());
    let picks = [1, 100, 500, 733, 1200, line.len() - 2];
    let incidents: Vec<_> =
        picks.iter().map(|&k| (format!("V{k}"), line[k].x, line[k].y, "2020-01-01".to_string())).collect();
    let dir = incidents_dir(&incidents);
    let s = Store::load(Some(dir.path())).unwrap();
    let p = s.border_profile(dza_mli(), BorderSource::Osm, 1.0, 25.0, &IncidentFilter::default()).unwrap();
    assert_eq!(p.incidents.len(), picks.len());
    for &k in &picks {
        let placed = p.incidents.iter().find(|i| i.event_id == format!("V{k}")).unwrap();
        assert!(placed.distance_km < 1e-6, "V{k} is on the line: {}", placed.distance_km);
        assert!((placed.along_km * 1000.0 - along[k]).abs() < 0.001, "V{k}: {} km vs {} m", placed.along_km, along[k]);
    }
}

#[test]
fn a_stretch_surges_when_its_last_four_weeks_double_its_average() {
    let (line, along) = line_with_distances(store());
    // The first vertex in each of three stretches of 25 km, well apart.
    let vertex_in = |km: f64| along.iter().position(|&m| m > km * 1000.0 + 2000.0).unwrap();
    let (a, b, c) = (vertex_in(100.0), vertex_in(400.0), vertex_in(700.0));
    let mut incidents = Vec::new();
    let mut add = |k: usize, n: usize, date: &str| {
        for _ in 0..n {
            incidents.push((format!("I{}", incidents.len()), line[k].x, line[k].y, date.to_string()));
        }
    };
    // The latest incident is on 2024-07-30: the last 4 weeks run from 2024-07-03.
    add(a, 2, "2024-07-30"); // a: 2 recent …
    add(a, 13, "2024-01-15"); // … against 13 in the year before, 1 per 4 weeks: exactly double, a surge
    add(b, 3, "2024-07-20"); // b: 3 recent …
    add(b, 26, "2024-03-01"); // … against 2 per 4 weeks: less than double, no surge
    add(c, 1, "2024-07-29"); // c: 1 recent, none before: one incident is no surge
    add(c, 5, "2022-01-01"); // long before the year counted
    let dir = incidents_dir(&incidents);
    let s = Store::load(Some(dir.path())).unwrap();
    let p = s.border_profile(dza_mli(), BorderSource::Osm, 5.0, 25.0, &IncidentFilter::default()).unwrap();
    assert_eq!(p.as_of.unwrap().to_string(), "2024-07-30");
    let stretch = |k: usize| &p.stretches[(along[k] / 25_000.0) as usize];
    let (sa, sb, sc) = (stretch(a), stretch(b), stretch(c));
    assert_eq!((sa.incidents, sa.recent, sa.surge), (15, 2, true), "{sa:?}");
    assert!((sa.baseline - 1.0).abs() < 1e-9);
    assert_eq!((sb.incidents, sb.recent, sb.surge), (29, 3, false), "{sb:?}");
    assert!((sb.baseline - 2.0).abs() < 1e-9);
    assert_eq!((sc.incidents, sc.recent, sc.baseline, sc.surge), (6, 1, 0.0, false), "{sc:?}");
    assert_eq!(p.stretches.iter().filter(|s| s.surge).count(), 1);
    // The grid: stretch a has incidents in January and July 2024.
    let ka = (along[a] / 25_000.0) as usize;
    let months: Vec<&str> = p.cells.iter().filter(|c| c.stretch == ka).map(|c| c.month.as_str()).collect();
    assert_eq!(months, ["2024-01", "2024-07"]);
    // A date filter counts back from the latest incident it keeps.
    let filter = IncidentFilter { to: "2024-06-30".parse().ok(), ..Default::default() };
    let earlier = s.border_profile(dza_mli(), BorderSource::Osm, 5.0, 25.0, &filter).unwrap();
    assert_eq!(earlier.as_of.unwrap().to_string(), "2024-03-01");
    let of = |k: usize| &earlier.stretches[(along[k] / 25_000.0) as usize];
    assert_eq!((of(b).recent, of(b).surge), (26, true), "nothing in b the year before: {:?}", of(b));
    assert_eq!((of(a).recent, of(a).surge), (0, false));
}
