//! Corridor queries agree with measuring every incident.

use borderline::Store;
use borderline::model::Iso3;
use borderline::store::{BorderChoice, IncidentFilter};

fn random_store(n: usize) -> (tempfile::TempDir, Store) {
    let dir = crate::common::random_incidents_dir(n);
    let store = Store::load(Some(dir.path())).unwrap();
    (dir, store)
}

#[test]
fn within_50_km_matches_measuring_every_incident() {
    let (_dir, s) = random_store(1000);
    let choice = BorderChoice { pair: Some("DZA-MLI".parse().unwrap()), ..Default::default() };
    let hits = s.incidents_near_border(50.0, choice, None, &IncidentFilter::default()).unwrap();
    let want: Vec<String> = {
        let mut v: Vec<(f64, String)> = s
            .incidents()
            .map(|i| (s.distance_to_border(i.position, choice).unwrap().distance_m, i.event_id.to_string()))
            .filter(|(d, _)| *d <= 50_000.0)
            .collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0));
        v.into_iter().map(|(_, id)| id).collect()
    };
    assert!(want.len() > 50, "only {} incidents in the corridor", want.len());
    let got: Vec<String> = hits.iter().map(|h| h.event_id.clone()).collect();
    assert_eq!(got, want);
    // One side only.
    let mali: Iso3 = "MLI".parse().unwrap();
    let south = s.incidents_near_border(50.0, choice, Some(mali), &IncidentFilter::default()).unwrap();
    assert!(!south.is_empty() && south.len() < hits.len());
    assert!(south.iter().all(|h| h.distance.side_of_line == mali && h.distance.signed_distance_m < 0.0));
}

#[test]
fn band_counts_add_up_and_respect_the_bands() {
    let (_dir, s) = random_store(500);
    let choice = BorderChoice { pair: Some("DZA-MLI".parse().unwrap()), ..Default::default() };
    let cells = s.distance_bands(choice, &IncidentFilter::default()).unwrap();
    let total: usize = cells.iter().map(|c| c.count).sum();
    assert_eq!(total, 500);
    let near: usize = cells.iter().filter(|c| c.band == "0-10").map(|c| c.count).sum();
    let within_10 = s.incidents_near_border(10.0, choice, None, &IncidentFilter::default()).unwrap().len();
    assert_eq!(near, within_10);
    assert!(cells.iter().any(|c| c.side == "DZA") && cells.iter().any(|c| c.side == "MLI"));
}

#[test]
fn whole_cells_and_single_points_decide_the_same_as_measuring_every_incident() {
    // Enough incidents that cells are decided whole, for one pair and for the nearest border of any pair.
    let (_dir, s) = random_store(30_000);
    let distances: Vec<(BorderChoice, Vec<f64>)> =
        [BorderChoice { pair: Some("DZA-MLI".parse().unwrap()), ..Default::default() }, BorderChoice::default()]
            .into_iter()
            .map(|choice| {
                let d = s.incidents().map(|i| s.distance_to_border(i.position, choice).unwrap().distance_m).collect();
                (choice, d)
            })
            .collect();
    let filter = IncidentFilter { from: Some("2015-01-01".parse().unwrap()), ..Default::default() };
    for (choice, distance) in &distances {
        for km in [0.0, 5.0, 50.0, 120.0] {
            for filter in [&IncidentFilter::default(), &filter] {
                let got = s.incidents_within(km, *choice, filter).unwrap();
                let want: Vec<u32> = (0..s.incidents().count() as u32)
                    .filter(|&i| distance[i as usize] <= km * 1000.0)
                    .filter(|&i| filter.matches_attributes(s.get(i)))
                    .collect();
                assert_eq!(got, want, "{km} km of {:?}", choice.pair);
                assert!(km == 0.0 || want.len() > 100, "{km} km: only {}", want.len());
            }
        }
    }
    assert!(matches!(
        s.incidents_within(-1.0, BorderChoice::default(), &IncidentFilter::default()),
        Err(borderline::store::DistanceError::BadDistance(_))
    ));
}

#[test]
fn the_corridor_cut_from_the_measured_ranking_is_the_one_measured_afresh_with_changes_and_filters() {
    use borderline::model::{EventType, LonLat, Status};
    let (_dir, mut s) = random_store(3000);
    let mut rng = crate::common::Rng::new(5);
    for n in 0..300u32 {
        let mut incident = s.get(rng.next_u64() as u32 % 3000).clone();
        if n % 4 == 0 {
            incident.revision.status = Status::Draft;
        } else {
            incident.position = LonLat { x: rng.range(-6.0, 6.0), y: rng.range(17.0, 26.0) };
        }
        s.apply(incident);
    }
    let battles = IncidentFilter { event_types: vec![EventType::Battles], ..Default::default() };
    let mali: Iso3 = "MLI".parse().unwrap();
    let questions = [
        (80.0, None, IncidentFilter::default()),
        (40.0, Some(mali), IncidentFilter::default()),
        (120.0, None, battles),
    ];
    // Before the facts are measured the corridor is found cell by cell; after, it is cut from the ranking.
    let afresh: Vec<_> = questions
        .iter()
        .map(|(km, side, f)| s.ranked_near_border(*km, BorderChoice::default(), *side, f).unwrap())
        .collect();
    assert!(s.by_border_distance().is_none());
    s.incident_facts();
    assert!(s.by_border_distance().is_some());
    for ((km, side, f), want) in questions.iter().zip(&afresh) {
        assert!(want.len() > 20, "{km} km: only {}", want.len());
        assert_eq!(&s.ranked_near_border(*km, BorderChoice::default(), *side, f).unwrap(), want, "{km} km, {side:?}");
    }
}
