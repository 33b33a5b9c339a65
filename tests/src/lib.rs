//! A real HTTP server on 127.0.0.1 for end-to-end tests: it records every request it gets and
//! answers with replies the test scripts, in order.

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use livechat_config::{Client, ClientBuilder, Credentials, RetryPolicy};
use serde_json::Value;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub mod examples;
pub mod raw;

/// A loopback port that refuses every connection for as long as the returned socket lives: it is
/// bound but never listens, so no other test can take the port meanwhile.
pub fn refusing_port() -> (tokio::net::TcpSocket, std::net::SocketAddr) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = socket.local_addr().unwrap();
    (socket, addr)
}

/// The bearer token test clients use.
pub const TOKEN: &str = "dal:test-token";

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body as JSON; panics (failing the test) when it is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("request body is not JSON ({e}): {:?}", self.body))
    }
}

/// One scripted answer: status, body, extra headers, how long to wait before sending it, and
/// what to run the moment that wait is over, just before the answer is written.
#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
    pub headers: Vec<(String, String)>,
    pub delay: Duration,
    pub when_sent: Option<Arc<dyn Fn() + Send + Sync>>,
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reply")
            .field("status", &self.status)
            .field("body", &String::from_utf8_lossy(&self.body))
            .field("headers", &self.headers)
            .field("delay", &self.delay)
            .finish_non_exhaustive()
    }
}

impl Reply {
    /// A JSON body with this status.
    pub fn json(status: u16, body: Value) -> Self {
        Self::raw(status, serde_json::to_vec(&body).unwrap())
    }

    /// These exact bytes with this status.
    pub fn raw(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            body: body.into(),
            headers: Vec::new(),
            delay: Duration::ZERO,
            when_sent: None,
        }
    }

    /// An API error payload of this type with this status.
    pub fn error(status: u16, kind: &str) -> Self {
        Self::json(
            status,
            serde_json::json!({"error": {"type": kind, "message": kind}}),
        )
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Runs `f` when the delay is over, before the answer goes out: the client cannot have it
    /// earlier.
    pub fn when_sent(mut self, f: impl Fn() + Send + Sync + 'static) -> Self {
        self.when_sent = Some(Arc::new(f));
        self
    }
}

type Handler = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

#[derive(Default)]
struct State {
    recorded: Vec<Recorded>,
    replies: VecDeque<Reply>,
    handler: Option<Handler>,
}

pub struct TestServer {
    pub base_url: String,
    state: Arc<Mutex<State>>,
}

impl TestServer {
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::serve(listener)
    }

    /// A server on this address (one a test reserved and let go of).
    pub async fn start_on(addr: std::net::SocketAddr) -> Self {
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        Self::serve(listener)
    }

    fn serve(listener: tokio::net::TcpListener) -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let app = axum::Router::new().fallback(
            move |method: axum::http::Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let state = shared.clone();
                async move {
                    let recorded = Recorded {
                        method: method.to_string(),
                        path: uri.path().to_string(),
                        headers,
                        body,
                    };
                    let answer = {
                        let mut state = state.lock().unwrap();
                        state.recorded.push(recorded.clone());
                        match (state.replies.pop_front(), &state.handler) {
                            (Some(scripted), _) => scripted,
                            (None, Some(handler)) => handler(&recorded),
                            (None, None) => Reply::raw(599, "no reply scripted"),
                        }
                    };
                    tokio::time::sleep(answer.delay).await;
                    if let Some(sent) = &answer.when_sent {
                        sent();
                    }
                    reply(answer)
                }
            },
        );
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        TestServer { base_url, state }
    }

    /// Scripts the next reply: a JSON body with this status.
    pub fn reply(&self, status: u16, body: Value) -> &Self {
        self.reply_raw(status, serde_json::to_vec(&body).unwrap())
    }

    /// Scripts the next reply: these exact bytes with this status.
    pub fn reply_raw(&self, status: u16, body: impl Into<Vec<u8>>) -> &Self {
        self.reply_with(Reply::raw(status, body))
    }

    /// Scripts the next reply.
    pub fn reply_with(&self, reply: Reply) -> &Self {
        self.state.lock().unwrap().replies.push_back(reply);
        self
    }

    /// Answers every request no scripted reply is left for with `handler`.
    pub fn handle(&self, handler: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> &Self {
        self.state.lock().unwrap().handler = Some(Arc::new(handler));
        self
    }

    /// A client of this server with [`TOKEN`] that sends every call once, so each test sees
    /// exactly the exchange it scripts.
    pub fn client(&self) -> Client {
        self.client_with(Credentials::bearer(TOKEN))
    }

    /// A client of this server with these credentials, sending every call once.
    pub fn client_with(&self, credentials: Credentials) -> Client {
        self.builder(credentials)
            .retry(RetryPolicy::none())
            .build()
            .unwrap()
    }

    /// A client builder pointed at this server, with the client's default settings otherwise.
    pub fn builder(&self, credentials: Credentials) -> ClientBuilder {
        Client::builder(credentials).base_url(&self.base_url)
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().unwrap().recorded.clone()
    }

    /// Asserts the server got exactly one request, a POST of `action` with the test token and a
    /// JSON body equal to `body`.
    pub fn assert_one(&self, action: &str, body: Value) {
        let requests = self.requests();
        assert_eq!(requests.len(), 1, "expected one request, got {requests:#?}");
        assert_sent(&requests[0], action, &body);
    }
}

/// Asserts one recorded request is a POST of `action` with the test token and this JSON body.
pub fn assert_sent(request: &Recorded, action: &str, body: &Value) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, format!("/v3.6/configuration/action/{action}"));
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(&request.json(), body, "body sent for `{action}`");
}

fn reply(answer: Reply) -> Response {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        answer.body,
    )
        .into_response();
    for (name, value) in answer.headers {
        response.headers_mut().insert(
            axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            axum::http::HeaderValue::from_str(&value).unwrap(),
        );
    }
    response
}

/// The workspace root.
pub fn root() -> PathBuf {
    xtask::root()
}

/// The spec as raw JSON, for reading its examples.
pub fn spec_json() -> Value {
    let text = std::fs::read_to_string(root().join(xtask::SPEC)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The reference's example response of an action, as kept in the spec.
pub fn example_response(action: &str) -> Value {
    example(action, "response")
}

/// The (conforming) example request of an action, as kept in the spec.
pub fn example_request(action: &str) -> Value {
    example(action, "request")
}

fn example(action: &str, which: &str) -> Value {
    let spec = spec_json();
    let found = spec["actions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == action)
        .unwrap_or_else(|| panic!("no action `{action}` in the spec"));
    found["examples"][which].clone()
}

/// The README's examples compile (they are not run: the first would call the production API),
/// and so do the guides' and each published crate's page.
#[cfg(doctest)]
pub mod docs {
    #[doc = include_str!("../../README.md")]
    pub struct Readme;
    #[doc = include_str!("../../docs/sdk.md")]
    pub struct Sdk;
    #[doc = include_str!("../../docs/authentication.md")]
    pub struct Authentication;
    #[doc = include_str!("../../docs/emulator.md")]
    pub struct Emulator;
    #[doc = include_str!("../../docs/cli.md")]
    pub struct Cli;
    #[doc = include_str!("../../docs/webhooks.md")]
    pub struct Webhooks;
    #[doc = include_str!("../../docs/versions.md")]
    pub struct Versions;
    #[doc = include_str!("../../docs/openapi.md")]
    pub struct OpenApi;
    #[doc = include_str!("../../sdk/README.md")]
    pub struct SdkPage;
    #[doc = include_str!("../../emulator/README.md")]
    pub struct EmulatorPage;
    #[doc = include_str!("../../cli/README.md")]
    pub struct CliPage;
}
