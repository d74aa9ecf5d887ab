//! File formats borderline reads and writes, one module per format.

pub mod csv;
pub mod geojson;
