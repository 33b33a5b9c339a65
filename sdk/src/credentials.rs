//! How a client authenticates. Secrets never leave this module in readable form: `Debug` and
//! `Display` mask them, and the header value is marked sensitive.

use crate::error::BoxError;
use crate::{Error, Region};
use base64::Engine;
use reqwest::header::HeaderValue;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// Credentials for the API: an OAuth access token or a personal access token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    kind: Kind,
    /// The data center named apart from the token, which then overrides its prefix.
    region: Option<Region>,
}

#[derive(Clone, PartialEq, Eq)]
enum Kind {
    Bearer { token: String },
    Pat { account_id: String, pat: String },
}

impl Credentials {
    /// An OAuth access token, sent as `Authorization: Bearer <token>`. Its prefix (`dal:`,
    /// `fra:`, `fra-a:`, …) names its data center.
    pub fn bearer(token: impl Into<String>) -> Self {
        Self {
            kind: Kind::Bearer {
                token: token.into(),
            },
            region: None,
        }
    }

    /// A personal access token, sent as `Authorization: Basic base64(<account_id>:<pat>)`.
    pub fn pat(account_id: impl Into<String>, pat: impl Into<String>) -> Self {
        Self {
            kind: Kind::Pat {
                account_id: account_id.into(),
                pat: pat.into(),
            },
            region: None,
        }
    }

    /// The same credentials in the data center `region`, whatever a token's prefix says: how a
    /// personal access token of an account outside `dal` names its region.
    /// [`ClientBuilder::region`](crate::ClientBuilder::region) overrides it in turn.
    pub fn with_region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// The credentials the environment holds, read as the command-line tool reads them:
    /// `LIVECHAT_TOKEN` (an OAuth access token), or else `LIVECHAT_ACCOUNT_ID` with
    /// `LIVECHAT_PAT` (a personal access token); `LIVECHAT_REGION`, when set, names the data
    /// center. An empty variable counts as unset. The error ([`Error::Config`]) names what is
    /// missing or wrong, never a value.
    pub fn from_env() -> Result<Self, Error> {
        Self::from_vars(|name| std::env::var_os(name))
    }

    fn from_vars(var: impl Fn(&str) -> Option<std::ffi::OsString>) -> Result<Self, Error> {
        let read = |name: &str| -> Result<Option<String>, Error> {
            match var(name) {
                None => Ok(None),
                Some(value) if value.is_empty() => Ok(None),
                Some(value) => value
                    .into_string()
                    .map(Some)
                    .map_err(|_| Error::Config(format!("{name} is not valid UTF-8"))),
            }
        };
        let credentials = match (
            read("LIVECHAT_TOKEN")?,
            read("LIVECHAT_ACCOUNT_ID")?,
            read("LIVECHAT_PAT")?,
        ) {
            (Some(token), _, _) => Self::bearer(token),
            (None, Some(account_id), Some(pat)) => Self::pat(account_id, pat),
            (None, Some(_), None) => {
                return Err(Error::Config(
                    "LIVECHAT_ACCOUNT_ID is set but LIVECHAT_PAT is not".into(),
                ))
            }
            (None, None, Some(_)) => {
                return Err(Error::Config(
                    "LIVECHAT_PAT is set but LIVECHAT_ACCOUNT_ID is not".into(),
                ))
            }
            (None, None, None) => {
                return Err(Error::Config(
                    "no credentials in the environment: set LIVECHAT_TOKEN, or \
                     LIVECHAT_ACCOUNT_ID and LIVECHAT_PAT"
                        .into(),
                ))
            }
        };
        match read("LIVECHAT_REGION")? {
            None => Ok(credentials),
            Some(region) if Region::is_plausible_name(&region) => {
                Ok(credentials.with_region(Region::from(region.as_str())))
            }
            Some(region) => Err(Error::Config(format!(
                "LIVECHAT_REGION `{}` is not a region name (e.g. dal, fra, fra-a)",
                region.chars().take(40).collect::<String>().escape_debug()
            ))),
        }
    }

    /// The data center the credentials name: the one given to [`with_region`](Self::with_region),
    /// else a bearer token's prefix; `None` for a personal access token without one (the client
    /// then uses [`ClientBuilder::region`](crate::ClientBuilder::region), or `dal`).
    pub fn region(&self) -> Option<Region> {
        if let Some(region) = &self.region {
            return Some(region.clone());
        }
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
                Some(region) => write!(f, "Bearer {region}:****")?,
                None => f.write_str("Bearer ****")?,
            },
            Kind::Pat { account_id, .. } => write!(f, "Basic {account_id}:****")?,
        }
        match &self.region {
            Some(region) => write!(f, " in {region}"),
            None => Ok(()),
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

    /// The credentials to send again with after the API refused `refused` with
    /// `authentication`. By default `credentials(true)`; a provider that refreshes shared
    /// tokens answers with its current ones when they are not `refused` (another call has
    /// refreshed them meanwhile), so that many refused calls make one refresh.
    fn refused(&self, refused: &Credentials) -> CredentialsFuture<'_> {
        let _ = refused;
        self.credentials(true)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::ffi::OsString;

    fn from(vars: &[(&str, &str)]) -> Result<Credentials, Error> {
        let vars: HashMap<String, OsString> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        Credentials::from_vars(|name| vars.get(name).cloned())
    }

    #[test]
    fn the_environment_names_a_token_or_a_pat_and_a_region() {
        let token = from(&[("LIVECHAT_TOKEN", "fra-a:secret-token")]).unwrap();
        assert_eq!(token, Credentials::bearer("fra-a:secret-token"));
        assert_eq!(token.region(), Some(Region::from("fra-a")));
        // The token wins over a personal access token also set.
        let both = from(&[
            ("LIVECHAT_TOKEN", "dal:t"),
            ("LIVECHAT_ACCOUNT_ID", "acct"),
            ("LIVECHAT_PAT", "p"),
        ]);
        assert_eq!(both.unwrap(), Credentials::bearer("dal:t"));
        let pat = from(&[
            ("LIVECHAT_ACCOUNT_ID", "acct"),
            ("LIVECHAT_PAT", "secret-pat"),
            ("LIVECHAT_REGION", "fra"),
        ])
        .unwrap();
        assert_eq!(pat.region(), Some(Region::Fra));
        assert_eq!(format!("{pat:?}"), "Basic acct:**** in fra");
        // An empty variable is an unset one.
        let empty_token = from(&[
            ("LIVECHAT_TOKEN", ""),
            ("LIVECHAT_ACCOUNT_ID", "acct"),
            ("LIVECHAT_PAT", "p"),
        ]);
        assert_eq!(empty_token.unwrap(), Credentials::pat("acct", "p"));
    }

    #[test]
    fn what_is_missing_or_wrong_is_named_and_no_value_shown() {
        let message = |vars: &[(&str, &str)]| from(vars).unwrap_err().to_string();
        assert_eq!(
            message(&[]),
            "invalid client configuration: no credentials in the environment: set \
             LIVECHAT_TOKEN, or LIVECHAT_ACCOUNT_ID and LIVECHAT_PAT"
        );
        assert!(message(&[("LIVECHAT_ACCOUNT_ID", "acct")])
            .ends_with("LIVECHAT_ACCOUNT_ID is set but LIVECHAT_PAT is not"));
        let pat_only = message(&[("LIVECHAT_PAT", "secret-pat")]);
        assert!(pat_only.ends_with("LIVECHAT_PAT is set but LIVECHAT_ACCOUNT_ID is not"));
        assert!(!pat_only.contains("secret-pat"));
        let region = message(&[
            ("LIVECHAT_TOKEN", "dal:secret"),
            ("LIVECHAT_REGION", "fra\r\nX: y"),
        ]);
        assert!(region.contains("is not a region name"), "{region}");
        assert!(
            !region.contains("secret") && !region.contains('\n'),
            "{region}"
        );
    }

    #[test]
    fn a_region_is_letters_and_digits_in_hyphen_joined_parts() {
        for good in ["dal", "fra", "fra-a", "fra-b", "syd2", "us-east-1"] {
            assert!(Region::is_plausible_name(good), "{good}");
        }
        for bad in [
            "",
            "Fra",
            "fra-",
            "-fra",
            "fra--a",
            "fra a",
            "fra\r\n",
            "a-very-long-region-name",
        ] {
            assert!(!Region::is_plausible_name(bad), "{bad:?}");
        }
        assert_eq!(Region::of_token("fra-a:abc"), Some(Region::from("fra-a")));
        assert_eq!(Region::of_token("fra a:abc"), None);
        assert_eq!(Region::of_token("no-prefix"), None);
        assert_eq!(
            format!("{:?}", Credentials::bearer("fra-b:secret")),
            "Bearer fra-b:****"
        );
    }
}
