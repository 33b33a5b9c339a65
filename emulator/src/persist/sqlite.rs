//! The SQLite store (feature `sqlite`).

use super::{Caller, Change};
use crate::state::State;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::HashMap;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// The layout this emulator writes and reads. A database with a newer one is refused.
const SCHEMA_VERSION: i64 = 1;
/// Changes between two snapshots.
pub const CHECKPOINT_EVERY: u64 = 10_000;
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";

#[derive(Debug)]
pub struct Store {
    path: PathBuf,
    db: Mutex<Db>,
    migrated_from: Option<PathBuf>,
    /// Held open for the store's lifetime: closing it releases the lock. It also holds the
    /// number of the last acknowledged change.
    lock: fs::File,
    /// The database file itself, locked too: a link to it (hard or symbolic) has a `.lock` of its
    /// own, but the same file, so a second emulator through a link is refused as well.
    _database: fs::File,
}

#[derive(Debug)]
struct Db {
    conn: Connection,
    /// Callers are few and repeat: each is stored once and changes name it by id.
    callers: HashMap<String, i64>,
    since_snapshot: u64,
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// A JSON (de)serialization failure inside a database operation.
fn json_error(e: serde_json::Error) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(e))
}

fn db_error(path: &Path, e: rusqlite::Error) -> io::Error {
    io::Error::other(format!("state database {}: {e}", path.display()))
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

/// How long a start waits for a lock held elsewhere, and how often it looks again.
const LOCK_GRACE: Duration = Duration::from_millis(500);
const LOCK_POLL: Duration = Duration::from_millis(10);

fn take_lock(path: &Path) -> io::Result<fs::File> {
    let lock_path = with_suffix(path, ".lock");
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&lock_path)
        .map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot open the lock file {}: {e}", lock_path.display()),
            )
        })?;
    // A lock lingers briefly after its emulator stops: a process forked at that moment holds a
    // copy of the descriptor until it execs. A holder still there after the grace is another
    // emulator.
    let mut waited = Duration::ZERO;
    while !lock_exclusively(&lock)? {
        if waited >= LOCK_GRACE {
            return Err(io::Error::new(
                io::ErrorKind::ResourceBusy,
                format!(
                    "the state file {} is in use by another emulator (it holds {}); stop that one or use another --state file",
                    path.display(),
                    lock_path.display()
                ),
            ));
        }
        std::thread::sleep(LOCK_POLL);
        waited += LOCK_POLL;
    }
    Ok(lock)
}

/// The number of the last acknowledged change, as the lock file holds it; `None` when it holds
/// none (a lock file of an earlier emulator).
fn marked(lock: &fs::File) -> Option<i64> {
    use std::io::{Seek, SeekFrom};
    let mut text = String::new();
    let mut file = lock;
    file.seek(SeekFrom::Start(0)).ok()?;
    file.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

fn mark(lock: &fs::File, seq: i64) -> io::Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    let mut file = lock;
    let text = format!("{seq:<20}\n");
    file.seek(SeekFrom::Start(0))?;
    file.write_all(text.as_bytes())
}

/// An exclusive `flock` on the database file itself (SQLite's own locks are `fcntl` ones, which
/// do not meet it): held by whichever emulator opened that file, under any of its names.
fn lock_database(path: &Path) -> io::Result<fs::File> {
    // An empty file is a new database to SQLite.
    let file = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    let mut waited = Duration::ZERO;
    while !lock_exclusively(&file)? {
        if waited >= LOCK_GRACE {
            return Err(io::Error::new(
                io::ErrorKind::ResourceBusy,
                format!(
                    "the state file {} is in use by another emulator under another name (a link \
                     to the same file); stop that one or use another --state file",
                    path.display()
                ),
            ));
        }
        std::thread::sleep(LOCK_POLL);
        waited += LOCK_POLL;
    }
    Ok(file)
}

/// What the file holds today, from its first bytes.
enum Found {
    Nothing,
    Database,
    JsonState,
    Other,
}

fn inspect(path: &Path) -> io::Result<Found> {
    let mut head = [0u8; 16];
    let read = match fs::File::open(path) {
        Ok(mut file) => file.read(&mut head)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Found::Nothing),
        Err(e) => return Err(e),
    };
    let head = &head[..read];
    Ok(if head.is_empty() {
        Found::Nothing
    } else if head == SQLITE_MAGIC {
        Found::Database
    } else if head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        Found::JsonState
    } else {
        Found::Other
    })
}

fn not_a_state_file(path: &Path, why: impl std::fmt::Display) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{} is not an emulator state file: {why}", path.display()),
    )
}

impl Store {
    /// Takes ownership of the state file, creating the database, or migrating a JSON state
    /// file of earlier versions; refuses anything else, and a database of a newer emulator.
    pub fn open(path: impl Into<PathBuf>) -> io::Result<Self> {
        let path = path.into();
        let lock = take_lock(&path)?;
        let mut legacy = None;
        match inspect(&path)? {
            Found::Nothing | Found::Database => {}
            Found::JsonState => {
                let bytes = fs::read(&path)?;
                let state: State =
                    serde_json::from_slice(&bytes).map_err(|e| not_a_state_file(&path, e))?;
                let backup = with_suffix(&path, ".json-backup");
                fs::rename(&path, &backup)?;
                legacy = Some((state, backup));
            }
            Found::Other => {
                return Err(not_a_state_file(
                    &path,
                    "neither an emulator database nor a JSON state",
                ))
            }
        }
        let existed = matches!(inspect(&path)?, Found::Database);
        let database = lock_database(&path)?;
        let conn = Connection::open(&path).map_err(|e| db_error(&path, e))?;
        let db = Db::prepare(conn, &path)?;
        let found = db.last_seq().map_err(|e| db_error(&path, e))?;
        match marked(&lock) {
            // A database made anew (the old one removed on purpose) starts a new count.
            Some(acknowledged) if existed && acknowledged > found => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{} holds changes up to number {found}, but {acknowledged} were \
                         acknowledged: its write-ahead log ({}-wal) was deleted or replaced after \
                         the last run. Put it back, or move the state file away to start afresh",
                        path.display(),
                        path.display()
                    ),
                ));
            }
            _ => {}
        }
        mark(&lock, found)?;
        let store = Self {
            path,
            db: Mutex::new(db),
            migrated_from: None,
            lock,
            _database: database,
        };
        match legacy {
            Some((state, backup)) => {
                store.save(&state)?;
                Ok(Self {
                    migrated_from: Some(backup),
                    ..store
                })
            }
            None => Ok(store),
        }
    }

    /// Where the JSON state file this store was migrated from was kept, if it was.
    pub fn migrated_from(&self) -> Option<&Path> {
        self.migrated_from.as_deref()
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Db> {
        self.db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The snapshot and the changes made since, in order; `None` for a new database.
    pub fn load(&self) -> io::Result<Option<(State, Vec<Change>)>> {
        let db = self.db();
        db.load().map_err(|e| db_error(&self.path, e))
    }

    /// Makes `state` the snapshot and empties the journal, in one transaction: on failure the
    /// database is as it was.
    pub fn save(&self, state: &State) -> io::Result<()> {
        let json = serde_json::to_vec(state).map_err(io::Error::other)?;
        let mut db = self.db();
        db.snapshot(&json).map_err(|e| db_error(&self.path, e))
    }

    /// Commits one change to the journal. On failure nothing of it is kept.
    pub fn record(&self, change: &Change) -> io::Result<()> {
        let mut db = self.db();
        let seq = db.record(change).map_err(|e| db_error(&self.path, e))?;
        // The mark of what was acknowledged, beside the database: a write the kernel keeps
        // whatever becomes of this process, so a restart can tell a database that lost its
        // write-ahead log. Best effort: a failure to mark loses no change.
        let _ = mark(&self.lock, seq);
        Ok(())
    }

    /// Whether the journal has grown enough to be folded into a new snapshot.
    pub fn wants_snapshot(&self) -> bool {
        self.db().since_snapshot >= CHECKPOINT_EVERY
    }
}

impl Db {
    fn prepare(conn: Connection, path: &Path) -> io::Result<Self> {
        let err = |e| db_error(path, e);
        // WAL: a commit appends to the log instead of rewriting pages in place, and a process
        // killed at any point leaves the last committed state. NORMAL skips the fsync per
        // commit, which only a power loss (not a crash of the process) can tell apart.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(err)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);",
        )
        .map_err(err)?;
        let version: Option<String> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(err)?;
        match version.as_deref().map(str::parse::<i64>) {
            None => {
                let tables: i64 = conn
                    .query_row("SELECT count(*) FROM sqlite_master WHERE tbl_name != 'meta'", [], |r| {
                        r.get(0)
                    })
                    .map_err(err)?;
                if tables > 0 {
                    return Err(not_a_state_file(path, "an SQLite database of something else"));
                }
                conn.execute_batch(&format!(
                    "BEGIN;
                     CREATE TABLE snapshot (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, state BLOB NOT NULL);
                     CREATE TABLE callers (id INTEGER PRIMARY KEY, caller TEXT NOT NULL UNIQUE);
                     CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, at_micros INTEGER NOT NULL, version TEXT NOT NULL, action TEXT NOT NULL, body BLOB NOT NULL, caller INTEGER NOT NULL REFERENCES callers(id));
                     INSERT INTO meta VALUES ('schema_version', '{SCHEMA_VERSION}');
                     COMMIT;"
                ))
                .map_err(err)?;
            }
            Some(Ok(SCHEMA_VERSION)) => {}
            Some(Ok(newer)) if newer > SCHEMA_VERSION => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "{} was written by a newer emulator (schema {newer}; this one reads up to {SCHEMA_VERSION}); use that emulator or another --state file",
                        path.display()
                    ),
                ))
            }
            Some(other) => {
                return Err(not_a_state_file(path, format!("unknown schema version {other:?}")))
            }
        }
        let callers = {
            let mut query = conn
                .prepare("SELECT caller, id FROM callers")
                .map_err(err)?;
            let rows = query
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                .map_err(err)?;
            rows.collect::<Result<HashMap<_, _>, _>>().map_err(err)?
        };
        let since_snapshot: i64 = conn
            .query_row("SELECT count(*) FROM changes", [], |r| r.get(0))
            .map_err(err)?;
        Ok(Db {
            conn,
            callers,
            since_snapshot: since_snapshot.unsigned_abs(),
        })
    }

    fn load(&self) -> rusqlite::Result<Option<(State, Vec<Change>)>> {
        let snapshot: Option<(i64, Vec<u8>)> = self
            .conn
            .query_row("SELECT seq, state FROM snapshot WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((seq, json)) = snapshot else {
            return Ok(None);
        };
        let state: State = serde_json::from_slice(&json).map_err(json_error)?;
        let mut callers: HashMap<i64, Caller> = HashMap::new();
        for (json, id) in &self.callers {
            let caller = serde_json::from_str(json).map_err(json_error)?;
            callers.insert(*id, caller);
        }
        let mut query = self.conn.prepare(
            "SELECT at_micros, version, action, body, caller FROM changes WHERE seq > ?1 ORDER BY seq",
        )?;
        let rows = query.query_map([seq], |r| {
            let caller_id: i64 = r.get(4)?;
            let caller = callers.get(&caller_id).cloned().ok_or_else(|| {
                rusqlite::Error::InvalidColumnType(
                    4,
                    "caller".into(),
                    rusqlite::types::Type::Integer,
                )
            })?;
            Ok(Change {
                at: Duration::from_micros(r.get::<_, i64>(0)?.unsigned_abs()),
                version: r.get(1)?,
                action: r.get(2)?,
                body: r.get(3)?,
                caller,
            })
        })?;
        let changes = rows.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Some((state, changes)))
    }

    fn snapshot(&mut self, json: &[u8]) -> rusqlite::Result<()> {
        let tx = self.conn.transaction()?;
        let seq: i64 = tx.query_row("SELECT coalesce(max(seq), 0) FROM changes", [], |r| {
            r.get(0)
        })?;
        tx.execute(
            "INSERT OR REPLACE INTO snapshot (id, seq, state) VALUES (1, ?1, ?2)",
            params![seq, json],
        )?;
        tx.execute("DELETE FROM changes WHERE seq <= ?1", [seq])?;
        tx.commit()?;
        self.since_snapshot = 0;
        Ok(())
    }

    /// Answers the change's number.
    fn record(&mut self, change: &Change) -> rusqlite::Result<i64> {
        let caller_json = serde_json::to_string(&change.caller).map_err(json_error)?;
        let tx = self.conn.transaction()?;
        let caller_id = match self.callers.get(&caller_json) {
            Some(id) => *id,
            None => {
                tx.execute("INSERT INTO callers (caller) VALUES (?1)", [&caller_json])?;
                tx.last_insert_rowid()
            }
        };
        let at = i64::try_from(change.at.as_micros()).unwrap_or(i64::MAX);
        tx.execute(
            "INSERT INTO changes (at_micros, version, action, body, caller) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![at, change.version, change.action, change.body, caller_id],
        )?;
        let seq = tx.last_insert_rowid();
        tx.commit()?;
        // Only once committed: a refused change leaves no caller id behind in memory either.
        self.callers.insert(caller_json, caller_id);
        self.since_snapshot += 1;
        Ok(seq)
    }

    /// The number of the last change ever committed (snapshots keep the counter).
    fn last_seq(&self) -> rusqlite::Result<i64> {
        let seq: Option<i64> = self
            .conn
            .query_row(
                "SELECT seq FROM sqlite_sequence WHERE name = 'changes'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(seq.unwrap_or(0))
    }
}
