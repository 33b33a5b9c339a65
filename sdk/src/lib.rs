#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
//! A typed async client for the LiveChat Configuration API v3.6.
//!
//! Every action of the API is a method on [`Client`]: required parameters are arguments, optional
//! ones are builder methods, and the call is sent when it is awaited. This example runs against
//! the project's emulator (`livechat-config-emulator`), a Configuration API on loopback:
//!
//! ```
//! use livechat_config::{Client, Credentials, GroupAssignment, Priority, Role, AgentField};
//! # use livechat_config_emulator::Emulator;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let emulator = Emulator::start().await?;
//! let client = Client::builder(Credentials::bearer("dal:emulator-token"))
//!     .base_url(emulator.base_url()) // omit for the production API
//!     .build()?;
//! let created = client
//!     .create_agent("smith@example.com", "Agent Smith")
//!     .role(Role::Viceowner)
//!     .groups([GroupAssignment::new(0, Priority::Normal)])
//!     .await?;
//! assert_eq!(created.id, "smith@example.com");
//! let group = client
//!     .create_group("Support", [("smith@example.com", Priority::First)])
//!     .await?;
//!
//! let agents = client.list_agents().fields([AgentField::Groups]).await?;
//! let smith = agents.iter().find(|a| a.id == "smith@example.com").unwrap();
//! assert_eq!(smith.role, Some(Role::Viceowner));
//! let groups = smith.groups.as_deref().unwrap_or_default();
//! assert!(groups.contains(&GroupAssignment::new(group.id, Priority::First)));
//! # Ok(())
//! # }
//! ```
//!
//! # A tour
//!
//! **Credentials.** [`Credentials::bearer`] takes an OAuth access token, [`Credentials::pat`] a
//! personal access token (sent as Basic), [`Credentials::from_env`] either from the environment.
//! Neither ever prints its secret: `Debug` and `Display` show `Bearer dal:****`, and no tracing
//! field carries it. Where tokens come from, and which scopes each action needs: the
//! [authentication guide](https://github.com/livechat-config/livechat-config/blob/main/docs/authentication.md).
//! With the `oauth` feature, the `auth` module gets them from the Accounts API (the
//! authorization code grant with PKCE) and keeps a client authorized, refreshing before expiry.
//!
//! **Regions.** A bearer token's prefix (`dal:`, `fra:`, `fra-a:`, …) picks its data center; calls
//! outside `dal` carry `X-Region` with its name. [`ClientBuilder::region`] overrides it (and is how a PAT names its region).
//! A `misdirected_request` naming another region is sent there once more, and the client keeps
//! that region for later calls ([`Client::region`]). A name the API sends is used only if it looks
//! like a region ([`Region::is_plausible_name`]); otherwise the error is returned and the client
//! is unchanged.
//!
//! **Errors.** One [`Error`]: [`Error::Api`] keeps the documented [`ErrorKind`] (unknown kinds as
//! [`ErrorKind::Other`]), the message, `data` (such as `region`), the HTTP status and any
//! `Retry-After`. [`Error::Timeout`], [`Error::Transport`], [`Error::Decode`] (naming the action
//! and the field), [`Error::Status`] (a non-API error page), [`Error::Redirect`],
//! [`Error::ResponseTooLarge`] and [`Error::InvalidRequest`] (a documented limit broken, caught
//! before sending) cover the rest. `Display` names the action and, for a transport error, its
//! cause; [`Error::api_kind`], [`Error::status`], [`Error::is_retryable`],
//! [`Error::is_rate_limited`] and [`Error::is_not_found`] answer the usual questions. Nothing a
//! server sends makes the client panic.
//!
//! **Retries and timeouts.** A [`RetryPolicy`] (exponential backoff with full jitter, honouring
//! `Retry-After`) sends a call again after a `429` whatever the action, since the API refused it
//! before running it (up to [`RetryPolicy::rate_limited_attempts`], 10 by default); reads
//! ([`Action::is_read_only`]) are also retried after server errors, timeouts and transport
//! failures, while a write that failed that way is sent again only when the connection could not
//! be made, so a retry never applies a change twice. All calls of a client share a
//! [`RetryBudget`]: 500 tokens, 5 a retry (10 after a timeout), given back when the retry works,
//! so a storm where nothing succeeds costs at most 100 retries and then each call is sent once.
//!
//! **Redirects.** Every call is a `POST` that must reach the API itself: a 3xx answer is
//! [`Error::Redirect`] with its status and `Location`, never followed.
//!
//! **Memory.** An answer body over [`ClientBuilder::max_response_size`] (16 MiB by default) is
//! refused with [`Error::ResponseTooLarge`] before it is buffered. A call holds at most that much
//! body and its decoded value (often several times the body); a batch helper has up to
//! [`ClientBuilder::batch_concurrency`] calls in flight, so a client's answers take about
//! `calls in flight × max_response_size × (1 + decoding overhead)` at worst.
//!
//! Timeouts are set per client or per call:
//!
//! ```no_run
//! use livechat_config::{Client, Credentials, Region, RetryPolicy};
//! use std::time::Duration;
//!
//! # async fn run() -> Result<(), livechat_config::Error> {
//! let client = Client::builder(Credentials::pat("account-id", "pat"))
//!     .region(Region::Fra)
//!     .timeout(Duration::from_secs(10))
//!     .retry(RetryPolicy::default().with_max_attempts(5))
//!     .build()?;
//! let agents = client
//!     .list_agents()
//!     .timeout(Duration::from_secs(60))
//!     .retry(RetryPolicy::none())
//!     .await?;
//! # Ok(())
//! # }
//! ```
//!
//! **Batches.** The batch methods (`batch_create_agents`, …) take any number of requests,
//! send them in chunks ([`ClientBuilder::batch_chunk_size`]) with several chunks in flight
//! ([`ClientBuilder::batch_concurrency`]), and answer one `Result` per request in input order:
//!
//! ```
//! use livechat_config::{CreateAgentRequest, Error, ErrorKind};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let emulator = livechat_config_emulator::Emulator::start().await?;
//! # let client = emulator.client();
//! client.create_agent("agent0@example.com", "Agent").await?;
//! let requests = (1..=120).map(|i| CreateAgentRequest::new(format!("agent{i}@example.com"), "Agent"));
//! // The last one is already there: its item fails, the others do not.
//! let requests = requests.chain([CreateAgentRequest::new("agent0@example.com", "Again")]);
//! let results = client.batch_create_agents(requests).await?;
//! assert_eq!(results.len(), 121);
//! assert!(results[..120].iter().all(Result::is_ok));
//! match &results[120] {
//!     Err(Error::Api(e)) => assert_eq!(e.kind, ErrorKind::AlreadyExists),
//!     other => panic!("{other:?}"),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! **Webhooks.** [`webhook::verify`] parses a delivery, checks its `secret_key` in constant
//! time and types its payload as a [`WebhookEvent`] (the 16 license-configuration webhooks,
//! `Other` for the rest); `register_webhook` requests are checked against the reference's filter
//! rules before they are sent.
//!
//! **Dynamic use.** [`Action`] lists every action with its scopes, batch twin and read-only flag,
//! and decodes request and response bodies by action name.
//!
//! **Extension points.** [`ClientBuilder::http_client`] takes a `reqwest::Client` of your own
//! (proxies, custom TLS, middleware; build it with `redirect::Policy::none()`, as a redirect it
//! follows fails the call with [`Error::Redirect`]). [`ClientBuilder::header`] adds a header to
//! every call, `.header(..)` on a call to that call ([`Call::header`]); their values never show in
//! `Debug`. [`ClientBuilder::credentials_provider`] takes a [`CredentialsProvider`], asked before
//! every attempt and once more after an `authentication` error, when the refused request is sent
//! again once with the new credentials. [`Client::call_raw`] calls any action by name with a JSON
//! body, for fields or actions this version does not know, through the same regions, retries and
//! errors ([`ActionName`] names an unlisted action):
//!
//! ```no_run
//! use livechat_config::{Client, Credentials};
//! use serde_json::json;
//!
//! # async fn run() -> Result<(), livechat_config::Error> {
//! let http = livechat_config::reqwest::Client::builder()
//!     .redirect(livechat_config::reqwest::redirect::Policy::none())
//!     .build()
//!     .map_err(|e| livechat_config::Error::Config(e.to_string()))?;
//! let client = Client::builder(Credentials::bearer("dal:token"))
//!     .http_client(http)
//!     .header("X-Team", "support")
//!     .build()?;
//! let tags = client.list_tags().header("X-Debug-Id", "42").await?;
//! let answer = client
//!     .call_raw("list_tags", json!({"filters": {"group_ids": [0]}}))
//!     .await?;
//! # Ok(())
//! # }
//! ```
//!
//! **Tracing.** Every call runs in a `livechat_config.call` span with `action`, `attempt`,
//! `status`, `latency_ms` and `region`; a `Legacy` or `Deprecation` answer header is logged as a
//! warning once per action.
//!
//! **Propagation.** A change acknowledged by the API takes effect in the rest of the LiveChat
//! system within at most 2 minutes, as the reference says; plan tests against production for it.
//!
//! **Testing without an account.** The `livechat-config-emulator` crate of this project serves
//! the whole API on loopback; point [`ClientBuilder::base_url`] at it. A fresh emulator holds
//! group `0` ("General") with the license owner `owner@example.com` as its only member.
//!
//! **Versions.** Each API version with a spec is a module of its own behind the cargo feature of
//! its name: [`v3_6`] (default) is the stable one, and the crate root re-exports it, so
//! `livechat_config::Client` has its methods. Another version's module has a `Client` of its own,
//! made with `From` from this crate's [`Client`] and sharing its connection pool, credentials,
//! region, retries and retry budget; its calls go to that version's path. Errors name the action
//! through [`ActionName`], whatever version it belongs to.
//!
//! **Paging.** An action the spec marks as paged keeps its single-page call and also gets
//! [`Call::pages`] (a `Stream` of the answers, following the next page id with the first page's
//! filters) and [`Call::all`] (every item); a page id that comes back stops the walk with
//! [`Error::RepeatedPage`] instead of looping.
//!
//! **Servers.** The `server` feature adds what a server of the API needs: `Action::decode_request`,
//! `AnyRequest`, strict validation, and per version a `Handlers` trait with its `dispatch`.
//!
//! **Navigating.** Every type and method is re-exported at the crate root; the section modules
//! ([`agents`], [`auto_access`], [`bots`], [`customer_bans`], [`greetings`], [`groups`],
//! [`properties`], [`tags`], [`webhooks`], [`other`]) group them as the reference does, and
//! [`types`] holds the types they share.
//!
//! **TLS.** The `rustls` feature (default) needs no system library; `native-tls` uses the
//! platform's.
//!
//! The request and response types are generated from `spec/configuration-v3.6.json`.

mod action_name;
#[cfg(feature = "oauth")]
pub mod auth;
mod batch;
mod budget;
mod builder;
mod call;
mod client;
mod credentials;
mod decode;
mod error;
#[rustfmt::skip]
mod generated;
mod headers;
mod json_path;
mod paging;
mod raw;
mod region;
mod request;
mod retry;
#[cfg(feature = "server")]
#[doc(hidden)]
pub mod serve;
// What generated code checks requests with; a caller meets only `Violation` and `UnknownValue`.
#[doc(hidden)]
pub mod validate;
pub mod webhook;
// Serde helpers of the generated code; public as not every version uses each of them.
#[doc(hidden)]
pub mod wire;

pub use action_name::{ActionInfo, ActionName};
pub use batch::{BatchCall, BatchResults};
pub use budget::RetryBudget;
pub use builder::{
    ClientBuilder, DEFAULT_BATCH_CHUNK_SIZE, DEFAULT_BATCH_CONCURRENCY, DEFAULT_CONNECT_TIMEOUT,
    DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_TIMEOUT,
};
pub use call::Call;
pub use client::Client;
pub use credentials::{Credentials, CredentialsFuture, CredentialsProvider};
pub use error::{ApiError, BoxError, DecodeError, Error, TransportError};
pub use generated::*;
pub use paging::{Paged, Pages};
pub use raw::RawCall;
pub use region::Region;
pub use request::{BatchItem, BatchRequest, Request};
/// The HTTP crate the client sends with, for [`ClientBuilder::http_client`] (same version).
pub use reqwest;
pub use retry::RetryPolicy;
pub use validate::{UnknownValue, Violation};
