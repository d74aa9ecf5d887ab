use super::{Iso3, LonLat};

/// A named place of the gazetteer.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    /// Stable id, e.g. `tinzaouatene`.
    pub id: String,
    /// Preferred name.
    pub name: String,
    /// Every other spelling we know (sources, GeoNames, references).
    pub alternate_names: Vec<String>,
    /// The names among `alternate_names` (or the preferred name) that really are used for another place of the
    /// gazetteer too, such as "Tinzaouatine" for both twin towns; a query by one of them is ambiguous.
    pub shared_names: Vec<String>,
    /// Country the place is in.
    pub country: Iso3,
    /// `village`, `town`, `city`, `capital`, `site`, …
    pub kind: String,
    /// Inhabitants, as GeoNames counts them (none for places not from GeoNames); breaks ties between namesakes.
    pub population: Option<u32>,
    /// Position (lon, lat).
    pub position: LonLat,
    /// Where the coordinates come from (GeoNames id, SimpleMaps id, or a cited reference), kept verbatim.
    pub coordinates_from: serde_json::Value,
    /// Remarks.
    pub note: Option<String>,
}

impl Place {
    /// The preferred name followed by every alternate spelling.
    pub fn all_names(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.name.as_str()).chain(self.alternate_names.iter().map(String::as_str))
    }
}
