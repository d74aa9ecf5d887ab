//! Plain data: incidents, places, borders, countries and the source register. No I/O lives here.
//!
//! Every position is longitude first, then latitude, in degrees on WGS84 (as in GeoJSON, RFC 7946).

mod bbox;
mod border;
mod country;
mod date;
mod incident;
mod iso3;
mod place;
mod proposal;
mod revision;
mod source;

pub use bbox::{BBox, BBoxError};
pub use border::{Border, BorderPair, BorderSource};
pub use country::Country;
pub use date::{DateInterval, parse_iso_date};
pub use incident::{Background, EventType, GeoPrecision, Incident, IncidentFacts, TimePrecision, Variant};
pub use iso3::Iso3;
pub use place::Place;
pub use proposal::Proposal;
pub use revision::{Revision, Status, format_time, now, parse_time};
pub use source::{Claim, ClaimQualifier, DistanceUnit, SourceDocument, SourceRegister};

/// A position on WGS84: longitude then latitude, in degrees.
pub type LonLat = geo::Coord<f64>;
