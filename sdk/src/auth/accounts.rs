//! The client of the Accounts API's token endpoints, and the application it acts for.

use super::error::{Endpoint, Error};
use super::tokens::{TokenInfo, TokenSet, Wire};
use super::Authorization;
use crate::error::{shown_url, TransportError};
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION};
use std::fmt;
use std::time::Duration;

/// Where the Accounts API lives.
pub const DEFAULT_ACCOUNTS_URL: &str = "https://accounts.livechat.com";

/// The largest answer the token endpoints give is a few hundred bytes; more is not read.
const MAX_ANSWER: usize = 64 * 1024;
const TIMEOUT: Duration = Duration::from_secs(30);

/// An OAuth application (a "client" in OAuth's words) registered in the Developer Console: its
/// Client Id and, for a server-side application, its Client Secret. `Debug` never shows the
/// secret.
#[derive(Clone, PartialEq, Eq)]
pub struct App {
    client_id: String,
    client_secret: Option<String>,
}

impl App {
    /// An application that cannot keep a secret (a command-line tool, a desktop or browser
    /// app): it proves itself with PKCE alone, and its refresh tokens are single-use.
    pub fn public(client_id: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: None,
        }
    }

    /// A server-side application with its Client Secret, sent with every code exchange and
    /// refresh.
    pub fn confidential(client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: Some(client_secret.into()),
        }
    }

    /// The Client Id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    pub(super) fn form<'a>(&'a self, form: &mut Vec<(&'static str, &'a str)>) {
        form.push(("client_id", &self.client_id));
        if let Some(secret) = &self.client_secret {
            form.push(("client_secret", secret));
        }
    }
}

impl fmt::Debug for App {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = if self.client_secret.is_some() {
            "confidential, secret ****"
        } else {
            "public"
        };
        write!(f, "App({}, {kind})", self.client_id)
    }
}

/// A client of the Accounts API: cheap to clone, one connection pool for all clones.
#[derive(Clone)]
pub struct Accounts {
    base_url: String,
    http: reqwest::Client,
}

impl fmt::Debug for Accounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Accounts")
            .field("base_url", &shown_url(&self.base_url))
            .finish()
    }
}

impl Default for Accounts {
    fn default() -> Self {
        Self::new()
    }
}

impl Accounts {
    /// The Accounts API at [`DEFAULT_ACCOUNTS_URL`].
    ///
    /// # Panics
    /// Only if the TLS backend cannot be initialised, as `reqwest::Client::new` does.
    pub fn new() -> Self {
        match Self::with_base_url(DEFAULT_ACCOUNTS_URL) {
            Ok(accounts) => accounts,
            Err(err) => panic!("cannot build the HTTP client: {err}"),
        }
    }

    /// The Accounts API (or a twin of it, such as the emulator) at `base_url`: an `https` URL,
    /// or `http` to loopback, without query or fragment.
    pub fn with_base_url(base_url: impl Into<String>) -> Result<Self, Error> {
        Self::build(base_url.into(), false)
    }

    /// As [`with_base_url`](Self::with_base_url), also allowing plain `http://` to a host that
    /// is not loopback (an emulator in another container): secrets then travel unencrypted.
    pub fn with_insecure_base_url(base_url: impl Into<String>) -> Result<Self, Error> {
        Self::build(base_url.into(), true)
    }

    fn build(base_url: String, insecure_http: bool) -> Result<Self, Error> {
        let base_url = base_url.trim_end_matches('/').to_string();
        let parsed = reqwest::Url::parse(&base_url)
            .map_err(|e| Error::Config(format!("Accounts URL `{}`: {e}", shown_url(&base_url))))?;
        crate::error::check_scheme(&parsed, insecure_http).map_err(Error::Config)?;
        if parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(Error::Config(format!(
                "Accounts URL `{}`: expected a URL without query or fragment",
                shown_url(&base_url)
            )));
        }
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(Duration::from_secs(10))
            // The token endpoints never redirect; following one would send secrets elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("livechat-config-rust/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
        Ok(Self { base_url, http })
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Starts the authorization code grant with PKCE: the URL to send the user to, carrying a
    /// fresh random `state` and S256 code challenge. `redirect_uri` must be one the application
    /// registered (any port of `http://127.0.0.1` for a program on the user's machine).
    pub fn authorize(
        &self,
        app: &App,
        redirect_uri: impl Into<String>,
    ) -> Result<Authorization, Error> {
        Authorization::new(self, app.clone(), redirect_uri.into())
    }

    /// Exchanges an authorization code for tokens (`POST /v2/token`,
    /// `grant_type=authorization_code`). [`Authorization::finish`] does this after checking
    /// `state`; this is for a code obtained some other way.
    pub async fn exchange_code(
        &self,
        app: &App,
        code: &str,
        redirect_uri: &str,
        code_verifier: Option<&str>,
    ) -> Result<TokenSet, Error> {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", redirect_uri),
        ];
        app.form(&mut form);
        if let Some(verifier) = code_verifier {
            form.push(("code_verifier", verifier));
        }
        self.token(Endpoint::ExchangeCode, &form).await
    }

    /// New tokens for a refresh token (`POST /v2/token`, `grant_type=refresh_token`). A
    /// public application's refresh token is single-use: keep the one the answer carries.
    pub async fn refresh(&self, app: &App, refresh_token: &str) -> Result<TokenSet, Error> {
        let mut form = vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
        ];
        app.form(&mut form);
        self.token(Endpoint::Refresh, &form).await
    }

    /// What the Accounts API knows of an access token (`GET /v2/info`): its account,
    /// organization, application, scopes and the time it has left.
    pub async fn info(&self, access_token: &str) -> Result<TokenInfo, Error> {
        let request = self
            .http
            .get(format!("{}/v2/info", self.base_url))
            .header(AUTHORIZATION, bearer(access_token)?);
        let body = self.send(Endpoint::Info, request).await?;
        let wire: Wire = decode(Endpoint::Info, &body)?;
        TokenInfo::from_wire(wire).map_err(|message| Error::Decode {
            endpoint: Endpoint::Info,
            message,
        })
    }

    /// Revokes a token (`DELETE /v2/token`): an access token together with the refresh token it
    /// came with, or a refresh token. The token goes in the `Authorization` header, never in
    /// the URL, so that no log of URLs holds it.
    pub async fn revoke(&self, token: &str) -> Result<(), Error> {
        let request = self
            .http
            .delete(format!("{}/v2/token", self.base_url))
            .header(AUTHORIZATION, bearer(token)?);
        self.send(Endpoint::Revoke, request).await.map(drop)
    }

    async fn token(&self, endpoint: Endpoint, form: &[(&str, &str)]) -> Result<TokenSet, Error> {
        let request = self
            .http
            .post(format!("{}/v2/token", self.base_url))
            .form(form);
        let body = self.send(endpoint, request).await?;
        let wire: Wire = decode(endpoint, &body)?;
        TokenSet::from_wire(wire).map_err(|message| Error::Decode { endpoint, message })
    }

    /// Sends, and reads a 2xx answer's body (at most [`MAX_ANSWER`] bytes); anything else is the
    /// endpoint's error.
    async fn send(
        &self,
        endpoint: Endpoint,
        request: reqwest::RequestBuilder,
    ) -> Result<Vec<u8>, Error> {
        let transport = |source| Error::Transport {
            endpoint,
            source: TransportError::new(source),
        };
        let mut response = request
            .header(ACCEPT, "application/json")
            .send()
            .await
            .map_err(transport)?;
        let status = response.status().as_u16();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > MAX_ANSWER {
                return Err(Error::Decode {
                    endpoint,
                    message: format!("HTTP {status}: the answer is over {MAX_ANSWER} bytes"),
                });
            }
            body.extend_from_slice(&chunk);
        }
        if (200..300).contains(&status) {
            Ok(body)
        } else {
            Err(Error::refused(endpoint, status, &body))
        }
    }
}

fn bearer(token: &str) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
        Error::Config("the token holds characters not allowed in an HTTP header".into())
    })?;
    value.set_sensitive(true);
    Ok(value)
}

fn decode<T: serde::de::DeserializeOwned>(endpoint: Endpoint, body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| {
        // What serde_json quotes is the input, which may be a token: the message stops there.
        let message = e.to_string();
        let plain = message.split(" at line ").next().unwrap_or_default();
        let unquoted = plain.split('"').next().unwrap_or_default().trim_end();
        Error::Decode {
            endpoint,
            message: format!("{unquoted} (line {}, column {})", e.line(), e.column()),
        }
    })
}
