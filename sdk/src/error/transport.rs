//! A request that did not complete, as a type of this crate: the HTTP stack's own error is only
//! its cause, so a new version of that stack is not a breaking change here.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

/// Why a request did not complete: the connection could not be made or broke, TLS failed, or
/// the answer was cut short.
///
/// `Display` is the HTTP stack's own words for it; the cause below that, down to the operating
/// system's error (`Connection refused`), is [`source`](StdError::source). A URL in either never
/// shows the `user:password@` it may carry.
#[derive(Clone)]
pub struct TransportError {
    // Shared: a failed batch call reports the same error for each of its items.
    inner: Arc<reqwest::Error>,
}

impl TransportError {
    pub(crate) fn new(mut error: reqwest::Error) -> Self {
        if let Some(url) = error.url_mut() {
            strip_userinfo(url);
        }
        Self {
            inner: Arc::new(error),
        }
    }

    /// Whether the connection could not be made (refused, unreachable, name not resolved, TLS
    /// handshake failed): then no byte of the request reached the server.
    pub fn is_connect(&self) -> bool {
        self.inner.is_connect()
    }

    /// Whether a timeout ended it (the connect timeout, or the attempt's timeout while the
    /// body was being read).
    pub fn is_timeout(&self) -> bool {
        self.inner.is_timeout()
    }
}

pub(crate) fn strip_userinfo(url: &mut reqwest::Url) {
    // Both fail only for URLs that cannot carry userinfo, which then have none.
    let _ = url.set_username("");
    let _ = url.set_password(None);
}

/// `url` as it may be shown: without the `user:password@` it may carry.
pub(crate) fn shown_url(url: &str) -> std::borrow::Cow<'_, str> {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            strip_userinfo(&mut parsed);
            parsed.to_string().into()
        }
        _ => url.into(),
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("is_connect", &self.is_connect())
            .field("is_timeout", &self.is_timeout())
            .field("message", &self.to_string())
            .field("source", &self.source())
            .finish()
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        // reqwest's error prints its own level only and hands its cause on through `source`.
        self.inner.source()
    }
}
