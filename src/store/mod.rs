//! A state of the data and every query on it: [`Base`] is a data directory (`geodata/` layout) loaded, validated
//! and indexed; [`Store`] is a base with the versions recorded since layered on it. How the data persists and
//! changes (journal, snapshot, lock, users) is [`crate::record`]'s.
//!
//! A data directory holds up to five files; any that is absent falls back to the copy embedded in the
//! binary, so `borderline --data DIR` can point at a directory with only an `incidents.geojson`:
//!
//! | file | content |
//! |---|---|
//! | `incidents.geojson` | Point features, ACLED-style properties |
//! | `places.geojson` | the gazetteer |
//! | `borders.geojson` | international borders, one feature per pair and source |
//! | `countries.geojson` | country polygons that decide sides |
//! | `register.json` | the source register (in the repository: `seeds/register.json`) |

mod atomic;
mod changes;
mod claims;
mod cores;
pub(crate) use cores::on_every_core;
mod corridor;
mod distance;
mod fast;
mod fold;
pub use fold::Folded;
mod import;
mod issue;
mod layers;
mod nearest;
mod parse;
mod profile;
mod query;
mod rules;
mod scan;
mod stream;

use std::collections::HashSet;
use std::ops::Deref;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};

pub use crate::model::IncidentFacts;
pub use atomic::{Pending, atomic_write, atomic_write_path, process_alive, remove_leftovers, start_writeback};
pub use claims::{ABOUT_SLACK_M, ABOUT_TOLERANCE, ClaimCheck, Judgement, ON_BORDER_M, ROAD_FACTOR, Verdict, judge};
pub use corridor::{BANDS_KM, BandCount, CorridorHit, Ranked};
pub use distance::{
    BorderChoice, BorderDistance, DistanceError, IncidentReport, LonLatJson, PointReport, Side, check_point,
};
pub use import::{ImportFormat, ImportReport, detect_format, save_incidents};
pub use issue::{Issue, LoadError};
pub use layers::{
    DERIVED_FIELDS, EVENT_TYPE_SYMBOLS, INCIDENT_FIELDS, LayerName, export_layers, incident_values,
    write_incident_geojson,
};
pub use nearest::MAX_NEAREST;
pub use profile::{
    BASELINE_PERIODS, Cell, PlaceMark, Placed, Profile, SURGE_AT_LEAST, SURGE_DAYS, SURGE_RULE, Stretch,
};
pub use query::IncidentFilter;

use crate::index::{CountryIndex, GridIndex, IdIndex, PointIndex, SegmentIndex};
use crate::model::{Border, BorderPair, BorderSource, Country, Incident, LonLat, Place, SourceRegister};
use parse::{FeatureReader, Ids, IncidentContext};

/// The data compiled into the binary: the repository's `geodata/` and `seeds/register.json`.
pub mod embedded {
    /// `geodata/incidents.geojson`.
    pub const INCIDENTS: &str = include_str!("../../geodata/incidents.geojson");
    /// `geodata/places.geojson`.
    pub const PLACES: &str = include_str!("../../geodata/places.geojson");
    /// `geodata/borders.geojson`.
    pub const BORDERS: &str = include_str!("../../geodata/borders.geojson");
    /// `geodata/countries.geojson`.
    pub const COUNTRIES: &str = include_str!("../../geodata/countries.geojson");
    /// `seeds/register.json`.
    pub const REGISTER: &str = include_str!("../../seeds/register.json");
}

/// File names inside a data directory.
pub mod files {
    /// Incidents.
    pub const INCIDENTS: &str = "incidents.geojson";
    /// Gazetteer.
    pub const PLACES: &str = "places.geojson";
    /// Borders.
    pub const BORDERS: &str = "borders.geojson";
    /// Countries.
    pub const COUNTRIES: &str = "countries.geojson";
    /// Source register.
    pub const REGISTER: &str = "register.json";
}

/// Where each layer was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Compiled into the binary.
    Embedded,
    /// Read from this file.
    File(PathBuf),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Embedded => f.write_str("embedded"),
            Origin::File(p) => write!(f, "{}", p.display()),
        }
    }
}

/// The data as loaded, validated, with its indexes: what a data directory's files hold. Never changes once
/// built; a [`Store`] layers the changes made since on top of it.
#[derive(Debug)]
pub struct Base {
    /// Incidents, in file order (the numbers below `len` in a [`Store`]).
    pub(crate) loaded: Vec<Arc<Incident>>,
    /// Gazetteer.
    pub places: Arc<Vec<Place>>,
    /// The ids of `places`, for checking references to them.
    place_ids: Arc<FxHashSet<Box<str>>>,
    /// Every name of `places`, indexed for search.
    pub gazetteer: Arc<crate::gazetteer::Gazetteer>,
    /// Borders (every pair, every source).
    pub borders: Arc<Vec<Border>>,
    /// Country polygons.
    pub countries: Arc<Vec<Country>>,
    /// The source register as loaded.
    pub(crate) loaded_register: SourceRegister,
    /// Where each layer came from, by file name.
    pub origins: Vec<(&'static str, Origin)>,
    /// R-tree over the loaded incidents (item = number).
    pub incident_index: Arc<PointIndex>,
    /// Grid over the loaded incidents, for counting and paging the incidents in a box.
    pub incident_grid: Arc<GridIndex>,
    /// R-tree over `places`.
    pub place_index: Arc<PointIndex>,
    /// R-tree over every segment of `borders`.
    pub segment_index: Arc<SegmentIndex>,
    /// Point-in-polygon index over `countries`.
    pub country_index: Arc<CountryIndex>,
    incident_ids: Arc<IdIndex>,
    /// The facts of the loaded incidents; like the indexes, they depend on positions only, so a base whose
    /// incidents are where an earlier one's were shares them (see [`Store::folded`]).
    facts: Arc<query::FactsCache>,
    /// The loaded incidents nearest the border first (see [`Base::by_border_distance`]).
    by_border_distance: Arc<std::sync::OnceLock<Vec<u32>>>,
    border_parts: Arc<distance::PartsByChoice>,
    /// The loaded incidents that are not published, ascending.
    unpublished: Vec<u32>,
}

/// The layers that never change once loaded, with their indexes: what every base built from the same files
/// shares.
struct Geography {
    places: Arc<Vec<Place>>,
    place_ids: Arc<FxHashSet<Box<str>>>,
    gazetteer: Arc<crate::gazetteer::Gazetteer>,
    borders: Arc<Vec<Border>>,
    countries: Arc<Vec<Country>>,
    place_index: Arc<PointIndex>,
    segment_index: Arc<SegmentIndex>,
    country_index: Arc<CountryIndex>,
    border_parts: Arc<distance::PartsByChoice>,
}

impl Geography {
    fn new(places: Vec<Place>, borders: Vec<Border>, countries: Vec<Country>) -> Geography {
        let place_index = PointIndex::new(places.iter().map(|p| p.position));
        let segment_index = SegmentIndex::new(&borders);
        let border_parts = distance::PartsByChoice::new(&borders, &segment_index);
        let country_index = CountryIndex::new(&countries);
        Geography {
            gazetteer: Arc::new(crate::gazetteer::Gazetteer::new(&places)),
            place_ids: Arc::new(places.iter().map(|p| p.id.as_str().into()).collect()),
            places: Arc::new(places),
            borders: Arc::new(borders),
            countries: Arc::new(countries),
            place_index: Arc::new(place_index),
            segment_index: Arc::new(segment_index),
            country_index: Arc::new(country_index),
            border_parts: Arc::new(border_parts),
        }
    }
}

/// One consistent state of the data: the loaded [`Base`] and every change made since (new incidents, new
/// versions, sources added). Cheap to clone; a clone never sees changes applied to the original afterwards,
/// so a reader (a request, an export) holds one for as long as it needs a state that stands still.
///
/// Incidents are numbered: the loaded ones `0..base.len`, then each version recorded since, in order. A
/// number whose incident has a newer version is no longer *current*; queries see current numbers only.
#[derive(Clone, Debug)]
pub struct Store {
    base: Arc<Base>,
    changes: changes::Changes,
    /// Source register: the loaded documents, then those added since.
    pub register: Arc<SourceRegister>,
    /// Corrections proposed to published incidents and not yet accepted or declined, by number.
    proposals: imbl::OrdMap<u64, Arc<crate::model::Proposal>>,
}

impl Deref for Store {
    type Target = Base;

    fn deref(&self) -> &Base {
        &self.base
    }
}

/// One layer's text and where it came from.
struct Layer {
    label: String,
    origin: Origin,
    text: String,
}

fn read_layer(dir: Option<&Path>, name: &'static str, embedded: &'static str) -> Result<Layer, LoadError> {
    if let Some(dir) = dir {
        let path = dir.join(name);
        if path.exists() {
            let bytes = std::fs::read(&path).map_err(|source| LoadError::Io { path: path.clone(), source })?;
            let label = path.display().to_string();
            let text = String::from_utf8(bytes).map_err(|e| {
                let bytes = e.as_bytes();
                let at = e.utf8_error().valid_up_to();
                let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
                let column = 1 + at - bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
                LoadError::Invalid(vec![Issue {
                    file: label.clone(),
                    line: Some(line),
                    feature: None,
                    field: None,
                    message: format!("byte {} (column {column}) is not UTF-8: the file must be UTF-8", at + 1),
                }])
            })?;
            // A byte-order mark, as some editors write, is not part of the JSON.
            let text = match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_string(),
                None => text,
            };
            return Ok(Layer { label, origin: Origin::File(path), text });
        }
    }
    Ok(Layer { label: format!("<embedded>/{name}"), origin: Origin::Embedded, text: embedded.to_string() })
}

impl Store {
    /// Loads the embedded default data.
    pub fn embedded() -> Result<Store, LoadError> {
        Store::load(None)
    }

    /// Loads `dir` (falling back to embedded copies of absent files), validates everything and builds
    /// the indexes. Every problem found is reported, not only the first.
    pub fn load(dir: Option<&Path>) -> Result<Store, LoadError> {
        Base::load(dir).map(|b| Store::new(Arc::new(b)))
    }

    /// The state that holds `base` and no change yet.
    pub fn new(base: Arc<Base>) -> Store {
        let register = Arc::new(base.loaded_register.clone());
        Store { changes: changes::Changes::new(&base), base, register, proposals: Default::default() }
    }

    /// Writes the current incidents to `dir/incidents.geojson` atomically (temp file, fsync, rename).
    pub fn save_incidents(&self, dir: &Path) -> std::io::Result<()> {
        save_incidents(dir, &self.current_in_place().0)
    }

    /// The base this state's changes are layered on.
    pub fn base(&self) -> &Arc<Base> {
        &self.base
    }
}

impl Base {
    /// How many incidents were loaded.
    pub fn len(&self) -> usize {
        self.loaded.len()
    }

    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.loaded.is_empty()
    }

    /// Loads `dir` (see [`Store::load`]).
    pub fn load(dir: Option<&Path>) -> Result<Base, LoadError> {
        Base::load_changed(dir, &mut |_, _, _| Ok(()))
    }

    /// Loads `dir` with `change` applied to its incidents and register before the indexes are built (a journal
    /// replayed at start-up, without building the indexes twice). `change` is given a reader of incident
    /// features that applies every rule, against the places and the register it is given.
    pub fn load_changed(dir: Option<&Path>, change: Change<'_>) -> Result<Base, LoadError> {
        if let Some(d) = dir
            && !d.is_dir()
        {
            return Err(LoadError::Io {
                path: d.to_path_buf(),
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "not a directory"),
            });
        }
        let layers = [
            read_layer(dir, files::REGISTER, embedded::REGISTER)?,
            read_layer(dir, files::PLACES, embedded::PLACES)?,
            read_layer(dir, files::BORDERS, embedded::BORDERS)?,
            read_layer(dir, files::COUNTRIES, embedded::COUNTRIES)?,
        ];
        let [register_l, places_l, borders_l, countries_l] = layers;
        let (incidents_label, incidents_origin, incidents_source) = match dir.map(|d| d.join(files::INCIDENTS)) {
            Some(path) if path.exists() => {
                (path.display().to_string(), Origin::File(path.clone()), IncidentSource::File(path))
            }
            _ => (
                format!("<embedded>/{}", files::INCIDENTS),
                Origin::Embedded,
                IncidentSource::Embedded(embedded::INCIDENTS),
            ),
        };
        let mut issues = Vec::new();

        let register = match serde_json::from_str::<SourceRegister>(&register_l.text) {
            Ok(r) => r,
            Err(e) => {
                issues.push(Issue {
                    file: register_l.label.clone(),
                    line: Some(e.line()),
                    feature: None,
                    field: None,
                    message: format!("invalid source register: {e}"),
                });
                SourceRegister { about: String::new(), documents: Vec::new() }
            }
        };
        let places = parse_layer(&places_l, &mut issues, parse::place);
        let borders = parse_layer(&borders_l, &mut issues, parse::border);
        let countries = parse_layer(&countries_l, &mut issues, parse::country);

        let place_ids: HashSet<&str> = places.iter().map(|p| p.id.as_str()).collect();
        let source_ids: HashSet<&str> = register.documents.iter().map(|d| d.id.as_str()).collect();
        let ctx = IncidentContext { place_ids: &place_ids, source_ids: &source_ids };
        let incidents = parse_incidents(&incidents_label, &incidents_source, &ctx, &mut issues)?;

        check_unique(&places_l.label, places.iter().map(|p| p.id.as_str()), &mut issues);
        check_shared_names(&places_l.label, &places, &mut issues);
        check_unique(&borders_l.label, borders.iter().map(|b| b.id.as_str()), &mut issues);
        check_unique(&countries_l.label, countries.iter().map(|c| c.iso3.as_str()), &mut issues);
        check_register(&register_l.label, &register, &place_ids, &borders, &mut issues);
        if !issues.is_empty() {
            return Err(LoadError::Invalid(issues));
        }
        let mut incidents = incidents;
        let mut register = register;
        let read = |text: &str, register: &SourceRegister| read_incident_with(&place_ids, register, text);
        change(&mut incidents, &mut register, &read)?;
        let origins = vec![
            (files::INCIDENTS, incidents_origin),
            (files::PLACES, places_l.origin),
            (files::BORDERS, borders_l.origin),
            (files::COUNTRIES, countries_l.origin),
            (files::REGISTER, register_l.origin),
        ];
        let (store, duplicates) =
            Base::with_indexes(incidents, Geography::new(places, borders, countries), register, origins);
        if !duplicates.is_empty() {
            let issues = duplicates
                .into_iter()
                .map(|i| Issue {
                    file: incidents_label.clone(),
                    line: None,
                    feature: Some(store.loaded[i as usize].event_id.to_string()),
                    field: Some("id".into()),
                    message: "duplicate feature id: ids must be unique within a file".into(),
                })
                .collect();
            return Err(LoadError::Invalid(issues));
        }
        Ok(store)
    }

    /// The places, borders and countries with their indexes, shared (they never change once loaded).
    fn geography(&self) -> Geography {
        Geography {
            places: self.places.clone(),
            place_ids: self.place_ids.clone(),
            gazetteer: self.gazetteer.clone(),
            borders: self.borders.clone(),
            countries: self.countries.clone(),
            place_index: self.place_index.clone(),
            segment_index: self.segment_index.clone(),
            country_index: self.country_index.clone(),
            border_parts: self.border_parts.clone(),
        }
    }

    /// Builds the incident indexes; also returns the incidents whose `event_id` repeats an earlier one.
    fn with_indexes(
        incidents: Vec<Arc<Incident>>,
        geography: Geography,
        register: SourceRegister,
        origins: Vec<(&'static str, Origin)>,
    ) -> (Base, Vec<u32>) {
        let Geography {
            places,
            place_ids,
            gazetteer,
            borders,
            countries,
            place_index,
            segment_index,
            country_index,
            border_parts,
        } = geography;
        // The incident tree and the id index are independent: build them side by side.
        let (incident_index, incident_grid, (incident_ids, duplicates)) = std::thread::scope(|s| {
            let tree = s.spawn(|| PointIndex::new(incidents.iter().map(|i| i.position)));
            let grid = s.spawn(|| GridIndex::new(&incidents.iter().map(|i| i.position).collect::<Vec<_>>()));
            let ids = IdIndex::new(incidents.len(), |i| &incidents[i as usize].event_id);
            (tree.join().expect("index builder panicked"), grid.join().expect("index builder panicked"), ids)
        });
        let unpublished = (0..incidents.len() as u32)
            .filter(|&k| incidents[k as usize].revision.status != crate::model::Status::Published)
            .collect();
        let store = Base {
            loaded: incidents,
            places,
            place_ids,
            gazetteer,
            borders,
            countries,
            loaded_register: register,
            origins,
            incident_index: Arc::new(incident_index),
            incident_grid: Arc::new(incident_grid),
            place_index,
            segment_index,
            country_index,
            incident_ids: Arc::new(incident_ids),
            facts: Arc::default(),
            by_border_distance: Arc::default(),
            border_parts,
            unpublished,
        };
        (store, duplicates)
    }

    /// The number of the loaded incident with this `event_id`.
    fn loaded_number(&self, event_id: &str) -> Option<u32> {
        self.incident_ids.get(event_id, |i: u32| &*self.loaded[i as usize].event_id)
    }

    /// The country whose territory holds `p` (a point on a boundary counts as inside).
    pub fn country_at(&self, p: LonLat) -> Option<&Country> {
        self.country_index.locate(p).map(|c| &self.countries[c])
    }

    /// The place with this id.
    pub fn place(&self, id: &str) -> Option<&Place> {
        self.places.iter().find(|p| p.id == id)
    }

    /// The border of `pair` drawn by `source`.
    pub fn border(&self, pair: BorderPair, source: BorderSource) -> Option<&Border> {
        self.borders.iter().find(|b| b.pair == pair && b.source == source)
    }
}

fn parse_layer<T>(
    layer: &Layer,
    issues: &mut Vec<Issue>,
    mut one: impl for<'a> FnMut(&mut FeatureReader<'a, '_>, &'a serde_json::value::RawValue) -> Option<T>,
) -> Vec<T> {
    let features = match parse::split_features(&layer.label, &layer.text) {
        Ok(f) => f,
        Err(mut e) => {
            issues.append(&mut e);
            return Vec::new();
        }
    };
    let mut pending = Vec::new();
    let items = features
        .into_iter()
        .filter_map(|(offset, raw)| one(&mut FeatureReader::new(offset, &mut pending), raw))
        .collect();
    issues.extend(parse::resolve(&layer.label, layer.text.as_bytes(), pending));
    items
}

/// Where the incident layer comes from: incidents can number in the millions, so a file is streamed.
enum IncidentSource {
    Embedded(&'static str),
    File(PathBuf),
}

/// Bytes read per block when streaming an incident file.
const BLOCK_BYTES: usize = 16 << 20;

/// Parses the incident layer (streamed, on every core) and resolves the lines of any problems.
fn parse_incidents(
    label: &str,
    source: &IncidentSource,
    ctx: &IncidentContext<'_>,
    issues: &mut Vec<Issue>,
) -> Result<Vec<Arc<Incident>>, LoadError> {
    let io_err = |e: std::io::Error| LoadError::Io {
        path: match source {
            IncidentSource::File(p) => p.clone(),
            IncidentSource::Embedded(_) => PathBuf::from(label),
        },
        source: e,
    };
    let (incidents, pending) = match source {
        IncidentSource::Embedded(text) => {
            stream::parse_incidents(&mut text.as_bytes(), text.len() as u64, BLOCK_BYTES, ctx).map_err(io_err)?
        }
        IncidentSource::File(path) => {
            let mut file = std::fs::File::open(path).map_err(io_err)?;
            let total = file.metadata().map(|m| m.len()).unwrap_or(0);
            stream::parse_incidents(&mut file, total, BLOCK_BYTES, ctx).map_err(io_err)?
        }
    };
    if !pending.is_empty() {
        let resolved = match source {
            IncidentSource::Embedded(text) => parse::resolve(label, text.as_bytes(), pending),
            IncidentSource::File(path) => {
                let file = std::fs::File::open(path).map_err(io_err)?;
                parse::resolve(label, file, pending)
            }
        };
        issues.extend(resolved);
    }
    Ok(incidents)
}

fn check_unique<'a>(file: &str, ids: impl Iterator<Item = &'a str>, issues: &mut Vec<Issue>) {
    let mut seen = FxHashSet::default();
    for id in ids {
        if !seen.insert(id) {
            issues.push(Issue {
                file: file.to_string(),
                line: None,
                feature: Some(id.to_string()),
                field: Some("id".into()),
                message: "duplicate feature id: ids must be unique within a file".into(),
            });
        }
    }
}

/// A name two places carry must be declared shared by both (so that a query by it is knowingly ambiguous), and
/// a name declared shared must be one of the place's names and carried by another place too.
fn check_shared_names(file: &str, places: &[Place], issues: &mut Vec<Issue>) {
    use crate::gazetteer::normalise;
    let mut holders: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    for (i, p) in places.iter().enumerate() {
        let mut names: Vec<String> = p.all_names().map(normalise).collect();
        names.sort_unstable();
        names.dedup();
        for n in names {
            holders.entry(n).or_default().push(i);
        }
    }
    let mut push = |place: &Place, message: String| {
        issues.push(Issue {
            file: file.to_string(),
            line: None,
            feature: Some(place.id.clone()),
            field: Some("shared_names".into()),
            message,
        })
    };
    for (i, p) in places.iter().enumerate() {
        let shared: Vec<String> = p.shared_names.iter().map(|n| normalise(n)).collect();
        for (name, normalised) in p.shared_names.iter().zip(&shared) {
            match holders.get(normalised).map(|h| h.iter().filter(|&&j| j != i).count()) {
                None => push(p, format!("{name:?} is not one of this place's names: add it to alternate_names")),
                Some(0) => push(p, format!("{name:?} is not a name of any other place: remove it from shared_names")),
                Some(_) => {}
            }
        }
        for n in p.all_names() {
            let others: Vec<&str> =
                holders[&normalise(n)].iter().filter(|&&j| j != i).map(|&j| places[j].id.as_str()).collect();
            if !others.is_empty() && !shared.contains(&normalise(n)) {
                push(
                    p,
                    format!(
                        "{n:?} is also a name of {}: list it in shared_names if it really is used for both, or remove it",
                        others.join(", ")
                    ),
                );
            }
        }
    }
}

fn check_register(
    file: &str,
    register: &SourceRegister,
    place_ids: &HashSet<&str>,
    borders: &[Border],
    issues: &mut Vec<Issue>,
) {
    let mut push = |doc: &str, field: &str, message: String| {
        issues.push(Issue {
            file: file.to_string(),
            line: None,
            feature: Some(doc.to_string()),
            field: Some(field.to_string()),
            message,
        })
    };
    let mut ids = HashSet::new();
    for doc in &register.documents {
        if !ids.insert(doc.id.as_str()) {
            push(&doc.id, "id", "duplicate document id".into());
        }
        if !doc.sha256.is_empty() && (doc.sha256.len() != 64 || !doc.sha256.bytes().all(|b| b.is_ascii_hexdigit())) {
            push(&doc.id, "sha256", format!("{:?} is not a SHA-256 hex digest (64 hex digits)", doc.sha256));
        }
        for claim in &doc.claims {
            for place in claim.place_ids() {
                if !place_ids.contains(place) {
                    push(
                        &doc.id,
                        "claims",
                        format!("claim {}: {place:?} is not a place in places.geojson", claim.id()),
                    );
                }
            }
            if let Some(pair) = claim.border() {
                match pair.parse::<BorderPair>() {
                    Ok(p) if borders.iter().any(|b| b.pair == p) => {}
                    Ok(p) => push(&doc.id, "claims", format!("claim {}: no border {p} in borders.geojson", claim.id())),
                    Err(m) => push(&doc.id, "claims", format!("claim {}: {m}", claim.id())),
                }
            }
        }
    }
}

/// What [`Base::load_changed`] applies: given the incidents, the register and a reader of incident features.
pub type Change<'a> =
    &'a mut dyn FnMut(&mut Vec<Arc<Incident>>, &mut SourceRegister, &ReadIncident<'_>) -> Result<(), LoadError>;

/// Reads an incident feature against a register, by every rule a file's incidents obey (any thread may ask).
pub type ReadIncident<'a> = dyn Fn(&str, &SourceRegister) -> Result<Incident, Vec<Issue>> + Sync + 'a;

impl Store {
    /// Reads one incident feature (a request body, say) by the rules every incident of a file obeys, with
    /// the same messages; every problem is reported, each naming its field.
    pub fn read_incident(&self, text: &str) -> Result<Incident, Vec<Issue>> {
        read_incident_with(&*self.place_ids, &self.register, text)
    }
}

/// [`Store::read_incident`] against these places and this register.
fn read_incident_with(
    place_ids: &(dyn Ids + Sync),
    register: &SourceRegister,
    text: &str,
) -> Result<Incident, Vec<Issue>> {
    let ctx = IncidentContext { place_ids, source_ids: register };
    let mut pending = Vec::new();
    let mut interner = parse::Interner::default();
    let incident = parse::incident(&mut FeatureReader::new(0, &mut pending), text, &ctx, &mut interner);
    match incident {
        Some(i) if pending.is_empty() => Ok(i),
        _ => Err(parse::resolve("request body", text.as_bytes(), pending)),
    }
}
