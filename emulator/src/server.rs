//! The HTTP side of the API: one route per action of each version under
//! `/v{version}/configuration/action/`, and the order of checks every request goes through — path
//! and version, method, faults, authentication, region, scopes, body — before its handler runs
//! under the state lock. The Accounts API's OAuth endpoints on the same port are `oauth`'s, the
//! control plane `control`'s.

use crate::auth::{self, Identity, Token};
use crate::clock;
use crate::connections::{self, Busy};
use crate::deliveries::{self, Before};
use crate::error::Failure;
use crate::handlers::{self, Access, Ctx};
use crate::persist::{Caller, Change};
use crate::shared::{lock, read, write, Shared};
use crate::state::State;
use crate::versions::{self, VersionedAction, VersionedRequest};
use axum::body::Bytes;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use livechat_config::ErrorKind;
use serde_json::Value;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// The largest API request body, as axum's default limit had it.
const API_BODY_LIMIT: usize = 2 * 1024 * 1024;

pub fn router(shared: Arc<Shared>) -> axum::Router {
    let oauth = crate::oauth::routes(shared.clone());
    crate::openapi::routes().merge(oauth).fallback(
        move |method: Method,
              uri: Uri,
              headers: HeaderMap,
              busy: Option<Extension<Arc<Busy>>>,
              body: axum::body::Body| {
            let shared = shared.clone();
            async move {
                let body = match connections::read_body(body, API_BODY_LIMIT).await {
                    Ok(body) => body,
                    Err(refusal) => return refusal,
                };
                // The body is in: from here on the wait is the emulator's, not the client's.
                let _busy = busy.map(|Extension(busy)| busy.enter());
                shared.serve(method, uri, headers, body).await
            }
        },
    )
}

/// An answer to an API call, kept as bytes until the journal has seen it.
struct Reply {
    status: u16,
    retry_after: Option<u64>,
    /// The methods a `405` names (RFC 9110).
    allow: Option<&'static str>,
    body: Vec<u8>,
}

impl Reply {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/json")],
            self.body,
        )
            .into_response();
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, seconds.into());
        }
        if let Some(methods) = self.allow {
            response
                .headers_mut()
                .insert(header::ALLOW, header::HeaderValue::from_static(methods));
        }
        response
    }
}

fn json_reply(status: u16, body: Vec<u8>) -> Reply {
    Reply {
        status,
        retry_after: None,
        allow: None,
        body,
    }
}

fn failure_reply(failure: &Failure, status: u16) -> Reply {
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
    versions::find(version, name)
}

impl Shared {
    async fn serve(
        self: &Arc<Self>,
        method: Method,
        uri: Uri,
        headers: HeaderMap,
        body: Bytes,
    ) -> Response {
        let started = std::time::Instant::now();
        let reply = self.answer(method, &uri, &headers, &body).await;
        self.journal.record(
            uri.path(),
            reply.status,
            started.elapsed(),
            &body,
            &reply.body,
        );
        reply.into_response()
    }

    async fn answer(
        self: &Arc<Self>,
        method: Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &Bytes,
    ) -> Reply {
        let action = match route(uri.path()) {
            Ok(action) => action,
            Err(failure) => return failure_reply(&failure, failure.status()),
        };
        if method != Method::POST {
            let failure = Failure::validation("actions are called with POST");
            let mut reply = failure_reply(&failure, 405);
            reply.allow = Some("POST");
            return reply;
        }
        *lock(&self.served).entry(action.name()).or_default() += 1;
        let (latency, fault) = lock(&self.faults).draw(action.name());
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        if let Some(fault) = fault {
            let failure = if fault.status == 429 {
                Failure::new(ErrorKind::TooManyRequests, "Too many requests")
            } else {
                Failure::internal("Internal server error")
            };
            let mut reply = failure_reply(&failure, fault.status);
            reply.retry_after = fault.retry_after;
            return reply;
        }
        // Handling is CPU work, long for a lookup of a large license: on a blocking thread it
        // leaves the async workers free to take the other calls.
        let (shared, headers, body) = (Arc::clone(self), headers.clone(), body.clone());
        match tokio::task::spawn_blocking(move || shared.call(action, &headers, &body)).await {
            Ok(Ok(bytes)) => json_reply(200, bytes),
            Ok(Err(failure)) => failure_reply(&failure, failure.status()),
            Err(stopped) => {
                let failure = Failure::internal(format!("the handler stopped: {stopped}"));
                failure_reply(&failure, 500)
            }
        }
    }

    fn identify(&self, action: VersionedAction, headers: &HeaderMap) -> Result<Identity, Failure> {
        if !action.needs_authorization() {
            return Ok(Identity::anonymous(&self.region));
        }
        let who = auth::authenticate(headers, &self.tokens, |token| self.issued_token(token))?;
        auth::check_region(headers, &self.region, &who)?;
        auth::check_scopes(action.name(), action.scopes(), &who)?;
        Ok(who)
    }

    /// A token issued at run time: a bot's (`issue_bot_token`) or an OAuth access token.
    fn issued_token(&self, token: &str) -> Option<Token> {
        self.bot_token(token)
            .or_else(|| self.oauth.access_token(token))
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
            version: action.version(),
        };
        let (value, outgoing) = if versions::changes_state(action) {
            let mut state = write(&self.state);
            // Payloads show objects as the API's own lookups answer them.
            let look =
                |state: &State, request| handlers::handle(request, &ctx, Access::Read(state)).ok();
            let license_action = action.as_stable();
            let before = Before::capture(license_action, &mut |r| look(&state, r));
            let value = self.change(action, request, &ctx, body, &mut state)?;
            let outgoing =
                deliveries::of_change(license_action, body, &value, before, &who, &state, &look);
            (value, outgoing)
        } else {
            let value = versions::handle(request, &ctx, Access::Read(&read(&self.state)))?;
            (value, Vec::new())
        };
        self.deliveries.send(outgoing);
        // The handlers answer the generated types, so the answer is the spec's by construction.
        serde_json::to_vec(&value).map_err(|e| Failure::internal(e.to_string()))
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
        let value = clock::at(at, || versions::handle(request, ctx, Access::Write(state)))?;
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
