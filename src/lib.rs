//! # borderline
//!
//! A border-incident mapper for the Algeria–Mali border region: incidents and places stored as GeoJSON,
//! indexed with R-trees, measured exactly on the WGS84 ellipsoid.
//!
//! Every position is **longitude first**, then latitude, in degrees (GeoJSON order, RFC 7946);
//! every distance is in metres.
//!
//! Layers: [`model`] (plain data) ← [`geodesy`] ← [`index`] ← [`store`] (queries on a state) ← [`record`]
//! (persistence and changes) ← [`server`], [`cli`];
//! [`formats`] and [`gazetteer`] depend on [`model`] only.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod cli;
pub mod formats;
pub mod gazetteer;
pub mod geodesy;
pub mod index;
pub mod model;
pub mod record;
pub mod server;
pub mod store;
pub mod text;

pub use store::Store;
