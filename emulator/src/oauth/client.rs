//! An OAuth client (an application of the Developer Console) the emulator's authorization
//! server knows: its Client ID, its secret when it is confidential, its scopes and the redirect
//! URIs it allows besides loopback ones.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

/// An application that may take part in the OAuth code flow with the emulator
/// ([`EmulatorBuilder::oauth_client`](crate::EmulatorBuilder::oauth_client)).
///
/// A **confidential** client (a server-side app) is registered with a secret, which it must send
/// to exchange a code or a refresh token; its refresh tokens do not rotate. A **public** one (a
/// CLI, a browser or mobile app) has none; its refresh tokens are single-use, each refresh
/// answering a new one. Either may be asked for a PKCE challenge.
///
/// Redirect URIs on loopback (`http://127.0.0.1`, `http://localhost`, `http://[::1]`, any port
/// and path) are always allowed; others must match one given to [`Self::redirect_uri`] by the
/// reference's rules. `Debug` never shows the secret.
///
/// It parses from `ID` (public) or `ID:SECRET` (confidential), as the binary's
/// `--oauth-client` takes it.
#[derive(Clone, PartialEq, Eq)]
#[must_use]
pub struct OAuthClient {
    id: String,
    secret: Option<String>,
    scopes: Option<BTreeSet<String>>,
    redirect_uris: Vec<String>,
}

impl fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClient")
            .field("id", &self.id)
            .field("secret", &self.secret.as_ref().map(|_| "****"))
            .field("scopes", &self.scopes)
            .field("redirect_uris", &self.redirect_uris)
            .finish()
    }
}

impl OAuthClient {
    /// A client without a secret: a CLI, a browser or a mobile app.
    pub fn public(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            secret: None,
            scopes: None,
            redirect_uris: Vec::new(),
        }
    }

    /// A client with a secret: a server-side app.
    pub fn confidential(id: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            secret: Some(secret.into()),
            ..Self::public(id)
        }
    }

    /// The scopes the client may be granted (and is, when an authorization request names none).
    /// Default: every scope of the Configuration API, [`all_scopes`](crate::all_scopes).
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// Also allow this redirect URI (repeatable), matched as the reference says: scheme and
    /// host (with port) exactly, this path a prefix of the requested one, no query, no
    /// fragment. An invalid one makes [`start`](crate::EmulatorBuilder::start) fail.
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uris.push(uri.into());
        self
    }

    /// The Client ID.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// `true` when registered with a secret.
    pub fn is_confidential(&self) -> bool {
        self.secret.is_some()
    }

    /// The redirect URIs allowed besides loopback ones.
    pub fn redirect_uris(&self) -> &[String] {
        &self.redirect_uris
    }

    /// One line for a terminal, without the secret.
    pub fn describe(&self) -> String {
        let kind = if self.is_confidential() {
            "confidential, with a secret"
        } else {
            "public"
        };
        let scopes = match &self.scopes {
            None => "all scopes".to_string(),
            Some(scopes) => scopes.iter().cloned().collect::<Vec<_>>().join(","),
        };
        let mut redirects = vec!["loopback".to_string()];
        redirects.extend(self.redirect_uris.iter().cloned());
        format!(
            "{}  ({kind}; {scopes}; redirect URIs: {})",
            self.id,
            redirects.join(" ")
        )
    }

    pub(crate) fn secret(&self) -> Option<&str> {
        self.secret.as_deref()
    }

    pub(crate) fn granted_scopes(&self) -> Option<&BTreeSet<String>> {
        self.scopes.as_ref()
    }

    /// Why the client cannot be served, checked once at start.
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.id.is_empty() {
            return Err("an OAuth client has an empty Client ID".into());
        }
        if self.secret.as_deref() == Some("") {
            return Err(format!(
                "the OAuth client `{}` has an empty secret (register a public client instead)",
                self.id
            ));
        }
        for uri in &self.redirect_uris {
            super::redirect::check_registered(uri)
                .map_err(|why| format!("the OAuth client `{}`: {why}", self.id))?;
        }
        Ok(())
    }
}

/// Why `ID[:SECRET]` does not name a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseOAuthClientError(&'static str);

impl fmt::Display for ParseOAuthClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for ParseOAuthClientError {}

impl FromStr for OAuthClient {
    type Err = ParseOAuthClientError;

    /// `ID` or `ID:SECRET`; the secret may itself hold colons.
    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let client = match spec.split_once(':') {
            None => Self::public(spec),
            Some((_, "")) => {
                return Err(ParseOAuthClientError(
                    "empty secret: write `ID` alone for a public client",
                ))
            }
            Some((id, secret)) => Self::confidential(id, secret),
        };
        if client.id.is_empty() {
            return Err(ParseOAuthClientError(
                "empty Client ID: expected ID[:SECRET]",
            ));
        }
        Ok(client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_public_and_confidential_clients_and_hides_the_secret() {
        let public: OAuthClient = "cli-app".parse().unwrap();
        assert_eq!(public, OAuthClient::public("cli-app"));
        let private: OAuthClient = "server-app:s3cr:et".parse().unwrap();
        assert_eq!(private.secret(), Some("s3cr:et"));
        assert!(!format!("{private:?}").contains("s3cr"));
        assert!(!private.describe().contains("s3cr"));
        assert!("".parse::<OAuthClient>().is_err());
        assert!(":secret".parse::<OAuthClient>().is_err());
        assert!("app:".parse::<OAuthClient>().is_err());
    }
}
