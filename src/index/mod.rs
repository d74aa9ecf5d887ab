//! R-trees over incidents, places and border segments. No I/O.
//!
//! Trees hold plain lon/lat degrees; anything measured in metres is decided exactly on the WGS84
//! ellipsoid after a conservative box prefilter (see [`crate::geodesy::radius_envelope`]).

mod countries;
mod grid;
mod ids;
mod points;
mod segments;

pub use countries::CountryIndex;
pub use grid::GridIndex;
pub use ids::IdIndex;
pub use points::PointIndex;
pub use segments::{BorderHit, PartSet, SegmentIndex, SegmentRef};
