//! The HTTP side: one route per action of each version under `/v{version}/configuration/action/`,
//! and the order of
//! checks every request goes through — path and version, method, faults, authentication,
//! region, scopes, body — before its handler runs under the state lock.

use crate::auth::{self, Identity, Token};
use crate::clock;
use crate::connections::Busy;
use crate::error::Failure;
use crate::faults::{Dice, Faults, Injected};
use crate::handlers::{self, Access, Ctx};
use crate::persist::{Caller, Change, Store};
use crate::state::State;
use crate::versions::{self, VersionedAction, VersionedRequest};
use axum::body::Bytes;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use livechat_config::ErrorKind;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

pub struct Shared {
    pub tokens: Vec<Token>,
    pub region: String,
    /// The Client IDs of the license's organization: the only valid `owner_client_id`s.
    pub organization_clients: BTreeSet<String>,
    pub faults: Mutex<(Faults, Dice)>,
    /// Lookups share it; changes hold it alone.
    pub state: RwLock<State>,
    pub store: Option<Store>,
    /// A save failed and the state could not be read back: changes are refused until restart.
    pub diverged: AtomicBool,
    /// Calls received per action name, whatever their version.
    pub served: Mutex<BTreeMap<&'static str, u64>>,
}

/// A handler never panics while holding a lock, but a poisoned lock must not take the whole
/// emulator down with it either.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub fn read<T>(lock: &RwLock<T>) -> RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub fn write<T>(lock: &RwLock<T>) -> RwLockWriteGuard<'_, T> {
    lock.write()
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
fn route(path: &str) -> Result<VersionedAction, Failure> {
    let not_found = || Failure::not_found(format!("no endpoint at `{path}`"));
    let rest = path.strip_prefix("/v").ok_or_else(not_found)?;
    let (version, rest) = rest.split_once('/').ok_or_else(not_found)?;
    let name = rest
        .strip_prefix("configuration/action/")
        .ok_or_else(not_found)?;
    VersionedAction::find(version, name)
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
        *lock(&self.served).entry(action.name()).or_default() += 1;
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

    fn identify(&self, action: VersionedAction, headers: &HeaderMap) -> Result<Identity, Failure> {
        // "This method requires no authorization."
        if action.name() == "list_webhook_names" {
            return Ok(Identity::anonymous(&self.region));
        }
        let who = auth::authenticate(headers, &self.tokens, |token| self.bot_token(token))?;
        auth::check_region(headers, &self.region, &who)?;
        auth::check_scopes(action.name(), action.scopes(), &who)?;
        Ok(who)
    }

    fn bot_token(&self, token: &str) -> Option<Token> {
        let state = read(&self.state);
        let bot_id = state.bot_tokens.get(token)?;
        let owner = state.bots.get(bot_id)?.bot.owner_client_id.as_deref();
        Some(Token::for_bot(token, bot_id, owner))
    }

    fn call(
        &self,
        action: VersionedAction,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Vec<u8>, Failure> {
        let who = self.identify(action, headers)?;
        let request = action
            .decode_request(body)
            .map_err(|e| handlers::validation(&e))?;
        let ctx = Ctx {
            who: &who,
            region: &self.region,
            organization_clients: &self.organization_clients,
        };
        let value = if action.changes_state() {
            let mut state = write(&self.state);
            self.change(action, request, &ctx, body, &mut state)?
        } else {
            request.handle(&ctx, Access::Read(&read(&self.state)))?
        };
        let bytes = serde_json::to_vec(&value).map_err(|e| Failure::internal(e.to_string()))?;
        action.check_response(&bytes).map_err(|e| {
            Failure::internal(format!(
                "the emulator built an answer that does not match the spec: {e}"
            ))
        })?;
        Ok(bytes)
    }

    /// Makes a change and, with a state database, commits it to the journal before it is
    /// acknowledged. A change that cannot be committed is undone by rebuilding the state from
    /// the database, so it is applied nowhere.
    fn change(
        &self,
        action: VersionedAction,
        request: VersionedRequest,
        ctx: &Ctx,
        body: &[u8],
        state: &mut State,
    ) -> Result<Value, Failure> {
        if self.diverged.load(Ordering::SeqCst) {
            return Err(Failure::internal(
                "the state database could not be read back after a failed save; restart the emulator",
            ));
        }
        let at = clock::now();
        let value = clock::at(at, || request.handle(ctx, Access::Write(state)))?;
        let Some(store) = &self.store else {
            return Ok(value);
        };
        let change = Change {
            at,
            version: action.version().to_string(),
            action: action.name().to_string(),
            body: body.to_vec(),
            caller: Caller {
                who: ctx.who.clone(),
                region: ctx.region.to_string(),
                organization_clients: ctx.organization_clients.clone(),
            },
        };
        if let Err(e) = store.record(&change) {
            match store.load().map_err(|e| e.to_string()).and_then(|loaded| {
                let (snapshot, changes) = loaded.ok_or("the database lost its snapshot")?;
                versions::replay(snapshot, &changes)
            }) {
                Ok(saved) => *state = saved,
                Err(_) => self.diverged.store(true, Ordering::SeqCst),
            }
            return Err(Failure::internal(format!("cannot save the state: {e}")));
        }
        if store.wants_snapshot() {
            // A failed snapshot loses nothing: the journal still holds every change.
            let _ = store.save(state);
        }
        Ok(value)
    }
}
