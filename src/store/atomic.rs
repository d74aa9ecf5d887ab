//! Atomic writes (a temporary file beside the target, fsynced and renamed over it) and the removal of the
//! temporary files that writers killed mid-write leave behind.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes `path` atomically: the content goes to a temporary file in the same directory, which is
/// flushed, fsynced and renamed over `path`. If `write` fails (or the process dies) the old file is
/// untouched and the temporary file is removed (or left as an ignorable `.*.tmp` file).
pub fn atomic_write<F>(path: &Path, write: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let mut pending = Pending::create(path)?;
    write(&mut pending)?;
    pending.commit()
}

/// Like [`atomic_write`], for writers that need a path (SQLite): `write` creates the file at the temporary path
/// it is given, which is then fsynced and renamed over `path`.
pub fn atomic_write_path<F>(path: &Path, write: F) -> io::Result<()>
where
    F: FnOnce(&Path) -> io::Result<()>,
{
    let (dir, tmp) = temp_beside(path)?;
    let result = write(&tmp).and_then(|()| put_in_place(&tmp, path, dir));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// A file being written atomically, for writers that put it in place later than they write it: the content
/// goes to a temporary file beside `path`, which [`Pending::commit`] fsyncs and renames over it. Dropped
/// without a commit (a failed write, an error elsewhere), the temporary file is removed and `path` untouched.
pub struct Pending {
    out: Option<BufWriter<File>>,
    tmp: PathBuf,
    path: PathBuf,
    /// Bytes written, and how many of them [`Pending::start_writeback`] has seen.
    written: u64,
    advised: u64,
}

impl Pending {
    /// Starts writing `path`.
    pub fn create(path: &Path) -> io::Result<Pending> {
        let (_, tmp) = temp_beside(path)?;
        let out = BufWriter::with_capacity(1 << 20, File::create_new(&tmp)?);
        Ok(Pending { out: Some(out), tmp, path: path.to_path_buf(), written: 0, advised: 0 })
    }

    /// Starts writing to disk what was written since the last call, without waiting (see [`start_writeback`]).
    pub fn start_writeback(&mut self) -> io::Result<()> {
        let out = self.out.as_mut().expect("written before its commit");
        out.flush()?;
        start_writeback(out.get_ref(), self.advised, self.written);
        self.advised = self.written;
        Ok(())
    }

    /// Flushes and fsyncs what was written and renames it over the file.
    pub fn commit(mut self) -> io::Result<()> {
        let out = self.out.take().expect("a pending file is committed once");
        drop(out.into_inner().map_err(|e| e.into_error())?);
        let dir = self.path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        put_in_place(&self.tmp, &self.path, dir)
    }
}

impl Write for Pending {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.as_mut().expect("written before its commit").write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.out.as_mut().expect("written before its commit").write_all(buf)?;
        self.written += buf.len() as u64;
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.as_mut().expect("written before its commit").flush()
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        // Not committed, or the commit failed before the rename: the temporary file is of no use.
        if self.out.take().is_some() || self.tmp.exists() {
            let _ = fs::remove_file(&self.tmp);
        }
    }
}

/// Asks the system to start writing bytes `from..to` of `file` to disk now rather than when it gets round to it
/// (Linux holds written pages in memory for up to 30 s, or until they fill a tenth of it), so that a writer
/// of gigabytes finds little left to wait for when it flushes at its end. A hint, given on Linux only: elsewhere
/// the flush does the work.
pub fn start_writeback(file: &File, from: u64, to: u64) {
    // On Linux POSIX_FADV_DONTNEED starts writeback of the dirty pages in the range and drops only those
    // already clean.
    #[cfg(target_os = "linux")]
    if let Some(len) = std::num::NonZeroU64::new(to.saturating_sub(from)) {
        let _ = rustix::fs::fadvise(file, from, Some(len), rustix::fs::Advice::DontNeed);
    }
    #[cfg(not(target_os = "linux"))]
    let _ = (file, from, to);
}

/// The directory of `path` and a fresh temporary file name in it (leftovers of dead writers removed first).
fn temp_beside(path: &Path) -> io::Result<(&Path, PathBuf)> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    if !dir.is_dir() {
        return Err(io::Error::new(io::ErrorKind::NotFound, format!("no directory {}", dir.display())));
    }
    remove_leftovers(dir, &name.to_string_lossy());
    let tmp = dir.join(temp_name(&name.to_string_lossy(), std::process::id()));
    let _ = fs::remove_file(&tmp);
    Ok((dir, tmp))
}

/// Fsyncs `tmp`, renames it over `path`, and makes the rename durable.
fn put_in_place(tmp: &Path, path: &Path, dir: &Path) -> io::Result<()> {
    File::open(tmp)?.sync_all()?;
    fs::rename(tmp, path)?;
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// The temporary file [`atomic_write`] uses for `name` in process `pid`: `.NAME.PID.tmp`.
fn temp_name(name: &str, pid: u32) -> String {
    format!(".{name}.{pid}.tmp")
}

/// Whether process `pid` is still running: a killed process waiting to be reaped (a zombie) is not. On systems
/// without `/proc`, every process is assumed to be running.
pub fn process_alive(pid: u32) -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    match fs::read_to_string(Path::new("/proc").join(pid.to_string()).join("stat")) {
        // The state follows the command name, which is in parentheses and may itself hold any character.
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| !matches!(state, "Z" | "X")),
        Err(_) => false,
    }
}

/// Removes the temporary files that writers of `dir/name` left when they were killed mid-write (those of
/// processes no longer running); returns how many bytes that freed.
pub fn remove_leftovers(dir: &Path, name: &str) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else { return 0 };
    let mut freed = 0;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix('.')?.strip_prefix(name)?.strip_prefix('.')?.strip_suffix(".tmp"))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            let size = entry.metadata().map_or(0, |m| m.len());
            if fs::remove_file(entry.path()).is_ok() {
                freed += size;
            }
        }
    }
    freed
}
