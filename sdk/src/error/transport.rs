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

/// Refuses a URL that would send credentials in clear text: any scheme but `https` and `http`,
/// and `http` to a host that is not loopback unless `insecure_http` allows it.
pub(crate) fn check_scheme(url: &reqwest::Url, insecure_http: bool) -> Result<(), String> {
    let shown = || {
        let mut url = url.clone();
        strip_userinfo(&mut url);
        url.to_string()
    };
    match url.scheme() {
        "https" => Ok(()),
        "http" if insecure_http || is_loopback(url) => Ok(()),
        "http" => Err(format!(
            "base URL `{}` is plain http to a host that is not loopback: credentials would \
             travel unencrypted; use https, or allow it explicitly (`allow_insecure_http`)",
            shown()
        )),
        other => Err(format!(
            "base URL `{}`: the scheme is `{other}`; expected https (or http)",
            shown()
        )),
    }
}

/// Whether `url` names this machine: `localhost` (and `*.localhost`), `127.0.0.0/8`, `::1`.
pub(crate) fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<std::net::IpAddr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => {
            let name = bare.trim_end_matches('.').to_ascii_lowercase();
            name == "localhost" || name.ends_with(".localhost")
        }
    }
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
