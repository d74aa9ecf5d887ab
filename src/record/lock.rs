//! One writer per data directory: an OS lock on `DIR/.borderline.lock`, taken by `import` for its whole run and by
//! `serve` for as long as it serves that directory. The OS drops the lock when the process dies, however it dies,
//! so a killed writer never leaves the directory locked. The lock file names its holder, so that a second writer
//! can say who it is waiting for.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The lock file's name inside a data directory.
pub const LOCK_FILE: &str = ".borderline.lock";

/// What holds a data directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    /// `borderline import`: it finishes by itself, so others wait for it.
    Import,
    /// `borderline serve`: it holds the directory until it stops.
    Server,
}

impl Holder {
    fn as_str(self) -> &'static str {
        match self {
            Holder::Import => "borderline import",
            Holder::Server => "borderline serve",
        }
    }

    /// The holder a lock file's note (`borderline serve, pid 1234, since …`) names, if any.
    pub fn of_note(note: &str) -> Option<Holder> {
        [Holder::Import, Holder::Server].into_iter().find(|h| note.starts_with(h.as_str()))
    }
}

/// The held lock; dropping it (or the process ending) releases it.
#[derive(Debug)]
pub struct DataLock {
    _file: File,
}

/// Why a data directory could not be locked.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds it.
    #[error(
        "{dir} is in use by {holder}; {advice}",
        dir = .dir.display(),
        advice = if held_by_server(.holder) {
            "a server holds its data directory for as long as it runs, so that nothing changes under it: stop it \
             (Ctrl-C or SIGTERM), then import"
        } else {
            "it is still writing; try again when it has finished"
        }
    )]
    Held {
        /// The directory.
        dir: PathBuf,
        /// Who holds it, as its lock file says (`borderline serve, pid 1234, since …`).
        holder: String,
    },
    /// The lock file could not be opened or locked.
    #[error("cannot lock {}: {source}", .path.display())]
    Io {
        /// The lock file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

impl DataLock {
    /// Locks `dir` for `holder`. When another import holds it, waits for it up to `wait`; a server is never
    /// waited for (it does not finish by itself).
    pub fn acquire(dir: &Path, holder: Holder, wait: Duration) -> Result<DataLock, LockError> {
        let path = dir.join(LOCK_FILE);
        let io = |source| LockError::Io { path: path.clone(), source };
        let mut file =
            OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&path).map_err(io)?;
        let deadline = Instant::now() + wait;
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) => {
                    let held_by = read_holder(&mut file);
                    if held_by_server(&held_by) || Instant::now() >= deadline {
                        return Err(LockError::Held { dir: dir.to_path_buf(), holder: held_by });
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(TryLockError::Error(e)) => return Err(io(e)),
            }
        }
        let since = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now()).format("%Y-%m-%dT%H:%M:%SZ");
        let note = format!("{}, pid {}, since {since}\n", holder.as_str(), std::process::id());
        file.set_len(0).and_then(|()| file.rewind()).and_then(|()| file.write_all(note.as_bytes())).map_err(io)?;
        Ok(DataLock { _file: file })
    }
}

/// Whether a lock file's note names a server (which does not finish by itself, so it is never waited for).
fn held_by_server(note: &str) -> bool {
    Holder::of_note(note) == Some(Holder::Server)
}

fn read_holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.rewind().and_then(|()| file.take(200).read_to_string(&mut text));
    match text.trim() {
        "" => "another borderline process".to_string(),
        held => held.to_string(),
    }
}
