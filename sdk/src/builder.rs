//! Settings of a client, and the client they make.

use crate::client::{BatchSettings, Parts};
use crate::headers::ExtraHeaders;
use crate::{
    Client, Credentials, CredentialsProvider, Error, Region, RetryBudget, RetryPolicy,
    DEFAULT_BASE_URL,
};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Default time one attempt of a call may take, answer body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default number of requests a batch helper sends in one batch call.
pub const DEFAULT_BATCH_CHUNK_SIZE: usize = 50;
/// Default number of batch calls a batch helper has in flight at once.
pub const DEFAULT_BATCH_CONCURRENCY: usize = 4;
/// Default number of calls a client has in flight at once; more wait for a slot. Each holds a
/// connection, so this bounds the descriptors a client opens.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 256;
/// Default largest answer body the client reads (16 MiB): a license's largest lists (agents,
/// groups, properties) are a few MiB at most.
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 16 << 20;

/// Settings of a [`Client`].
#[must_use]
pub struct ClientBuilder {
    credentials: Credentials,
    provider: Option<Arc<dyn CredentialsProvider>>,
    http: Option<reqwest::Client>,
    base_url: String,
    region: Option<Region>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    budget: RetryBudget,
    batch: BatchSettings,
    max_response_size: usize,
    max_in_flight: usize,
    insecure_http: bool,
    /// PEM bundles of extra certificate authorities to trust.
    roots: Vec<Vec<u8>>,
    user_agent: String,
    headers: ExtraHeaders,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("credentials", &self.credentials)
            .field("provider", &self.provider.as_ref().map(|_| "<provider>"))
            .field("http_client", &self.http.as_ref().map(|_| "<custom>"))
            .field("base_url", &crate::error::shown_url(&self.base_url))
            .field("region", &self.region)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry)
            .field("retry_budget", &self.budget)
            .field("batch", &self.batch)
            .field("max_response_size", &self.max_response_size)
            .field("max_in_flight", &self.max_in_flight)
            .field("insecure_http", &self.insecure_http)
            .field("root_certificates", &self.roots.len())
            .field("user_agent", &self.user_agent)
            .field("headers", &self.headers)
            .finish()
    }
}

impl ClientBuilder {
    pub(crate) fn new(credentials: Credentials) -> Self {
        ClientBuilder {
            credentials,
            provider: None,
            http: None,
            base_url: DEFAULT_BASE_URL.to_string(),
            region: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            budget: RetryBudget::default(),
            batch: BatchSettings {
                chunk_size: DEFAULT_BATCH_CHUNK_SIZE,
                concurrency: DEFAULT_BATCH_CONCURRENCY,
            },
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            insecure_http: false,
            roots: Vec::new(),
            user_agent: format!("livechat-config-rust/{}", env!("CARGO_PKG_VERSION")),
            headers: ExtraHeaders::default(),
        }
    }

    /// Where calls go, e.g. a proxy or a local server in tests. Default: the production API.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// The data center every call names in `X-Region`, whatever the token's prefix says. Needed
    /// for personal access tokens of accounts outside the default `dal`.
    pub fn region(mut self, region: Region) -> Self {
        self.region = Some(region);
        self
    }

    /// How long one attempt of a call may take, answer body included. Default: 30 s.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long establishing a connection may take. Default: 10 s. Not used with
    /// [`http_client`](Self::http_client): that client's own setting applies.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// When failed calls are retried. Default: [`RetryPolicy::default`];
    /// [`RetryPolicy::none`] switches retries off.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How many retries all calls of the client may make between them. Default:
    /// [`RetryBudget::default`] (500 tokens, 100 retries when nothing succeeds).
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.budget = budget;
        self
    }

    /// How many requests a batch helper puts in one batch call (at least 1). Default: 50.
    pub fn batch_chunk_size(mut self, size: usize) -> Self {
        self.batch.chunk_size = size.max(1);
        self
    }

    /// How many batch calls a batch helper has in flight at once (at least 1). Default: 4.
    pub fn batch_concurrency(mut self, calls: usize) -> Self {
        self.batch.concurrency = calls.max(1);
        self
    }

    /// The largest answer body the client reads; a larger one fails the call with
    /// [`Error::ResponseTooLarge`]. Default: 16 MiB.
    ///
    /// A call buffers at most this much of an answer, and then holds the decoded value, which
    /// may take several times the body's size; a batch helper has up to
    /// [`batch_concurrency`](Self::batch_concurrency) calls in flight at once. So the memory a
    /// client's answers may take is about `calls in flight × max_response_size × (1 + the
    /// decoding overhead)`.
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// How many calls of the client (and its clones) may be in flight at once (at least 1);
    /// more wait, in order, for one to finish. Default: 256.
    ///
    /// Each call in flight holds a connection, and so a file descriptor: the bound keeps a
    /// burst of calls (10,000 spawned at once, say) within the process's descriptor limit
    /// instead of failing some with "Too many open files". A call's timeout starts when it has
    /// its slot; waiting for one is not limited.
    pub fn max_in_flight(mut self, calls: usize) -> Self {
        self.max_in_flight = calls.clamp(1, tokio::sync::Semaphore::MAX_PERMITS);
        self
    }

    /// The `User-Agent` header. Default: `livechat-config-rust/<version>`. Not used with
    /// [`http_client`](Self::http_client): that client's own setting applies.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// A header sent with every call of the client (e.g. `X-Debug-Id`). Its value is kept
    /// out of `Debug` output. `Authorization`, `Content-Type`, `Content-Length`, `Host` and
    /// `X-Region` are the client's own; naming one, or an invalid name or value, makes
    /// [`build`](Self::build) fail with [`Error::Config`].
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.insert(name, value);
        self
    }

    /// The HTTP client to send with: for proxies, custom TLS roots or client certificates,
    /// connection pool settings. [`timeout`](Self::timeout) still applies to each attempt;
    /// [`connect_timeout`](Self::connect_timeout) and [`user_agent`](Self::user_agent) are
    /// that client's own.
    ///
    /// Build it with `redirect(reqwest::redirect::Policy::none())`: calls are `POST`s that
    /// must not be re-sent elsewhere. A redirect such a client follows anyway is caught (the
    /// answer came from another URL) and fails the call with [`Error::Redirect`], but by then
    /// the request may have reached the other server. The client retries calls itself, so
    /// `retry(reqwest::retry::never().max_retries_per_request(0))` spares reqwest a copy of
    /// every request, as the client the builder makes does.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Where each attempt gets its credentials, instead of the fixed ones given to
    /// [`Client::builder`] (which then only name the default region): see
    /// [`CredentialsProvider`].
    pub fn credentials_provider(mut self, provider: impl CredentialsProvider) -> Self {
        self.provider = Some(Arc::new(provider));
        self
    }

    /// Lets the base URL be plain `http://` to a host that is not loopback (a container's
    /// service name, a proxy on another machine): the credentials then travel unencrypted. Without
    /// it, `build` refuses such a URL, so that a typo cannot send a token in clear text; `https`
    /// and loopback (`127.0.0.1`, `[::1]`, `localhost`) need nothing.
    pub fn allow_insecure_http(mut self) -> Self {
        self.insecure_http = true;
        self
    }

    /// Also trusts the certificate authorities in this PEM text (one certificate or a bundle),
    /// beside the built-in roots: for a TLS-inspecting proxy, a staging server or an emulator
    /// serving HTTPS with a certificate of its own. [`build`](Self::build) fails with
    /// [`Error::Config`] when the text holds no certificate, and when an
    /// [`http_client`](Self::http_client) is given: roots are then that client's own.
    pub fn root_certificate_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.roots.push(pem.as_ref().to_vec());
        self
    }

    /// The client, or [`Error::Config`] when a setting is unusable.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = self.base_url.trim_end_matches('/').to_string();
        let parsed = reqwest::Url::parse(&base_url).map_err(|e| {
            Error::Config(format!(
                "base URL `{}`: {e}",
                crate::error::shown_url(&base_url)
            ))
        })?;
        crate::error::check_scheme(&parsed, self.insecure_http).map_err(Error::Config)?;
        if let Some(region) = &self.region {
            if !Region::is_plausible_name(region.as_str()) {
                return Err(Error::Config(format!(
                    "region `{}` is not a region name (1 to 16 lower-case letters and digits)",
                    region.as_str().escape_debug()
                )));
            }
        }
        self.headers.check()?;
        let own_http = self.http.is_none();
        let mut roots = Vec::new();
        for pem in &self.roots {
            let bundle = reqwest::Certificate::from_pem_bundle(pem)
                .map_err(|e| Error::Config(format!("root certificate: {e}")))?;
            if bundle.is_empty() {
                return Err(Error::Config(
                    "root certificate: the PEM text holds no certificate".to_string(),
                ));
            }
            roots.extend(bundle);
        }
        if !roots.is_empty() && !own_http {
            return Err(Error::Config(
                "root certificates go to the HTTP client given with `http_client`, not to the \
                 builder"
                    .to_string(),
            ));
        }
        let http = match self.http {
            Some(http) => http,
            None => roots
                .into_iter()
                .fold(reqwest::Client::builder(), |builder, root| {
                    builder.add_root_certificate(root)
                })
                .timeout(self.timeout)
                .connect_timeout(self.connect_timeout)
                .user_agent(self.user_agent)
                .redirect(reqwest::redirect::Policy::none())
                // The API answers small JSON bodies over HTTP/1.1 keep-alive; HTTP/2 buys
                // nothing here and its negotiation and framing cost CPU on every connection.
                .http1_only()
                // A request is written in one piece and waits for its answer: Nagle's delay
                // would only hold it back.
                .tcp_nodelay(true)
                // reqwest's own retries are for HTTP/2 refusals, and the sdk retries calls
                // itself; with them on, reqwest copies every request (headers and all) in
                // case it must send it again.
                .retry(reqwest::retry::never().max_retries_per_request(0))
                .build()
                .map_err(|e| Error::Config(e.to_string()))?,
        };
        Ok(Client::from_parts(Parts {
            http,
            own_http,
            base_url,
            credentials: self.credentials,
            provider: self.provider,
            region: self.region,
            timeout: self.timeout,
            retry: self.retry,
            budget: self.budget,
            batch: self.batch,
            max_response_size: self.max_response_size,
            max_in_flight: self.max_in_flight,
            headers: self.headers,
        }))
    }
}
