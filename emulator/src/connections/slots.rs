//! The connections open at once, and which one gives way when a new client arrives at the cap:
//! the one that has moved no byte for longest, unless the emulator is working on its answer.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::Notify;

/// Requests being handled on one connection. The idle limit is about a client that sends
/// nothing; it must not cut a connection whose answer is still being worked out.
#[derive(Debug, Default)]
pub struct Busy(AtomicUsize);

impl Busy {
    pub fn enter(self: &Arc<Self>) -> BusyGuard {
        self.0.fetch_add(1, Ordering::SeqCst);
        BusyGuard(self.clone())
    }

    pub fn is_busy(&self) -> bool {
        self.0.load(Ordering::SeqCst) > 0
    }
}

pub struct BusyGuard(Arc<Busy>);

impl Drop for BusyGuard {
    fn drop(&mut self) {
        self.0 .0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What the accept loop knows of one open connection.
#[derive(Debug)]
pub struct Conn {
    pub busy: Arc<Busy>,
    /// Milliseconds from the registry's epoch to when a byte last went either way.
    moved_at: AtomicU64,
    evicted: AtomicBool,
    pub evict: Notify,
    epoch: Instant,
}

impl Conn {
    pub fn moved(&self) {
        self.moved_at
            .store(millis_since(self.epoch), Ordering::Relaxed);
    }
}

fn millis_since(epoch: Instant) -> u64 {
    u64::try_from(epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
}

#[derive(Debug)]
pub struct Registry {
    epoch: Instant,
    next_id: AtomicU64,
    open: Mutex<HashMap<u64, Arc<Conn>>>,
}

/// Takes its connection out of the registry when the connection's task ends.
pub struct Entry {
    registry: Arc<Registry>,
    id: u64,
    pub conn: Arc<Conn>,
}

impl Drop for Entry {
    fn drop(&mut self) {
        crate::locks::lock(&self.registry.open).remove(&self.id);
    }
}

impl Registry {
    pub fn new() -> Arc<Self> {
        Arc::new(Registry {
            epoch: Instant::now(),
            next_id: AtomicU64::new(0),
            open: Mutex::new(HashMap::new()),
        })
    }

    pub fn enter(self: &Arc<Self>) -> Entry {
        let conn = Arc::new(Conn {
            busy: Arc::default(),
            moved_at: AtomicU64::new(millis_since(self.epoch)),
            evicted: AtomicBool::new(false),
            evict: Notify::new(),
            epoch: self.epoch,
        });
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        crate::locks::lock(&self.open).insert(id, conn.clone());
        Entry {
            registry: self.clone(),
            id,
            conn,
        }
    }

    /// Tells the connection silent longest to close, unless its answer is being worked out;
    /// false when every connection is busy that way (or already told).
    pub fn evict_longest_silent(&self) -> bool {
        let open = crate::locks::lock(&self.open);
        let victim = open
            .values()
            .filter(|conn| !conn.busy.is_busy() && !conn.evicted.load(Ordering::Relaxed))
            .min_by_key(|conn| conn.moved_at.load(Ordering::Relaxed));
        match victim {
            Some(conn) => {
                conn.evicted.store(true, Ordering::Relaxed);
                conn.evict.notify_one();
                true
            }
            None => false,
        }
    }
}
