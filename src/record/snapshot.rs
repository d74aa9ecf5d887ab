//! The snapshot and the journal together: opening a data directory (the snapshot, then every journal entry
//! after it replayed), folding the journal into a new snapshot (compaction, keeping the folded entries in
//! `history/`), proving the history unbroken (`verify`), and reading one incident's history back.
//!
//! A compaction writes, in this order, each step atomic: the folded lines as a history segment; the new
//! `register.json` and `incidents.geojson`; a new `journal.jsonl` holding one `snapshot` entry that names the
//! new snapshot's SHA-256 and the last entry folded. A crash between steps leaves a history segment that ends
//! where the live journal ends; opening the directory then finishes the compaction. Replaying an entry sets
//! the incident to the version the entry holds, so replaying one twice changes nothing.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::journal::{self, Chain, ChainError, Entry, GENESIS, HISTORY_DIR, JOURNAL_FILE, Op};
use super::writer::Writer;
use crate::formats::geojson::IncidentList;
use crate::store::{Issue, LoadError, Store, files};

/// Why a data directory's record could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The data did not load.
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The journal is not an unbroken chain.
    #[error("the journal is broken: {0}")]
    Chain(#[from] ChainError),
    /// An entry could not be replayed.
    #[error("{at}: entry {seq} cannot be replayed: {message}")]
    Replay {
        /// Where.
        at: journal::Place,
        /// Which.
        seq: u64,
        /// Why.
        message: String,
    },
    /// A file could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// Every entry of the history: the segments in `history/`, then the live journal.
pub struct History {
    /// The folded segments' chains, in order.
    pub segments: Vec<Chain>,
    /// The live journal's chain.
    pub live: Chain,
}

impl History {
    /// Reads and checks the whole chain.
    pub fn read(dir: &Path) -> Result<History, ChainError> {
        let (mut prev, mut seq) = (GENESIS.to_string(), 1);
        let mut segments = Vec::new();
        let listed = journal::segments(dir).map_err(|source| ChainError::Io { path: dir.join(HISTORY_DIR), source })?;
        for segment in listed {
            let chain = journal::read_chain(&segment.path, Some(&prev), Some(seq))?;
            if let Some(torn) = chain.torn {
                return Err(ChainError::Broken {
                    at: journal::Place { file: segment.path, line: chain.entries.len() + 1, offset: torn },
                    message: format!("a folded segment ends in a partial line (byte {torn})"),
                });
            }
            (prev, seq) = (chain.last_hash.clone(), chain.next_seq);
            segments.push(chain);
        }
        let path = dir.join(JOURNAL_FILE);
        let live = journal::read_chain(&path, None, None)?;
        // A compaction stopped after copying the live journal to its segment: the live lines are that copy.
        if live.entries.first().is_some_and(|(e, ..)| e.seq < seq) {
            return Ok(History {
                segments,
                live: Chain { entries: Vec::new(), last_hash: prev, next_seq: seq, torn: None },
            });
        }
        let live = journal::read_chain(&path, Some(&prev), Some(seq))?;
        Ok(History { segments, live })
    }

    /// Every entry, oldest first.
    pub fn entries(&self) -> impl Iterator<Item = &(Entry, journal::Place, String)> {
        self.segments.iter().flat_map(|c| c.entries.iter()).chain(self.live.entries.iter())
    }
}

/// Whether the last segment ends where the live journal ends: a compaction stopped before its last step.
fn compaction_interrupted(dir: &Path, live: &Chain) -> Result<bool, ChainError> {
    let segments = journal::segments(dir).map_err(|source| ChainError::Io { path: dir.join(HISTORY_DIR), source })?;
    Ok(match (segments.last(), live.entries.last()) {
        (Some(s), Some((e, ..))) => s.last == e.seq,
        _ => false,
    })
}

/// SHA-256 of a file, hex.
pub fn file_sha256(path: &Path) -> std::io::Result<String> {
    use sha2::Digest;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = sha2::Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(journal::hex(&hasher.finalize()))
}

/// The entries of the live journal to replay on the snapshot: those after its last `snapshot` entry.
fn to_replay(live: &Chain) -> &[(Entry, journal::Place, String)] {
    let start = live.entries.iter().rposition(|(e, ..)| e.op == Op::Snapshot).map_or(0, |i| i + 1);
    &live.entries[start..]
}

/// Where an unfinished batch starts: the entries from there on are of a change a crash cut short.
pub fn unfinished_batch(entries: &[(Entry, journal::Place, String)]) -> Option<&journal::Place> {
    let (last, ..) = entries.last()?;
    let first = last.batch.filter(|_| last.batch_size.is_none())?;
    entries.iter().find(|(e, ..)| e.seq == first).map(|(_, at, _)| at)
}

/// Reads a data directory's record without changing anything (no lock): the snapshot with the live journal
/// replayed; the embedded data without a directory.
pub fn load(dir: Option<&Path>) -> Result<Store, OpenError> {
    match dir {
        Some(dir) => Ok(load_live(dir)?.0),
        None => Ok(Store::load(None)?),
    }
}

/// The snapshot of `dir` with its live journal replayed, and that journal. The journal is read on a thread of
/// its own while the snapshot is read, and replayed before the indexes are built.
fn load_live(dir: &Path) -> Result<(Store, Chain), OpenError> {
    let path = dir.join(JOURNAL_FILE);
    std::thread::scope(|s| {
        let mut reading = Some(s.spawn(|| journal::read_chain_with(&path, None, None, journal::Hashes::Trust)));
        let mut live = None;
        let base = crate::store::Base::load_changed(Some(dir), &mut |incidents, register, read| {
            let read_back = reading.take().expect("replayed once").join().expect("the journal reader panicked");
            match live.insert(read_back) {
                Ok(chain) => replay_versions(replayable(chain), incidents, register, read),
                // Told below: the chain's error, not this one.
                Err(_) => Err(LoadError::Invalid(Vec::new())),
            }
        });
        let (base, chain) = match (base, live) {
            (_, Some(Err(e))) => return Err(e.into()),
            (Err(e), _) => return Err(e.into()),
            (Ok(base), Some(Ok(chain))) => (base, chain),
            (Ok(_), None) => unreachable!("a load that succeeds applies its change"),
        };
        let mut store = Store::new(std::sync::Arc::new(base));
        replay_proposals(&mut store, replayable(&chain))?;
        Ok((store, chain))
    })
}

/// The entries of the live journal to replay on the snapshot: those after its last `snapshot` entry, but
/// none of an unfinished batch at their end.
fn replayable(live: &Chain) -> &[(Entry, journal::Place, String)] {
    let entries = to_replay(live);
    let end = match unfinished_batch(entries) {
        Some(at) => entries.iter().position(|(_, p, _)| p == at).unwrap_or(entries.len()),
        None => entries.len(),
    };
    &entries[..end]
}

/// Applies `entries` to the snapshot's `incidents` and `register`, reading features with `read`: each
/// incident's last version only (the state is the same, for a fraction of the work).
fn replay_versions(
    entries: &[(Entry, journal::Place, String)],
    incidents: &mut Vec<std::sync::Arc<crate::model::Incident>>,
    register: &mut crate::model::SourceRegister,
    read: &crate::store::ReadIncident<'_>,
) -> Result<(), LoadError> {
    let mut last: rustc_hash::FxHashMap<&str, u64> = Default::default();
    for (entry, ..) in entries {
        if let (Some(id), Some(_)) = (&entry.id, &entry.feature) {
            last.insert(id, entry.seq);
        }
    }
    let latest: Vec<&(Entry, journal::Place, String)> = entries
        .iter()
        .filter(|(e, ..)| e.feature.is_some() && e.id.as_deref().is_some_and(|id| last.get(id) == Some(&e.seq)))
        .collect();
    for document in entries.iter().filter_map(|(e, ..)| e.document.as_ref()) {
        match register.documents.iter_mut().find(|d| d.id == document.id) {
            Some(d) => *d = document.clone(),
            None => register.documents.push(document.clone()),
        }
    }
    let register = &*register;
    let versions = crate::store::on_every_core(&latest, |part| {
        part.iter()
            .map(|(entry, at, _)| {
                let feature = entry.feature.as_ref().expect("chosen for its feature").get();
                read(feature, register).map(std::sync::Arc::new).map_err(|e| not_replayed(at, "entry", entry.seq, e))
            })
            .collect::<Result<Vec<_>, _>>()
    });
    let mut versions: Vec<Option<_>> =
        versions.into_iter().collect::<Result<Vec<_>, _>>()?.into_iter().flatten().map(Some).collect();
    // Each version in its incident's place; those of incidents the snapshot does not hold after them, in
    // the order of their last entries.
    let mut place: rustc_hash::FxHashMap<&str, usize> =
        latest.iter().enumerate().filter_map(|(j, (e, ..))| Some((e.id.as_deref()?, j))).collect();
    for incident in incidents.iter_mut() {
        if let Some(j) = place.remove(&*incident.event_id) {
            *incident = versions[j].take().expect("each taken once");
        }
    }
    incidents.extend(versions.into_iter().flatten());
    Ok(())
}

/// The problems of a journal line's feature (`what` number `seq`, at `at`) that does not read back.
fn not_replayed(at: &journal::Place, what: &str, seq: u64, issues: Vec<Issue>) -> LoadError {
    LoadError::Invalid(
        issues
            .into_iter()
            .map(|i| Issue {
                file: at.file.display().to_string(),
                line: Some(at.line),
                message: format!("{what} {seq} cannot be replayed: {}", i.message),
                ..i
            })
            .collect(),
    )
}

/// Opens and closes the proposals `entries` record, in order.
fn replay_proposals(store: &mut Store, entries: &[(Entry, journal::Place, String)]) -> Result<(), OpenError> {
    for (entry, at, _) in entries {
        match (entry.op, &entry.proposed, entry.proposal) {
            (Op::Propose, Some(feature), number) => {
                let incident =
                    store.read_incident(feature.get()).map_err(|e| not_replayed(at, "proposal", entry.seq, e))?;
                store.propose(crate::model::Proposal {
                    number: number.unwrap_or(entry.seq),
                    incident: std::sync::Arc::new(incident),
                    replaces: entry.replaces.unwrap_or_default(),
                    by: entry.by.clone(),
                    at: entry.at.clone(),
                    reason: entry.reason.clone().unwrap_or_default(),
                    changes: entry.changes.clone().unwrap_or_default(),
                });
            }
            (Op::Accept | Op::Decline, _, Some(n)) => store.close_proposal(n),
            _ => {}
        }
    }
    Ok(())
}

/// A snapshot entry continuing the chain at `seq` after `prev`, for a snapshot file whose SHA-256 is `sha`.
fn snapshot_entry(seq: u64, prev: &str, folded: Option<u64>, sha: String) -> Entry {
    Entry {
        seq,
        prev: prev.to_string(),
        at: crate::model::format_time(&crate::model::now()),
        snapshot_sha256: Some(sha),
        folded,
        ..Entry::blank("borderline", Op::Snapshot)
    }
}

/// What an open data directory hands to its writer.
pub(crate) struct Opened {
    /// The state: snapshot and journal.
    pub store: Store,
    /// The live journal's chain.
    pub live: Chain,
}

/// Loads `dir`: its snapshot, with every journal entry after it replayed; starts the journal (with a
/// snapshot entry) when there is none, writing the embedded incidents out first if the directory has no
/// incidents file; finishes an interrupted compaction. The caller holds the directory's lock; `loaded`, when
/// given, is what [`load`] read of the directory under that lock, so it need not be read again.
pub(crate) fn open(dir: &Path, loaded: Option<Store>) -> Result<Opened, OpenError> {
    let write_error = |path: PathBuf| move |source| OpenError::Io { path: path.clone(), source };
    let incidents = dir.join(files::INCIDENTS);
    if !incidents.exists() {
        std::fs::create_dir_all(dir).map_err(write_error(dir.to_path_buf()))?;
        crate::store::atomic_write(&incidents, |w| w.write_all(crate::store::embedded::INCIDENTS.as_bytes()))
            .map_err(write_error(incidents.clone()))?;
    }
    let live_path = dir.join(JOURNAL_FILE);
    let (store, mut live) = match loaded {
        Some(store) => (store, journal::read_chain_with(&live_path, None, None, journal::Hashes::Trust)?),
        None => load_live(dir)?,
    };
    if let Some(at) = unfinished_batch(&live.entries) {
        // A change of many entries (an import) that a crash cut short was never acknowledged: drop it whole.
        tracing::warn!(journal = %live_path.display(), line = at.line, "dropping an import a crash cut short");
        let cut = at.offset;
        let file = std::fs::OpenOptions::new().write(true).open(&live_path);
        file.and_then(|f| f.set_len(cut).and_then(|()| f.sync_data())).map_err(write_error(live_path.clone()))?;
        live = journal::read_chain(&live_path, None, None)?;
    }
    if compaction_interrupted(dir, &live)? {
        let last = live.next_seq - 1;
        let sha = write_snapshot(dir, &store)?;
        write_live(dir, &store, live.next_seq, &live.last_hash, last, sha)?;
        live = journal::read_chain(&live_path, None, None)?;
    } else if live.entries.is_empty() {
        // A new journal, or one whose only line was cut short: it starts from the snapshot as it is, after
        // the last segment if there is one.
        let (prev, seq) = match journal::segments(dir)
            .map_err(|source| ChainError::Io { path: dir.join(HISTORY_DIR), source })?
            .last()
        {
            Some(s) => (journal::read_chain(&s.path, None, None)?.last_hash, s.last + 1),
            None => (GENESIS.to_string(), 1),
        };
        let sha = file_sha256(&incidents).map_err(write_error(incidents.clone()))?;
        let (line, _) = journal::line(&snapshot_entry(seq, &prev, None, sha));
        crate::store::atomic_write(&live_path, |w| w.write_all(&line)).map_err(write_error(live_path.clone()))?;
        live = journal::read_chain(&live_path, None, None)?;
    }
    Ok(Opened { store, live })
}

/// The live journal of `dir`, read as `live`, open for appending after its whole lines.
pub(crate) fn appender(dir: &Path, live: &Chain) -> Result<journal::Appender, OpenError> {
    let path = dir.join(JOURNAL_FILE);
    let io = |source| OpenError::Io { path: path.clone(), source };
    let whole = match live.torn {
        Some(end) => {
            tracing::warn!(journal = %path.display(), "the journal's last line was cut short (a write a crash interrupted, never acknowledged): it is dropped");
            end
        }
        None => std::fs::metadata(&path).map_err(io)?.len(),
    };
    journal::Appender::open(&path, whole).map_err(io)
}

/// Writes the snapshot of `store`: the register, then `incidents.geojson`; returns the latter's SHA-256.
fn write_snapshot(dir: &Path, store: &Store) -> Result<String, OpenError> {
    write_register(dir, store)?;
    let path = dir.join(files::INCIDENTS);
    let io = |source| OpenError::Io { path: path.clone(), source };
    let snapshot = new_snapshot(dir, |list| list.list(&store.current_in_place().0)).map_err(io)?;
    snapshot.file.commit().map_err(io)?;
    Ok(snapshot.sha256)
}

/// Writes `register.json` as `store` has it. (Before the incidents: the register of the journal's entries is
/// the same whether they are replayed on it or not.)
fn write_register(dir: &Path, store: &Store) -> Result<(), OpenError> {
    let path = dir.join(files::REGISTER);
    let register = &*store.register;
    crate::store::atomic_write(&path, |w| {
        serde_json::to_writer_pretty(&mut *w, register).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    })
    .map_err(|source| OpenError::Io { path, source })
}

/// A new `incidents.geojson`, written to a temporary file beside the old one and not yet in place, with its
/// SHA-256.
pub(crate) struct NewSnapshot {
    file: crate::store::Pending,
    sha256: String,
}

/// Writes a new snapshot: `write` writes the incidents into the collection it is given, and the bytes are
/// hashed as they go (the journal names the snapshot by its hash, and reading a gigabyte back to find it
/// costs seconds).
pub(crate) fn new_snapshot(
    dir: &Path,
    write: impl FnOnce(&mut IncidentList<&mut Hashed>) -> std::io::Result<()>,
) -> std::io::Result<NewSnapshot> {
    use sha2::Digest;
    let mut out =
        Hashed { file: crate::store::Pending::create(&dir.join(files::INCIDENTS))?, sha: sha2::Sha256::new() };
    let mut list = IncidentList::start(&mut out)?;
    write(&mut list)?;
    list.finish()?;
    Ok(NewSnapshot { file: out.file, sha256: journal::hex(&out.sha.finalize()) })
}

/// A file that hashes what is written to it.
pub(crate) struct Hashed {
    file: crate::store::Pending,
    sha: sha2::Sha256,
}

impl Hashed {
    /// See [`crate::store::Pending::start_writeback`].
    pub(crate) fn start_writeback(&mut self) -> std::io::Result<()> {
        self.file.start_writeback()
    }
}

impl std::io::Write for Hashed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        use sha2::Digest;
        let n = self.file.write(buf)?;
        self.sha.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Starts a new live journal at `seq` with a snapshot entry, followed by the proposals still open in `store`
/// (carried over: each keeps its number, its author and its time); the snapshot's SHA-256 is `sha`. Returns the
/// last hash and the next `seq`.
fn write_live(
    dir: &Path,
    store: &Store,
    seq: u64,
    prev: &str,
    folded: u64,
    sha: String,
) -> Result<(String, u64), OpenError> {
    let (mut lines, mut hash) = journal::line(&snapshot_entry(seq, prev, Some(folded), sha));
    let mut seq = seq + 1;
    for proposal in store.proposals() {
        let mut entry = Entry::blank(&proposal.by, Op::Propose);
        entry.seq = seq;
        entry.prev = hash;
        entry.at = proposal.at.clone();
        entry.id = Some(proposal.incident.event_id.to_string());
        entry.replaces = Some(proposal.replaces);
        entry.reason = Some(proposal.reason.clone());
        entry.sources = proposal.incident.sources.iter().map(|s| s.to_string()).collect();
        entry.changes = Some(proposal.changes.clone());
        entry.proposed = Some(super::edit::storage_json(&proposal.incident));
        entry.proposal = Some(proposal.number);
        let (line, h) = journal::line(&entry);
        lines.extend_from_slice(&line);
        hash = h;
        seq += 1;
    }
    let path = dir.join(JOURNAL_FILE);
    crate::store::atomic_write(&path, |w| w.write_all(&lines)).map_err(|source| OpenError::Io { path, source })?;
    Ok((hash, seq))
}

/// What a compaction did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compacted {
    /// Entries folded into the snapshot.
    pub folded: usize,
    /// The history segment they went to (none when there was nothing to fold).
    pub segment: Option<PathBuf>,
    /// Incidents in the new snapshot.
    pub incidents: usize,
}

/// Makes the live journal, flushed already, the history segment `segment` too: a second name for the same
/// file (the live journal is replaced, never appended to, once the compaction goes on), or, where the file
/// system has no hard links, a copy. Either way the segment is on disk before the snapshot changes.
fn keep_as_segment(live: &Path, segment: &Path) -> std::io::Result<()> {
    match std::fs::hard_link(live, segment) {
        Ok(()) => std::fs::File::open(segment.parent().unwrap_or(Path::new(".")))?.sync_all(),
        Err(e) => {
            tracing::debug!(error = %e, segment = %segment.display(), "no hard link for the history segment: copying");
            copy_as_segment(live, segment)
        }
    }
}

/// Writes `segment` as a file of its own holding the live journal (atomically: it replaces a hard link).
fn copy_as_segment(live: &Path, segment: &Path) -> std::io::Result<()> {
    let mut from = std::fs::File::open(live)?;
    crate::store::atomic_write(segment, |w| std::io::copy(&mut from, w).map(|_| ()))
}

/// Folds the live journal into a new snapshot (see the module documentation), from the writer's thread.
pub(crate) fn compact(writer: &mut Writer) -> std::io::Result<Compacted> {
    let dir = writer.dir.clone();
    let live = dir.join(JOURNAL_FILE);
    let chain = journal::read_chain(&live, None, None).map_err(|e| std::io::Error::other(e.to_string()))?;
    let store = (**writer.current.load()).clone();
    let count = chain.entries.iter().filter(|(e, ..)| e.op != Op::Snapshot).count();
    let incidents = store.current().count();
    let (Some((first, ..)), false) = (chain.entries.first(), count == 0) else {
        return Ok(Compacted { folded: 0, segment: None, incidents });
    };
    let snapshot = new_snapshot(&dir, |list| list.list(&store.current_in_place().0))?;
    let folded = fold(&dir, &store, first.seq, writer.next_seq, &writer.last_hash, snapshot)?;
    let len = std::fs::metadata(&live)?.len();
    writer.appender = journal::Appender::open(&live, len)?;
    writer.next_seq = folded.next_seq;
    writer.last_hash = folded.last_hash;
    // The state is what it was; a new base holding the versions layered on it is the writer's business, on
    // a thread of its own, as it is after any change.
    Ok(Compacted { folded: count, segment: Some(folded.segment), incidents })
}

/// Where a compaction left the chain.
pub(crate) struct Folded {
    /// The history segment the folded entries went to.
    pub segment: PathBuf,
    /// The hash of the new live journal's last entry.
    pub last_hash: String,
    /// The number of the next entry.
    pub next_seq: u64,
}

/// The rest of a compaction of `dir` into `snapshot` (the state `store`), once the live journal, holding
/// entries `first` to `next_seq - 1` and ending in `last_hash`, is on disk: the journal kept as a history
/// segment, the register and the snapshot put in place, a new live journal started (see the module
/// documentation for what a crash between the steps leaves).
pub(crate) fn fold(
    dir: &Path,
    store: &Store,
    first: u64,
    next_seq: u64,
    last_hash: &str,
    snapshot: NewSnapshot,
) -> std::io::Result<Folded> {
    let io = |e: OpenError| std::io::Error::other(e.to_string());
    let live = dir.join(JOURNAL_FILE);
    let segments = dir.join(HISTORY_DIR);
    std::fs::create_dir_all(&segments)?;
    let segment = segments.join(journal::segment_name(first, next_seq - 1));
    keep_as_segment(&live, &segment)?;
    let NewSnapshot { file, sha256 } = snapshot;
    if let Err(e) = write_register(dir, store).map_err(io).and_then(|()| file.commit()) {
        // Nothing changed but the segment (and the register, which the live journal's entries give again):
        // without it the directory is as it was, and the live journal, which the writer goes on appending
        // to, is no longer the segment's file too.
        std::fs::remove_file(&segment)?;
        return Err(e);
    }
    match write_live(dir, store, next_seq, last_hash, next_seq - 1, sha256) {
        Ok((last_hash, next_seq)) => Ok(Folded { segment, last_hash, next_seq }),
        Err(e) => {
            // The compaction stopped before its last step, which opening the directory finishes; until then
            // the writer appends to the live journal, which must not be the segment's file.
            copy_as_segment(&live, &segment)?;
            Err(io(e))
        }
    }
}

/// What `borderline verify` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// Entries in the whole history.
    pub entries: u64,
    /// History segments.
    pub segments: usize,
    /// The last entry's hash.
    pub last_hash: String,
    /// Incidents after replaying.
    pub incidents: usize,
    /// A partial last line (a write cut short, never acknowledged), if there is one.
    pub torn: Option<u64>,
}

/// Why verification failed.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The chain is broken.
    #[error("{0}")]
    Chain(#[from] ChainError),
    /// The snapshot is not the one the journal names.
    #[error(
        "{} has SHA-256 {found}, but the journal's snapshot entry {seq} names {named}: the snapshot was changed \
         outside borderline",
        .path.display()
    )]
    Snapshot {
        /// The snapshot.
        path: PathBuf,
        /// Its hash.
        found: String,
        /// The hash the journal names.
        named: String,
        /// The snapshot entry.
        seq: u64,
    },
    /// There is no journal.
    #[error("{} has no journal ({JOURNAL_FILE}): nothing to verify (it starts when the directory is first served or edited)", .0.display())]
    NoJournal(PathBuf),
    /// The record does not load or replay.
    #[error("{0}")]
    Open(#[from] OpenError),
}

/// Checks that the history is an unbroken chain, that the snapshot is the one the journal names, and that
/// every entry after it replays.
pub fn verify(dir: &Path) -> Result<Verified, VerifyError> {
    if !dir.join(JOURNAL_FILE).exists() {
        return Err(VerifyError::NoJournal(dir.to_path_buf()));
    }
    let history = History::read(dir)?;
    let snapshot = history.live.entries.iter().rev().find(|(e, ..)| e.op == Op::Snapshot);
    if let Some((entry, ..)) = snapshot {
        let path = dir.join(files::INCIDENTS);
        let found = file_sha256(&path).map_err(|source| OpenError::Io { path: path.clone(), source })?;
        let named = entry.snapshot_sha256.clone().unwrap_or_default();
        if found != named {
            return Err(VerifyError::Snapshot { path, found, named, seq: entry.seq });
        }
    }
    let store = load(Some(dir))?;
    Ok(Verified {
        entries: history.live.next_seq - 1,
        segments: history.segments.len(),
        last_hash: history.live.last_hash.clone(),
        incidents: store.current().count(),
        torn: history.live.torn,
    })
}

/// Every entry about incident `id`, oldest first.
pub fn incident_history(dir: &Path, id: &str) -> Result<Vec<Entry>, ChainError> {
    let history = History::read(dir)?;
    Ok(history
        .entries()
        .filter(|(e, ..)| e.op != Op::Source && e.op != Op::Snapshot && e.id.as_deref() == Some(id))
        // A proposal a compaction carried into a new journal is in the history once, where it was made.
        .filter(|(e, ..)| !(e.op == Op::Propose && e.proposal.is_some_and(|n| n != e.seq)))
        .map(|(e, ..)| e.clone())
        .collect())
}
