use geo::MultiPolygon;

use super::Iso3;

/// A country's territory in the region (clipped), used to say which side of a border a point is on.
#[derive(Clone, Debug, PartialEq)]
pub struct Country {
    /// ISO3 code.
    pub iso3: Iso3,
    /// English name.
    pub name: String,
    /// True for a territory whose sovereignty is disputed (Western Sahara).
    pub disputed: bool,
    /// Territory, lon/lat degrees.
    pub area: MultiPolygon<f64>,
}

impl Country {
    /// The vertices of its outer rings (lon, lat).
    pub fn outline(&self) -> impl Iterator<Item = super::LonLat> + '_ {
        self.area.0.iter().flat_map(|p| p.exterior().0.iter().copied())
    }
}
