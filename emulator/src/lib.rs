#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]
//! A stateful LiveChat Configuration API on loopback, for offline development and tests.
//!
//! It serves both versions over one license state: v3.6 (63 actions, 9 batch endpoints) at
//! `/v3.6/configuration/action/<name>` and v3.7 (73 actions, 10 batch endpoints) at
//! `/v3.7/configuration/action/<name>`. It checks every request body against its version's spec
//! with the sdk's own decoder, and keeps a license's state (agents, groups, bots, tags, auto
//! access, properties, webhooks, greetings, customer bans, and through v3.7 allowed domains,
//! canned responses and translations) the way the references describe it.
//!
//! **Starting state.** A fresh emulator holds one license: group `0` ("General", language `en`)
//! with its owner, the agent [`OWNER_ID`] (role `owner`), as its only member; the properties of
//! the [`TEST_NAMESPACE`] namespace; no other agents, bots, tags, auto accesses, webhooks or
//! greetings, and only the customer bans given to [`EmulatorBuilder::customer_ban`].
//! Agents created without groups join group `0`. Changes apply at once (the production API
//! takes up to 2 minutes to propagate them).
//!
//! **OAuth.** For the clients given to [`EmulatorBuilder::oauth_client`], the same port also
//! serves the Accounts API's authorization code flow (with PKCE and refresh tokens): the
//! authorization page `GET /`, which approves at once as the owner, and `/v2/token`,
//! `/v2/info`. The access tokens it issues call the API with the scopes granted.
//!
//! ```no_run
//! use livechat_config::Priority;
//! use livechat_config_emulator::{Emulator, OWNER_ID};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let emulator = Emulator::start().await?;
//! let client = emulator.client();
//! let group = client.create_group("Sales", [(OWNER_ID, Priority::First)]).await?;
//! println!("group {} at {}", group.id, emulator.base_url());
//! # Ok(())
//! # }
//! ```

mod auth;
mod clock;
mod connections;
mod control;
mod deliveries;
mod emulator;
mod error;
mod faults;
mod handlers;
mod import;
mod journal;
mod locks;
mod oauth;
mod openapi;
mod persist;
mod secrets;
mod server;
mod shared;
mod state;
mod tls;
mod version_list;
mod versions;

pub use auth::{
    all_scopes, Token, BOT_TOKEN_SCOPES, DEFAULT_CLIENT_ID, DEFAULT_PAT, DEFAULT_PAT_ACCOUNT,
    DEFAULT_TOKEN, FRA_TOKEN,
};
pub use deliveries::{
    DeliveryPolicy, EmitError, EmitWebhook, EmittedDelivery, WebhookContext, EMIT_BODY_LIMIT,
    MAX_OUTBOUND_DELIVERIES, MAX_QUEUED_BYTES, MAX_QUEUED_DELIVERIES, QUEUED_PER_WEBHOOK,
};
pub use emulator::{
    default_tokens, Emulator, EmulatorBuilder, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
    DEFAULT_TRANSFER_TIMEOUT,
};
pub use faults::{FaultPlan, FaultRule, Faults};
pub use handlers::{PER_ACTION_LIMIT, TEMPLATE_LIMIT};
pub use import::ImportError;
pub use journal::{
    Attempt, DeliveryRecord, DeliveryStatus, RequestRecord, DEFAULT_JOURNAL_CAPACITY,
};
pub use oauth::{
    OAuthClient, ParseOAuthClientError, DEFAULT_CODE_LIFETIME as DEFAULT_OAUTH_CODE_LIFETIME,
    DEFAULT_TOKEN_LIFETIME as DEFAULT_OAUTH_TOKEN_LIFETIME,
    TOKENS_PER_CLIENT as OAUTH_TOKENS_PER_CLIENT,
};
pub use state::{ORGANIZATION_ID, OWNER_ID, TEST_NAMESPACE};
pub use versions::SERVED as VERSIONS;
