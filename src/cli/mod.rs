//! The command line: clap arguments resolved into validated settings, then run against a [`Store`].
//!
//! Exit codes: 0 success; 1 the data has problems; 2 bad arguments; 3 a file could not be read or
//! written; 4 nothing matched (e.g. an unknown place).

mod record;
mod text;

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use chrono::NaiveDate;
use clap::{Parser, Subcommand, ValueEnum};

use crate::formats::ExportFormat;
use crate::gazetteer::{Gazetteer, Lookup};
use crate::model::{BBox, BorderPair, BorderSource, EventType, Iso3, Status, parse_iso_date};
use crate::record::{DataLock, Holder, LockError};
use crate::store::{
    BorderChoice, DistanceError, ImportFormat, IncidentFilter, LayerName, LoadError, PointReport, Store, check_point,
};

/// borderline — border incidents of the Algeria–Mali region, measured on the WGS84 ellipsoid.
#[derive(Debug, Parser)]
#[command(name = "borderline", version, about, long_about = None)]
pub struct Cli {
    /// Data directory in the geodata/ layout; files it lacks fall back to the embedded defaults.
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the data (RFC 7946, ids, dates, places, sources) and report every problem found.
    Validate,
    /// The gazetteer.
    #[command(subcommand)]
    Places(PlacesCommand),
    /// List incidents, filtered; or record, correct, publish, reject or retire one (`incidents add|edit|…`).
    Incidents(IncidentsArgs),
    /// Users and their tokens (editor, reviewer, admin).
    #[command(subcommand)]
    Users(record::UsersCommand),
    /// The source register.
    #[command(subcommand)]
    Sources(record::SourcesCommand),
    /// Every recorded version of an incident: who, when, why and what changed.
    History {
        /// The incident's event_id_cnty.
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Prove the history unbroken: every journal entry hash-chained to the one before, the snapshot the one
    /// the journal names, and every entry after it replayable.
    Verify,
    /// Fold the journal into the snapshot (atomically), keeping the folded entries in history/.
    Compact,
    /// Distance to the border (exact, WGS84) and side, for a point, a place or an incident.
    Distance(DistanceArgs),
    /// Incidents within a distance of a border, or counts by distance band, side and year (--bands).
    NearBorder(NearBorderArgs),
    /// The incidents nearest to a point or a place (exact geodesic distance), with their border facts.
    Nearest(NearestArgs),
    /// Check every quantitative geographic claim of the source documents against the data.
    Claims {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Read a text (an article): the places and distance claims in it, each claim measured and judged.
    CheckText(text::CheckTextArgs),
    /// Serve the map, the OGC API – Features service and the border API over HTTP.
    Serve(ServeArgs),
    /// Write layers for QGIS, Google Earth or a spreadsheet: GeoPackage, GeoJSON, CSV, KML or FlatGeobuf.
    Export(ExportArgs),
    /// Add incidents from an ACLED or UCDP GED CSV download, or GeoJSON, to the data directory given with --data.
    Import(ImportArgs),
    /// Geodesic distance and azimuths between two places or points ("lon,lat").
    Between {
        /// A place (any spelling) or "lon,lat".
        from: String,
        /// A place (any spelling) or "lon,lat".
        to: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Arguments of `serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on; loopback unless you ask for another (e.g. 0.0.0.0:8080).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Let pages from this origin read the API (CORS), e.g. `https://example.org`; `*` for any. Repeatable.
    #[arg(long = "cors", value_name = "ORIGIN")]
    pub cors: Vec<String>,
    /// Do not log each request.
    #[arg(long)]
    pub quiet: bool,
    /// The URL clients reach the server by (behind a proxy, or when listening on 0.0.0.0), e.g.
    /// `https://borderline.example.org`: links in answers use it. Without it, links name the address the server
    /// listens on, never a host a client made up.
    #[arg(long, value_name = "URL", value_parser = crate::server::links::parse_public_url)]
    pub public_url: Option<String>,
    /// Reads need a token too (writes always do).
    #[arg(long)]
    pub private: bool,
}

/// Arguments of `export`.
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// File format: gpkg, geojson, csv, kml or fgb (default: from the file's extension).
    #[arg(long, value_parser = parse_format)]
    pub format: Option<ExportFormat>,
    /// Where to write (replaced atomically: a failed export leaves the old file as it was).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: PathBuf,
    /// Layers, comma-separated: incidents, places, borders, countries (default: all four for gpkg and kml,
    /// incidents for the one-layer formats geojson, csv and fgb).
    #[arg(long, value_delimiter = ',', value_parser = parse_layer)]
    pub layers: Vec<LayerName>,
    /// Only incidents inside W,S,E,N (degrees; W > E crosses the antimeridian).
    #[arg(long, value_parser = parse_bbox, allow_hyphen_values = true)]
    pub bbox: Option<BBox>,
    /// Only incidents within this many kilometres of the nearest border.
    #[arg(long = "near-border", value_name = "KM", value_parser = parse_km)]
    pub near_border: Option<f64>,
    /// Date and type filters.
    #[command(flatten)]
    pub when: FilterArgs,
}

fn parse_format(s: &str) -> Result<ExportFormat, String> {
    s.parse()
}

fn parse_layer(s: &str) -> Result<LayerName, String> {
    s.parse()
}

/// Arguments of `import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The file: an ACLED or UCDP GED CSV download, or GeoJSON incidents.
    pub file: PathBuf,
    /// Its layout: acled, ucdp or geojson (default: from the extension and the CSV header).
    #[arg(long, value_parser = parse_import_format)]
    pub format: Option<ImportFormat>,
    /// Check the file and report what would change, without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Refuse the whole import when any row has a problem (by default bad rows are reported and left out).
    #[arg(long)]
    pub strict: bool,
    /// Record the import as this user (default: local:$USER).
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
    /// New incidents start as drafts for review (by default they keep the file's status, published if none).
    #[arg(long)]
    pub as_draft: bool,
}

fn parse_import_format(s: &str) -> Result<ImportFormat, String> {
    s.parse()
}

/// Arguments of `near-border`.
#[derive(Debug, clap::Args)]
pub struct NearBorderArgs {
    /// Corridor half-width in kilometres (0 < km ≤ 2000).
    #[arg(long, value_parser = parse_km)]
    pub km: Option<f64>,
    /// Only this border pair, e.g. DZA-MLI (default: every border of the region).
    #[arg(long, value_parser = parse_pair)]
    pub border: Option<BorderPair>,
    /// Whose line: osm (default) or naturalearth.
    #[arg(long, value_parser = parse_source, default_value = "osm")]
    pub source: BorderSource,
    /// Only incidents on this country's side of the line (ISO3, e.g. MLI).
    #[arg(long, value_parser = parse_iso3)]
    pub side: Option<Iso3>,
    /// Date and type filters.
    #[command(flatten)]
    pub when: FilterArgs,
    /// Instead of listing, count by distance band (0-10, 10-25, 25-50, 50-100, >100 km) × side × year.
    #[arg(long, conflicts_with_all = ["km", "side"])]
    pub bands: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = IncidentFormat::Table)]
    pub format: IncidentFormat,
}

fn parse_km(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v > 0.0 && v <= 2000.0 => Ok(v),
        Ok(v) => Err(format!("{v} km is outside 0 < km <= 2000")),
        Err(_) => Err(format!("{s:?} is not a number of kilometres")),
    }
}

fn parse_iso3(s: &str) -> Result<Iso3, String> {
    s.parse()
}

/// Arguments of `distance`: exactly one of a point, a place or an incident.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["lon", "place", "incident"])))]
pub struct DistanceArgs {
    /// Longitude in degrees (with --lat).
    #[arg(long, requires = "lat", allow_hyphen_values = true)]
    pub lon: Option<f64>,
    /// Latitude in degrees (with --lon).
    #[arg(long, requires = "lon", allow_hyphen_values = true)]
    pub lat: Option<f64>,
    /// A place, by any spelling.
    #[arg(long)]
    pub place: Option<String>,
    /// An incident, by event_id (reports the range its location uncertainty allows).
    #[arg(long)]
    pub incident: Option<String>,
    /// Only this border pair, e.g. DZA-MLI (default: the nearest border of the region).
    #[arg(long, value_parser = parse_pair)]
    pub border: Option<BorderPair>,
    /// Whose line: osm (default) or naturalearth.
    #[arg(long, value_parser = parse_source, default_value = "osm")]
    pub source: BorderSource,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `nearest`.
#[derive(Debug, clap::Args)]
pub struct NearestArgs {
    /// Longitude in degrees (with --lat).
    #[arg(long, requires = "lat", allow_hyphen_values = true)]
    pub lon: Option<f64>,
    /// Latitude in degrees (with --lon).
    #[arg(long, requires = "lon", allow_hyphen_values = true)]
    pub lat: Option<f64>,
    /// A place, by any spelling or its id.
    #[arg(long, conflicts_with = "lon")]
    pub place: Option<String>,
    /// How many (1 to 1000).
    #[arg(short, default_value_t = 10)]
    pub k: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

fn parse_pair(s: &str) -> Result<BorderPair, String> {
    s.parse()
}

fn parse_source(s: &str) -> Result<BorderSource, String> {
    s.parse()
}

/// Gazetteer subcommands.
#[derive(Debug, Subcommand)]
pub enum PlacesCommand {
    /// Find a place by any spelling (accents, case, hyphens and Tin-/In- prefixes ignored).
    Search {
        /// Name to look for, e.g. Tinzawatin.
        name: String,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// At most this many results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// List every place.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// Output formats for `incidents`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum IncidentFormat {
    /// Aligned text columns.
    Table,
    /// A JSON array of incident properties with lon/lat.
    Json,
    /// An RFC 7946 FeatureCollection.
    Geojson,
}

/// Arguments of `incidents`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct IncidentsArgs {
    /// Change the record instead of listing.
    #[command(subcommand)]
    pub action: Option<record::IncidentAction>,
    /// Only incidents inside west,south,east,north (degrees; west > east crosses the antimeridian).
    #[arg(long, value_name = "W,S,E,N", allow_hyphen_values = true, value_parser = parse_bbox)]
    pub bbox: Option<BBox>,
    /// Date and type filters.
    #[command(flatten)]
    pub when: FilterArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = IncidentFormat::Table)]
    pub format: IncidentFormat,
}

/// Filters shared by the incident commands.
#[derive(Debug, clap::Args)]
pub struct FilterArgs {
    /// Only incidents whose date interval reaches this day or later (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_iso_date)]
    pub from: Option<NaiveDate>,
    /// Only incidents whose date interval starts on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_iso_date)]
    pub to: Option<NaiveDate>,
    /// Only this ACLED event type, e.g. "Battles" (case-insensitive).
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_event_type)]
    pub event_type: Option<EventType>,
    /// Only these review statuses, comma-separated: draft, published, rejected, retired (default published).
    #[arg(long, value_delimiter = ',', value_parser = parse_status)]
    pub status: Vec<Status>,
}

fn parse_status(s: &str) -> Result<Status, String> {
    s.parse()
}

impl FilterArgs {
    /// The filter these flags describe, with `bbox`; refuses a range that ends before it starts.
    fn filter(&self, bbox: Option<BBox>) -> Result<IncidentFilter, Failure> {
        if let (Some(f), Some(t)) = (self.from, self.to)
            && f > t
        {
            return Err(Failure::new(2, format!("--from {f} is after --to {t}")));
        }
        Ok(IncidentFilter {
            bbox,
            from: self.from,
            to: self.to,
            event_types: self.event_type.into_iter().collect(),
            statuses: self.status.clone(),
            ..Default::default()
        })
    }
}

fn parse_bbox(s: &str) -> Result<BBox, String> {
    s.parse::<BBox>().map_err(|e| e.to_string())
}

fn parse_event_type(s: &str) -> Result<EventType, String> {
    s.parse()
}

/// A failure with its exit code.
#[derive(Debug)]
pub struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn new(code: u8, message: impl Into<String>) -> Failure {
        Failure { code, message: message.into() }
    }
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Failure {
        match e {
            LoadError::Io { .. } => Failure::new(3, e.to_string()),
            LoadError::Invalid(_) => Failure::new(1, e.to_string()),
        }
    }
}

impl From<io::Error> for Failure {
    fn from(e: io::Error) -> Failure {
        Failure::new(3, format!("output error: {e}"))
    }
}

/// Parses the process arguments, runs, and returns the exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Serve(args) = &cli.command {
        return serve(cli.data.as_deref(), args);
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let result = match changes_record(&cli, &mut out) {
        Some(result) => result.and_then(|()| out.flush().map_err(Failure::from)),
        None => load(cli.data.as_deref()).and_then(|store| {
            let result = execute(&cli, &store, &mut out).and_then(|()| out.flush().map_err(Failure::from));
            // The process is about to exit: freeing a million incidents one by one would only delay it.
            std::mem::forget(store);
            result
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`borderline incidents | head`) is not an error.
        Err(f) if f.message.contains("Broken pipe") => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("borderline: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// Runs a command that changes the record or reads its history (each opens what it needs itself); `None` for
/// the commands that query a loaded state.
fn changes_record(cli: &Cli, out: &mut dyn Write) -> Option<Result<(), Failure>> {
    let data = cli.data.as_deref();
    Some(match &cli.command {
        Command::Import(args) => record::import(data, args, out),
        Command::Users(command) => record::users(data, command, out),
        Command::Sources(command) => record::sources(data, command, out),
        Command::Incidents(IncidentsArgs { action: Some(action), .. }) => record::incidents(data, action, out),
        Command::History { id, json } => record::history(data, id, *json, out),
        Command::Verify => record::verify(data, out),
        Command::Compact => record::compact(data, out),
        _ => return None,
    })
}

/// The state a query command reads: the data directory's snapshot with its journal replayed.
fn load(data: Option<&std::path::Path>) -> Result<Store, Failure> {
    crate::record::load(data).map_err(|e| match e {
        crate::record::OpenError::Load(e) => Failure::from(e),
        other => Failure::new(1, other.to_string()),
    })
}

/// `borderline serve`: logs to stderr (`RUST_LOG` overrides the level), loads, serves until a signal.
fn serve(data: Option<&std::path::Path>, args: &ServeArgs) -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("borderline=info,tower_http=warn"));
    use std::io::IsTerminal;
    let colour = io::stderr().is_terminal();
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(io::stderr).with_ansi(colour).init();
    // The served directory is held for as long as the server runs: nothing may change under it.
    // A directory this process may not write to cannot be written by an import either: it is served unlocked.
    let lock = match data.filter(|d| d.is_dir()).map(|d| DataLock::acquire(d, Holder::Server, Duration::ZERO)) {
        Some(Err(LockError::Io { source, .. }))
            if matches!(source.kind(), io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem) =>
        {
            None
        }
        Some(Err(e)) => {
            eprintln!("borderline: {e}");
            return ExitCode::from(3);
        }
        Some(Ok(lock)) => Some(lock),
        None => None,
    };
    if let (Some(dir), Some(_)) = (data, &lock) {
        crate::store::remove_leftovers(dir, crate::store::files::INCIDENTS);
    }
    let options = crate::server::Options {
        cors_origins: args.cors.clone(),
        log_requests: !args.quiet,
        links: crate::server::links::Links { public: args.public_url.clone(), listen: None },
        private: args.private,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("borderline: cannot start the async runtime: {e}");
            return ExitCode::from(3);
        }
    };
    let data = data.map(std::path::Path::to_path_buf);
    let open = move || {
        let opened = match (data.as_deref(), lock) {
            (Some(dir), Some(lock)) => crate::record::Record::open(dir, lock).map_err(|e| match e {
                crate::record::OpenError::Load(e) => Failure::from(e),
                other => Failure::new(1, other.to_string()),
            }),
            (data, _) => load(data).map(crate::record::Record::fixed),
        };
        opened.map_err(|f| crate::server::ServeError::Open(f.code, f.message))
    };
    let served = runtime.block_on(crate::server::serve(args.addr, options, open));
    // An export still being written (or data still being loaded) on a blocking thread is abandoned.
    runtime.shutdown_timeout(Duration::from_secs(1));
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(crate::server::ServeError::Open(code, message)) => {
            eprintln!("borderline: {message}");
            ExitCode::from(code)
        }
        Err(crate::server::ServeError::Io(e)) => {
            eprintln!("borderline: cannot serve on {}: {e}", args.addr);
            ExitCode::from(3)
        }
    }
}

/// Loads the data and runs one parsed command, writing its output to `out`.
pub fn run(cli: &Cli, out: &mut dyn Write) -> Result<(), Failure> {
    if let Some(result) = changes_record(cli, out) {
        return result;
    }
    let store = load(cli.data.as_deref())?;
    execute(cli, &store, out)
}

/// Runs one parsed command against loaded data.
pub fn execute(cli: &Cli, store: &Store, out: &mut dyn Write) -> Result<(), Failure> {
    match &cli.command {
        Command::Validate => validate(store, out),
        Command::Places(PlacesCommand::Search { name, json, limit }) => places_search(store, name, *json, *limit, out),
        Command::Places(PlacesCommand::List { json }) => places_list(store, *json, out),
        Command::Incidents(args) => incidents(store, args, out),
        Command::Distance(args) => distance(store, args, out),
        Command::Export(args) => export(store, args, out),
        Command::NearBorder(args) => near_border(store, args, out),
        Command::Nearest(args) => nearest(store, args, out),
        Command::Claims { json } => claims(store, *json, out),
        Command::CheckText(args) => text::check_text(store, args, out),
        Command::Between { from, to, json } => between(store, from, to, *json, out),
        Command::Serve(_) => {
            Err(Failure::new(2, "serve runs from the command line only (see server::serve)".to_string()))
        }
        _ => changes_record(cli, out).unwrap_or(Ok(())),
    }
}

fn export(store: &Store, args: &ExportArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let format = match args.format {
        Some(f) => f,
        None => {
            let ext = args.output.extension().and_then(|e| e.to_str()).unwrap_or("");
            ext.parse().map_err(|_| {
                Failure::new(
                    2,
                    format!(
                        "give --format (gpkg, geojson, csv, kml, fgb): {ext:?} is not an extension borderline writes"
                    ),
                )
            })?
        }
    };
    let names = crate::store::export_layers(format, &args.layers).map_err(|m| Failure::new(2, m))?;
    let filter = IncidentFilter { within_km: args.near_border, ..args.when.filter(args.bbox)? };
    let layers: Vec<_> = names.iter().map(|&n| store.layer(n, &filter)).collect();
    let total: usize = layers.iter().map(|l| l.len).sum();
    let bar = progress_bar(total as u64, "exporting");
    crate::store::atomic_write_path(&args.output, |tmp| {
        crate::formats::write_file(format, tmp, &layers, &mut |n| bar.set_position(n as u64))
    })
    .map_err(|e| Failure::new(3, format!("cannot write {}: {e}", args.output.display())))?;
    bar.finish_and_clear();
    if format == ExportFormat::Csv {
        // The column types and the CRS, beside the file, as GDAL and QGIS expect them.
        let csvt = crate::formats::csv::csvt(&layers[0]);
        for (ext, text) in [("csvt", csvt.as_str()), ("prj", crate::formats::csv::PRJ)] {
            let path = args.output.with_extension(ext);
            crate::store::atomic_write(&path, |w| w.write_all(text.as_bytes()))
                .map_err(|e| Failure::new(3, format!("cannot write {}: {e}", path.display())))?;
        }
    }
    let counts: Vec<String> = layers.iter().map(|l| format!("{} {}", l.len, l.name)).collect();
    writeln!(out, "wrote {} to {} ({format})", counts.join(", "), args.output.display())?;
    Ok(())
}

/// A progress bar on standard error for `total` items; hidden when standard error is not a terminal.
fn progress_bar(total: u64, what: &str) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if !io::stderr().is_terminal() || total < 10_000 {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} {bar:40} {human_pos}/{human_len} ({eta})") {
        bar.set_style(style);
    }
    bar.set_message(what.to_string());
    bar
}

fn validate(store: &Store, out: &mut dyn Write) -> Result<(), Failure> {
    writeln!(out, "ok: data is valid")?;
    for (file, origin) in &store.origins {
        let count = match *file {
            crate::store::files::INCIDENTS => store.current().count(),
            crate::store::files::PLACES => store.places.len(),
            crate::store::files::BORDERS => store.borders.len(),
            crate::store::files::COUNTRIES => store.countries.len(),
            _ => store.register.documents.len(),
        };
        writeln!(out, "  {file:<18} {count:>8} items  ({origin})")?;
    }
    Ok(())
}

fn place_json(store: &Store, i: usize) -> serde_json::Value {
    let p = &store.places[i];
    serde_json::json!({
        "id": p.id, "name": p.name, "alternate_names": p.alternate_names, "shared_names": p.shared_names,
        "country": p.country, "kind": p.kind, "lon": p.position.x, "lat": p.position.y,
        "coordinates_from": p.coordinates_from,
    })
}

fn places_search(store: &Store, name: &str, json: bool, limit: usize, out: &mut dyn Write) -> Result<(), Failure> {
    let hits = store.gazetteer.search(name, limit);
    if hits.is_empty() {
        return Err(Failure::new(4, format!("no place matches {name:?} (try `borderline places list`)")));
    }
    let tied = Gazetteer::tied_best(&hits);
    if json {
        let rows: Vec<serde_json::Value> = hits
            .iter()
            .enumerate()
            .map(|(k, h)| {
                let mut v = place_json(store, h.place);
                v["matched_name"] = h.matched_name.clone().into();
                v["match"] = serde_json::to_value(h.kind).unwrap_or_default();
                v["distance"] = h.distance.into();
                v["tied"] = (tied > 1 && k < tied).into();
                v
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &rows).map_err(io::Error::from)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{:<22} {:<24} {:<4} {:>10} {:>10}  matched", "id", "name", "iso3", "lon", "lat")?;
        for h in &hits {
            let p = &store.places[h.place];
            let how =
                serde_json::to_value(h.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            writeln!(
                out,
                "{:<22} {:<24} {:<4} {:>10.5} {:>10.5}  {} ({how})",
                p.id, p.name, p.country, p.position.x, p.position.y, h.matched_name
            )?;
        }
        if tied > 1 {
            writeln!(out, "ambiguous: the first {tied} match {name:?} equally well; name one by its id")?;
        }
    }
    Ok(())
}

fn places_list(store: &Store, json: bool, out: &mut dyn Write) -> Result<(), Failure> {
    if json {
        let rows: Vec<_> = (0..store.places.len()).map(|i| place_json(store, i)).collect();
        serde_json::to_writer_pretty(&mut *out, &rows).map_err(io::Error::from)?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(out, "{:<22} {:<24} {:<4} {:<8} {:>10} {:>10}", "id", "name", "iso3", "kind", "lon", "lat")?;
    for p in store.places.iter() {
        writeln!(
            out,
            "{:<22} {:<24} {:<4} {:<8} {:>10.5} {:>10.5}",
            p.id, p.name, p.country, p.kind, p.position.x, p.position.y
        )?;
    }
    Ok(())
}

fn incidents(store: &Store, args: &IncidentsArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let filter = args.when.filter(args.bbox)?;
    let ids = store.select_incidents(&filter);
    let selected = ids.iter().map(|&i| store.get(i));
    match args.format {
        IncidentFormat::Geojson => crate::formats::geojson::write_incidents(out, selected)?,
        IncidentFormat::Json => {
            let rows: Vec<serde_json::Value> = selected
                .map(|i| {
                    let mut v =
                        serde_json::to_value(crate::formats::geojson::IncidentProperties::of(i)).unwrap_or_default();
                    v["lon"] = i.position.x.into();
                    v["lat"] = i.position.y.into();
                    v
                })
                .collect();
            serde_json::to_writer_pretty(&mut *out, &rows).map_err(io::Error::from)?;
            writeln!(out)?;
        }
        IncidentFormat::Table => {
            writeln!(
                out,
                "{:<10} {:<10} {:<27} {:<22} {:<8} {:>6} {:>10} {:>10}",
                "event_id_cnty", "date", "event_type", "location", "country", "fatal.", "lon", "lat"
            )?;
            let mut n = 0;
            for i in selected {
                n += 1;
                let fatalities = i.fatalities.map_or("-".to_string(), |f| f.to_string());
                writeln!(
                    out,
                    "{:<10} {:<10} {:<27} {:<22} {:<8} {:>6} {:>10.5} {:>10.5}",
                    i.event_id,
                    i.event_date,
                    i.event_type.as_str(),
                    truncate(&i.location, 22),
                    truncate(&i.country, 8),
                    fatalities,
                    i.position.x,
                    i.position.y
                )?;
            }
            writeln!(out, "{n} incident(s)")?;
        }
    }
    Ok(())
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { s.chars().take(n - 1).chain(['…']).collect() }
}

impl From<DistanceError> for Failure {
    fn from(e: DistanceError) -> Failure {
        match e {
            DistanceError::BadPoint(_) | DistanceError::BadDistance(_) => Failure::new(2, e.to_string()),
            DistanceError::UnknownBorder { .. } => Failure::new(4, e.to_string()),
        }
    }
}

fn distance(store: &Store, args: &DistanceArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let choice = BorderChoice { pair: args.border, source: args.source };
    if let Some(pair) = args.border
        && !store.borders.iter().any(|b| b.pair == pair)
    {
        let known: std::collections::BTreeSet<String> = store.borders.iter().map(|b| b.pair.to_string()).collect();
        let known: Vec<String> = known.into_iter().collect();
        return Err(Failure::new(4, format!("no border {pair} in the data; known: {}", known.join(", "))));
    }
    if let Some(id) = &args.incident {
        let incident =
            store.incident(id).ok_or_else(|| Failure::new(4, format!("no incident with event_id {id:?}")))?;
        let report = store.report_incident(incident, choice)?;
        if args.json {
            return write_json(out, &report);
        }
        let when = if report.date_start == report.date_end {
            report.date_start.to_string()
        } else {
            format!("between {} and {}", report.date_start, report.date_end)
        };
        write_point(out, &format!("incident {id} ({}, {when})", incident.location), &report.at_point)?;
        writeln!(
            out,
            "  location uncertainty: geo_precision {} → radius {:.0} km; distance {:.1}–{:.1} km; side {}",
            incident.geo_precision.code(),
            report.uncertainty_radius_m / 1000.0,
            report.distance_min_m / 1000.0,
            report.distance_max_m / 1000.0,
            if report.side_certain { "certain" } else { "undetermined (the area straddles the line)" }
        )?;
        return Ok(());
    }
    let (label, p, place) = match (&args.place, args.lon, args.lat) {
        (Some(name), _, _) => {
            let place = find_place(store, name, "--place")?;
            (format!("{} ({})", place.name, place.id), place.position, Some(place))
        }
        (None, Some(lon), Some(lat)) => (format!("point {lon}, {lat}"), check_point(lon, lat)?, None),
        _ => return Err(Failure::new(2, "give --lon and --lat, --place or --incident")),
    };
    let report = store.report_point(p, choice)?;
    if args.json {
        let mut value = serde_json::to_value(&report).map_err(io::Error::from)?;
        if let Some(place) = place {
            value["place"] = serde_json::json!({"id": place.id, "name": place.name, "country": place.country});
        }
        return write_json(out, &value);
    }
    write_point(out, &label, &report)
}

fn write_point(out: &mut dyn Write, label: &str, r: &PointReport) -> Result<(), Failure> {
    writeln!(out, "{label}")?;
    writeln!(out, "  in: {}{}", r.side.name, if r.side.disputed { " (disputed territory)" } else { "" })?;
    writeln!(
        out,
        "  {:.3} km from the {} border ({} line), on the {} side; nearest border point {:.6}, {:.6}",
        r.border.distance_m / 1000.0,
        r.border.border,
        r.border.source,
        r.border.side_of_line,
        r.border.nearest.lon,
        r.border.nearest.lat
    )?;
    Ok(())
}

fn write_json<T: serde::Serialize>(out: &mut dyn Write, value: &T) -> Result<(), Failure> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    writeln!(out)?;
    Ok(())
}

fn near_border(store: &Store, args: &NearBorderArgs, out: &mut dyn Write) -> Result<(), Failure> {
    let choice = BorderChoice { pair: args.border, source: args.source };
    let filter = args.when.filter(None)?;
    if args.bands {
        let cells = store.distance_bands(choice, &filter)?;
        return match args.format {
            IncidentFormat::Table => {
                writeln!(out, "{:<6} {:<8} {:<8} {:>7}", "year", "band_km", "side", "count")?;
                for c in &cells {
                    writeln!(out, "{:<6} {:<8} {:<8} {:>7}", c.year, c.band, c.side, c.count)?;
                }
                Ok(())
            }
            _ => write_json(out, &cells),
        };
    }
    let km = args.km.ok_or_else(|| Failure::new(2, "give --km (the corridor half-width) or --bands"))?;
    let hits = store.incidents_near_border(km, choice, args.side, &filter)?;
    match args.format {
        IncidentFormat::Json => write_json(out, &hits),
        IncidentFormat::Geojson => {
            crate::formats::geojson::write_incidents(out, hits.iter().map(|h| store.get(h.index)))?;
            Ok(())
        }
        IncidentFormat::Table => {
            writeln!(
                out,
                "{:<12} {:<10} {:<22} {:>10} {:<8} {:<5}",
                "event_id_cnty", "date", "location", "km", "border", "side"
            )?;
            for h in &hits {
                let i = store.get(h.index);
                writeln!(
                    out,
                    "{:<12} {:<10} {:<22} {:>10.3} {:<8} {:<5}",
                    h.event_id,
                    i.event_date,
                    truncate(&i.location, 22),
                    h.distance.distance_m / 1000.0,
                    h.distance.border,
                    h.distance.side_of_line
                )?;
            }
            writeln!(out, "{} incident(s) within {km} km", hits.len())?;
            Ok(())
        }
    }
}

fn claims(store: &Store, json: bool, out: &mut dyn Write) -> Result<(), Failure> {
    let checks = store.check_claims();
    if json {
        return write_json(out, &checks);
    }
    for c in &checks {
        let verdict = match c.verdict {
            crate::store::Verdict::Consistent => "CONSISTENT",
            crate::store::Verdict::Inconsistent => "INCONSISTENT",
            crate::store::Verdict::Unverifiable => "UNVERIFIABLE",
        };
        writeln!(out, "{verdict:<12} {} [{}; {}]", c.claim, c.id, c.document)?;
        let ne =
            c.measured_naturalearth_m.map_or(String::new(), |d| format!(" (Natural Earth line: {:.1} km)", d / 1000.0));
        writeln!(
            out,
            "             measured {:.1} km straight line{ne}; rule: {}",
            c.measured_m / 1000.0,
            c.tolerance
        )?;
        if let Some(note) = &c.note {
            writeln!(out, "             {note}")?;
        }
    }
    let bad = checks.iter().filter(|c| c.verdict == crate::store::Verdict::Inconsistent).count();
    writeln!(out, "{} claim(s), {bad} inconsistent with the data", checks.len())?;
    Ok(())
}

/// A place by any spelling, or a "lon,lat" point.
fn resolve_location(store: &Store, text: &str) -> Result<(String, crate::model::LonLat), Failure> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    if let [lon, lat] = parts.as_slice()
        && let (Ok(lon), Ok(lat)) = (lon.parse::<f64>(), lat.parse::<f64>())
    {
        return Ok((format!("{lon},{lat}"), check_point(lon, lat)?));
    }
    let place = find_place(store, text, "a place or \"lon,lat\"")?;
    Ok((place.name.clone(), place.position))
}

/// The one place `name` names (an id, a name, or any spelling). None is exit 4; several that match equally well
/// are exit 2, with the candidates and how to pick one.
fn find_place<'s>(store: &'s Store, name: &str, what: &str) -> Result<&'s crate::model::Place, Failure> {
    match store.gazetteer.lookup(name) {
        Lookup::Found(hit) => Ok(&store.places[hit.place]),
        Lookup::NotFound => {
            Err(Failure::new(4, format!("{what}: no place matches {name:?} (try `borderline places search`)")))
        }
        Lookup::Ambiguous(hits) => {
            let candidates: Vec<String> = hits
                .iter()
                .map(|h| {
                    let p = &store.places[h.place];
                    format!("  {} ({}), id {}", p.name, p.country, p.id)
                })
                .collect();
            Err(Failure::new(
                2,
                format!(
                    "{what}: {name:?} is ambiguous: {} places are called that\n{}\nname one by its id, e.g. {}",
                    hits.len(),
                    candidates.join("\n"),
                    store.places[hits[0].place].id
                ),
            ))
        }
    }
}

fn nearest(store: &Store, args: &NearestArgs, out: &mut dyn Write) -> Result<(), Failure> {
    if !(1..=crate::store::MAX_NEAREST).contains(&args.k) {
        return Err(Failure::new(2, format!("-k {}: ask for 1 to {}", args.k, crate::store::MAX_NEAREST)));
    }
    let (label, center) = match (&args.place, args.lon, args.lat) {
        (Some(name), _, _) => {
            let place = find_place(store, name, "--place")?;
            (format!("{} ({})", place.name, place.id), place.position)
        }
        (None, Some(lon), Some(lat)) => (format!("{lon}, {lat}"), check_point(lon, lat)?),
        _ => return Err(Failure::new(2, "give --lon and --lat, or --place")),
    };
    let hits = store.nearest_incidents(center, args.k, &crate::store::IncidentFilter::default());
    if args.json {
        let rows: Vec<serde_json::Value> = hits
            .iter()
            .map(|&(k, d)| {
                let (i, f) = (store.get(k), store.facts(k));
                serde_json::json!({
                    "event_id_cnty": &*i.event_id, "distance_m": d, "event_date": i.event_date.to_string(),
                    "event_type": i.event_type.as_str(), "location": &*i.location, "lon": i.position.x, "lat": i.position.y,
                    "border": f.border.to_string(), "border_distance_m": f.border_distance_m,
                    "border_side": f.side_of_line.as_str(), "country_side": f.country.map(|c| c.as_str().to_string()),
                })
            })
            .collect();
        return write_json(out, &serde_json::json!({"center": {"lon": center.x, "lat": center.y}, "hits": rows}));
    }
    writeln!(out, "the {} incidents nearest to {label}:", hits.len())?;
    for (rank, &(k, d)) in hits.iter().enumerate() {
        let (i, f) = (store.get(k), store.facts(k));
        writeln!(
            out,
            "{:>4}. {:<14} {:>9.3} km  {}  {:<28} {:<20} {:.1} km from {}, {} side",
            rank + 1,
            i.event_id,
            d / 1000.0,
            i.event_date,
            i.event_type.as_str(),
            i.location,
            f.border_distance_m / 1000.0,
            f.border,
            f.side_of_line.as_str()
        )?;
    }
    Ok(())
}

fn between(store: &Store, from: &str, to: &str, json: bool, out: &mut dyn Write) -> Result<(), Failure> {
    let (a_name, a) = resolve_location(store, from)?;
    let (b_name, b) = resolve_location(store, to)?;
    let leg = crate::geodesy::inverse(a, b);
    if json {
        return write_json(
            out,
            &serde_json::json!({
                "from": {"name": a_name, "lon": a.x, "lat": a.y},
                "to": {"name": b_name, "lon": b.x, "lat": b.y},
                "distance_m": leg.distance_m, "azimuth_from_deg": leg.azimuth_from_deg, "azimuth_to_deg": leg.azimuth_to_deg,
            }),
        );
    }
    writeln!(
        out,
        "{a_name} → {b_name}: {:.3} km (geodesic, WGS84); initial azimuth {:.2}°, final azimuth {:.2}°",
        leg.distance_m / 1000.0,
        leg.azimuth_from_deg,
        leg.azimuth_to_deg
    )?;
    Ok(())
}
