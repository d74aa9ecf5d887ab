//! The R-trees agree with brute force on seeded random data.

use borderline::geodesy::distance_m;
use borderline::index::{PointIndex, SegmentIndex};
use borderline::model::{BBox, LonLat};

use crate::common::{Rng, store};

fn random_points(rng: &mut Rng, n: usize, west: f64, south: f64, east: f64, north: f64) -> Vec<LonLat> {
    (0..n).map(|_| LonLat { x: rng.range(west, east), y: rng.range(south, north) }).collect()
}

#[test]
fn bbox_queries_match_brute_force() {
    let mut rng = Rng::new(42);
    let pts = random_points(&mut rng, 5_000, -12.0, 10.0, 16.0, 30.0);
    let index = PointIndex::new(pts.iter().copied());
    for _ in 0..300 {
        let (w, s) = (rng.range(-13.0, 16.0), rng.range(9.0, 30.0));
        let b = BBox::new(w, s, (w + rng.range(0.0, 3.0)).min(180.0), (s + rng.range(0.0, 3.0)).min(90.0)).unwrap();
        let mut got: Vec<u32> = index.in_bbox(&b).collect();
        got.sort_unstable();
        let want: Vec<u32> =
            (0..pts.len() as u32).filter(|&i| b.contains(pts[i as usize].x, pts[i as usize].y)).collect();
        assert_eq!(got, want, "{b}");
        assert_eq!(index.count_in_bbox(&b), want.len());
    }
}

#[test]
fn antimeridian_boxes_match_brute_force() {
    let mut rng = Rng::new(7);
    let pts = random_points(&mut rng, 3_000, -180.0, -60.0, 180.0, 60.0);
    let index = PointIndex::new(pts.iter().copied());
    let b: BBox = "170,-10,-170,10".parse().unwrap();
    let mut got: Vec<u32> = index.in_bbox(&b).collect();
    got.sort_unstable();
    let want: Vec<u32> = (0..pts.len() as u32).filter(|&i| b.contains(pts[i as usize].x, pts[i as usize].y)).collect();
    assert!(!want.is_empty());
    assert_eq!(got, want);
}

#[test]
fn radius_and_nearest_queries_match_brute_force_on_the_ellipsoid() {
    let mut rng = Rng::new(2024);
    let pts = random_points(&mut rng, 4_000, -12.0, 10.0, 16.0, 30.0);
    let index = PointIndex::new(pts.iter().copied());
    for _ in 0..60 {
        let c = LonLat { x: rng.range(-12.0, 16.0), y: rng.range(10.0, 30.0) };
        let radius = rng.range(1_000.0, 400_000.0);
        let mut brute: Vec<(u32, f64)> = pts.iter().enumerate().map(|(i, p)| (i as u32, distance_m(c, *p))).collect();
        brute.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let within: Vec<u32> = brute.iter().filter(|(_, d)| *d <= radius).map(|(i, _)| *i).collect();
        let got: Vec<u32> = index.within_radius_m(c, radius).iter().map(|(i, _)| *i).collect();
        assert_eq!(got, within, "radius {radius} around {c:?}");
        let k = 1 + (rng.next_u64() % 25) as usize;
        let nearest: Vec<u32> = index.nearest_k(c, k).iter().map(|(i, _)| *i).collect();
        let want: Vec<u32> = brute.iter().take(k).map(|(i, _)| *i).collect();
        assert_eq!(nearest, want, "k={k} around {c:?}");
    }
}

#[test]
fn radius_queries_work_across_the_antimeridian_and_near_a_pole() {
    let mut rng = Rng::new(99);
    let pts = random_points(&mut rng, 4_000, -180.0, -89.0, 180.0, 89.0);
    let index = PointIndex::new(pts.iter().copied());
    for c in [LonLat { x: 179.5, y: 0.0 }, LonLat { x: -179.9, y: 45.0 }, LonLat { x: 10.0, y: 88.5 }] {
        let radius = 600_000.0;
        let want: Vec<u32> = {
            let mut v: Vec<(u32, f64)> = pts
                .iter()
                .enumerate()
                .map(|(i, p)| (i as u32, distance_m(c, *p)))
                .filter(|(_, d)| *d <= radius)
                .collect();
            v.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
            v.into_iter().map(|(i, _)| i).collect()
        };
        assert!(!want.is_empty(), "{c:?}");
        let got: Vec<u32> = index.within_radius_m(c, radius).iter().map(|(i, _)| *i).collect();
        assert_eq!(got, want, "{c:?}");
    }
}

#[test]
fn segment_index_finds_every_segment_crossing_a_box() {
    let s = store();
    let index = SegmentIndex::new(&s.borders);
    let total: usize = s.borders.iter().flat_map(|b| &b.parts).map(|p| p.len() - 1).sum();
    assert_eq!(index.len(), total);
    let mut rng = Rng::new(5);
    for _ in 0..100 {
        let (w, so) = (rng.range(-10.0, 12.0), rng.range(12.0, 30.0));
        let b = BBox::new(w, so, w + 1.0, so + 1.0).unwrap();
        let got: std::collections::HashSet<_> = index.in_bbox(&b).collect();
        // Brute force: any segment with an endpoint inside the box must be returned.
        for (bi, border) in s.borders.iter().enumerate() {
            for (pi, part) in border.parts.iter().enumerate() {
                for (si, seg) in part.windows(2).enumerate() {
                    if b.contains(seg[0].x, seg[0].y) || b.contains(seg[1].x, seg[1].y) {
                        let r = borderline::index::SegmentRef { border: bi as u32, part: pi as u32, seg: si as u32 };
                        assert!(got.contains(&r), "{} segment {si} missed by {b}", border.id);
                    }
                }
            }
        }
    }
}

#[test]
fn store_selects_incidents_by_box_and_date_interval() {
    use borderline::store::IncidentFilter;
    let s = store();
    let b: BBox = "2.5,19.5,3.5,20.5".parse().unwrap();
    let ids = s.select_incidents(&IncidentFilter { bbox: Some(b), ..Default::default() });
    let names: Vec<&str> = ids.iter().map(|&i| &*s.get(i).event_id).collect();
    assert_eq!(names, ["MLI0001", "MLI0002", "DZA0001"]);
    // The ambush lasted 25–27 July 2024: a filter starting on the 27th still overlaps it.
    let from = "2024-07-27".parse().ok();
    let ids = s.select_incidents(&IncidentFilter { bbox: Some(b), from, to: from, ..Default::default() });
    let names: Vec<&str> = ids.iter().map(|&i| &*s.get(i).event_id).collect();
    assert_eq!(names, ["MLI0001"]);
}

#[test]
fn a_large_set_matches_brute_force() {
    let mut rng = Rng::new(11);
    let pts = random_points(&mut rng, 150_000, -12.0, 10.0, 16.0, 30.0);
    let index = PointIndex::new(pts.iter().copied());
    assert_eq!(index.len(), pts.len());
    for _ in 0..40 {
        let (w, s) = (rng.range(-13.0, 16.0), rng.range(9.0, 30.0));
        let b = BBox::new(w, s, w + 1.0, s + 1.0).unwrap();
        let mut got: Vec<u32> = index.in_bbox(&b).collect();
        got.sort_unstable();
        let want: Vec<u32> =
            (0..pts.len() as u32).filter(|&i| b.contains(pts[i as usize].x, pts[i as usize].y)).collect();
        assert_eq!(got, want, "{b}");
    }
    for _ in 0..5 {
        let c = LonLat { x: rng.range(-12.0, 16.0), y: rng.range(10.0, 30.0) };
        let mut brute: Vec<(u32, f64)> = pts.iter().enumerate().map(|(i, p)| (i as u32, distance_m(c, *p))).collect();
        brute.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        let got: Vec<u32> = index.nearest_k(c, 10).iter().map(|(i, _)| *i).collect();
        let want: Vec<u32> = brute.iter().take(10).map(|(i, _)| *i).collect();
        assert_eq!(got, want, "around {c:?}");
    }
}

#[test]
fn the_country_index_agrees_with_polygon_containment() {
    use borderline::geodesy::country_at;
    let s = crate::common::store();
    let mut rng = Rng::new(71);
    let mut inside = 0;
    for i in 0..8_000 {
        let p = if i % 4 == 0 {
            // Points near a vertex of some country's outline, where the rule for edges matters.
            let c = &s.countries[(rng.next_u64() % s.countries.len() as u64) as usize];
            let ring = c.area.0[0].exterior();
            let v = ring.0[(rng.next_u64() % ring.0.len() as u64) as usize];
            LonLat { x: v.x + rng.range(-1e-3, 1e-3), y: v.y + rng.range(-1e-3, 1e-3) }
        } else {
            LonLat { x: rng.range(-20.0, 26.0), y: rng.range(6.0, 40.0) }
        };
        let want = country_at(&s.countries, p).map(|c| c.iso3);
        let got = s.country_at(p).map(|c| c.iso3);
        assert_eq!(got, want, "{p:?}");
        inside += usize::from(got.is_some());
    }
    assert!(inside > 4_000);
    // A vertex of an outline is inside (boundaries count as inside).
    let v = s.countries[0].area.0[0].exterior().0[5];
    assert!(s.country_at(LonLat { x: v.x, y: v.y }).is_some());
}

#[test]
fn the_grid_counts_and_pages_exactly_what_lies_in_a_box() {
    use borderline::index::GridIndex;
    let mut rng = Rng::new(83);
    // A dense cluster, a sparse spread, and points exactly on round coordinates (cell edges).
    let mut points: Vec<LonLat> =
        (0..3_000).map(|_| LonLat { x: 1.4 + rng.range(-0.3, 0.3), y: 18.4 + rng.range(-0.3, 0.3) }).collect();
    points.extend((0..3_000).map(|_| LonLat { x: rng.range(-12.0, 16.0), y: rng.range(10.0, 30.0) }));
    points.extend((0..200).map(|k| LonLat { x: (k % 20) as f64 - 5.0, y: (k / 20) as f64 + 15.0 }));
    let grid = GridIndex::new(&points);
    let mut boxes = vec![
        BBox { west: -5.0, south: 15.0, east: 0.0, north: 20.0 },
        BBox { west: 1.0, south: 18.0, east: 2.0, north: 19.0 },
        BBox { west: 170.0, south: 10.0, east: -170.0, north: 30.0 },
        BBox { west: 10.0, south: 10.0, east: -10.0, north: 30.0 },
        BBox { west: 100.0, south: 0.0, east: 110.0, north: 5.0 },
        BBox { west: -180.0, south: -90.0, east: 180.0, north: 90.0 },
        BBox { west: 1.25, south: 18.25, east: 1.25, north: 18.25 },
    ];
    for _ in 0..300 {
        let (x, y) = (rng.range(-14.0, 18.0), rng.range(8.0, 32.0));
        let (w, h) = (rng.range(0.0, 3.0), rng.range(0.0, 3.0));
        boxes.push(BBox { west: x, south: y, east: (x + w).min(180.0), north: (y + h).min(90.0) });
    }
    for b in &boxes {
        let mut want: Vec<u32> =
            (0..points.len() as u32).filter(|&i| b.contains(points[i as usize].x, points[i as usize].y)).collect();
        assert_eq!(grid.count(b), want.len(), "{b:?}");
        let all = grid.in_bbox(b);
        let mut got = all.clone();
        got.sort_unstable();
        want.sort_unstable();
        assert_eq!(got, want, "{b:?}");
        // Pages in a fixed order that add up to the whole.
        let pages: Vec<u32> = (0..all.len().div_ceil(37).max(1)).flat_map(|k| grid.page(b, k * 37, 37)).collect();
        assert_eq!(pages, all, "{b:?}");
        assert!(grid.page(b, all.len(), 10).is_empty());
    }
}

#[test]
fn the_country_grid_answers_exactly_as_the_ray_test() {
    let store = store();
    let mut rng = Rng::new(20261122);
    let mut inside_grid_cells = 0;
    for n in 0..200_000 {
        // Half anywhere in the region, half within a few hundred metres of a boundary vertex.
        let p = if n % 2 == 0 {
            LonLat { x: rng.range(-19.0, 26.0), y: rng.range(7.0, 39.0) }
        } else {
            let c = &store.countries[(rng.next_u64() % store.countries.len() as u64) as usize];
            let ring = &c.area.0[0].exterior().0;
            let v = ring[(rng.next_u64() % ring.len() as u64) as usize];
            LonLat { x: v.x + rng.range(-0.005, 0.005), y: v.y + rng.range(-0.005, 0.005) }
        };
        let fast = store.country_index.locate(p);
        assert_eq!(fast, store.country_index.locate_exactly(p), "at {p:?}");
        inside_grid_cells += usize::from(fast.is_some());
    }
    assert!(inside_grid_cells > 100_000);
}

#[test]
fn the_nearest_incidents_are_the_true_nearest_with_changes_hidden_versions_and_filters() {
    use borderline::model::{EventType, Status};
    use borderline::store::{IncidentFilter, Store};
    let dir = crate::common::random_incidents_dir(4_000);
    let mut store = Store::load(Some(dir.path())).unwrap();
    let mut rng = Rng::new(9);
    // Move some incidents, hide others as drafts, add new ones: the base's index no longer tells the truth.
    for n in 0..600u32 {
        let mut incident = store.get(rng.next_u64() as u32 % 4_000).clone();
        if n % 3 == 0 {
            incident.revision.status = Status::Draft;
        } else {
            incident.position = LonLat { x: rng.range(-6.0, 6.0), y: rng.range(17.0, 26.0) };
        }
        if n % 5 == 0 {
            incident.event_id = format!("NEW{n}").into();
        }
        store.apply(incident);
    }
    let battles = IncidentFilter { event_types: vec![EventType::Battles], ..Default::default() };
    for case in 0..60 {
        let center = LonLat { x: rng.range(-8.0, 8.0), y: rng.range(15.0, 28.0) };
        let (k, filter) = if case % 2 == 0 { (10, IncidentFilter::default()) } else { (25, battles.clone()) };
        let mut expected: Vec<(u32, f64)> = store
            .current()
            .filter(|&i| store.get(i).revision.status == Status::Published)
            .filter(|&i| filter.event_types.is_empty() || filter.event_types.contains(&store.get(i).event_type))
            .map(|i| (i, distance_m(center, store.get(i).position)))
            .collect();
        expected.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        expected.truncate(k);
        assert_eq!(store.nearest_incidents(center, k, &filter), expected, "case {case} at {center:?}");
    }
}
