//! R-trees over incidents, places and border segments. No I/O.
//!
//! Trees hold plain lon/lat degrees; anything measured in metres is decided exactly on the WGS84
//! ellipsoid after a conservative box prefilter (see [`crate::geodesy::radius_envelope`]).

mod ids;
mod points;
mod segments;

pub use ids::IdIndex;
pub use points::PointIndex;
pub use segments::{BorderHit, SegmentIndex, SegmentRef};

/// Runs of up to `segments` consecutive segments of a polyline: each run's first segment index and its
/// vertices (the last vertex of one run is the first of the next).
pub(crate) fn segment_runs<T>(vertices: &[T], segments: usize) -> impl Iterator<Item = (usize, &[T])> {
    (0..vertices.len().saturating_sub(1))
        .step_by(segments.max(1))
        .map(move |first| (first, &vertices[first..=(first + segments).min(vertices.len() - 1)]))
}
