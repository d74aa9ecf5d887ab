use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ISO 3166-1 alpha-3 country code such as `DZA` or `MLI`: three upper-case ASCII letters.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Iso3([u8; 3]);

impl Iso3 {
    /// The code as a string slice.
    pub fn as_str(&self) -> &str {
        // Only ASCII upper-case letters are ever stored (see `FromStr`).
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl FromStr for Iso3 {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bytes = s.as_bytes();
        if bytes.len() == 3 && bytes.iter().all(u8::is_ascii_alphabetic) {
            Ok(Iso3([bytes[0].to_ascii_uppercase(), bytes[1].to_ascii_uppercase(), bytes[2].to_ascii_uppercase()]))
        } else {
            Err(format!("{s:?} is not an ISO 3166-1 alpha-3 code (three letters, e.g. DZA)"))
        }
    }
}

impl fmt::Display for Iso3 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Iso3 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Iso3({})", self.as_str())
    }
}

impl Serialize for Iso3 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Iso3 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// ISO 3166-1 numeric codes of the countries of the Sahara and the Sahel (ACLED's `iso` column is numeric).
const NUMERIC: &[(&str, u16)] = &[
    ("BEN", 204),
    ("BFA", 854),
    ("CAF", 140),
    ("CIV", 384),
    ("CMR", 120),
    ("DZA", 12),
    ("EGY", 818),
    ("ESH", 732),
    ("GHA", 288),
    ("GIN", 324),
    ("GMB", 270),
    ("GNB", 624),
    ("LBR", 430),
    ("LBY", 434),
    ("MAR", 504),
    ("MLI", 466),
    ("MRT", 478),
    ("NER", 562),
    ("NGA", 566),
    ("SDN", 729),
    ("SEN", 686),
    ("SLE", 694),
    ("TCD", 148),
    ("TGO", 768),
    ("TUN", 788),
];

impl Iso3 {
    /// The ISO 3166-1 numeric code (Mali 466), for the countries of the region.
    ///
    /// ```
    /// use borderline::model::Iso3;
    /// let mali: Iso3 = "MLI".parse().unwrap();
    /// assert_eq!(mali.numeric(), Some(466));
    /// assert_eq!(Iso3::from_numeric(12).map(|c| c.to_string()), Some("DZA".into()));
    /// ```
    pub fn numeric(&self) -> Option<u16> {
        NUMERIC.iter().find(|(a, _)| a.as_bytes() == self.0).map(|&(_, n)| n)
    }

    /// The country with this ISO 3166-1 numeric code, among those of the region.
    pub fn from_numeric(code: u16) -> Option<Iso3> {
        NUMERIC.iter().find(|&&(_, n)| n == code).and_then(|(a, _)| a.parse().ok())
    }
}
