//! The client: one `POST {base}/v3.6/configuration/action/{name}` per call.

use crate::validate::Validator;
use crate::{decode, Credentials, Error, Request, ACTION_PATH, DEFAULT_BASE_URL};
use reqwest::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// Default time a whole call may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A client of the Configuration API. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    credentials: Credentials,
    authorization: Result<HeaderValue, String>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
            .finish()
    }
}

impl Client {
    /// A client of the production API with default settings.
    ///
    /// # Panics
    /// Only if the TLS backend cannot be initialised, as `reqwest::Client::new` does; use
    /// [`Client::builder`] to get that as an error instead.
    pub fn new(credentials: Credentials) -> Self {
        match Self::builder(credentials).build() {
            Ok(client) => client,
            Err(err) => panic!("cannot build the HTTP client: {err}"),
        }
    }

    /// A builder for a client with other settings (base URL, timeouts, user agent).
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder {
            credentials,
            base_url: DEFAULT_BASE_URL.to_string(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: format!("livechat-config-rust/{}", env!("CARGO_PKG_VERSION")),
        }
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The URL of an action.
    pub fn action_url(&self, action: crate::Action) -> String {
        format!("{}{ACTION_PATH}{}", self.inner.base_url, action.name())
    }

    /// Sends a request built beforehand; the generated methods (`client.create_agent(…)`) are the
    /// usual way in.
    pub async fn send<R: Request>(&self, request: &R) -> Result<R::Response, Error> {
        let action = R::ACTION;
        let mut validator = Validator::lenient();
        request.validate(&mut validator);
        let violations = validator.into_violations();
        if !violations.is_empty() {
            return Err(Error::InvalidRequest { action, violations });
        }
        let authorization = self.inner.authorization.clone().map_err(Error::Config)?;
        let body = serde_json::to_vec(request).map_err(|e| Error::InvalidRequest {
            action,
            violations: vec![crate::validate::Violation {
                path: String::new(),
                message: e.to_string(),
            }],
        })?;
        let transport = |source: reqwest::Error| {
            if source.is_timeout() {
                Error::Timeout { action }
            } else {
                Error::Transport { action, source }
            }
        };
        let response = self
            .inner
            .http
            .post(self.action_url(action))
            .header(AUTHORIZATION, authorization)
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(transport)?;
        if status.is_success() {
            return R::decode_response(&bytes).map_err(Error::Decode);
        }
        Err(match decode::api_error(&bytes) {
            Some(mut api) => {
                api.status = Some(status.as_u16());
                Error::Api(api)
            }
            None => Error::Status {
                action,
                status: status.as_u16(),
                excerpt: decode::excerpt(&bytes),
            },
        })
    }
}

/// Settings of a [`Client`].
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    credentials: Credentials,
    base_url: String,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: String,
}

impl ClientBuilder {
    /// Where calls go, e.g. a proxy or a local server in tests. Default: the production API.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// How long a whole call may take. Default: 30 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long establishing a connection may take. Default: 10 s.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header. Default: `livechat-config-rust/<version>`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The client, or [`Error::Config`] when a setting is unusable.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = self.base_url.trim_end_matches('/').to_string();
        reqwest::Url::parse(&base_url)
            .map_err(|e| Error::Config(format!("base URL `{base_url}`: {e}")))?;
        let http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent)
            .build()
            .map_err(|e| Error::Config(e.to_string()))?;
        let authorization = self.credentials.header();
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                credentials: self.credentials,
                authorization,
            }),
        })
    }
}

/// A call being put together: set optional parameters with its builder methods, then `.await` it.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, R> {
    client: &'a Client,
    request: R,
}

impl<'a, R> Call<'a, R> {
    pub(crate) fn new(client: &'a Client, request: R) -> Self {
        Self { client, request }
    }

    /// Changes the request before it is sent.
    pub fn map(self, f: impl FnOnce(R) -> R) -> Self {
        Self {
            client: self.client,
            request: f(self.request),
        }
    }

    /// The request as it would be sent.
    pub fn request(&self) -> &R {
        &self.request
    }

    /// The request, without sending it (to batch it, say).
    pub fn into_request(self) -> R {
        self.request
    }
}

impl<R: fmt::Debug> fmt::Debug for Call<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("request", &self.request)
            .finish()
    }
}

impl<'a, R: Request> IntoFuture for Call<'a, R> {
    type Output = Result<R::Response, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.client.send(&self.request).await })
    }
}
