//! Every way a call can fail, as one typed `Error`.

use crate::validate::Violation;
use crate::{Action, ErrorKind};
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// Why a call failed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error payload (`{"error": {"type", "message", "data"}}`).
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The request did not complete: connection refused or reset, TLS failure, body cut short.
    #[error("`{action}`: transport failed: {source}")]
    Transport {
        /// The action that was called.
        action: Action,
        /// What the HTTP stack reported (shared: a failed batch call reports it for each item).
        #[source]
        source: Arc<reqwest::Error>,
    },
    /// No complete answer within the configured timeout (connect timeout included).
    #[error("`{action}` timed out")]
    Timeout {
        /// The action that was called.
        action: Action,
    },
    /// The answer's body was larger than the client's limit
    /// ([`ClientBuilder::max_response_size`](crate::ClientBuilder::max_response_size)); it was
    /// not read to the end.
    #[error("`{action}` answered with a body over the {limit}-byte limit")]
    ResponseTooLarge {
        /// The action that was called.
        action: Action,
        /// The limit, in bytes.
        limit: usize,
    },
    /// A successful answer whose body is not what the action returns.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A non-2xx answer without an API error payload (a proxy's HTML page, say).
    #[error("`{action}` answered HTTP {status} without an API error payload: {excerpt:?}")]
    Status {
        /// The action that was called.
        action: Action,
        /// The HTTP status code.
        status: u16,
        /// The start of the body.
        excerpt: String,
    },
    /// The request breaks a documented rule (a limit, a field combination) and was not sent.
    #[error("invalid `{action}` request: {}", list(.violations))]
    InvalidRequest {
        /// The action that was called.
        action: Action,
        /// Every broken rule, with the path of its field.
        violations: Vec<Violation>,
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
}

/// An error the API reported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{kind}: {message}")]
#[non_exhaustive]
pub struct ApiError {
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

/// A body that does not decode as the action's request or response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot decode `{action}`{}: {message} (body: {excerpt:?})", at(.path))]
#[non_exhaustive]
pub struct DecodeError {
    /// The action whose body it is.
    pub action: Action,
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
