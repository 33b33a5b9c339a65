//! The client: one `POST {base}{version path}{name}` per attempt, retried as its
//! [`RetryPolicy`] and the client's [`RetryBudget`](crate::RetryBudget) allow, in the data center
//! the credentials (or the API) name.

use crate::budget::Bucket;
use crate::headers::ExtraHeaders;
use crate::validate::Validator;
use crate::{
    ActionName, ClientBuilder, Credentials, CredentialsProvider, Error, Region, Request,
    RetryPolicy,
};
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};
use std::time::Duration;
use tracing::Instrument;

mod attempt;
mod received;

/// A client of the Configuration API. Cheap to clone: clones share one connection pool, one
/// retry budget and what the client learned of its region.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// Everything a builder decides.
pub(crate) struct Parts {
    pub http: reqwest::Client,
    /// `http` is the one the builder made, with the client's timeout and no redirects.
    pub own_http: bool,
    pub base_url: String,
    pub credentials: Credentials,
    pub provider: Option<Arc<dyn CredentialsProvider>>,
    pub region: Option<Region>,
    pub timeout: Duration,
    pub retry: RetryPolicy,
    pub budget: crate::RetryBudget,
    pub batch: BatchSettings,
    pub max_response_size: usize,
    pub max_in_flight: usize,
    pub headers: ExtraHeaders,
}

impl CallOptions {
    /// The settings of a call that makes none, made once.
    pub(crate) fn none() -> &'static CallOptions {
        static NONE: OnceLock<CallOptions> = OnceLock::new();
        NONE.get_or_init(CallOptions::default)
    }
}

/// The settings a call's future holds: shared with its maker, or its own (a `Call`'s, moved
/// into the future so the future borrows nothing from the call).
pub(crate) enum Settings<'a> {
    Shared(&'a CallOptions),
    Own(Box<CallOptions>),
}

impl std::ops::Deref for Settings<'_> {
    type Target = CallOptions;

    fn deref(&self) -> &CallOptions {
        match self {
            Settings::Shared(options) => options,
            Settings::Own(options) => options,
        }
    }
}

struct Inner {
    http: reqwest::Client,
    /// `http` already times out each request after `timeout` and follows no redirect, so an
    /// attempt need not set either itself (a per-request timeout costs reqwest a map of
    /// extensions per request).
    own_http: bool,
    base_url: String,
    /// `base_url` parsed once, when a call's URL can be made from it by setting the path alone:
    /// parsing the whole URL on every call (host, IDNA) was a visible part of a call's CPU.
    base: Option<reqwest::Url>,
    credentials: Credentials,
    /// The header of `credentials`, computed once.
    authorization: Result<HeaderValue, String>,
    provider: Option<Arc<dyn CredentialsProvider>>,
    /// The region set by the caller or learned from the API; it makes every call name it.
    region: RwLock<Option<Region>>,
    timeout: Duration,
    retry: RetryPolicy,
    budget: Bucket,
    batch: BatchSettings,
    max_response_size: usize,
    /// One permit per attempt in flight: more calls than this wait for a slot.
    pub(crate) in_flight: tokio::sync::Semaphore,
    headers: ExtraHeaders,
    /// What every attempt sends besides its credentials and region: the client's own headers
    /// and the content type, built once.
    base_headers: HeaderMap,
    /// Actions whose deprecation was logged already: once per action is enough.
    deprecation_logged: Mutex<HashSet<ActionName>>,
}

/// How the batch helpers split their work.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BatchSettings {
    pub chunk_size: usize,
    pub concurrency: usize,
}

/// Per-call settings that override or add to the client's.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallOptions {
    pub timeout: Option<Duration>,
    pub retry: Option<RetryPolicy>,
    pub headers: ExtraHeaders,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Client");
        debug.field("base_url", &crate::error::shown_url(&self.inner.base_url));
        match &self.inner.provider {
            Some(_) => debug.field("credentials", &"<provider>"),
            None => debug.field("credentials", &self.inner.credentials),
        };
        debug
            .field("region", &self.region())
            .field("retry", &self.inner.retry)
            .field("retry_budget_left", &self.inner.budget.left())
            .field("headers", &self.inner.headers)
            .finish()
    }
}

impl Client {
    pub(crate) fn from_parts(parts: Parts) -> Client {
        let mut base_headers = parts.headers.map().clone();
        base_headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Client {
            inner: Arc::new(Inner {
                http: parts.http,
                own_http: parts.own_http,
                base: reqwest::Url::parse(&parts.base_url).ok().filter(|u| {
                    !u.cannot_be_a_base() && u.query().is_none() && u.fragment().is_none()
                }),
                base_url: parts.base_url,
                authorization: parts.credentials.header(),
                credentials: parts.credentials,
                provider: parts.provider,
                region: RwLock::new(parts.region),
                timeout: parts.timeout,
                retry: parts.retry,
                budget: Bucket::new(parts.budget),
                batch: parts.batch,
                max_response_size: parts.max_response_size,
                in_flight: tokio::sync::Semaphore::new(parts.max_in_flight),
                headers: parts.headers,
                base_headers,
                deprecation_logged: Mutex::new(HashSet::new()),
            }),
        }
    }

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

    /// A builder for a client with other settings (base URL, region, timeouts, retries, batch
    /// chunking, user agent, headers, an HTTP client of your own, a credentials provider).
    pub fn builder(credentials: Credentials) -> ClientBuilder {
        ClientBuilder::new(credentials)
    }

    /// The base URL calls go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The data center calls go to now: the one set on the builder, else the one the API
    /// redirected the client to, else the token's.
    pub fn region(&self) -> Region {
        self.explicit_region()
            .or_else(|| self.inner.credentials.region())
            .unwrap_or(Region::Dal)
    }

    /// The tokens left in the client's [`RetryBudget`](crate::RetryBudget), shared by its
    /// clones; `None` when the budget is unlimited.
    pub fn retry_budget_left(&self) -> Option<u32> {
        self.inner.budget.left()
    }

    /// The URL of an action.
    pub fn action_url(&self, action: impl Into<ActionName>) -> String {
        self.url_of(&action.into())
    }

    fn url_of(&self, action: &ActionName) -> String {
        format!("{}{}{action}", self.inner.base_url, action.path())
    }

    /// The parsed URL of `action`: the same as parsing [`url_of`](Self::url_of), without
    /// parsing the host again.
    fn parsed_url_of(&self, action: &ActionName) -> Result<reqwest::Url, String> {
        match &self.inner.base {
            Some(base) => {
                let mut url = base.clone();
                let path = format!(
                    "{}{}{action}",
                    base.path().trim_end_matches('/'),
                    action.path()
                );
                url.set_path(&path);
                Ok(url)
            }
            None => reqwest::Url::parse(&self.url_of(action)).map_err(|e| e.to_string()),
        }
    }

    /// Fails when the credentials cannot be sent at all, before anything is attempted.
    pub(crate) fn authorization_usable(&self) -> Result<(), Error> {
        if self.inner.provider.is_some() {
            return Ok(());
        }
        match &self.inner.authorization {
            Ok(_) => Ok(()),
            Err(e) => Err(Error::Config(e.clone())),
        }
    }

    pub(crate) fn batch_settings(&self) -> BatchSettings {
        self.inner.batch
    }

    fn explicit_region(&self) -> Option<Region> {
        self.inner
            .region
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// A call of a request built beforehand, to set per-call options on or to page through
    /// ([`Call::pages`](crate::Call::pages)); the generated methods are the usual way in.
    pub fn call<R: Request>(&self, request: R) -> crate::Call<'_, R> {
        crate::Call::new(self, request)
    }

    /// Sends a request built beforehand; the generated methods (`client.create_agent(…)`) are the
    /// usual way in.
    pub async fn send<R: Request>(&self, request: &R) -> Result<R::Response, Error> {
        self.send_with(request, Settings::Shared(CallOptions::none()))
            .await
    }

    // `send_with` and `send_checked` return `execute`'s future itself: an async fn around it
    // would be one more state to build and copy, and one more copy of the answer, per call.
    // The body is made here, so the future does not borrow the request.
    pub(crate) fn send_with<'a, R: Request>(
        &'a self,
        request: &R,
        options: Settings<'a>,
    ) -> impl Future<Output = Result<R::Response, Error>> + 'a {
        let body = check(request).and_then(|()| body_of(request));
        self.execute(R::ACTION, body, options, decode_answer::<R>)
    }

    /// Sends a request whose documented rules were checked already (the batch helpers check
    /// each item on its own, before chunking).
    pub(crate) fn send_checked<'a, R: Request>(
        &'a self,
        request: &R,
        options: &'a CallOptions,
    ) -> impl Future<Output = Result<R::Response, Error>> + 'a {
        let body = body_of(request);
        self.execute(
            R::ACTION,
            body,
            Settings::Shared(options),
            decode_answer::<R>,
        )
    }

    /// Sends `body` (or fails with its error) to an action, in a tracing span of its own, and
    /// decodes a 2xx answer with `decode` (given the status and the body).
    // A plain fn returning one future: an async fn here, with the instrumented block inside it,
    // would be two more states to build and copy on every call.
    pub(crate) fn execute<'a, T: 'a>(
        &'a self,
        action: ActionName,
        body: Result<Vec<u8>, Error>,
        options: Settings<'a>,
        decode: impl FnOnce(u16, &[u8]) -> Result<T, Error> + 'a,
    ) -> impl Future<Output = Result<T, Error>> + 'a {
        let span = tracing::info_span!(
            "livechat_config.call",
            action = action.as_str(),
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            region = tracing::field::Empty,
        );
        let recorder = span.clone();
        let call = async move {
            let body = body?;
            // The client's own headers were checked when it was built.
            options.headers.check()?;
            let (status, bytes) = self.attempts(&action, &body, &options, &recorder).await?;
            decode(status, bytes.as_slice())
        };
        // Without a subscriber that wants the span, entering it on every poll is pure cost.
        if span.is_disabled() {
            futures_util::future::Either::Left(call)
        } else {
            futures_util::future::Either::Right(call.instrument(span))
        }
    }
}

/// The body of a request.
fn body_of<R: Request>(request: &R) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(request).map_err(|e| Error::InvalidRequest {
        action: R::ACTION,
        violations: vec![crate::validate::Violation {
            path: String::new(),
            message: e.to_string(),
        }],
    })
}

fn decode_answer<R: Request>(_status: u16, bytes: &[u8]) -> Result<R::Response, Error> {
    R::decode_response(bytes).map_err(Error::Decode)
}

/// The client-side check of documented limits and rules, before anything is sent.
pub(crate) fn check<R: Request>(request: &R) -> Result<(), Error> {
    let mut validator = Validator::new();
    request.validate(&mut validator);
    let violations = validator.into_violations();
    if violations.is_empty() {
        Ok(())
    } else {
        Err(Error::InvalidRequest {
            action: R::ACTION,
            violations,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_url_is_the_whole_url_parsed() {
        for base in [
            "http://127.0.0.1:8080",
            "https://api.livechatinc.com",
            "https://proxy.example.com/prefix",
            "https://proxy.example.com/a/b",
            "http://[::1]:9000",
            "https://bücher.example",
            "http://h/with?query=1",
        ] {
            let client = Client::builder(Credentials::bearer("dal:t"))
                .base_url(base)
                .allow_insecure_http()
                .build()
                .unwrap();
            for name in ["get_agent", "batch_create_agents", "list_agents"] {
                let action = ActionName::unlisted(name);
                let parsed = reqwest::Url::parse(&client.url_of(&action)).unwrap();
                assert_eq!(
                    client.parsed_url_of(&action).unwrap(),
                    parsed,
                    "{base} {name}"
                );
            }
        }
    }
}
