//! What every part of a running emulator shares: the license state, its store, the journals,
//! deliveries, faults and credentials; and locks that survive a poisoned holder.

use crate::auth::{AdminToken, Token};
use crate::deliveries::Deliveries;
use crate::faults::FaultState;
use crate::journal::RequestJournal;
use crate::oauth::Authority;
use crate::persist::Store;
use crate::state::State;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, RwLock};

pub use crate::locks::{lock, read, write};

pub struct Shared {
    pub tokens: Vec<Token>,
    pub region: String,
    /// The Client IDs of the license's organization: the only valid `owner_client_id`s.
    pub organization_clients: BTreeSet<String>,
    pub faults: Mutex<FaultState>,
    /// Lookups share it; changes hold it alone.
    pub state: RwLock<State>,
    pub store: Option<Store>,
    /// A save failed and the state could not be read back: changes are refused until restart.
    pub diverged: AtomicBool,
    /// Calls received per action name, whatever their version.
    pub served: Mutex<BTreeMap<&'static str, u64>>,
    /// What `POST /emulator/reset` goes back to.
    pub initial: State,
    pub journal: RequestJournal,
    pub deliveries: Deliveries,
    pub admin: AdminToken,
    /// The OAuth authorization server, in memory only (see `oauth`).
    pub oauth: Authority,
}
