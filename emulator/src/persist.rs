//! The state file: JSON, replaced atomically (temp file, fsync, rename, fsync of the folder) after
//! every change, so a crash leaves either the old or the new state and never half of one.
//!
//! One emulator owns a state file at a time: two writing the same file would each overwrite the
//! other's acknowledged changes. Ownership is an exclusive `flock` on `<file>.lock`, which the
//! kernel releases however the process ends, kill -9 included, so a stale lock never blocks a
//! restart.

use crate::state::State;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    /// Held open for the store's lifetime: closing it releases the lock.
    _lock: fs::File,
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

#[cfg(unix)]
fn lock_exclusively(file: &fs::File) -> io::Result<bool> {
    use std::os::unix::io::AsRawFd;
    // SAFETY: flock only reads the descriptor, which `file` keeps open for the call.
    let rc = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
    if rc == 0 {
        return Ok(true);
    }
    let err = io::Error::last_os_error();
    if err.raw_os_error() == Some(libc::EWOULDBLOCK) {
        Ok(false)
    } else {
        Err(err)
    }
}

#[cfg(not(unix))]
fn lock_exclusively(_file: &fs::File) -> io::Result<bool> {
    Ok(true)
}

impl Store {
    /// Takes ownership of the state file, or says which file another emulator holds.
    pub fn open(path: impl Into<PathBuf>) -> io::Result<Self> {
        let path = path.into();
        let lock_path = with_suffix(&path, ".lock");
        let lock = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("cannot open the lock file {}: {e}", lock_path.display()),
                )
            })?;
        if !lock_exclusively(&lock)? {
            return Err(io::Error::new(
                io::ErrorKind::ResourceBusy,
                format!(
                    "the state file {} is in use by another emulator (it holds {}); stop that one or use another --state file",
                    path.display(),
                    lock_path.display()
                ),
            ));
        }
        Ok(Self { path, _lock: lock })
    }

    /// The saved state, `None` when there is no file yet. A file that is not a state is an
    /// error, never silently replaced.
    pub fn load(&self) -> io::Result<Option<State>> {
        let bytes = match fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{} is not an emulator state file: {e}", self.path.display()),
            )
        })
    }

    /// Replaces the file with `state`. On failure the file is as it was and no temp file is
    /// left behind.
    pub fn save(&self, state: &State) -> io::Result<()> {
        let bytes = serde_json::to_vec_pretty(state).map_err(io::Error::other)?;
        let tmp = with_suffix(&self.path, ".tmp");
        let written = fs::File::create(&tmp).and_then(|mut file| {
            file.write_all(&bytes)?;
            file.sync_all()?;
            fs::rename(&tmp, &self.path)
        });
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
        // The rename itself is durable only once the folder's entry is.
        let dir = match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if let Ok(dir) = fs::File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}
