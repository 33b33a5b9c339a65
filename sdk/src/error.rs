//! Every way a call can fail, as one typed `Error`.

use crate::validate::Violation;
use crate::{ActionName, ErrorKind};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

mod transport;
pub use transport::TransportError;
pub(crate) use transport::{check_scheme, shown_url};

/// What a [`CredentialsProvider`](crate::CredentialsProvider) fails with: any error of its own.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why a call failed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error payload (`{"error": {"type", "message", "data"}}`).
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The request did not complete: connection refused or reset, TLS failure, body cut short.
    /// Why is the [`TransportError`], this error's [`source`](std::error::Error::source).
    #[error("`{action}`: transport failed")]
    Transport {
        /// The action that was called.
        action: ActionName,
        /// What went wrong below HTTP.
        #[source]
        source: TransportError,
    },
    /// The [`CredentialsProvider`](crate::CredentialsProvider) failed; its error is this
    /// error's [`source`](std::error::Error::source). The request was not sent.
    #[error("`{action}`: the credentials provider failed")]
    Credentials {
        /// The action that was called.
        action: ActionName,
        /// The provider's own error.
        #[source]
        source: Arc<dyn std::error::Error + Send + Sync>,
    },
    /// No complete answer within the configured timeout (connect timeout included).
    #[error("`{action}` timed out")]
    Timeout {
        /// The action that was called.
        action: ActionName,
    },
    /// The answer's body was larger than the client's limit
    /// ([`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size)); it was
    /// not read to the end.
    #[error("`{action}` answered with a body over the {limit}-byte limit")]
    ResponseTooLarge {
        /// The action that was called.
        action: ActionName,
        /// The limit, in bytes.
        limit: usize,
    },
    /// A successful answer whose body is not what the action returns.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A non-2xx answer without an API error payload (a proxy's HTML page, say); for a
    /// [`Client::call_raw`](crate::Client::call_raw) of an action this version does not list,
    /// also a 2xx answer whose body is not JSON.
    #[error("`{action}` answered HTTP {status}{} without an API error payload: {excerpt:?}", unsent_write(Some(.action), Some(*.status)))]
    Status {
        /// The action that was called.
        action: ActionName,
        /// The HTTP status code.
        status: u16,
        /// The start of the body.
        excerpt: String,
    },
    /// The answer was a redirect (3xx). Every call is a `POST` whose body must not be re-sent
    /// elsewhere or turned into a `GET`, so redirects are never followed. A user-supplied HTTP
    /// client that follows them itself is caught too: then `status` is that of the answer it
    /// ended at and `location` the URL it ended at.
    #[error("`{action}` answered with a redirect (HTTP {status}) to {}; redirects are not followed", .location.as_deref().unwrap_or("nowhere"))]
    Redirect {
        /// The action that was called.
        action: ActionName,
        /// The HTTP status code.
        status: u16,
        /// The `Location` the answer named (at most 200 characters of it).
        location: Option<String>,
    },
    /// The request breaks a documented rule (a limit, a field combination) and was not sent.
    #[error("invalid `{action}` request: {}", list(.violations))]
    InvalidRequest {
        /// The action that was called.
        action: ActionName,
        /// Every broken rule, with the path of its field.
        violations: Vec<Violation>,
    },
    /// A paged list answered a next page id it had answered before: following it would loop, so
    /// the walk stopped after the pages it had.
    #[error("`{action}` answered page id {page_id:?} a second time; paging stopped")]
    RepeatedPage {
        /// The action that was paged.
        action: ActionName,
        /// The page id that came back.
        page_id: String,
    },
    /// The client cannot send requests as configured (a token that is not a valid header value,
    /// a base URL that is not a URL).
    #[error("invalid client configuration: {0}")]
    Config(String),
}

fn list(violations: &[Violation]) -> String {
    let parts: Vec<String> = violations.iter().map(ToString::to_string).collect();
    parts.join("; ")
}

impl Error {
    /// The API error, when the API answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The API's error type, when the API answered with an error.
    pub fn api_kind(&self) -> Option<&ErrorKind> {
        self.api().map(|e| &e.kind)
    }

    /// The action the failed call was for, when the error names one.
    pub fn action(&self) -> Option<ActionName> {
        match self {
            Error::Api(e) => e.action.clone(),
            Error::Transport { action, .. }
            | Error::Credentials { action, .. }
            | Error::Timeout { action }
            | Error::ResponseTooLarge { action, .. }
            | Error::Status { action, .. }
            | Error::Redirect { action, .. }
            | Error::RepeatedPage { action, .. } => Some(action.clone()),
            Error::Decode(e) => Some(e.action.clone()),
            Error::InvalidRequest { action, .. } => Some(action.clone()),
            Error::Config(_) => None,
        }
    }

    /// What went wrong below HTTP, for a [`Error::Transport`].
    pub fn transport(&self) -> Option<&TransportError> {
        match self {
            Error::Transport { source, .. } => Some(source),
            _ => None,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => e.status,
            Error::Status { status, .. } | Error::Redirect { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the failure may go away when the same call is made again later: rate limiting,
    /// a server error, a timeout or a transport failure. It does not say whether re-sending is
    /// safe: a write that failed this way may have been applied (except after a `429`, which
    /// the API sends before running anything).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Api(e) => {
                matches!(e.kind, ErrorKind::TooManyRequests | ErrorKind::Internal)
                    || e.status.is_some_and(transient_status)
            }
            Error::Status { status, .. } => transient_status(*status),
            _ => false,
        }
    }

    /// Whether the API refused the call with `429` / `too_many_requests`: it was not run.
    pub fn is_rate_limited(&self) -> bool {
        self.api()
            .is_some_and(|e| e.kind == ErrorKind::TooManyRequests || e.status == Some(429))
            || matches!(self, Error::Status { status: 429, .. })
    }

    /// Whether the API answered `not_found`.
    pub fn is_not_found(&self) -> bool {
        self.api_kind() == Some(&ErrorKind::NotFound)
    }

    /// Whether the API refused the credentials (`authentication`: invalid or expired).
    pub fn is_authentication(&self) -> bool {
        self.api_kind() == Some(&ErrorKind::Authentication)
    }
}

/// 429 and 5xx: answers that say "not now" rather than "no".
pub(crate) fn transient_status(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

/// An error the API reported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}{kind}: {message}{}", named(.action.as_ref()), server_fault(.action.as_ref(), *.status))]
#[non_exhaustive]
pub struct ApiError {
    /// The action whose call the API refused; for an item of a batch answer, the batch action.
    /// `None` only for errors made with [`ApiError::new`].
    pub action: Option<ActionName>,
    /// `error.type`: one of the documented kinds, or [`ErrorKind::Other`].
    pub kind: ErrorKind,
    /// `error.message`.
    pub message: String,
    /// `error.data`, kept as sent (e.g. `{"region": "fra"}` for `misdirected_request`).
    pub data: Option<Value>,
    /// The HTTP status of the answer; `None` for an item of a batch answer.
    pub status: Option<u16>,
    /// The answer's `Retry-After`, when it had one.
    pub retry_after: Option<Duration>,
}

impl ApiError {
    /// An error of the given kind with the given message.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            action: None,
            kind,
            message: message.into(),
            data: None,
            status: None,
            retry_after: None,
        }
    }

    /// Sets `data`.
    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }

    /// `data.region`: where a `misdirected_request` says the call belongs.
    pub fn region(&self) -> Option<&str> {
        self.data.as_ref()?.get("region")?.as_str()
    }
}

fn named(action: Option<&ActionName>) -> String {
    action.map(|a| format!("`{a}`: ")).unwrap_or_default()
}

/// The status of a server error, which the API's message rarely gives.
fn server_fault(action: Option<&ActionName>, status: Option<u16>) -> String {
    match status {
        Some(status) if (500..600).contains(&status) => {
            format!(" (HTTP {status}{})", unsent_write(action, Some(status)))
        }
        _ => String::new(),
    }
}

/// Why a write that met a server error came back at once: it may have been applied, so the
/// client did not send it again (see `RetryPolicy`).
fn unsent_write(action: Option<&ActionName>, status: Option<u16>) -> &'static str {
    let write = action.is_some_and(|a| !a.info().is_some_and(|info| info.read_only));
    if write && status.is_some_and(|s| (500..600).contains(&s)) {
        "; a write is not sent again, as it may have been applied"
    } else {
        ""
    }
}

/// A body that does not decode as the action's request or response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot decode `{action}`{}: {message} (body: {excerpt:?})", at(.path))]
#[non_exhaustive]
pub struct DecodeError {
    /// The action whose body it is.
    pub action: ActionName,
    /// Path of the offending field (`groups[0].priority`); empty for the whole body.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// The start of the body.
    pub excerpt: String,
}

fn at(path: &str) -> String {
    if path.is_empty() || path == "." {
        String::new()
    } else {
        format!(" at `{path}`")
    }
}
