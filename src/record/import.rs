//! Recording an import: each incident it adds or changes is a journal entry by the importing user, all of
//! them one batch (after a crash it is there whole or not at all), and the import ends by folding the journal
//! into a new snapshot — the compaction of [`super::snapshot`], the same files in the same order.
//!
//! It is written straight from the import, not through the writer thread: the importing process holds the
//! directory's lock, so nothing else changes it meanwhile. That lets a million incidents go in one pass: their
//! entries and features made on every core, once for both files, and chained and written in order as they
//! come, so that what is written is not held; the new state is never built (the process ends).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::edit::{self, EditError};
use super::journal::{self, JOURNAL_FILE, Unchained};
use super::lock::DataLock;
use super::snapshot::{self, OpenError};
use super::users::Actor;
use crate::formats::geojson::FEATURE_SEPARATOR;
use crate::formats::layer::{BLOCK, in_order};
use crate::model::Incident;
use crate::store::Store;

/// Every this many bytes written to a file, the system is asked to start writing them to disk, so that the disk
/// works while the import does and the flush at the end has little left to wait for.
const WRITEBACK: usize = 32 << 20;

/// What an import recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// Journal entries written: one per incident added or changed.
    pub recorded: usize,
    /// Incidents in the new snapshot.
    pub incidents: usize,
    /// The history segment the journal went to (none when nothing was recorded).
    pub segment: Option<PathBuf>,
}

/// Why an import was not recorded (the directory is as it was), or not folded into the snapshot.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The user may not import.
    #[error(transparent)]
    Refused(#[from] EditError),
    /// The directory's record did not open.
    #[error(transparent)]
    Open(#[from] OpenError),
    /// A file could not be written.
    #[error("cannot write {}: {source}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The import is recorded in the journal (it counts, and is there after a restart), but folding it into
    /// a new snapshot failed; the next open of the directory (`serve`, `compact`, another import) folds it.
    #[error(
        "the {recorded} changes are recorded in the journal, but writing the new snapshot failed ({source}); \
         the next `compact`, `serve` or import finishes it"
    )]
    Unfolded {
        /// Journal entries written.
        recorded: usize,
        /// The OS error.
        source: std::io::Error,
    },
}

/// One block of the import, made on some core: its entries, waiting for their place in the chain, and the
/// features of its new incidents as the snapshot holds them.
#[derive(Default)]
struct Block {
    entries: Unchained,
    new_features: Vec<u8>,
}

impl Block {
    fn clear(&mut self) {
        self.entries.clear();
        self.new_features.clear();
    }
}

/// Records `incoming` — the incidents new to `dir` or changed, as [`Store::plan_import`] read them from
/// `file`, each id once — as `actor`. `loaded` is what [`super::load`] read of `dir` while `lock` was held, as it still is.
pub fn import(
    dir: &Path,
    _lock: &DataLock,
    loaded: Store,
    incoming: Vec<Incident>,
    actor: &Actor,
    file: &str,
) -> Result<Imported, ImportError> {
    edit::may_import(actor)?;
    if incoming.is_empty() {
        return Ok(Imported { recorded: 0, incidents: loaded.current().count(), segment: None });
    }
    let opened = snapshot::open(dir, Some(loaded))?;
    let (store, live) = (opened.store, opened.live);
    edit::may_import_into(&store, &incoming, actor)?;
    let live_path = dir.join(JOURNAL_FILE);
    if let Some((entry, at, hash)) = live.entries.last()
        && !(hash.len() == journal::GENESIS.len() && hash.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        // The live journal is read trusting each line's hash; the chain goes on from this one.
        let message =
            format!("entry {} carries {hash:?} as its hash, not a SHA-256: run `borderline verify`", entry.seq);
        return Err(OpenError::Chain(journal::ChainError::Broken { at: at.clone(), message }).into());
    }
    let mut appender = snapshot::appender(dir, &live)?;
    let whole = appender.len();
    let first_live = live.entries.first().map_or(live.next_seq, |(e, ..)| e.seq);

    let now = crate::model::now();
    let at = crate::model::format_time(&now);
    let reason = format!("imported from {file}");
    let incidents: Vec<Incident> = incoming
        .into_iter()
        .map(|i| {
            let current = store.incident(&i.event_id);
            edit::imported(current, i, actor, now)
        })
        .collect();
    let count = incidents.len();
    let first = live.next_seq;
    // The snapshot is the current incidents in their order, changed ones in their place, then the new ones.
    let replaced: rustc_hash::FxHashMap<&str, &Incident> =
        incidents.iter().filter(|i| store.incident(&i.event_id).is_some()).map(|i| (&*i.event_id, i)).collect();
    let (current, _) = store.current_in_place();
    let in_place: Vec<&Incident> = current.iter().map(|c| replaced.get(&*c.event_id).copied().unwrap_or(c)).collect();
    let added = count - replaced.len();

    // Blocks' memory goes round (made, written, made again) instead of being asked of the system each time.
    let spare: Mutex<Vec<Block>> = Mutex::default();
    let block = |k: usize| {
        let mut made = spare.lock().expect("not poisoned").pop().unwrap_or_default();
        let mut feature = Vec::with_capacity(2048);
        for (n, incident) in incidents.iter().enumerate().skip(k * BLOCK).take(BLOCK) {
            let current = store.incident(&incident.event_id);
            let mut entry = edit::import_entry(current, incident, actor, &reason);
            entry.seq = first + n as u64;
            entry.at.clone_from(&at);
            entry.batch = Some(first);
            if n + 1 == count {
                entry.batch_size = Some(count as u64);
            }
            feature.clear();
            crate::formats::geojson::storage_feature(&mut feature, incident);
            if current.is_none() {
                if !made.new_features.is_empty() {
                    made.new_features.extend_from_slice(FEATURE_SEPARATOR);
                }
                made.new_features.extend_from_slice(&feature);
            }
            made.entries.push(&mut entry, Some(&feature));
        }
        made
    };
    let mut last_hash = live.last_hash.clone();
    let mut journal_failed = None;
    let written = snapshot::new_snapshot(dir, |list| {
        list.list(&in_place)?;
        // The journal's lines are chained and written here, the snapshot's features on a thread of their own:
        // each file is hashed as it is written, and the two hashes need not wait for each other.
        std::thread::scope(|s| {
            let (features, to_write) = std::sync::mpsc::sync_channel::<Block>(2);
            let snapshot = s.spawn(|| {
                let mut unflushed = 0;
                for mut made in to_write {
                    list.features(&made.new_features)?;
                    unflushed += made.new_features.len();
                    if unflushed >= WRITEBACK {
                        list.writer().start_writeback()?;
                        unflushed = 0;
                    }
                    made.clear();
                    spare.lock().expect("not poisoned").push(made);
                }
                std::io::Result::Ok(())
            });
            let mut lines = Vec::with_capacity(BLOCK * 1400);
            let mut journal = |done: std::io::Result<()>| {
                done.map_err(|e| {
                    let kind = e.kind();
                    journal_failed = Some(e);
                    std::io::Error::new(kind, "the journal could not be written")
                })
            };
            let mut unflushed = 0;
            let journaled = in_order(count.div_ceil(BLOCK), &block, &mut |mut made: Block| {
                lines.clear();
                made.entries.chain(&mut last_hash, &mut lines);
                journal(appender.write(&lines))?;
                unflushed += lines.len();
                if unflushed >= WRITEBACK {
                    appender.start_writeback();
                    unflushed = 0;
                }
                features.send(made).map_err(|_| std::io::Error::other("the snapshot's writer stopped"))
            });
            drop(features);
            snapshot.join().expect("the snapshot's writer does not panic")?;
            journaled
        })
    });
    // The journal is flushed once, last: the batch counts from its last entry on, and nothing of it is
    // acknowledged before the snapshot that folds it is written too.
    let synced = written.and_then(|snapshot| match appender.sync() {
        Ok(()) => Ok(snapshot),
        Err(e) => {
            let kind = e.kind();
            journal_failed = Some(e);
            Err(std::io::Error::new(kind, "the journal could not be flushed"))
        }
    });
    let snapshot = match synced {
        Ok(snapshot) => snapshot,
        Err(e) => {
            // Nothing of the batch is acknowledged: the journal goes back to where it was.
            appender.cut(whole);
            return Err(match journal_failed {
                Some(source) => ImportError::Io { path: live_path, source },
                None => ImportError::Io { path: dir.join(crate::store::files::INCIDENTS), source: e },
            });
        }
    };
    drop(appender);
    // From here on the import is recorded; what is left is the compaction, which the next open finishes if
    // it stops here.
    let folded = snapshot::fold(dir, &store, first_live, first + count as u64, &last_hash, snapshot)
        .map_err(|source| ImportError::Unfolded { recorded: count, source })?;
    Ok(Imported { recorded: count, incidents: in_place.len() + added, segment: Some(folded.segment) })
}
