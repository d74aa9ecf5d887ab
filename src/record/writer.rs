//! The one writer of a data directory: a thread that takes changes in arrival order, checks each against the
//! state the ones before it left, appends the whole batch to the journal with one flush to disk (group
//! commit), and only then makes the new state current and acknowledges each change. A reader therefore sees a
//! change whole or not at all, and never one that is not on disk.

use std::sync::Arc;

use arc_swap::ArcSwap;
use tokio::sync::{mpsc, oneshot};

use super::edit::{self, Applied, EditError, Request};
use super::journal::{self, Appender};
use crate::model::{Proposal, SourceDocument};
use crate::store::Store;

/// At most this many changes share one flush.
const MAX_BATCH: usize = 1024;

/// What the writer is asked to do.
pub(crate) enum Job {
    /// Check and record a change.
    Change(Request, oneshot::Sender<Result<Applied, EditError>>),
    /// Fold the journal into the snapshot (see [`super::snapshot::compact`]).
    Compact(oneshot::Sender<std::io::Result<super::snapshot::Compacted>>),
}

/// A thread building a new state: a new base, caught up to the number it returns, and how many versions
/// it left layered.
pub(crate) type Folding = std::thread::JoinHandle<(Store, u32, usize)>;

/// An answer waiting for its batch to be on disk.
type Reply = (oneshot::Sender<Result<Applied, EditError>>, Result<Applied, EditError>);

/// Lowers the calling thread's priority (nice 10): building a new base, or freeing an old one, may take a
/// core for a second, which requests and the writer should not wait for.
fn background_priority() {
    #[cfg(target_os = "linux")]
    // On Linux the nice value is per thread: `None` is the calling thread.
    if let Err(e) = rustix::process::setpriority_process(None, 10) {
        tracing::debug!(error = %e, "could not lower a background thread's priority");
    }
}

/// Lets go of a base no longer current on a thread of its own, once no reader holds it: freeing a million
/// incidents and their indexes takes a while, which neither the writer nor a request should wait for.
pub(crate) fn drop_later(base: Arc<crate::store::Base>) {
    let spawned = std::thread::Builder::new().name("borderline-drop".into()).spawn(move || {
        background_priority();
        while Arc::strong_count(&base) > 1 {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        drop(base);
    });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "could not start a thread to free an old base; it is freed where it is let go");
    }
}

/// Layers what a change does besides a new version: a document added, a proposal opened or closed.
fn apply_rest(state: &mut Store, document: Option<SourceDocument>, proposal: Option<Proposal>, closes: Option<u64>) {
    if let Some(document) = document {
        state.add_document(document);
    }
    if let Some(proposal) = proposal {
        state.propose(proposal);
    }
    if let Some(n) = closes {
        state.close_proposal(n);
    }
}

/// The writer's own state: where the chain stands and the journal file.
pub(crate) struct Writer {
    pub dir: std::path::PathBuf,
    pub appender: Appender,
    pub next_seq: u64,
    pub last_hash: String,
    pub current: Arc<ArcSwap<Store>>,
    /// A new state being built on another thread: a new base, caught up with the changes made while it was
    /// built up to the number it returns.
    /// With it, the base it was started from.
    pub folding: Option<(Folding, Arc<crate::store::Base>)>,
    /// When this many versions were layered on the base since the last fold, a new base is built (on another
    /// thread) that holds them, so that queries never wade through many and superseded versions stop taking
    /// memory (see [`Store::folded`]).
    pub fold_at: usize,
    /// How many versions the last fold left layered (incidents that moved, new ones).
    pub left: usize,
    /// How long the first change of a batch waits for others to share its flush, when the batch before it
    /// had company (a lone change is written at once).
    pub commit_delay: std::time::Duration,
}

/// [`Writer::commit_delay`], microseconds, unless `BORDERLINE_COMMIT_DELAY_US` says otherwise: under a write
/// load, a wait this short lets several changes share one flush (a flush, and the work of each batch, costs
/// the machine more than the wait costs the change).
pub const COMMIT_DELAY_US: u64 = 2500;

/// [`Writer::fold_at`] unless `BORDERLINE_FOLD_AT` says otherwise. A fold that puts corrections in place
/// takes milliseconds at a million incidents, so it can come often.
pub const FOLD_AT: usize = 5_000;

/// A fold builds the base afresh when it would leave more than this many times [`Writer::fold_at`] versions
/// layered (a rebuild takes seconds of a core at a million incidents).
const REBUILD_AFTER_FOLDS: usize = 4;

impl Writer {
    /// Serves jobs until every sender is gone.
    pub fn run(mut self, mut jobs: mpsc::Receiver<Job>) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        // Whether the last batch had more than one change: then others are likely on their way.
        let mut together = false;
        loop {
            // While a new base is being built, look in now and then to put it in place even if no change comes.
            let first = if self.folding.is_some() {
                match jobs.try_recv() {
                    Ok(job) => job,
                    Err(mpsc::error::TryRecvError::Empty) => {
                        std::thread::sleep(std::time::Duration::from_millis(5));
                        self.fold();
                        continue;
                    }
                    Err(mpsc::error::TryRecvError::Disconnected) => break,
                }
            } else {
                match jobs.blocking_recv() {
                    Some(job) => job,
                    None => break,
                }
            };
            batch.push(first);
            if together && !self.commit_delay.is_zero() {
                // Let the changes arriving meanwhile share this flush (what PostgreSQL's commit_delay does).
                std::thread::sleep(self.commit_delay);
            }
            while batch.len() < MAX_BATCH {
                match jobs.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            together = batch.len() > 1;
            self.serve(&mut batch);
            self.fold();
        }
    }

    /// Starts building a new base when the changes have grown past [`Writer::fold_at`]; puts a finished one
    /// in place. The thread that builds it also layers on it what was recorded meanwhile, so that the writer
    /// itself only adds the few changes of the last moments (and never stops long enough to be noticed).
    fn fold(&mut self) {
        let current = self.current.load_full();
        match self.folding.take() {
            None if current.changed() >= self.left + self.fold_at => {
                let states = self.current.clone();
                let from = current.base().clone();
                let left_at_most = REBUILD_AFTER_FOLDS * self.fold_at;
                let handle = std::thread::Builder::new()
                    .name("borderline-fold".into())
                    .spawn(move || {
                        background_priority();
                        let folded = current.folded(left_at_most);
                        folded.base.by_border_distance();
                        let later = states.load_full();
                        let mut next = later.rebased(Arc::new(folded.base));
                        next.layer_versions(&current, &folded.left);
                        let caught = next.catch_up(&later, current.numbers());
                        (next, caught, folded.left.len())
                    })
                    .expect("start a thread");
                self.folding = Some((handle, from));
            }
            Some((handle, from)) if handle.is_finished() => {
                let Ok((mut next, caught, left)) = handle.join() else {
                    tracing::error!("building a new base failed; the changes stay layered on the old one");
                    return;
                };
                if !Arc::ptr_eq(current.base(), &from) {
                    // A compaction put a new base in place meanwhile: this one is of an older state.
                    return;
                }
                next.register = current.register.clone();
                next.carry_proposals(&current);
                next.catch_up(&current, caught);
                self.current.store(Arc::new(next));
                self.left = left;
                drop_later(from);
            }
            other => self.folding = other,
        }
    }

    fn serve(&mut self, batch: &mut Vec<Job>) {
        let mut working: Option<Store> = None;
        let mut lines = Vec::new();
        let mut replies = Vec::new();
        let (mut seq, mut prev) = (self.next_seq, self.last_hash.clone());
        let now = crate::model::now();
        for job in batch.drain(..) {
            match job {
                Job::Change(request, reply) => {
                    let state = working.get_or_insert_with(|| (**self.current.load()).clone());
                    let result = edit::plan(state, &request, seq).map(|mut planned| {
                        edit::seal(&mut planned, seq, &prev, now);
                        let (line, hash) = journal::line(&planned.entry);
                        lines.extend_from_slice(&line);
                        if let Some(incident) = planned.incident {
                            state.apply_unsettled(incident);
                        }
                        apply_rest(state, planned.document, planned.proposal, planned.closes);
                        prev = hash;
                        seq += 1;
                        planned.applied
                    });
                    replies.push((reply, result));
                }
                Job::Compact(reply) => {
                    // What came before is written first, so the compaction folds it.
                    self.commit(&mut working, &mut lines, &mut replies, seq, &prev);
                    let _ = reply.send(super::snapshot::compact(self));
                    (seq, prev) = (self.next_seq, self.last_hash.clone());
                }
            }
        }
        self.commit(&mut working, &mut lines, &mut replies, seq, &prev);
    }

    /// Writes the lines, then makes the state current and answers; if the write fails, every change of the
    /// batch is refused and the state stays as it was.
    fn commit(
        &mut self,
        working: &mut Option<Store>,
        lines: &mut Vec<u8>,
        replies: &mut Vec<Reply>,
        seq: u64,
        prev: &str,
    ) {
        if !lines.is_empty() {
            match self.appender.append(lines) {
                Ok(()) => {
                    self.next_seq = seq;
                    self.last_hash = prev.to_string();
                    if let Some(mut state) = working.take() {
                        state.settle();
                        self.current.store(Arc::new(state));
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, journal = %self.appender.path().display(), "journal write failed");
                    for (_, result) in replies.iter_mut() {
                        if result.is_ok() {
                            *result = Err(EditError::Unavailable(e.to_string()));
                        }
                    }
                }
            }
        }
        *working = None;
        lines.clear();
        for (reply, result) in replies.drain(..) {
            let _ = reply.send(result);
        }
    }
}
