//! The control plane under `/emulator/…`: reset, snapshot and restore of the license state, the
//! journals of requests and webhook deliveries, webhooks emitted on request, and faults at run
//! time, all behind an admin token that is never an API token.

use crate::connections;
use crate::deliveries::emit::{self, EmitError, EmitWebhook, EmittedDelivery, EMIT_BODY_LIMIT};
use crate::error::Failure;
use crate::faults::FaultPlan;
use crate::shared::{lock, read, write, Shared};
use crate::state::State;
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use livechat_config::ErrorKind;
use serde::Serialize;
use serde_json::{json, Value};
use std::sync::Arc;

/// Where the control plane lives.
pub const PREFIX: &str = "/emulator";

/// The largest control request: an imported state of a large license runs to tens of MB.
pub const BODY_LIMIT: usize = 512 * 1024 * 1024;

/// The path of [`Shared::emit_webhook`], under [`PREFIX`].
const EMIT: &str = "/webhooks/emit";

/// A control path without [`PREFIX`] and a trailing slash: `/webhooks/emit`.
fn route(path: &str) -> &str {
    path.strip_prefix(PREFIX)
        .unwrap_or(path)
        .trim_end_matches('/')
}

/// The most a control request to `path` may send: a state to import runs to hundreds of MB, a
/// webhook to emit to [`EMIT_BODY_LIMIT`].
fn body_limit(path: &str) -> usize {
    if route(path) == EMIT {
        EMIT_BODY_LIMIT
    } else {
        BODY_LIMIT
    }
}

/// Every path under [`PREFIX`], the emulator's own documents (`openapi`) aside. The admin token
/// is checked from the headers before a byte of the body is read: only an authenticated caller
/// may send the hundreds of MB a state can run to. A body its `Content-Length` announces over
/// the path's limit is refused then too, unread.
pub fn routes(shared: Arc<Shared>) -> axum::Router {
    let handler = move |method: Method, uri: Uri, headers: HeaderMap, body: axum::body::Body| {
        let shared = shared.clone();
        async move {
            if let Err((status, failure)) = shared.check_admin(&headers) {
                return refusal(status, &failure);
            }
            let limit = body_limit(uri.path());
            if connections::announced_length(&headers).is_some_and(|n| n > limit as u64) {
                return refusal(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    &Failure::validation(format!(
                        "the body is over {limit} bytes, the most `{}` takes",
                        uri.path()
                    )),
                );
            }
            match connections::read_body(body, limit).await {
                Ok(body) => shared.control(&method, uri.path(), uri.query(), &headers, &body),
                Err(refusal) => refusal,
            }
        }
    };
    let any = axum::routing::any(handler);
    axum::Router::new()
        .route(PREFIX, any.clone())
        .route("/emulator/", any.clone())
        .route("/emulator/{*rest}", any)
}

impl Shared {
    /// Puts `state` in place of the live one, on disk first when there is a state file: a state
    /// that cannot be saved changes nothing.
    pub fn replace_state(&self, state: State) -> Result<(), Failure> {
        let mut live = write(&self.state);
        if let Some(store) = &self.store {
            // The new snapshot, with the journal emptied, in one transaction.
            store
                .save(&state)
                .map_err(|e| Failure::internal(format!("cannot save the state: {e}")))?;
        }
        *live = state;
        // Memory and database agree again, whatever a failed save had left.
        self.diverged
            .store(false, std::sync::atomic::Ordering::SeqCst);
        Ok(())
    }

    pub fn reset(&self) -> Result<(), Failure> {
        self.replace_state(self.initial.clone())
    }

    pub fn export_state(&self) -> Value {
        serde_json::to_value(&*read(&self.state)).unwrap_or_default()
    }

    pub fn import_state(&self, value: Value) -> Result<(), Failure> {
        let state = crate::import::parse_state(value, &self.organization_clients)
            .map_err(|e| Failure::validation(e.to_string()))?;
        self.replace_state(state)
    }

    /// Checks a webhook against its version's spec and queues a delivery to every registered
    /// webhook that receives it; a refused one delivers and journals nothing.
    pub fn emit_webhook(&self, emit: EmitWebhook) -> Result<Vec<EmittedDelivery>, EmitError> {
        let outgoing = emit::address(emit, &read(&self.state))?;
        let sent = self.deliveries.send(outgoing);
        Ok(sent
            .into_iter()
            .map(|sent| EmittedDelivery {
                webhook_id: sent.webhook_id,
                seq: sent.seq,
                queued: sent.refused.is_none(),
                error: sent.refused,
            })
            .collect())
    }

    pub fn set_fault_plan(&self, plan: FaultPlan) -> Result<(), Failure> {
        plan.check().map_err(Failure::validation)?;
        lock(&self.faults).plan = plan;
        Ok(())
    }

    /// Serves one request to the control plane.
    pub fn control(
        &self,
        method: &Method,
        path: &str,
        query: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Response {
        match self.control_inner(method, path, query, headers, body) {
            Ok(value) => reply(StatusCode::OK, &value),
            Err((status, failure)) => {
                let mut response = reply(status, &failure.body());
                if status == StatusCode::METHOD_NOT_ALLOWED {
                    if let Ok(methods) = header::HeaderValue::from_str(allowed(route(path))) {
                        response.headers_mut().insert(header::ALLOW, methods);
                    }
                }
                response
            }
        }
    }

    fn control_inner(
        &self,
        method: &Method,
        path: &str,
        query: Option<&str>,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Value, (StatusCode, Failure)> {
        self.check_admin(headers)?;
        let route = route(path);
        let known = [
            "/reset",
            "/state",
            "/requests",
            "/webhooks",
            EMIT,
            "/faults",
        ];
        if !known.contains(&route) {
            return Err((
                StatusCode::NOT_FOUND,
                Failure::not_found(format!(
                    "no control endpoint at `{path}`; there are {}",
                    known.map(|k| format!("{PREFIX}{k}")).join(", ")
                )),
            ));
        }
        let params = Query::parse(query)?;
        let bad_request = |f: Failure| (StatusCode::BAD_REQUEST, f);
        let internal = |f: Failure| (StatusCode::INTERNAL_SERVER_ERROR, f);
        match (route, method.as_str()) {
            ("/reset", "POST") => self.reset().map(|()| json!({})).map_err(internal),
            ("/state", "GET") => Ok(self.export_state()),
            ("/state", "PUT") => {
                let value = json_body(body).map_err(bad_request)?;
                match self.import_state(value) {
                    Ok(()) => Ok(json!({})),
                    Err(f) if f.kind == ErrorKind::Validation => Err(bad_request(f)),
                    Err(f) => Err(internal(f)),
                }
            }
            ("/requests", "GET") => Ok(json!({
                "requests": to_value(&self.journal.list(params.action.as_deref()))
            })),
            ("/requests", "DELETE") => Ok(json!({ "cleared": self.journal.clear() })),
            ("/webhooks", "GET") => Ok(json!({ "deliveries": to_value(&self.deliveries.list()) })),
            ("/webhooks", "DELETE") => Ok(json!({ "cleared": self.deliveries.clear() })),
            (EMIT, "POST") => {
                json_content(headers)?;
                let emitted = emit::parse(body)
                    .and_then(|emit| self.emit_webhook(emit))
                    .map_err(|e| bad_request(emit_failure(&e)))?;
                Ok(json!({ "deliveries": to_value(&emitted) }))
            }
            ("/faults", "GET") => Ok(to_value(&lock(&self.faults).plan)),
            ("/faults", "PUT") => {
                let value = json_body(body).map_err(bad_request)?;
                let plan: FaultPlan = serde_json::from_value(value).map_err(|e| {
                    bad_request(Failure::validation(format!("invalid faults: {e}")))
                })?;
                self.set_fault_plan(plan).map_err(bad_request)?;
                Ok(to_value(&lock(&self.faults).plan))
            }
            _ => Err((
                StatusCode::METHOD_NOT_ALLOWED,
                Failure::validation(format!(
                    "`{method} {path}` is not a control operation; `{path}` takes {}",
                    allowed(route)
                )),
            )),
        }
    }

    pub(crate) fn check_admin(&self, headers: &HeaderMap) -> Result<(), (StatusCode, Failure)> {
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim());
        match presented {
            Some(token) if self.admin.matches(token) => Ok(()),
            Some(_) => Err((
                StatusCode::UNAUTHORIZED,
                Failure::new(ErrorKind::Authentication, "invalid admin token"),
            )),
            None => Err((
                StatusCode::UNAUTHORIZED,
                Failure::new(
                    ErrorKind::Authentication,
                    "the control plane needs `Authorization: Bearer <admin token>`; the emulator prints it at start",
                ),
            )),
        }
    }
}

struct Query {
    action: Option<String>,
}

impl Query {
    fn parse(query: Option<&str>) -> Result<Self, (StatusCode, Failure)> {
        let mut out = Query { action: None };
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("action", value)) if !value.is_empty() => out.action = Some(value.to_string()),
                _ => {
                    return Err((
                        StatusCode::BAD_REQUEST,
                        Failure::validation(format!(
                            "unknown query parameter `{pair}`; the journal is filtered with `action=<name>`"
                        )),
                    ))
                }
            }
        }
        Ok(out)
    }
}

/// An emit request that is refused, as the control plane answers it: `unsupported_version` for a
/// version it does not serve, `validation` otherwise, with the path of the field to blame.
fn emit_failure(e: &EmitError) -> Failure {
    let kind = match e {
        EmitError::UnknownVersion { .. } => ErrorKind::UnsupportedVersion,
        _ => ErrorKind::Validation,
    };
    let failure = Failure::new(kind, e.to_string());
    match e.path() {
        Some(path) => failure.with_data(json!({ "path": path })),
        None => failure,
    }
}

/// A body that must be JSON says so: `Content-Type: application/json`, parameters allowed.
fn json_content(headers: &HeaderMap) -> Result<(), (StatusCode, Failure)> {
    let given = headers
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let media = given
        .as_deref()
        .and_then(|v| v.split(';').next())
        .map(|m| m.trim().to_ascii_lowercase());
    if media.as_deref() == Some("application/json") {
        return Ok(());
    }
    Err((
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Failure::validation(match given {
            Some(given) => format!("the body must be `application/json`, not `{given}`"),
            None => "the body must be `application/json`: send a `Content-Type` header".into(),
        }),
    ))
}

fn json_body(body: &[u8]) -> Result<Value, Failure> {
    serde_json::from_slice(body)
        .map_err(|e| Failure::validation(format!("the body is not JSON: {e}")))
}

fn to_value<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// The methods a control route takes (the `Allow` of its `405`).
fn allowed(route: &str) -> &'static str {
    match route {
        "/reset" => "POST",
        "/state" | "/faults" => "GET, PUT",
        "/requests" | "/webhooks" => "GET, DELETE",
        EMIT => "POST",
        _ => "",
    }
}

/// A refusal given before the request's body is read: the connection closes after it, as the
/// unread body is not waited for.
pub fn refusal(status: StatusCode, failure: &Failure) -> Response {
    let mut response = reply(status, &failure.body());
    response.headers_mut().insert(
        header::CONNECTION,
        header::HeaderValue::from_static("close"),
    );
    response
}

fn reply(status: StatusCode, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}
