//! All integration tests, compiled into one binary. Shared helpers live in `common`.

mod atomic;
mod cli;
mod common;
mod corridor;
mod countries;
mod crash;
mod data;
mod editing;
mod export;
mod fields;
mod fuzz;
mod gazetteer;
mod gdal_clean;
mod geodesy;
mod gnomonic;
mod import;
mod index;
mod profile;
mod serve_gdal;
mod serve_limits;
mod server;
mod startup;
mod text;
mod validation;
mod web;
