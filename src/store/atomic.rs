//! Atomic writes (a temporary file beside the target, fsynced and renamed over it) and the removal of the
//! temporary files that writers killed mid-write leave behind.

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Writes `path` atomically: the content goes to a temporary file in the same directory, which is
/// flushed, fsynced and renamed over `path`. If `write` fails (or the process dies) the old file is
/// untouched and the temporary file is removed (or left as an ignorable `.*.tmp` file).
pub fn atomic_write<F>(path: &Path, write: F) -> io::Result<()>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    atomic_write_path(path, |tmp| {
        let mut out = BufWriter::with_capacity(1 << 20, File::create_new(tmp)?);
        write(&mut out)?;
        out.into_inner().map_err(|e| e.into_error())?;
        Ok(())
    })
}

/// Like [`atomic_write`], for writers that need a path (SQLite): `write` creates the file at the temporary path
/// it is given, which is then fsynced and renamed over `path`.
pub fn atomic_write_path<F>(path: &Path, write: F) -> io::Result<()>
where
    F: FnOnce(&Path) -> io::Result<()>,
{
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
    let result = (|| {
        write(&tmp)?;
        File::open(&tmp)?.sync_all()?;
        fs::rename(&tmp, path)?;
        // Make the rename itself durable.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
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
