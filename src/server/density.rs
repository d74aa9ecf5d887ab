//! `/api/density`: the incidents of a map view counted in hexagons of a fixed size on the screen, for the
//! map's density view when incidents are too many to draw one by one.
//!
//! The hexagons are laid out in Web Mercator pixels at the map's zoom (as the map draws them), pointy side up,
//! [`HEX_RADIUS_PX`] from centre to corner, so that they tile the screen the same way whatever the view.

use std::collections::HashMap;
use std::f64::consts::PI;

use axum::extract::{RawQuery, State};
use axum::response::Response;
use serde_json::json;

use super::error::ApiError;
use super::ogc::{GEOJSON, incident_filter};
use super::params::{FORMAT, INCIDENT_FILTERS, Kind, Param, Query, param, required};
use super::{App, json_response};

/// The path.
pub const PATH: &str = "/api/density";

/// Its parameters (with the incident filters).
pub const DENSITY: &[Param] = &[
    required("bbox", Kind::Bbox, "The map view (west,south,east,north)."),
    required("zoom", Kind::Count, "The map's zoom level (0–22); hexagons are about 36 screen pixels across."),
    param("weight", Kind::Text, "What a hexagon sums: count (default) or fatalities."),
    param("datetime", Kind::Datetime, "Only incidents whose date interval meets this."),
];

/// Centre to corner, screen pixels.
pub const HEX_RADIUS_PX: f64 = 18.0;

const SQRT3: f64 = 1.732_050_807_568_877_2;

/// Web Mercator pixel of a lon/lat at a world `size` pixels wide.
fn to_pixel(lon: f64, lat: f64, size: f64) -> (f64, f64) {
    let lat = lat.clamp(-85.051_128, 85.051_128).to_radians();
    let x = (lon + 180.0) / 360.0 * size;
    let y = (1.0 - (lat.tan() + 1.0 / lat.cos()).ln() / PI) / 2.0 * size;
    (x, y)
}

fn to_lon_lat(x: f64, y: f64, size: f64) -> [f64; 2] {
    let lon = x / size * 360.0 - 180.0;
    let lat = (PI * (1.0 - 2.0 * y / size)).sinh().atan().to_degrees();
    [(lon * 1e6).round() / 1e6, (lat * 1e6).round() / 1e6]
}

/// The hexagon (axial coordinates) holding pixel `(x, y)`.
fn hexagon_of(x: f64, y: f64) -> (i64, i64) {
    let q = (SQRT3 / 3.0 * x - y / 3.0) / HEX_RADIUS_PX;
    let r = (2.0 / 3.0 * y) / HEX_RADIUS_PX;
    // Cube rounding: round all three, then fix the one that moved most.
    let s = -q - r;
    let (mut rq, mut rr, rs) = (q.round(), r.round(), s.round());
    let (dq, dr, ds) = ((rq - q).abs(), (rr - r).abs(), (rs - s).abs());
    if dq > dr && dq > ds {
        rq = -rr - rs;
    } else if dr > ds {
        rr = -rq - rs;
    }
    (rq as i64, rr as i64)
}

/// The corners of hexagon `(q, r)`, closed, as lon/lat.
fn corners(q: i64, r: i64, size: f64) -> Vec<[f64; 2]> {
    let cx = HEX_RADIUS_PX * SQRT3 * (q as f64 + r as f64 / 2.0);
    let cy = HEX_RADIUS_PX * 1.5 * r as f64;
    (0..=6)
        .map(|k| {
            let a = (60.0 * (k % 6) as f64 - 30.0).to_radians();
            to_lon_lat(cx + HEX_RADIUS_PX * a.cos(), cy + HEX_RADIUS_PX * a.sin(), size)
        })
        .collect()
}

/// `GET /api/density?bbox=&zoom=[&weight=fatalities]` with the items filters: a GeoJSON feature collection
/// of the hexagons holding incidents, each with its `count`, `fatalities` and `value` (the weight's sum);
/// `max` is the largest value, for the legend.
pub async fn density(State(app): State<App>, RawQuery(q): RawQuery) -> Result<Response, ApiError> {
    let q = Query::parse(q.as_deref(), &[DENSITY, INCIDENT_FILTERS, &[FORMAT]])?;
    q.format()?;
    let zoom = q.integer("zoom", Kind::Count, 0, 22)?.unwrap_or_default();
    let by_fatalities = match q.get("weight").unwrap_or("count") {
        "count" => false,
        "fatalities" => true,
        other => {
            return Err(ApiError::bad_value("weight", format!("{other:?} is not a weight"), "count or fatalities"));
        }
    };
    let filter = incident_filter(&q)?;
    let store = app.store();
    let (matched, ids) = store.page_incidents(&filter, 0, usize::MAX);
    let size = 256.0 * 2f64.powi(zoom as i32);
    let mut cells: HashMap<(i64, i64), (u64, u64)> = HashMap::new();
    for &i in &ids {
        let incident = store.get(i);
        let (x, y) = to_pixel(incident.position.x, incident.position.y, size);
        let cell = cells.entry(hexagon_of(x, y)).or_default();
        cell.0 += 1;
        cell.1 += u64::from(incident.fatalities_reported().unwrap_or(0));
    }
    let mut cells: Vec<_> = cells.into_iter().collect();
    cells.sort_unstable();
    let value = |&(n, f): &(u64, u64)| if by_fatalities { f } else { n };
    let max = cells.iter().map(|(_, c)| value(c)).max().unwrap_or(0);
    let features: Vec<_> = cells
        .iter()
        .filter(|(_, c)| value(c) > 0)
        .map(|&((hq, hr), c)| {
            json!({
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [corners(hq, hr, size)]},
                "properties": {"count": c.0, "fatalities": c.1, "value": value(&c)},
            })
        })
        .collect();
    Ok(json_response(
        GEOJSON,
        &json!({
            "type": "FeatureCollection", "zoom": zoom, "weight": if by_fatalities { "fatalities" } else { "count" },
            "hex_radius_px": HEX_RADIUS_PX, "numberMatched": matched, "max": max, "features": features,
        }),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pixel_lies_in_the_hexagon_whose_centre_is_nearest() {
        // Pointy-top hexagons: the nearest centre is the hexagon's (that is what a Voronoi cell of the lattice is).
        let centre =
            |q: i64, r: i64| (HEX_RADIUS_PX * SQRT3 * (q as f64 + r as f64 / 2.0), HEX_RADIUS_PX * 1.5 * r as f64);
        for k in 0..2000 {
            let (x, y) = ((k * 37 % 997) as f64 * 0.731, (k * 53 % 991) as f64 * 0.619);
            let (q, r) = hexagon_of(x, y);
            let d = |(cx, cy): (f64, f64)| (cx - x).hypot(cy - y);
            let own = d(centre(q, r));
            for (dq, dr) in [(1, 0), (-1, 0), (0, 1), (0, -1), (1, -1), (-1, 1)] {
                assert!(own <= d(centre(q + dq, r + dr)) + 1e-9, "({x}, {y}) in ({q}, {r})");
            }
            assert!(own <= HEX_RADIUS_PX + 1e-9);
        }
    }

    #[test]
    fn pixels_and_degrees_go_both_ways() {
        let size = 256.0 * 2f64.powi(7);
        for (lon, lat) in [(0.0, 0.0), (3.05, 19.9), (-17.4, 14.7), (179.0, -60.0)] {
            let (x, y) = to_pixel(lon, lat, size);
            let [lo, la] = to_lon_lat(x, y, size);
            assert!((lo - lon).abs() < 1e-5 && (la - lat).abs() < 1e-5, "{lon},{lat} → {lo},{la}");
        }
    }
}
