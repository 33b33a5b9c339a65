//! One call's attempts: the loop that sends, retries, re-routes and refreshes, and what it
//! makes of each answer. Its hot path is the successful one, so what follows a failure is kept
//! out of line.

use super::received::Received;
use super::{CallOptions, Client};
use crate::retry::{self, Failure};
use crate::{decode, ActionName, Credentials, Error, Region, RetryPolicy};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, LOCATION};
use reqwest::Method;
use std::sync::{Arc, PoisonError};
use std::time::{Duration, Instant};

/// The header naming the data center of a call.
// Names made once: a header named by `&str` has its name parsed on every call.
const X_REGION: HeaderName = HeaderName::from_static("x-region");
const LEGACY: HeaderName = HeaderName::from_static("legacy");
const DEPRECATION: HeaderName = HeaderName::from_static("deprecation");
/// How much of a redirect's `Location` an error keeps.
const LOCATION_CHARS: usize = 200;

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
    /// What the provider gave for the latest attempt: the credentials a refusal refused.
    sent_with: Option<Credentials>,
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
    /// The provider's credentials; `None` for the client's own.
    from_provider: Option<Credentials>,
}

impl Client {
    /// The attempt loop: retries as the policy and the budget allow, follows one region
    /// redirect, and resends once with refreshed credentials after an `authentication` error.
    pub(super) async fn attempts(
        &self,
        action: &ActionName,
        body: &[u8],
        options: &CallOptions,
        span: &tracing::Span,
    ) -> Result<(u16, Received), Error> {
        let policy = options.retry.as_ref().unwrap_or(&self.inner.retry);
        let mut state = AttemptState::default();
        loop {
            state.attempt += 1;
            state.sent += 1;
            // What is only needed to make the request lives in blocks of its own: a binding
            // still in scope at an `.await` takes room in this future's state, moved-from or not.
            let (region, prepared) = {
                let refresh = std::mem::take(&mut state.refresh);
                let refused = if refresh {
                    state.sent_with.take()
                } else {
                    None
                };
                let auth = self.auth(action, refresh, refused).await?;
                state.sent_with = auth.from_provider;
                let explicit = self.explicit_region();
                let region = explicit
                    .clone()
                    .or_else(|| auth.region.clone())
                    .unwrap_or(Region::Dal);
                let name_region = explicit.is_some() || region != Region::Dal;
                let prepared =
                    self.request(action, body, &auth.header, &region, name_region, options);
                (region, prepared)
            };
            // Timed only when the span or the `answered` event will show it: reading the clock
            // twice is a visible share of a call's own work.
            let timed = !span.is_disabled() || tracing::enabled!(tracing::Level::DEBUG);
            let started = timed.then(Instant::now);
            // One request and its answer, awaited here rather than in an async fn of its own: a
            // nested future is built apart and then copied into this one, on every call.
            let outcome = 'attempt: {
                let (request, sent_to) = match prepared {
                    Ok(prepared) => prepared,
                    Err(failure) => break 'attempt Err(failure),
                };
                // Held until the answer is read: a connection (and its descriptor) per call in
                // flight, so the bound is the most the client opens at once. Taken before the
                // request starts, as its timeout runs from then.
                let _slot = match self.inner.in_flight.try_acquire() {
                    Ok(slot) => Some(slot),
                    Err(_) => self.wait_for_slot().await,
                };
                let pending = self.inner.http.execute(request);
                let mut response = match pending.await {
                    Ok(response) => response,
                    Err(e) => break 'attempt Err(transport(action, e)),
                };
                let status = response.status().as_u16();
                if let Err(failure) = self.head(action, sent_to.as_deref(), &response) {
                    break 'attempt Err(failure);
                }
                let announced = response.content_length().unwrap_or(0);
                if announced > self.inner.max_response_size as u64 {
                    break 'attempt Err(self.too_large(action));
                }
                let mut body = Received::expecting(announced as usize);
                loop {
                    match response.chunk().await {
                        Ok(Some(chunk)) => {
                            if body.len() + chunk.len() > self.inner.max_response_size {
                                break 'attempt Err(self.too_large(action));
                            }
                            body.push(chunk);
                        }
                        Ok(None) => break,
                        Err(e) => break 'attempt Err(transport(action, e)),
                    }
                }
                if (200..300).contains(&status) {
                    Ok((status, body))
                } else {
                    let retry_after = retry::retry_after(response.headers());
                    Err(refused(action, status, body.as_slice(), retry_after))
                }
            };
            let latency_ms = started.map_or(0.0, |t| t.elapsed().as_secs_f64() * 1000.0);
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
                        // Boxed: the rare retry's timer would otherwise take room in every call's state.
                        Next::After(wait) => Box::pin(tokio::time::sleep(wait)).await,
                        Next::Fail(error) => return Err(error),
                    }
                }
            }
        }
    }

    /// A slot once the calls in flight are fewer than the bound; boxed, as the wait is rare.
    #[cold]
    async fn wait_for_slot(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        // The semaphore is never closed, so this always ends with a slot.
        Box::pin(self.inner.in_flight.acquire()).await.ok()
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

    /// The `Authorization` header (and the region its token names) for the next attempt;
    /// `refused` names the provider's credentials the API just refused.
    async fn auth(
        &self,
        action: &ActionName,
        refresh: bool,
        refused: Option<Credentials>,
    ) -> Result<Auth, Error> {
        let Some(provider) = &self.inner.provider else {
            let header = self.inner.authorization.clone().map_err(Error::Config)?;
            return Ok(Auth {
                header,
                region: self.inner.credentials.region(),
                from_provider: None,
            });
        };
        let asked = match &refused {
            Some(refused) => provider.refused(refused),
            None => provider.credentials(refresh),
        };
        let credentials = asked.await.map_err(|source| Error::Credentials {
            action: action.clone(),
            source: Arc::from(source),
        })?;
        Ok(Auth {
            header: credentials.header().map_err(Error::Config)?,
            region: credentials.region(),
            from_provider: Some(credentials),
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
    ) -> Result<(reqwest::Request, Option<Box<reqwest::Url>>), Failure> {
        let url = self
            .parsed_url_of(action)
            .map_err(|e| plain(Error::Config(format!("URL of `{action}`: {e}"))))?;
        let sent_to = (!self.inner.own_http).then(|| Box::new(url.clone()));
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

    /// Checks that an answer's head says it comes from the API: a redirect, followed (the answer
    /// is not from `sent_to`) or not, is an error.
    fn head(
        &self,
        action: &ActionName,
        sent_to: Option<&reqwest::Url>,
        response: &reqwest::Response,
    ) -> Result<(), Failure> {
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
        location: location.map(|l| {
            crate::error::shown_url(l)
                .chars()
                .take(LOCATION_CHARS)
                .collect()
        }),
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
            source: crate::error::TransportError::new(source),
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
