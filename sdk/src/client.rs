//! The client: one `POST {base}/v3.6/configuration/action/{name}` per attempt, retried as its
//! [`RetryPolicy`] allows, in the data center the credentials (or the API) name.

use crate::retry::{self, Failure};
use crate::validate::Validator;
use crate::{
    decode, Action, ClientBuilder, Credentials, Error, Region, Request, RetryPolicy, ACTION_PATH,
};
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};
use tracing::Instrument;

/// The header naming the data center of a call.
const X_REGION: &str = "x-region";

/// A client of the Configuration API. Cheap to clone: clones share one connection pool and what
/// the client learned of its region.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    credentials: Credentials,
    authorization: Result<HeaderValue, String>,
    /// The region calls go to; `explicit` when set by the caller or learned from the API, which
    /// makes every call name it.
    region: RwLock<RegionChoice>,
    retry: RetryPolicy,
    batch: BatchSettings,
    max_response_size: usize,
    /// Actions whose deprecation was logged already: once per action is enough.
    deprecation_logged: Mutex<HashSet<Action>>,
}

#[derive(Debug, Clone)]
struct RegionChoice {
    region: Region,
    explicit: bool,
}

/// How the batch helpers split their work.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BatchSettings {
    pub chunk_size: usize,
    pub concurrency: usize,
}

/// Per-call settings that override the client's.
#[derive(Debug, Clone, Default)]
pub(crate) struct CallOptions {
    pub timeout: Option<Duration>,
    pub retry: Option<RetryPolicy>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
            .field("region", &self.region())
            .field("retry", &self.inner.retry)
            .finish()
    }
}

impl Client {
    pub(crate) fn from_parts(
        http: reqwest::Client,
        base_url: String,
        credentials: Credentials,
        region: Option<Region>,
        retry: RetryPolicy,
        batch: BatchSettings,
        max_response_size: usize,
    ) -> Client {
        let authorization = credentials.header();
        let region = match region {
            Some(region) => RegionChoice {
                region,
                explicit: true,
            },
            None => RegionChoice {
                region: credentials.region().unwrap_or(Region::Dal),
                explicit: false,
            },
        };
        Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                credentials,
                authorization,
                region: RwLock::new(region),
                retry,
                batch,
                max_response_size,
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
    /// chunking, user agent).
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
        self.region_choice().region
    }

    /// The URL of an action.
    pub fn action_url(&self, action: Action) -> String {
        format!("{}{ACTION_PATH}{}", self.inner.base_url, action.name())
    }

    /// Fails when the credentials cannot be sent at all, before anything is attempted.
    pub(crate) fn authorization_usable(&self) -> Result<(), Error> {
        match &self.inner.authorization {
            Ok(_) => Ok(()),
            Err(e) => Err(Error::Config(e.clone())),
        }
    }

    pub(crate) fn batch_settings(&self) -> BatchSettings {
        self.inner.batch
    }

    fn region_choice(&self) -> RegionChoice {
        self.inner
            .region
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Sends a request built beforehand; the generated methods (`client.create_agent(…)`) are the
    /// usual way in.
    pub async fn send<R: Request>(&self, request: &R) -> Result<R::Response, Error> {
        self.send_with(request, &CallOptions::default()).await
    }

    pub(crate) async fn send_with<R: Request>(
        &self,
        request: &R,
        options: &CallOptions,
    ) -> Result<R::Response, Error> {
        check(request)?;
        self.send_checked(request, options).await
    }

    /// Sends a request whose documented rules were checked already (the batch helpers check
    /// each item on its own, before chunking).
    pub(crate) async fn send_checked<R: Request>(
        &self,
        request: &R,
        options: &CallOptions,
    ) -> Result<R::Response, Error> {
        let action = R::ACTION;
        let body = serde_json::to_vec(request).map_err(|e| Error::InvalidRequest {
            action,
            violations: vec![crate::validate::Violation {
                path: String::new(),
                message: e.to_string(),
            }],
        })?;
        let span = tracing::info_span!(
            "livechat_config.call",
            action = action.name(),
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            region = tracing::field::Empty,
        );
        self.send_body::<R>(&body, options).instrument(span).await
    }

    /// The attempt loop: retries as the policy allows, and follows one region redirect.
    async fn send_body<R: Request>(
        &self,
        body: &[u8],
        options: &CallOptions,
    ) -> Result<R::Response, Error> {
        let action = R::ACTION;
        let policy = options.retry.as_ref().unwrap_or(&self.inner.retry);
        let span = tracing::Span::current();
        let mut rerouted = false;
        let mut attempt = 0;
        let mut sent = 0;
        loop {
            attempt += 1;
            sent += 1;
            let choice = self.region_choice();
            let started = Instant::now();
            let outcome = self.attempt(action, body, &choice, options).await;
            let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
            span.record("attempt", sent);
            span.record("latency_ms", latency_ms);
            span.record("region", choice.region.as_str());
            let failure = match outcome {
                Ok((status, bytes)) => {
                    span.record("status", status);
                    tracing::debug!(status, latency_ms, attempt = sent, "answered");
                    return R::decode_response(&bytes).map_err(Error::Decode);
                }
                Err(failure) => failure,
            };
            if let Some(status) = failure.error.api().and_then(|e| e.status) {
                span.record("status", status);
            }
            if !rerouted {
                if let Some(region) = misdirected_to(&failure.error, &choice.region) {
                    tracing::info!(from = %choice.region, to = %region, "the API names another region; sending there");
                    *self
                        .inner
                        .region
                        .write()
                        .unwrap_or_else(PoisonError::into_inner) = RegionChoice {
                        region,
                        explicit: true,
                    };
                    rerouted = true;
                    attempt -= 1;
                    continue;
                }
            }
            match policy.delay(action, attempt, &failure) {
                Some(wait) => {
                    tracing::warn!(error = %failure.error, attempt = sent, wait_ms = wait.as_millis() as u64, "retrying");
                    tokio::time::sleep(wait).await;
                }
                None => {
                    tracing::debug!(error = %failure.error, attempt = sent, "failed");
                    return Err(failure.error);
                }
            }
        }
    }

    /// One request and its answer: the status and body of a 2xx answer, or why it failed.
    async fn attempt(
        &self,
        action: Action,
        body: &[u8],
        choice: &RegionChoice,
        options: &CallOptions,
    ) -> Result<(u16, Vec<u8>), Failure> {
        let authorization = self
            .inner
            .authorization
            .clone()
            .map_err(|e| plain(Error::Config(e)))?;
        let mut request = self
            .inner
            .http
            .post(self.action_url(action))
            .header(AUTHORIZATION, authorization)
            .header(CONTENT_TYPE, "application/json")
            .body(body.to_vec());
        if choice.explicit || choice.region != Region::Dal {
            request = request.header(X_REGION, choice.region.as_str());
        }
        if let Some(timeout) = options.timeout {
            request = request.timeout(timeout);
        }
        let mut response = request.send().await.map_err(|e| transport(action, e))?;
        let status = response.status().as_u16();
        self.log_deprecation(action, response.headers());
        let retry_after = retry::retry_after(response.headers());
        let bytes = self.read_body(action, &mut response).await?;
        if (200..300).contains(&status) {
            return Ok((status, bytes));
        }
        let error = match decode::api_error(&bytes) {
            Some(mut api) => {
                api.status = Some(status);
                api.retry_after = retry_after;
                Error::Api(api)
            }
            None => Error::Status {
                action,
                status,
                excerpt: decode::excerpt(&bytes),
            },
        };
        Err(Failure {
            error,
            retry_after,
            never_sent: false,
        })
    }

    /// The answer's body, refused past the size limit so a server cannot exhaust memory.
    async fn read_body(
        &self,
        action: Action,
        response: &mut reqwest::Response,
    ) -> Result<Vec<u8>, Failure> {
        let limit = self.inner.max_response_size;
        let too_large = || plain(Error::ResponseTooLarge { action, limit });
        let announced = response.content_length().unwrap_or(0);
        if announced > limit as u64 {
            return Err(too_large());
        }
        let mut body = Vec::with_capacity(announced as usize);
        while let Some(chunk) = response.chunk().await.map_err(|e| transport(action, e))? {
            if body.len() + chunk.len() > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn log_deprecation(&self, action: Action, headers: &HeaderMap) {
        let legacy = headers.get("legacy").and_then(|v| v.to_str().ok());
        let deprecation = headers.get("deprecation").and_then(|v| v.to_str().ok());
        if legacy.is_none() && deprecation.is_none() {
            return;
        }
        let first = self
            .inner
            .deprecation_logged
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(action);
        if first {
            tracing::warn!(
                action = action.name(),
                legacy,
                deprecation,
                "the API marks this action as legacy or deprecated"
            );
        }
    }
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
        error,
        retry_after: None,
        never_sent: false,
    }
}

fn transport(action: Action, source: reqwest::Error) -> Failure {
    // A failed connect (refused, unreachable, connect timeout) means no byte of the request left.
    let never_sent = source.is_connect();
    let error = if source.is_timeout() {
        Error::Timeout { action }
    } else {
        Error::Transport {
            action,
            source: Arc::new(source),
        }
    };
    Failure {
        error,
        retry_after: None,
        never_sent,
    }
}

/// The region a `misdirected_request` names, when it is not the one just tried.
fn misdirected_to(error: &Error, tried: &Region) -> Option<Region> {
    let api = error.api()?;
    if api.kind != crate::ErrorKind::MisdirectedRequest {
        return None;
    }
    let region = Region::from(api.region()?);
    (region != *tried && !region.as_str().is_empty()).then_some(region)
}
