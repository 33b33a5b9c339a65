//! The client: one `POST {base}{version path}{name}` per attempt, retried as its
//! [`RetryPolicy`] and the client's [`RetryBudget`](crate::RetryBudget) allow, in the data center
//! the credentials (or the API) name.

use crate::budget::Bucket;
use crate::headers::ExtraHeaders;
use crate::retry::{self, Failure};
use crate::validate::Validator;
use crate::{
    decode, ActionName, ClientBuilder, Credentials, CredentialsProvider, Error, Region, Request,
    RetryPolicy,
};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE, LOCATION};
use reqwest::Method;
use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};
use tracing::Instrument;

/// The header naming the data center of a call.
// Names made once: a header named by `&str` has its name parsed on every call.
const X_REGION: HeaderName = HeaderName::from_static("x-region");
const LEGACY: HeaderName = HeaderName::from_static("legacy");
const DEPRECATION: HeaderName = HeaderName::from_static("deprecation");
/// How much of a redirect's `Location` an error keeps.
const LOCATION_CHARS: usize = 200;

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
    pub headers: ExtraHeaders,
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
        debug.field("base_url", &self.inner.base_url);
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

/// Where the attempt loop stands.
#[derive(Default)]
struct AttemptState {
    /// Attempts that count against the retry policy.
    attempt: u32,
    /// Requests sent, as the span reports them.
    sent: u32,
    rerouted: bool,
    refreshed: bool,
    /// The next attempt asks the provider for fresh credentials.
    refresh: bool,
    /// The tokens the latest retry took from the budget, given back if it succeeds.
    held: u32,
}

/// What the attempt loop does after a failure.
enum Next {
    Now,
    After(Duration),
    Fail(Error),
}

/// The credentials of one attempt.
struct Auth {
    header: HeaderValue,
    region: Option<Region>,
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
        self.send_with(request, &CallOptions::default()).await
    }

    // `send_with` and `send_checked` return `execute`'s future itself: an async fn around it
    // would be one more state to build and copy, and one more copy of the answer, per call.
    pub(crate) fn send_with<'a, R: Request>(
        &'a self,
        request: &'a R,
        options: &'a CallOptions,
    ) -> impl Future<Output = Result<R::Response, Error>> + 'a {
        let body = || check(request).and_then(|()| body_of(request));
        self.execute(R::ACTION, body, options, decode_answer::<R>)
    }

    /// Sends a request whose documented rules were checked already (the batch helpers check
    /// each item on its own, before chunking).
    pub(crate) fn send_checked<'a, R: Request>(
        &'a self,
        request: &'a R,
        options: &'a CallOptions,
    ) -> impl Future<Output = Result<R::Response, Error>> + 'a {
        self.execute(R::ACTION, || body_of(request), options, decode_answer::<R>)
    }

    /// Sends the body `body` makes to an action, in a tracing span of its own, and decodes a 2xx
    /// answer with `decode` (given the status and the body).
    // A plain fn returning one future: an async fn here, with the instrumented block inside it,
    // would be two more states to build and copy on every call.
    pub(crate) fn execute<'a, T: 'a>(
        &'a self,
        action: ActionName,
        body: impl FnOnce() -> Result<Vec<u8>, Error> + 'a,
        options: &'a CallOptions,
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
            let body = body()?;
            // The client's own headers were checked when it was built.
            options.headers.check()?;
            let (status, bytes) = self.attempts(&action, &body, options, &recorder).await?;
            decode(status, &bytes)
        };
        // Without a subscriber that wants the span, entering it on every poll is pure cost.
        if span.is_disabled() {
            futures_util::future::Either::Left(call)
        } else {
            futures_util::future::Either::Right(call.instrument(span))
        }
    }

    /// The attempt loop: retries as the policy and the budget allow, follows one region
    /// redirect, and resends once with refreshed credentials after an `authentication` error.
    async fn attempts(
        &self,
        action: &ActionName,
        body: &[u8],
        options: &CallOptions,
        span: &tracing::Span,
    ) -> Result<(u16, Vec<u8>), Error> {
        let policy = options.retry.as_ref().unwrap_or(&self.inner.retry);
        let mut state = AttemptState::default();
        loop {
            state.attempt += 1;
            state.sent += 1;
            let auth = self.auth(std::mem::take(&mut state.refresh)).await?;
            let explicit = self.explicit_region();
            let region = explicit
                .clone()
                .or_else(|| auth.region.clone())
                .unwrap_or(Region::Dal);
            let name_region = explicit.is_some() || region != Region::Dal;
            let started = Instant::now();
            // One request and its answer, awaited here rather than in an async fn of its own: a
            // nested future is built apart and then copied into this one, on every call.
            let outcome = 'attempt: {
                let request =
                    self.request(action, body, &auth.header, &region, name_region, options);
                let (request, sent_to) = match request {
                    Ok(request) => request,
                    Err(failure) => break 'attempt Err(failure),
                };
                let mut response = match self.inner.http.execute(request).await {
                    Ok(response) => response,
                    Err(e) => break 'attempt Err(transport(action, e)),
                };
                let status = response.status().as_u16();
                let retry_after = match self.head(action, sent_to.as_ref(), &response) {
                    Ok(retry_after) => retry_after,
                    Err(failure) => break 'attempt Err(failure),
                };
                let mut bytes = match self.body_buffer(action, &response) {
                    Ok(bytes) => bytes,
                    Err(failure) => break 'attempt Err(failure),
                };
                loop {
                    match response.chunk().await {
                        Ok(Some(chunk)) => {
                            if let Err(failure) = self.append(action, &mut bytes, &chunk) {
                                break 'attempt Err(failure);
                            }
                        }
                        Ok(None) => break,
                        Err(e) => break 'attempt Err(transport(action, e)),
                    }
                }
                if (200..300).contains(&status) {
                    Ok((status, bytes))
                } else {
                    Err(refused(action, status, &bytes, retry_after))
                }
            };
            let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
            let recording = !span.is_disabled();
            if recording {
                span.record("attempt", state.sent);
                span.record("latency_ms", latency_ms);
                span.record("region", region.as_str());
            }
            match outcome {
                Ok((status, bytes)) => {
                    if recording {
                        span.record("status", status);
                    }
                    tracing::debug!(status, latency_ms, attempt = state.sent, "answered");
                    self.inner.budget.succeeded(state.held);
                    return Ok((status, bytes));
                }
                Err(failure) => {
                    match self.after_failure(action, policy, &region, failure, &mut state, span) {
                        Next::Now => {}
                        Next::After(wait) => tokio::time::sleep(wait).await,
                        Next::Fail(error) => return Err(error),
                    }
                }
            }
        }
    }

    /// What follows a failed attempt. Kept out of the attempt loop, whose every call runs
    /// the successful path only: code it never runs still costs instruction cache there.
    #[cold]
    fn after_failure(
        &self,
        action: &ActionName,
        policy: &RetryPolicy,
        region: &Region,
        failure: Failure,
        state: &mut AttemptState,
        span: &tracing::Span,
    ) -> Next {
        let sent = state.sent;
        if let Some(status) = failure.error.status() {
            span.record("status", status);
        }
        if !state.rerouted {
            if let Some(to) = misdirected_to(&failure.error, region) {
                tracing::info!(from = %region, to = %to, "the API names another region; sending there");
                *self
                    .inner
                    .region
                    .write()
                    .unwrap_or_else(PoisonError::into_inner) = Some(to);
                state.rerouted = true;
                state.attempt -= 1;
                return Next::Now;
            }
        }
        if !state.refreshed && self.inner.provider.is_some() && failure.error.is_authentication() {
            tracing::info!("the API refused the credentials; sending once more with fresh ones");
            state.refreshed = true;
            state.refresh = true;
            state.attempt -= 1;
            return Next::Now;
        }
        let Some(wait) = policy.delay(action, state.attempt, &failure) else {
            tracing::debug!(error = %failure.error, attempt = sent, "failed");
            return Next::Fail(*failure.error);
        };
        let after_timeout = matches!(*failure.error, Error::Timeout { .. });
        let Some(taken) = self.inner.budget.take(after_timeout) else {
            tracing::warn!(error = %failure.error, attempt = sent, "not retried: the client's retry budget is spent");
            return Next::Fail(*failure.error);
        };
        state.held = taken;
        tracing::warn!(error = %failure.error, attempt = sent, wait_ms = wait.as_millis() as u64, "retrying");
        Next::After(wait)
    }

    /// The `Authorization` header (and the region its token names) for the next attempt.
    async fn auth(&self, refresh: bool) -> Result<Auth, Error> {
        let Some(provider) = &self.inner.provider else {
            let header = self.inner.authorization.clone().map_err(Error::Config)?;
            return Ok(Auth {
                header,
                region: self.inner.credentials.region(),
            });
        };
        let credentials = provider.credentials(refresh).await?;
        Ok(Auth {
            header: credentials.header().map_err(Error::Config)?,
            region: credentials.region(),
        })
    }

    /// The request of one attempt, and the URL its answer must come from when the HTTP client
    /// is the caller's and may have followed a redirect.
    fn request(
        &self,
        action: &ActionName,
        body: &[u8],
        authorization: &HeaderValue,
        region: &Region,
        name_region: bool,
        options: &CallOptions,
    ) -> Result<(reqwest::Request, Option<reqwest::Url>), Failure> {
        let url = self
            .parsed_url_of(action)
            .map_err(|e| plain(Error::Config(format!("URL of `{action}`: {e}"))))?;
        let sent_to = (!self.inner.own_http).then(|| url.clone());
        // A request built in place, not through `RequestBuilder`: its headers are one clone of
        // a map made once, not a merge of two maps per attempt.
        let mut request = reqwest::Request::new(Method::POST, url);
        let headers = request.headers_mut();
        *headers = self.inner.base_headers.clone();
        if !options.headers.is_empty() {
            for (name, value) in options.headers.map() {
                headers.insert(name, value.clone());
            }
        }
        headers.insert(AUTHORIZATION, authorization.clone());
        if name_region {
            let value = HeaderValue::from_str(region.as_str()).map_err(|_| {
                plain(Error::Config(format!(
                    "region `{}` cannot be sent in a header",
                    region.as_str().escape_debug()
                )))
            })?;
            headers.insert(X_REGION, value);
        }
        if options.timeout.is_some() || !self.inner.own_http {
            *request.timeout_mut() = Some(options.timeout.unwrap_or(self.inner.timeout));
        }
        *request.body_mut() = Some(body.to_vec().into());
        Ok((request, sent_to))
    }

    /// The `Retry-After` of an answer whose head says it comes from the API; a redirect,
    /// followed (the answer is not from `sent_to`) or not, is an error.
    fn head(
        &self,
        action: &ActionName,
        sent_to: Option<&reqwest::Url>,
        response: &reqwest::Response,
    ) -> Result<Option<Duration>, Failure> {
        let status = response.status().as_u16();
        if sent_to.is_some_and(|url| response.url() != url) {
            return Err(redirected(action, status, Some(response.url().as_str())));
        }
        if (300..400).contains(&status) {
            let location = response
                .headers()
                .get(LOCATION)
                .map(|v| String::from_utf8_lossy(v.as_bytes()));
            return Err(redirected(action, status, location.as_deref()));
        }
        self.log_deprecation(action, response.headers());
        Ok(retry::retry_after(response.headers()))
    }

    /// The buffer of an answer's body, refused when the answer announces more than the limit.
    fn body_buffer(
        &self,
        action: &ActionName,
        response: &reqwest::Response,
    ) -> Result<Vec<u8>, Failure> {
        let announced = response.content_length().unwrap_or(0);
        if announced > self.inner.max_response_size as u64 {
            return Err(self.too_large(action));
        }
        Ok(Vec::with_capacity(announced as usize))
    }

    /// Adds a chunk of the body, refused past the size limit so a server cannot exhaust memory.
    fn append(&self, action: &ActionName, body: &mut Vec<u8>, chunk: &[u8]) -> Result<(), Failure> {
        if body.len() + chunk.len() > self.inner.max_response_size {
            return Err(self.too_large(action));
        }
        body.extend_from_slice(chunk);
        Ok(())
    }

    #[cold]
    fn too_large(&self, action: &ActionName) -> Failure {
        plain(Error::ResponseTooLarge {
            action: action.clone(),
            limit: self.inner.max_response_size,
        })
    }

    fn log_deprecation(&self, action: &ActionName, headers: &HeaderMap) {
        let legacy = headers.get(&LEGACY).and_then(|v| v.to_str().ok());
        let deprecation = headers.get(&DEPRECATION).and_then(|v| v.to_str().ok());
        if legacy.is_none() && deprecation.is_none() {
            return;
        }
        let first = self
            .inner
            .deprecation_logged
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(action.clone());
        if first {
            tracing::warn!(
                action = action.as_str(),
                legacy,
                deprecation,
                "the API marks this action as legacy or deprecated"
            );
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
    let mut validator = Validator::lenient();
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

fn plain(error: Error) -> Failure {
    Failure {
        error: Box::new(error),
        retry_after: None,
        never_sent: false,
    }
}

/// A redirect, where only the API should answer.
#[cold]
fn redirected(action: &ActionName, status: u16, location: Option<&str>) -> Failure {
    plain(Error::Redirect {
        action: action.clone(),
        status,
        location: location.map(|l| l.chars().take(LOCATION_CHARS).collect()),
    })
}

/// The failure of an answer that is not a 2xx: the API's error when the body is one.
#[cold]
fn refused(
    action: &ActionName,
    status: u16,
    bytes: &[u8],
    retry_after: Option<Duration>,
) -> Failure {
    let error = match decode::api_error(bytes) {
        Some(mut api) => {
            api.action = Some(action.clone());
            api.status = Some(status);
            api.retry_after = retry_after;
            Error::Api(api)
        }
        None => Error::Status {
            action: action.clone(),
            status,
            excerpt: decode::excerpt(bytes),
        },
    };
    Failure {
        error: Box::new(error),
        retry_after,
        never_sent: false,
    }
}

#[cold]
fn transport(action: &ActionName, source: reqwest::Error) -> Failure {
    // A failed connect (refused, unreachable, connect timeout) means no byte of the request left.
    let never_sent = source.is_connect();
    let error = if source.is_timeout() {
        Error::Timeout {
            action: action.clone(),
        }
    } else {
        Error::Transport {
            action: action.clone(),
            source: Arc::new(source),
        }
    };
    Failure {
        error: Box::new(error),
        retry_after: None,
        never_sent,
    }
}

/// The region a `misdirected_request` names, when it is not the one just tried and is a
/// plausible region name: a server's answer must not be able to put anything else in the
/// header of every later call.
fn misdirected_to(error: &Error, tried: &Region) -> Option<Region> {
    let api = error.api()?;
    if api.kind != crate::ErrorKind::MisdirectedRequest {
        return None;
    }
    let name = api.region()?;
    if !Region::is_plausible_name(name) {
        let shown: String = name.chars().take(40).collect();
        tracing::warn!(region = %shown.escape_debug(), "the API names a region that is not a region name; not re-routing");
        return None;
    }
    let region = Region::from(name);
    (region != *tried).then_some(region)
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
