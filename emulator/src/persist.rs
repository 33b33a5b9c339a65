//! The state database: SQLite in WAL mode, holding a snapshot of the whole state and the journal
//! of the changes made since. A change is one row, committed before it is acknowledged, so a
//! write costs the same whatever the state's size; replaying the journal over the snapshot (see
//! `versions::replay`) gives the state back. The snapshot is renewed at every start and every
//! [`CHECKPOINT_EVERY`] changes, which keeps the journal and the replay short.
//!
//! One emulator owns a state file at a time: two writing the same file would each lose the
//! other's changes on replay. Ownership is an exclusive `flock` on `<file>.lock` and on the
//! database file itself (so a hard or symbolic link to it, which has a `.lock` of its own, is
//! refused too), which the kernel releases however the process ends, kill -9 included, so a stale
//! lock never blocks a restart. The lock file also holds the number of the last acknowledged
//! change, so a database that lost its write-ahead log is told from one that is whole.
//! A JSON state file of earlier versions is migrated: kept beside as `<file>.json-backup` and
//! loaded as the first snapshot.

use crate::auth::Identity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::time::Duration;

#[cfg(feature = "sqlite")]
mod sqlite;
#[cfg(feature = "sqlite")]
pub use sqlite::Store;
#[cfg(not(feature = "sqlite"))]
mod unsupported;
#[cfg(not(feature = "sqlite"))]
pub use unsupported::Store;

/// Who made a change, and where: what a handler reads besides the state and the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    pub who: Identity,
    pub region: String,
    pub organization_clients: BTreeSet<String>,
}

/// One acknowledged change, as the journal keeps it.
#[derive(Debug, Clone)]
pub struct Change {
    pub at: Duration,
    pub version: String,
    pub action: String,
    pub body: Vec<u8>,
    pub caller: Caller,
}
