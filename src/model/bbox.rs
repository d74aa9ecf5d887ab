use std::fmt;
use std::str::FromStr;

use super::LonLat;

/// A longitude/latitude box `west,south,east,north` in degrees (the order of GeoJSON and OGC API `bbox`).
///
/// `west > east` means the box crosses the antimeridian (e.g. `170,-10,-170,10`); [`BBox::parts`] splits it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BBox {
    /// Western edge, degrees of longitude in [-180, 180].
    pub west: f64,
    /// Southern edge, degrees of latitude in [-90, 90].
    pub south: f64,
    /// Eastern edge, degrees of longitude in [-180, 180].
    pub east: f64,
    /// Northern edge, degrees of latitude in [-90, 90], not below `south`.
    pub north: f64,
}

/// Why a bounding box was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct BBoxError(pub String);

impl BBox {
    /// The smallest box holding every point (none for no points). It never crosses the antimeridian.
    pub fn around(points: impl IntoIterator<Item = LonLat>) -> Option<BBox> {
        points.into_iter().fold(None, |b: Option<BBox>, p| {
            Some(match b {
                None => BBox { west: p.x, south: p.y, east: p.x, north: p.y },
                Some(b) => BBox {
                    west: b.west.min(p.x),
                    south: b.south.min(p.y),
                    east: b.east.max(p.x),
                    north: b.north.max(p.y),
                },
            })
        })
    }

    /// Whether the two boxes share a point (either may cross the antimeridian).
    pub fn intersects(&self, other: &BBox) -> bool {
        self.parts().iter().any(|a| {
            other
                .parts()
                .iter()
                .any(|b| a.west <= b.east && b.west <= a.east && a.south <= b.north && b.south <= a.north)
        })
    }

    /// Builds a box, checking ranges; `west > east` is allowed and means "crosses the antimeridian".
    pub fn new(west: f64, south: f64, east: f64, north: f64) -> Result<BBox, BBoxError> {
        let all = [west, south, east, north];
        if all.iter().any(|v| !v.is_finite()) {
            return Err(BBoxError("bbox values must be finite numbers".into()));
        }
        for (name, v) in [("west", west), ("east", east)] {
            if !(-180.0..=180.0).contains(&v) {
                return Err(BBoxError(format!(
                    "bbox {name} longitude {v} is outside -180..180 (order is west,south,east,north)"
                )));
            }
        }
        for (name, v) in [("south", south), ("north", north)] {
            if !(-90.0..=90.0).contains(&v) {
                return Err(BBoxError(format!(
                    "bbox {name} latitude {v} is outside -90..90 (order is west,south,east,north)"
                )));
            }
        }
        if south > north {
            return Err(BBoxError(format!(
                "bbox south {south} is north of north {north} (order is west,south,east,north)"
            )));
        }
        Ok(BBox { west, south, east, north })
    }

    /// True when the box crosses the antimeridian (`west > east`).
    pub fn crosses_antimeridian(&self) -> bool {
        self.west > self.east
    }

    /// One or two boxes that never cross the antimeridian and together cover this one.
    pub fn parts(&self) -> Vec<BBox> {
        if self.crosses_antimeridian() {
            vec![BBox { east: 180.0, ..*self }, BBox { west: -180.0, ..*self }]
        } else {
            vec![*self]
        }
    }

    /// Whether the point (lon, lat) lies in the box, edges included.
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        let lon_ok = if self.crosses_antimeridian() {
            lon >= self.west || lon <= self.east
        } else {
            lon >= self.west && lon <= self.east
        };
        lon_ok && lat >= self.south && lat <= self.north
    }
}

impl FromStr for BBox {
    type Err = BBoxError;

    /// Parses `W,S,E,N` (four comma-separated numbers).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        if parts.len() != 4 {
            return Err(BBoxError(format!(
                "bbox needs four comma-separated numbers west,south,east,north; got {} in {s:?}",
                parts.len()
            )));
        }
        let mut v = [0.0; 4];
        for (slot, text) in v.iter_mut().zip(&parts) {
            *slot = text.parse().map_err(|_| BBoxError(format!("bbox value {text:?} is not a number")))?;
        }
        BBox::new(v[0], v[1], v[2], v[3])
    }
}

impl fmt::Display for BBox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{},{},{}", self.west, self.south, self.east, self.north)
    }
}
