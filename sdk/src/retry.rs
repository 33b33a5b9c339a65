//! When a failed call is sent again, and after how long.
//!
//! A `429` / `too_many_requests` means the API refused the request before running it, so any
//! action, writes and batch endpoints included, is sent again after one. Reads
//! (`Action::is_read_only`) are also retried after server errors and transport failures. A write
//! that failed any other way is retried only when its request provably never reached the server
//! (the connection could not be made), so a retry never applies a change twice.

use crate::{ActionName, Error};
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// How often and how patiently calls are retried: exponential backoff with full jitter, and the
/// server's `Retry-After` where it sends one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    rate_limited_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 3 attempts (10 while every refusal is a `429`), 200 ms base delay, 5 s max delay.
    fn default() -> Self {
        Self {
            max_attempts: 3,
            rate_limited_attempts: 10,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// No retries: every call is sent once (a region re-route and one resend with refreshed
    /// credentials still happen).
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            rate_limited_attempts: 1,
            ..Self::default()
        }
    }

    /// How many times a call may be sent in all, the first time included (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// How many times a call may be sent in all when the latest refusal was a `429` (at least
    /// 1; never fewer than [`max_attempts`](Self::max_attempts)). A rate-limited request did
    /// not run, and waiting is all it needs, so it gets a larger allowance: with half of all
    /// answers `429`, three attempts would leave one call in eight failed. Default: 10.
    pub fn with_rate_limited_attempts(mut self, attempts: u32) -> Self {
        self.rate_limited_attempts = attempts.max(1);
        self
    }

    /// The backoff's first ceiling; it doubles with each attempt.
    pub fn with_base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest wait between attempts. A `Retry-After` longer than this is not waited for:
    /// the call fails with the server's error instead of blocking.
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// How many times a call may be sent in all.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// How many times a call may be sent in all while it is rate limited.
    pub fn rate_limited_attempts(&self) -> u32 {
        self.rate_limited_attempts.max(self.max_attempts)
    }

    /// The backoff's first ceiling.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The longest wait between attempts.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The wait before attempt `attempt + 1`, or `None` when the call must not be retried.
    pub(crate) fn delay(
        &self,
        action: &ActionName,
        attempt: u32,
        failure: &Failure,
    ) -> Option<Duration> {
        let limit = if failure.error.is_rate_limited() {
            self.rate_limited_attempts()
        } else {
            self.max_attempts
        };
        if attempt >= limit || !retryable(action, failure) {
            return None;
        }
        if let Some(wait) = failure.retry_after {
            return (wait <= self.max_delay).then_some(wait);
        }
        let exponent = attempt.saturating_sub(1).min(30);
        let ceiling = self
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.max_delay);
        Some(jitter(ceiling))
    }
}

/// One failed attempt, with what the retry decision needs to know of it.
#[derive(Debug)]
pub(crate) struct Failure {
    /// Boxed, so the attempt loop's results stay small on the path that succeeds.
    pub error: Box<Error>,
    /// The server's `Retry-After`.
    pub retry_after: Option<Duration>,
    /// The request provably never reached the server: no connection was made.
    pub never_sent: bool,
}

/// Whether the failure may go away on its own, and retrying `action` after it is safe.
fn retryable(action: &ActionName, failure: &Failure) -> bool {
    if failure.never_sent || refused_before_running(&failure.error) {
        return true;
    }
    action.is_read_only() && failure.error.is_retryable()
}

/// A `429`, or a `too_many_requests` under any status but a 5xx: a server that failed while
/// saying so may have run part of the request.
fn refused_before_running(error: &Error) -> bool {
    error.is_rate_limited() && !error.status().is_some_and(|s| (500..600).contains(&s))
}

/// Full jitter: a uniformly random wait in `[0, ceiling]`.
fn jitter(ceiling: Duration) -> Duration {
    let random = RandomState::new().build_hasher().finish();
    let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(random % nanos.saturating_add(1))
}

/// The `Retry-After` header: delta-seconds, or an HTTP date (a date in the past means now).
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::retry_after;
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
    use std::time::{Duration, SystemTime};

    fn parsed(value: &str) -> Option<Duration> {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        retry_after(&headers)
    }

    #[test]
    fn seconds_and_dates() {
        assert_eq!(parsed("7"), Some(Duration::from_secs(7)));
        assert_eq!(parsed(" 0 "), Some(Duration::ZERO));
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let wait = parsed(&later).unwrap();
        assert!(
            wait > Duration::from_secs(28) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        assert_eq!(
            parsed("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parsed("soon"), None);
        assert_eq!(parsed("-3"), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }
}
