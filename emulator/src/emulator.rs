//! The emulator as a library: a builder, and a handle to a running instance.

use crate::auth::{
    AdminToken, Token, DEFAULT_CLIENT_ID, DEFAULT_PAT, DEFAULT_PAT_ACCOUNT, DEFAULT_TOKEN,
    FRA_TOKEN,
};
use crate::connections::{self, Limits};
use crate::control;
use crate::deliveries::{Deliveries, DeliveryPolicy, EmitError, EmitWebhook, EmittedDelivery};
use crate::faults::{FaultPlan, FaultRule, FaultState, Faults};
use crate::import::{self, ImportError};
use crate::journal::{DeliveryRecord, RequestJournal, RequestRecord, DEFAULT_JOURNAL_CAPACITY};
use crate::oauth::{self, Authority, OAuthClient};
use crate::persist::Store;
use crate::server::router;
use crate::shared::{lock, Shared};
use crate::state::State;
use crate::tls;
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
/// organization's Client IDs, OAuth clients and the limits on connections.
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
    transfer_timeout: Duration,
    max_connections: Option<usize>,
    customer_bans: Vec<CustomerBan>,
    control: ControlSettings,
    oauth: oauth::Settings,
    tls: Option<tls::Source>,
}

/// The builder's settings of the control plane, journals and deliveries.
#[derive(Clone, Default)]
struct ControlSettings {
    admin_token: Option<AdminToken>,
    import: Option<serde_json::Value>,
    rules: Vec<FaultRule>,
    rate_limited_retry_after: u64,
    journal_capacity: Option<usize>,
    delivery_policy: DeliveryPolicy,
}

/// An imported state holds bot secrets and webhook keys: `Debug` tells only whether there is one.
impl std::fmt::Debug for ControlSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ControlSettings")
            .field("admin_token", &self.admin_token)
            .field("import", &self.import.as_ref().map(|_| "****"))
            .field("rules", &self.rules)
            .field("rate_limited_retry_after", &self.rate_limited_retry_after)
            .field("journal_capacity", &self.journal_capacity)
            .field("delivery_policy", &self.delivery_policy)
            .finish()
    }
}

/// How long a client may take to send a request's headers, by default.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a connection may stay open with nothing arriving, by default.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a request's body may take to arrive, and an answer to be taken, by default.
pub const DEFAULT_TRANSFER_TIMEOUT: Duration = Duration::from_secs(30);

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
            transfer_timeout: DEFAULT_TRANSFER_TIMEOUT,
            max_connections: None,
            customer_bans: Vec::new(),
            control: ControlSettings::default(),
            oauth: oauth::Settings::default(),
            tls: None,
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
    /// any other file, is refused. Needs the `sqlite` feature (a default one): without it,
    /// [`start`](Self::start) fails saying so.
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

    /// How long a request's body may take to arrive whole, counted from its headers (past it the
    /// answer is `408` and the connection closes), and how long a client may take to take an
    /// answer, counted from its first byte (past it the connection closes), however steadily the
    /// bytes trickle. Default: [`DEFAULT_TRANSFER_TIMEOUT`] (30 s).
    pub fn transfer_timeout(mut self, timeout: Duration) -> Self {
        self.transfer_timeout = timeout;
        self
    }

    /// Serves HTTPS with this certificate chain (PEM, the server's certificate first) and its
    /// private key (PEM). [`Emulator::client`] trusts the certificates of the chain, so a chain
    /// that ends with its authority needs nothing more; [`start`](Self::start) fails with
    /// `InvalidInput` when either PEM text is unusable.
    pub fn tls(mut self, chain_pem: impl Into<String>, key_pem: impl Into<String>) -> Self {
        self.tls = Some(tls::Source::Given {
            chain_pem: chain_pem.into(),
            key_pem: key_pem.into(),
        });
        self
    }

    /// Serves HTTPS with a certificate made at start for `127.0.0.1`, `::1` and `localhost`,
    /// signed by an authority made with it: [`Emulator::certificate_pem`] is the authority's
    /// certificate for other clients to trust; [`Emulator::client`] trusts it already.
    pub fn tls_self_signed(mut self) -> Self {
        self.tls = Some(tls::Source::MadeAtStart);
        self
    }

    /// The most connections open at once. A client arriving at the cap makes the connection
    /// that has moved no byte for longest close, unless the emulator is working out its answer;
    /// when every one is, the client waits until one closes. Default: 512, or fewer when the
    /// process's descriptor limit leaves less room (96 descriptors are kept for the state file,
    /// the runtime and the connections to webhook receivers).
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

    /// The token of the control plane (`Authorization: Bearer <token>` on `/emulator/…`).
    /// Default: a random one, printed by the binary at start and given by
    /// [`Emulator::admin_token`]. It must differ from every API token.
    pub fn admin_token(mut self, token: impl Into<String>) -> Self {
        self.control.admin_token = Some(AdminToken::new(token));
        self
    }

    /// The license starts from this exported state (`GET /emulator/state`, [`Emulator::export_state`])
    /// instead of a fresh one or the state file's, and [`Emulator::reset`] goes back to it. An
    /// invalid state makes [`Self::start`] fail.
    pub fn import_state(mut self, state: serde_json::Value) -> Self {
        self.control.import = Some(state);
        self
    }

    /// A fault rule from the start (see [`FaultRule`]); more can be set at run time.
    pub fn fault_rule(mut self, rule: FaultRule) -> Self {
        self.control.rules.push(rule);
        self
    }

    /// The `Retry-After` (seconds) of the 429s of [`Self::rate_limited_share`]. Default 0.
    pub fn rate_limited_retry_after(mut self, seconds: u64) -> Self {
        self.control.rate_limited_retry_after = seconds;
        self
    }

    /// Entries each journal (requests, webhook deliveries) keeps. Default:
    /// [`DEFAULT_JOURNAL_CAPACITY`].
    pub fn journal_capacity(mut self, entries: usize) -> Self {
        self.control.journal_capacity = Some(entries.max(1));
        self
    }

    /// How webhook deliveries are retried. Default: 4 attempts, 500 ms doubling, 5 s each.
    pub fn delivery_policy(mut self, policy: DeliveryPolicy) -> Self {
        self.control.delivery_policy = policy;
        self
    }

    /// Registers an application for the OAuth code flow (repeatable): the emulator then serves
    /// the Accounts API's authorization page (`GET /`) and `/v2/token`, `/v2/info` for it, on
    /// its own port ([`Emulator::accounts_url`]). Two clients with one Client ID, or a redirect
    /// URI that cannot be registered, make [`Self::start`] fail.
    pub fn oauth_client(mut self, client: OAuthClient) -> Self {
        self.oauth.clients.push(client);
        self
    }

    /// How long OAuth access tokens live (their `expires_in`), in whole seconds, at least one.
    /// Default: [`DEFAULT_OAUTH_TOKEN_LIFETIME`](crate::DEFAULT_OAUTH_TOKEN_LIFETIME) (8 hours).
    pub fn oauth_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.oauth.token_lifetime = lifetime;
        self
    }

    /// How long an authorization code can be exchanged. Default:
    /// [`DEFAULT_OAUTH_CODE_LIFETIME`](crate::DEFAULT_OAUTH_CODE_LIFETIME) (5 minutes).
    pub fn oauth_code_lifetime(mut self, lifetime: Duration) -> Self {
        self.oauth.code_lifetime = lifetime;
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
        let loaded = match &store {
            Some(store) => match store.load()? {
                Some((snapshot, changes)) => versions::replay(snapshot, &changes)
                    .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?,
                None => State::fresh(seed),
            },
            None => State::fresh(seed),
        };
        // An import replaces what the database held; the snapshot taken below saves it.
        let mut state = match self.control.import {
            Some(import) => import::parse_state(import, &self.organization_clients)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?,
            None => loaded,
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
        let oauth = Authority::new(self.oauth, &self.region)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let admin = self.control.admin_token.unwrap_or_else(AdminToken::random);
        if admin.as_str().is_empty() || tokens.iter().any(|t| t.is_bearer(admin.as_str())) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the admin token must be non-empty and differ from every API token",
            ));
        }
        let mut plan = FaultPlan {
            rules: self.control.rules,
            rate_limited_retry_after: self.control.rate_limited_retry_after,
            ..FaultPlan::default()
        };
        plan.set_faults(&self.faults);
        plan.check()
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let capacity = self
            .control
            .journal_capacity
            .unwrap_or(DEFAULT_JOURNAL_CAPACITY);
        let shared = Arc::new(Shared {
            tokens,
            region: self.region,
            organization_clients: self.organization_clients,
            faults: Mutex::new(FaultState::new(plan, seed)),
            initial: state.clone(),
            state: RwLock::new(state),
            store,
            diverged: AtomicBool::new(false),
            served: Mutex::new(BTreeMap::new()),
            journal: RequestJournal::new(capacity),
            deliveries: Deliveries::start(self.control.delivery_policy, capacity),
            admin,
            oauth,
        });
        let listener = tokio::net::TcpListener::bind(self.listen).await?;
        let addr = listener.local_addr()?;
        let limits = Limits {
            header_read_timeout: self.header_read_timeout,
            idle_timeout: self.idle_timeout,
            transfer_timeout: self.transfer_timeout,
            max_connections: self
                .max_connections
                .unwrap_or_else(connections::default_max_connections),
        };
        let tls = self.tls.as_ref().map(tls::configure).transpose()?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        let (acceptor, trust_pem) = match tls {
            Some(tls) => (Some(tls.acceptor), Some(tls.trust_pem)),
            None => (None, None),
        };
        let (stop, stopped) = watch::channel(false);
        let app = router(shared.clone()).merge(control::routes(shared.clone()));
        let task = tokio::spawn(connections::serve(listener, app, limits, acceptor, stopped));
        Ok(Emulator {
            base_url: format!("{scheme}://{addr}"),
            trust_pem,
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
    /// Serving HTTPS: the certificates a client trusts.
    trust_pem: Option<String>,
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

    /// An emulator to configure before it starts (port, state file, faults, tokens, …).
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// `http://127.0.0.1:<port>` (`https://` when it serves HTTPS): the base URL for the sdk's
    /// client.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Serving HTTPS, the certificates for a client to trust (PEM): the authority made at start
    /// ([`EmulatorBuilder::tls_self_signed`]) or the chain given ([`EmulatorBuilder::tls`]), as
    /// for `ClientBuilder::root_certificate_pem` or `curl --cacert`. `None` over plain HTTP.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.trust_pem.as_deref()
    }

    /// The base URL of its Accounts API twin (the OAuth authorization page `/`, `/v2/token`,
    /// `/v2/info`): the emulator's own, [`Self::base_url`].
    pub fn accounts_url(&self) -> &str {
        &self.base_url
    }

    /// How many token requests of this grant type were answered 200 so far:
    /// `authorization_code` (also counting the `code` spelling) or `refresh_token`; 0 for others.
    pub fn token_grants(&self, grant_type: &str) -> u64 {
        self.shared.oauth.grants_answered(grant_type)
    }

    /// The OAuth clients registered, by Client ID.
    pub fn oauth_clients(&self) -> impl Iterator<Item = &OAuthClient> {
        self.shared.oauth.clients()
    }

    /// The address it listens on.
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
        let builder = Client::builder(credentials).base_url(&self.base_url);
        let builder = match &self.trust_pem {
            Some(pem) => builder.root_certificate_pem(pem),
            None => builder,
        };
        match builder.build() {
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

    /// Changes the faults from now on; the fault rules stay.
    pub fn set_faults(&self, faults: Faults) {
        lock(&self.shared.faults).plan.set_faults(&faults);
    }

    /// Replaces all faults, rules included (as `PUT /emulator/faults`). A plan that cannot be
    /// used (a share over 1, a status that is neither 429 nor 5xx, an unknown action) is refused
    /// and the faults stay as they were.
    pub fn set_fault_plan(&self, plan: FaultPlan) -> Result<(), String> {
        self.shared.set_fault_plan(plan).map_err(|f| f.message)
    }

    /// The faults in force, with what is left of each `next` count.
    pub fn fault_plan(&self) -> FaultPlan {
        lock(&self.shared.faults).plan.clone()
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
        self.export_state()
    }

    /// The token of the control plane (`/emulator/…`).
    pub fn admin_token(&self) -> &str {
        self.shared.admin.as_str()
    }

    /// Back to the starting state (a fresh license, or the state imported or loaded at start).
    /// With a state file, an error means it could not be saved and nothing changed.
    pub fn reset(&self) -> io::Result<()> {
        self.shared.reset().map_err(|f| io::Error::other(f.message))
    }

    /// The whole license state as JSON: a snapshot for [`Self::import_state`].
    pub fn export_state(&self) -> serde_json::Value {
        self.shared.export_state()
    }

    /// Replaces the license state with an exported one. An invalid state is refused with the
    /// reason and changes nothing.
    pub fn import_state(&self, state: serde_json::Value) -> Result<(), ImportError> {
        self.shared
            .import_state(state)
            .map_err(|f| ImportError(f.message))
    }

    /// The API requests received, oldest first (the last [`DEFAULT_JOURNAL_CAPACITY`]), only
    /// those to `action` when given.
    pub fn requests(&self, action: Option<&str>) -> Vec<RequestRecord> {
        self.shared.journal.list(action)
    }

    /// Empties the journal of requests; returns how many entries it held.
    pub fn clear_requests(&self) -> usize {
        self.shared.journal.clear()
    }

    /// The webhook deliveries made, oldest first, with their attempts.
    pub fn webhook_deliveries(&self) -> Vec<DeliveryRecord> {
        self.shared.deliveries.list()
    }

    /// Empties the journal of webhook deliveries; returns how many entries it held.
    pub fn clear_webhook_deliveries(&self) -> usize {
        self.shared.deliveries.clear()
    }

    /// Delivers a webhook no change to the license causes (`incoming_chat`, `incoming_event`,
    /// `chat_deactivated`, …; any action the version lists), as `POST /emulator/webhooks/emit`
    /// does: the payload is checked against the version's spec, then a delivery is queued for
    /// every webhook registered for the action (by any version) that receives it, as the
    /// API's own changes are: a `license` webhook while license webhooks are enabled for its
    /// owner, a `bot` webhook when a bot of its owner is in the chat, and only when its filters
    /// (`source_type`, `only_my_chats`, `chat_presence`, `author_type`) let the webhook through
    /// in the [`WebhookContext`](crate::WebhookContext) given. Returns each delivery made, in
    /// registration order, with its entry in [`Self::webhook_deliveries`]; a delivery past a
    /// bound of the queue
    /// ([`QUEUED_PER_WEBHOOK`](crate::QUEUED_PER_WEBHOOK),
    /// [`MAX_QUEUED_DELIVERIES`](crate::MAX_QUEUED_DELIVERIES),
    /// [`MAX_QUEUED_BYTES`](crate::MAX_QUEUED_BYTES)) is journaled `failed` and returned with
    /// `queued: false`. Never waits for a receiver.
    ///
    /// # Errors
    /// [`EmitError::NotAWebhook`] for an action the version does not list,
    /// [`EmitError::Payload`] for a payload its spec does not allow (naming the field),
    /// [`EmitError::Invalid`] for an `author_type` other than `customer` or `agent`, or for a
    /// payload or chat property nested 128 or more levels deep (what no JSON body can carry). Nothing
    /// is delivered or journaled then.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use livechat_config::{WebhookAction, WebhookType};
    /// use livechat_config_emulator::{EmitWebhook, Emulator, WebhookContext, DEFAULT_CLIENT_ID};
    /// use serde_json::json;
    ///
    /// let emulator = Emulator::start().await?;
    /// emulator
    ///     .client()
    ///     .register_webhook(WebhookAction::IncomingChat, "s3cret", "http://127.0.0.1:9000/hook", DEFAULT_CLIENT_ID, WebhookType::License)
    ///     .await?;
    /// let payload = json!({"chat": {"id": "PJ0MRSHTDG", "users": [{"id": "customer-1", "type": "customer"}]}});
    /// let sent = emulator.emit_webhook(
    ///     EmitWebhook::new(WebhookAction::IncomingChat, payload)
    ///         .context(WebhookContext::new().source_client_id(DEFAULT_CLIENT_ID)),
    /// )?;
    /// assert!(sent.iter().all(|d| d.queued));
    /// # Ok(())
    /// # }
    /// ```
    pub fn emit_webhook(&self, webhook: EmitWebhook) -> Result<Vec<EmittedDelivery>, EmitError> {
        self.shared.emit_webhook(webhook)
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
