//! The HTTP side: one route per action under `/v3.6/configuration/action/`, and the order of
//! checks every request goes through — path and version, method, faults, authentication,
//! region, scopes, body — before its handler runs under the state lock.

use crate::auth::{self, Identity, Token};
use crate::connections::Busy;
use crate::error::Failure;
use crate::faults::{Dice, Faults, Injected};
use crate::handlers::{self, Ctx};
use crate::persist::Store;
use crate::state::State;
use axum::body::Bytes;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use livechat_config::{Action, ErrorKind, API_VERSION};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};

pub struct Shared {
    pub tokens: Vec<Token>,
    pub region: String,
    /// The Client IDs of the license's organization: the only valid `owner_client_id`s.
    pub organization_clients: BTreeSet<String>,
    pub faults: Mutex<(Faults, Dice)>,
    pub state: Mutex<State>,
    pub store: Option<Store>,
    pub served: Mutex<BTreeMap<Action, u64>>,
}

/// A handler never panics while holding a lock, but a poisoned lock must not take the whole
/// emulator down with it either.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub fn router(shared: Arc<Shared>) -> axum::Router {
    crate::openapi::routes().fallback(
        move |method: Method,
              uri: Uri,
              headers: HeaderMap,
              busy: Option<Extension<Arc<Busy>>>,
              body: Bytes| {
            let shared = shared.clone();
            async move {
                // The body is in: from here on the wait is the emulator's, not the client's.
                let _busy = busy.map(|Extension(busy)| busy.enter());
                shared.serve(method, uri, headers, body).await
            }
        },
    )
}

fn json_reply(status: u16, body: Vec<u8>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn failure_reply(failure: &Failure, status: u16) -> Response {
    json_reply(status, failure.body().to_string().into_bytes())
}

/// The action a path names, or why there is none.
fn route(path: &str) -> Result<Action, Failure> {
    let not_found = || Failure::not_found(format!("no endpoint at `{path}`"));
    let rest = path.strip_prefix("/v").ok_or_else(not_found)?;
    let (version, rest) = rest.split_once('/').ok_or_else(not_found)?;
    let name = rest
        .strip_prefix("configuration/action/")
        .ok_or_else(not_found)?;
    if version != API_VERSION {
        return Err(Failure::new(
            ErrorKind::UnsupportedVersion,
            format!("Cannot call unsupported API versions: this emulator speaks {API_VERSION}, not {version}"),
        ));
    }
    Action::from_name(name).ok_or_else(|| Failure::not_found(format!("unknown action `{name}`")))
}

/// Everything but the lookups: lists, gets, checks. Their success changes nothing to save.
fn changes_state(action: Action) -> bool {
    !matches!(
        action,
        Action::GetAgent
            | Action::ListAgents
            | Action::RequestAgentUnsuspension
            | Action::ListAutoAccesses
            | Action::ListBotTemplates
            | Action::ListBots
            | Action::GetBot
            | Action::ListGroups
            | Action::GetGroup
            | Action::ListProperties
            | Action::ListLicenseProperties
            | Action::ListGroupsProperties
            | Action::ListTags
            | Action::ListWebhooks
            | Action::ListWebhookNames
            | Action::GetLicenseWebhooksState
            | Action::ListChannels
            | Action::CheckProductLimitsForPlan
            | Action::GetProductSource
            | Action::ReactivateEmail
    )
}

impl Shared {
    async fn serve(&self, method: Method, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
        let action = match route(uri.path()) {
            Ok(action) => action,
            Err(failure) => return failure_reply(&failure, failure.status()),
        };
        if method != Method::POST {
            let failure = Failure::validation("actions are called with POST");
            return failure_reply(&failure, 405);
        }
        *lock(&self.served).entry(action).or_default() += 1;
        let (latency, injected) = {
            let mut faults = lock(&self.faults);
            let (config, dice) = &mut *faults;
            (config.latency, dice.roll(config))
        };
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        match injected {
            Some(Injected::RateLimited) => {
                let failure = Failure::new(ErrorKind::TooManyRequests, "Too many requests");
                return failure_reply(&failure, 429);
            }
            Some(Injected::ServerError) => {
                let failure = Failure::internal("Internal server error");
                return failure_reply(&failure, 503);
            }
            None => {}
        }
        match self.call(action, &headers, &body) {
            Ok(bytes) => json_reply(200, bytes),
            Err(failure) => failure_reply(&failure, failure.status()),
        }
    }

    fn identify(&self, action: Action, headers: &HeaderMap) -> Result<Identity, Failure> {
        // "This method requires no authorization."
        if action == Action::ListWebhookNames {
            return Ok(Identity::anonymous(&self.region));
        }
        let who = auth::authenticate(headers, &self.tokens, |token| self.bot_token(token))?;
        auth::check_region(headers, &self.region, &who)?;
        auth::check_scopes(action, &who)?;
        Ok(who)
    }

    fn bot_token(&self, token: &str) -> Option<Token> {
        let state = lock(&self.state);
        let bot_id = state.bot_tokens.get(token)?;
        let owner = state.bots.get(bot_id)?.bot.owner_client_id.as_deref();
        Some(Token::for_bot(token, bot_id, owner))
    }

    fn call(&self, action: Action, headers: &HeaderMap, body: &[u8]) -> Result<Vec<u8>, Failure> {
        let who = self.identify(action, headers)?;
        let request = action
            .decode_request(body)
            .map_err(|e| handlers::validation(&e))?;
        let ctx = Ctx {
            who: &who,
            region: &self.region,
            organization_clients: &self.organization_clients,
        };
        let value = {
            let mut state = lock(&self.state);
            match (&self.store, changes_state(action)) {
                (Some(store), true) => {
                    // The change is made on a copy and takes the live state's place only once it
                    // is on disk: an acknowledged change is saved, and one that cannot be saved
                    // is answered as an error and leaves nothing behind, in memory or later on
                    // disk.
                    let mut next = state.clone();
                    let value = handlers::handle(request, &ctx, &mut next)?;
                    store
                        .save(&next)
                        .map_err(|e| Failure::internal(format!("cannot save the state: {e}")))?;
                    *state = next;
                    value
                }
                _ => handlers::handle(request, &ctx, &mut state)?,
            }
        };
        let bytes = serde_json::to_vec(&value).map_err(|e| Failure::internal(e.to_string()))?;
        // The answer goes out only if the sdk decodes it: the emulator cannot drift from the spec.
        action.decode_response(&bytes).map_err(|e| {
            Failure::internal(format!(
                "the emulator built an answer that does not match the spec: {e}"
            ))
        })?;
        Ok(bytes)
    }
}
