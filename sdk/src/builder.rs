//! Settings of a client, and the client they make.

use crate::client::BatchSettings;
use crate::{Client, Credentials, Error, Region, RetryPolicy, DEFAULT_BASE_URL};
use std::time::Duration;

/// Default time one attempt of a call may take, answer body included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default number of requests a batch helper sends in one batch call.
pub const DEFAULT_BATCH_CHUNK_SIZE: usize = 50;
/// Default number of batch calls a batch helper has in flight at once.
pub const DEFAULT_BATCH_CONCURRENCY: usize = 4;
/// Default largest answer body the client reads (64 MiB).
pub const DEFAULT_MAX_RESPONSE_SIZE: usize = 64 << 20;

/// Settings of a [`Client`].
#[derive(Debug)]
#[must_use]
pub struct ClientBuilder {
    credentials: Credentials,
    base_url: String,
    region: Option<Region>,
    timeout: Duration,
    connect_timeout: Duration,
    retry: RetryPolicy,
    batch: BatchSettings,
    max_response_size: usize,
    user_agent: String,
}

impl ClientBuilder {
    pub(crate) fn new(credentials: Credentials) -> Self {
        ClientBuilder {
            credentials,
            base_url: DEFAULT_BASE_URL.to_string(),
            region: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            batch: BatchSettings {
                chunk_size: DEFAULT_BATCH_CHUNK_SIZE,
                concurrency: DEFAULT_BATCH_CONCURRENCY,
            },
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            user_agent: format!("livechat-config-rust/{}", env!("CARGO_PKG_VERSION")),
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

    /// How long establishing a connection may take. Default: 10 s.
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
    /// [`Error::ResponseTooLarge`]. Default: 64 MiB.
    pub fn max_response_size(mut self, bytes: usize) -> Self {
        self.max_response_size = bytes;
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
        Ok(Client::from_parts(
            http,
            base_url,
            self.credentials,
            self.region,
            self.retry,
            self.batch,
            self.max_response_size,
        ))
    }
}
