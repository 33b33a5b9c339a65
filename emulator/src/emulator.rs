//! The emulator as a library: a builder, and a handle to a running instance.

use crate::auth::{
    Token, DEFAULT_CLIENT_ID, DEFAULT_PAT, DEFAULT_PAT_ACCOUNT, DEFAULT_TOKEN, FRA_TOKEN,
};
use crate::connections::{self, Limits};
use crate::faults::{Dice, Faults};
use crate::persist::Store;
use crate::server::{lock, read, router, Shared};
use crate::state::State;
use crate::versions;
use livechat_config::{ActionName, Client, Credentials, CustomerBan};
use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Settings of an emulator: address, tokens, region, faults, seed, state file, the
/// organization's Client IDs and the limits on connections.
#[derive(Debug, Clone)]
#[must_use]
pub struct EmulatorBuilder {
    listen: SocketAddr,
    tokens: Vec<Token>,
    default_tokens: bool,
    region: String,
    faults: Faults,
    seed: Option<u64>,
    state_file: Option<PathBuf>,
    organization_clients: BTreeSet<String>,
    header_read_timeout: Duration,
    idle_timeout: Duration,
    max_connections: Option<usize>,
    customer_bans: Vec<CustomerBan>,
}

/// How long a client may take to send a request's headers, by default.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a connection may stay open with nothing arriving, by default.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            tokens: Vec::new(),
            default_tokens: true,
            region: "dal".to_string(),
            faults: Faults::default(),
            seed: None,
            state_file: None,
            organization_clients: BTreeSet::from([DEFAULT_CLIENT_ID.to_string()]),
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_connections: None,
            customer_bans: Vec::new(),
        }
    }
}

/// The tokens every emulator accepts unless told otherwise: [`DEFAULT_TOKEN`], [`FRA_TOKEN`] and
/// the PAT [`DEFAULT_PAT_ACCOUNT`]:[`DEFAULT_PAT`], each with every scope.
pub fn default_tokens() -> Vec<Token> {
    vec![
        Token::bearer(DEFAULT_TOKEN),
        Token::bearer(FRA_TOKEN),
        Token::pat(DEFAULT_PAT_ACCOUNT, DEFAULT_PAT),
    ]
}

impl EmulatorBuilder {
    /// Where to listen. Default: 127.0.0.1 on a free port.
    pub fn listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Accept this token too.
    pub fn token(mut self, token: Token) -> Self {
        self.tokens.push(token);
        self
    }

    /// Accept only the tokens given with [`Self::token`].
    pub fn without_default_tokens(mut self) -> Self {
        self.default_tokens = false;
        self
    }

    /// The data center requests without `X-Region` go to. Default: `dal`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = region.into();
        self
    }

    /// Added to every request to an action.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.faults.latency = latency;
        self
    }

    /// Share (0.0–1.0) of requests answered `429 too_many_requests`.
    pub fn rate_limited_share(mut self, share: f64) -> Self {
        self.faults.rate_limited = share.clamp(0.0, 1.0);
        self
    }

    /// Share (0.0–1.0) of requests answered `503` with an `internal` error.
    pub fn server_error_share(mut self, share: f64) -> Self {
        self.faults.server_errors = share.clamp(0.0, 1.0);
        self
    }

    /// Seed of the fault draws and of generated ids, for runs that repeat exactly.
    /// Default: from the clock.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// Keep the state in this SQLite database: each change is committed before it is
    /// acknowledged, and the state is read back at start. A JSON state file of an earlier
    /// emulator is migrated (and kept as `<file>.json-backup`); a database of a newer one, or
    /// any other file, is refused.
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }

    /// Adds a Client ID to the license's organization. `owner_client_id` must name one of the
    /// organization's Client IDs (properties, webhooks, bot templates); the organization always
    /// has [`DEFAULT_CLIENT_ID`], the Client ID of the default tokens.
    pub fn organization_client_id(mut self, client_id: impl Into<String>) -> Self {
        self.organization_clients.insert(client_id.into());
        self
    }

    /// How long a client may take to send a request's headers, counted from when the emulator
    /// starts waiting for a request: when the connection opens, and after each answer on a kept
    /// alive one. Default: [`DEFAULT_HEADER_READ_TIMEOUT`] (10 s).
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// How long a connection may go with nothing arriving or leaving while the emulator waits on
    /// the client (for the next request, the rest of a body, or room to write an answer); the
    /// time spent working out an answer does not count. Default: [`DEFAULT_IDLE_TIMEOUT`] (60 s).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout;
        self
    }

    /// The most connections open at once; further clients wait until one closes. Default: 512,
    /// or fewer when the process's descriptor limit leaves less room (64 descriptors are kept for
    /// the state file and the runtime).
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = Some(max.max(1));
        self
    }

    /// A ban the license starts with (bans are made through the Agent Chat API, which this
    /// emulator does not serve). A ban already in a loaded state file is not added twice.
    pub fn customer_ban(mut self, ban: CustomerBan) -> Self {
        self.customer_bans.push(ban);
        self
    }

    /// Binds and starts serving in the background of the current tokio runtime.
    pub async fn start(self) -> io::Result<Emulator> {
        let seed = self.seed.unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0)
        });
        let store = self.state_file.map(Store::open).transpose()?;
        let mut state = match &store {
            Some(store) => match store.load()? {
                Some((snapshot, changes)) => versions::replay(snapshot, &changes)
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?,
                None => State::fresh(seed),
            },
            None => State::fresh(seed),
        };
        for ban in self.customer_bans {
            if !state.customer_bans.contains(&ban) {
                state.customer_bans.push(ban);
            }
        }
        // Each start folds the journal into a new snapshot, with the bans just added.
        if let Some(store) = &store {
            store.save(&state)?;
        }
        // A personal access token carries no region prefix: the default one lives wherever
        // this emulator does.
        let mut tokens = if self.default_tokens {
            default_tokens()
                .into_iter()
                .map(|t| {
                    if t.identity().is_pat {
                        t.region(&self.region)
                    } else {
                        t
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        tokens.extend(self.tokens);
        let shared = Arc::new(Shared {
            tokens,
            region: self.region,
            organization_clients: self.organization_clients,
            faults: Mutex::new((self.faults, Dice::new(seed))),
            state: RwLock::new(state),
            store,
            diverged: AtomicBool::new(false),
            served: Mutex::new(BTreeMap::new()),
        });
        let listener = tokio::net::TcpListener::bind(self.listen).await?;
        let addr = listener.local_addr()?;
        let limits = Limits {
            header_read_timeout: self.header_read_timeout,
            idle_timeout: self.idle_timeout,
            max_connections: self
                .max_connections
                .unwrap_or_else(connections::default_max_connections),
        };
        let (stop, stopped) = watch::channel(false);
        let app = router(shared.clone());
        let task = tokio::spawn(connections::serve(listener, app, limits, stopped));
        Ok(Emulator {
            base_url: format!("http://{addr}"),
            addr,
            shared,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// A running emulator. Dropping it stops it; [`Emulator::stop`] also waits until it has.
#[derive(Debug)]
pub struct Emulator {
    base_url: String,
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<watch::Sender<bool>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// An emulator with default settings on 127.0.0.1 and a free port.
    pub async fn start() -> io::Result<Self> {
        Self::builder().start().await
    }

    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// `http://127.0.0.1:<port>`: the base URL for the sdk's client.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The tokens this emulator accepts.
    pub fn tokens(&self) -> &[Token] {
        &self.shared.tokens
    }

    /// The Client IDs of the license's organization: the `owner_client_id`s it accepts.
    pub fn organization_client_ids(&self) -> impl Iterator<Item = &str> {
        self.shared.organization_clients.iter().map(String::as_str)
    }

    /// A client of this emulator with the default `dal` token (every scope).
    ///
    /// # Panics
    /// Only if the HTTP client cannot be built, as [`Client::new`] does.
    pub fn client(&self) -> Client {
        self.client_with(Token::bearer(crate::DEFAULT_TOKEN).credentials())
    }

    /// A client of this emulator with these credentials.
    ///
    /// # Panics
    /// Only if the HTTP client cannot be built, as [`Client::new`] does.
    pub fn client_with(&self, credentials: Credentials) -> Client {
        match Client::builder(credentials)
            .base_url(&self.base_url)
            .build()
        {
            Ok(client) => client,
            Err(err) => panic!("cannot build a client of the emulator: {err}"),
        }
    }

    /// How many requests to `action` arrived so far, faulted ones included, counting every
    /// version's calls of the same name together.
    pub fn served(&self, action: impl Into<ActionName>) -> u64 {
        let name = action.into();
        lock(&self.shared.served)
            .get(name.as_str())
            .copied()
            .unwrap_or(0)
    }

    /// How many requests to any action arrived so far.
    pub fn served_total(&self) -> u64 {
        lock(&self.shared.served).values().sum()
    }

    /// Changes the faults from now on.
    pub fn set_faults(&self, faults: Faults) {
        lock(&self.shared.faults).0 = faults;
    }

    /// Where a JSON state file of an earlier emulator was kept when this one migrated it into a
    /// state database at start.
    pub fn migrated_from(&self) -> Option<&std::path::Path> {
        self.shared
            .store
            .as_ref()
            .and_then(|store| store.migrated_from())
    }

    /// The whole state as JSON, as the state database's snapshots hold it.
    pub fn state_json(&self) -> serde_json::Value {
        serde_json::to_value(&*read(&self.shared.state)).unwrap_or_default()
    }

    /// Stops accepting connections, lets requests in flight finish, and returns.
    pub async fn stop(mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        match self.task.take() {
            Some(task) => task.await.map_err(io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
    }
}
