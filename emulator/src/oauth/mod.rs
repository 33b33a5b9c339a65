//! A twin of the Accounts API's OAuth endpoints on the emulator's own port: the authorization
//! page (`GET /`, with its error page `GET /ooops`), the code and refresh grants
//! (`POST /v2/token`), validation (`GET /v2/info`) and revocation (`DELETE /v2/token`), for the
//! clients registered with [`EmulatorBuilder::oauth_client`](crate::EmulatorBuilder::oauth_client).
//! The authorization page approves at once, as the license owner; the access tokens it leads to
//! call the Configuration API with the scopes granted.
//!
//! Codes and tokens live in memory only: they are not part of the license state, so the state
//! file, `GET /emulator/state` and `POST /emulator/reset` neither keep nor touch them, and a
//! restarted emulator knows none. These requests carry secrets, so they are not journaled, and
//! the API's faults and latency do not apply to them.

mod authorize;
mod client;
mod error;
mod grants;
mod params;
mod redirect;
mod token;

pub use client::{OAuthClient, ParseOAuthClientError};
pub use grants::TOKENS_PER_CLIENT;

use crate::auth::{all_scopes, Token};
use crate::shared::{lock, read, Shared};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use error::OAuthError;
use grants::Grants;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long an access token lives unless told otherwise: the reference's 28800 s (8 hours).
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(28_800);
/// How long a code can be exchanged: "a few minutes", says the reference; 5 here.
pub const DEFAULT_CODE_LIFETIME: Duration = Duration::from_secs(300);

/// The builder's OAuth settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub clients: Vec<OAuthClient>,
    pub token_lifetime: Duration,
    pub code_lifetime: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            clients: Vec::new(),
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            code_lifetime: DEFAULT_CODE_LIFETIME,
        }
    }
}

/// A registered client, its scopes resolved.
struct Registered {
    client: OAuthClient,
    scopes: BTreeSet<String>,
}

/// The authorization server: its clients, its settings and what it has issued.
pub struct Authority {
    clients: BTreeMap<String, Registered>,
    region: String,
    token_lifetime: Duration,
    code_lifetime: Duration,
    grants: Mutex<Grants>,
    code_grants: AtomicU64,
    refresh_grants: AtomicU64,
}

impl Authority {
    /// Checks the clients; an unusable one is refused with the reason (never its secret).
    pub fn new(settings: Settings, region: &str) -> Result<Self, String> {
        let mut clients = BTreeMap::new();
        for client in settings.clients {
            client.check()?;
            let scopes = client.granted_scopes().cloned().unwrap_or_else(all_scopes);
            let id = client.id().to_string();
            if clients
                .insert(id.clone(), Registered { client, scopes })
                .is_some()
            {
                return Err(format!("the OAuth client `{id}` is registered twice"));
            }
        }
        Ok(Self {
            clients,
            region: region.to_string(),
            // `expires_in` counts whole seconds, and one of 0 would mean a token dead on arrival.
            token_lifetime: Duration::from_secs(settings.token_lifetime.as_secs().max(1)),
            code_lifetime: settings.code_lifetime,
            grants: Mutex::new(Grants::default()),
            code_grants: AtomicU64::new(0),
            refresh_grants: AtomicU64::new(0),
        })
    }

    pub fn clients(&self) -> impl Iterator<Item = &OAuthClient> {
        self.clients.values().map(|r| &r.client)
    }

    fn client(&self, id: &str) -> Option<&Registered> {
        self.clients.get(id)
    }

    /// The Configuration API's view of a live access token: the owner, through the client, with
    /// the scopes granted.
    pub fn access_token(&self, token: &str) -> Option<Token> {
        let grants = lock(&self.grants);
        let access = grants.access(token, crate::clock::now())?;
        Some(
            Token::bearer(token)
                .scopes(access.scopes.iter().cloned())
                .client_id(&access.client_id)
                .agent_id(crate::state::OWNER_ID)
                .region(&self.region),
        )
    }

    /// Grants of this type answered 200 so far (`code` counts as `authorization_code`).
    pub fn grants_answered(&self, grant_type: &str) -> u64 {
        match grant_type {
            "authorization_code" | "code" => self.code_grants.load(Ordering::Relaxed),
            "refresh_token" => self.refresh_grants.load(Ordering::Relaxed),
            _ => 0,
        }
    }
}

/// Whose tokens these are: the license owner's account in the emulated organization.
struct Owner {
    account_id: String,
    organization_id: String,
}

fn owner(shared: &Shared) -> Owner {
    let state = read(&shared.state);
    let account_id = state
        .agents
        .get(crate::state::OWNER_ID)
        .and_then(|owner| owner.account_id.clone())
        .unwrap_or_else(|| crate::auth::DEFAULT_PAT_ACCOUNT.to_string());
    Owner {
        account_id,
        organization_id: state.organization_id.clone(),
    }
}

pub fn routes(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(authorize::page).fallback(|| wrong_method("GET")))
        .route(
            "/ooops",
            get(authorize::ooops).fallback(|| wrong_method("GET")),
        )
        .route(
            "/v2/token",
            post(token::exchange)
                .delete(token::revoke)
                .fallback(|| wrong_method("POST, DELETE")),
        )
        .route(
            "/v2/info",
            get(token::info).fallback(|| wrong_method("GET")),
        )
        .with_state(shared)
}

/// A `405` naming the methods the path takes (RFC 9110).
async fn wrong_method(allow: &'static str) -> Response {
    let mut response = OAuthError::invalid_request("wrong HTTP method for this endpoint")
        .with_status(StatusCode::METHOD_NOT_ALLOWED)
        .into_response();
    response.headers_mut().insert(
        axum::http::header::ALLOW,
        axum::http::HeaderValue::from_static(allow),
    );
    response
}
