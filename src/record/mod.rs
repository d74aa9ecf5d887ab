//! The record a team keeps: the current [`Store`] state, and — for a data directory — how it persists and
//! changes: the [`journal`] every change is appended to before it is acknowledged, the [`snapshot`] it is
//! folded into, the directory's [`lock`], the one writer that applies changes in order, the [`users`] who may make them and the
//! rules of what they may do ([`edit`]).
//!
//! Queries never come here: they take a [`Store`] ([`Record::store`]), a state that stands still for as long
//! as they hold it, and ask it. Only the writer makes a new state, and it makes it current only once its
//! changes are on disk.

pub mod edit;
pub mod import;
pub mod journal;
pub mod lock;
pub mod snapshot;
pub mod users;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwap;
use tokio::sync::{mpsc, oneshot};

pub use edit::{Applied, Change, EditError, FieldProblem, Request};
pub use snapshot::{Compacted, OpenError, Verified, VerifyError, load, verify};
pub use users::{Actor, Gate, Role, UserList};

pub use lock::{DataLock, Holder, LOCK_FILE, LockError};

use crate::store::Store;

/// Changes waiting for the writer, at most.
const QUEUE: usize = 4096;

/// See the module documentation.
pub struct Record {
    current: Arc<ArcSwap<Store>>,
    jobs: Option<mpsc::Sender<writer::Job>>,
    gate: ArcSwap<Gate>,
    /// Serialises changes to the users file.
    users_lock: std::sync::Mutex<()>,
    dir: Option<PathBuf>,
    _lock: Option<DataLock>,
}

impl Record {
    /// A record that never changes (the embedded data, or a directory served without writing).
    pub fn fixed(store: Store) -> Record {
        Record {
            current: Arc::new(ArcSwap::from_pointee(store)),
            jobs: None,
            gate: ArcSwap::from_pointee(Gate::default()),
            users_lock: std::sync::Mutex::default(),
            dir: None,
            _lock: None,
        }
    }

    /// Opens `dir` for reading and writing: loads the snapshot, replays the journal, and starts the writer.
    /// `lock` is the directory's lock, held for as long as the record lives.
    pub fn open(dir: &Path, lock: DataLock) -> Result<Record, OpenError> {
        Record::open_loaded(dir, lock, None)
    }

    /// [`Record::open`] with the state [`load`] read of `dir` while `lock` was held.
    pub fn open_loaded(dir: &Path, lock: DataLock, loaded: Option<Store>) -> Result<Record, OpenError> {
        let opened = snapshot::open(dir, loaded)?;
        let users = UserList::read(dir).map_err(|e| OpenError::Io {
            path: dir.join(users::USERS_FILE),
            source: std::io::Error::other(e.to_string()),
        })?;
        let live = dir.join(journal::JOURNAL_FILE);
        let appender = snapshot::appender(dir, &opened.live)?;
        let current = Arc::new(ArcSwap::from_pointee(opened.store));
        let writer = writer::Writer {
            dir: dir.to_path_buf(),
            appender,
            next_seq: opened.live.next_seq,
            last_hash: opened.live.last_hash.clone(),
            current: current.clone(),
            folding: None,
            left: 0,
            fold_at: std::env::var("BORDERLINE_FOLD_AT").ok().and_then(|v| v.parse().ok()).unwrap_or(writer::FOLD_AT),
            commit_delay: std::time::Duration::from_micros(
                std::env::var("BORDERLINE_COMMIT_DELAY_US")
                    .ok()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(writer::COMMIT_DELAY_US),
            ),
        };
        let (jobs, queue) = mpsc::channel(QUEUE);
        std::thread::Builder::new()
            .name("borderline-writer".into())
            .spawn(move || writer.run(queue))
            .map_err(|source| OpenError::Io { path: live, source })?;
        Ok(Record {
            current,
            jobs: Some(jobs),
            gate: ArcSwap::from_pointee(Gate::new(users)),
            users_lock: std::sync::Mutex::default(),
            dir: Some(dir.to_path_buf()),
            _lock: Some(lock),
        })
    }

    /// The current state.
    pub fn store(&self) -> Arc<Store> {
        self.current.load_full()
    }

    /// Whether changes can be recorded.
    pub fn writable(&self) -> bool {
        self.jobs.is_some()
    }

    /// The data directory, if there is one.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Who `token` belongs to.
    pub fn authenticate(&self, token: &str) -> Option<Actor> {
        self.gate.load().check(token)
    }

    /// The users.
    pub fn users(&self) -> UserList {
        self.gate.load().users().clone()
    }

    /// Changes the users (adds one, revokes one) and writes `users.json` atomically; `change` returns what to
    /// answer. A revoked token stops working at once.
    pub fn change_users<T>(
        &self,
        change: impl FnOnce(&mut UserList) -> Result<T, users::UserError>,
    ) -> Result<T, users::UserError> {
        let dir =
            self.dir.as_deref().ok_or_else(|| users::UserError::Io("this server has no data directory".into()))?;
        let _one_at_a_time = self.users_lock.lock().unwrap_or_else(|e| e.into_inner());
        let mut list = self.users();
        let answer = change(&mut list)?;
        list.write(dir)?;
        self.gate.store(Arc::new(Gate::new(list)));
        Ok(answer)
    }

    /// Records a change, answering once it is on disk and current (or refused, with nothing written).
    pub async fn submit(&self, request: Request) -> Result<Applied, EditError> {
        let jobs = self.jobs.as_ref().ok_or(EditError::ReadOnly)?;
        let (reply, answer) = oneshot::channel();
        jobs.send(writer::Job::Change(request, reply))
            .await
            .map_err(|_| EditError::Unavailable("the writer has stopped".into()))?;
        answer.await.map_err(|_| EditError::Unavailable("the writer has stopped".into()))?
    }

    /// [`Record::submit`] from a thread that is not async (the CLI).
    pub fn submit_blocking(&self, request: Request) -> Result<Applied, EditError> {
        let jobs = self.jobs.as_ref().ok_or(EditError::ReadOnly)?;
        let (reply, answer) = oneshot::channel();
        jobs.blocking_send(writer::Job::Change(request, reply))
            .map_err(|_| EditError::Unavailable("the writer has stopped".into()))?;
        answer.blocking_recv().map_err(|_| EditError::Unavailable("the writer has stopped".into()))?
    }

    /// Folds the journal into the snapshot (from a thread that is not async).
    pub fn compact_blocking(&self) -> std::io::Result<Compacted> {
        let jobs = self.jobs.as_ref().ok_or_else(|| std::io::Error::other("this record cannot change"))?;
        let (reply, answer) = oneshot::channel();
        jobs.blocking_send(writer::Job::Compact(reply)).map_err(|_| std::io::Error::other("the writer has stopped"))?;
        answer.blocking_recv().map_err(|_| std::io::Error::other("the writer has stopped"))?
    }

    /// Every journal entry about incident `id`, oldest first (none when there is no data directory).
    pub fn history(&self, id: &str) -> Result<Vec<journal::Entry>, journal::ChainError> {
        match &self.dir {
            Some(dir) => snapshot::incident_history(dir, id),
            None => Ok(Vec::new()),
        }
    }
}
