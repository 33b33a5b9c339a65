//! How a client authenticates. Secrets never leave this module in readable form: `Debug` and
//! `Display` mask them, and the header value is marked sensitive.

use crate::error::BoxError;
use crate::Region;
use base64::Engine;
use reqwest::header::HeaderValue;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// Credentials for the API: an OAuth access token or a personal access token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    kind: Kind,
}

#[derive(Clone, PartialEq, Eq)]
enum Kind {
    Bearer { token: String },
    Pat { account_id: String, pat: String },
}

impl Credentials {
    /// An OAuth access token, sent as `Authorization: Bearer <token>`. Its `dal:`/`fra:` prefix
    /// names its data center.
    pub fn bearer(token: impl Into<String>) -> Self {
        Self {
            kind: Kind::Bearer {
                token: token.into(),
            },
        }
    }

    /// A personal access token, sent as `Authorization: Basic base64(<account_id>:<pat>)`.
    pub fn pat(account_id: impl Into<String>, pat: impl Into<String>) -> Self {
        Self {
            kind: Kind::Pat {
                account_id: account_id.into(),
                pat: pat.into(),
            },
        }
    }

    /// The data center a bearer token's prefix names (`dal` or `fra`); `None` for personal
    /// access tokens, whose region is a client setting ([`ClientBuilder::region`](crate::ClientBuilder::region)).
    pub fn region(&self) -> Option<Region> {
        match &self.kind {
            Kind::Bearer { token } => Region::of_token(token),
            Kind::Pat { .. } => None,
        }
    }

    /// The `Authorization` header value, marked sensitive so the HTTP stack never logs it.
    pub(crate) fn header(&self) -> Result<HeaderValue, String> {
        let text = match &self.kind {
            Kind::Bearer { token } => format!("Bearer {token}"),
            Kind::Pat { account_id, pat } => {
                let pair = format!("{account_id}:{pat}");
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(pair)
                )
            }
        };
        let mut value = HeaderValue::from_str(&text)
            .map_err(|_| format!("{self:?} holds characters not allowed in an HTTP header"))?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Bearer { token } => match Region::of_token(token) {
                Some(region) => write!(f, "Bearer {region}:****"),
                None => f.write_str("Bearer ****"),
            },
            Kind::Pat { account_id, .. } => write!(f, "Basic {account_id}:****"),
        }
    }
}

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

/// What a [`CredentialsProvider`] answers with.
pub type CredentialsFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, BoxError>> + Send + 'a>>;

/// Where a client gets its credentials when they change over time (OAuth access tokens expire):
/// set with [`ClientBuilder::credentials_provider`](crate::ClientBuilder::credentials_provider).
///
/// The client asks before every attempt of every call, so a provider should answer from a cache
/// and fetch a new token only when its own expiry says so, or when `refresh` is `true`: the API
/// has just refused the previous credentials with `authentication`. The refused request is then
/// sent once more with what the provider answers; a second refusal is the call's error. An
/// error of the provider (any error type, boxed) fails the call, unsent, with
/// [`Error::Credentials`](crate::Error::Credentials), the provider's error as its source.
///
/// Any `Fn(bool) -> impl Future<Output = Result<Credentials, BoxError>>` is a provider:
///
/// ```
/// use livechat_config::{Client, Credentials};
///
/// # fn run() -> Result<(), livechat_config::Error> {
/// let client = Client::builder(Credentials::bearer("fra:first-token"))
///     .credentials_provider(|refresh: bool| async move {
///         // a token from the authorization server, a fresh one when `refresh` says so
///         Ok(Credentials::bearer(if refresh { "fra:new-token" } else { "fra:first-token" }))
///     })
///     .build()?;
/// # Ok(())
/// # }
/// ```
pub trait CredentialsProvider: Send + Sync + 'static {
    /// The credentials for the next attempt; `refresh` when the API refused the last ones.
    fn credentials(&self, refresh: bool) -> CredentialsFuture<'_>;
}

impl<F, Fut> CredentialsProvider for F
where
    F: Fn(bool) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Credentials, BoxError>> + Send + 'static,
{
    fn credentials(&self, refresh: bool) -> CredentialsFuture<'_> {
        Box::pin(self(refresh))
    }
}
