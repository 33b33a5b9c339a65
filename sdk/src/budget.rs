//! A client-wide allowance of retries, so that a sustained storm of failures does not multiply
//! the traffic a client sends (the token bucket of the AWS SDKs' standard retry mode).

use std::sync::atomic::{AtomicU32, Ordering};

/// A retry costs this many tokens.
const RETRY_COST: u32 = 5;
/// A retry after a timeout costs more: timeouts hint at an overloaded server.
const TIMEOUT_RETRY_COST: u32 = 10;
/// A call answered at its first attempt earns this many tokens back.
const SUCCESS_REWARD: u32 = 1;

/// How many retries all calls of a client (and its clones) may make between them.
///
/// The budget holds tokens, 500 by default. Each retry takes 5 (10 after a timeout); a retry
/// that succeeds gives its tokens back, and a call that succeeds at once adds 1, up to the
/// budget's size. When a retry would take more tokens than are left, the call fails with its
/// error instead of being sent again. So a client in a storm where nothing succeeds makes at
/// most 100 retries in all (fewer after timeouts) and then sends each call once, while the
/// occasional `429` or `5xx` of normal traffic never runs it dry: a 50 % share of `429`s costs
/// about two tokens per call, repaid as the storm ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryBudget {
    tokens: Option<u32>,
}

impl Default for RetryBudget {
    /// 500 tokens: 100 retries when nothing succeeds.
    fn default() -> Self {
        Self::tokens(500)
    }
}

impl RetryBudget {
    /// A budget of this many tokens (a retry takes 5, or 10 after a timeout).
    pub fn tokens(tokens: u32) -> Self {
        Self {
            tokens: Some(tokens),
        }
    }

    /// No client-wide limit: each call retries as its [`RetryPolicy`](crate::RetryPolicy)
    /// allows, whatever the others do.
    pub fn unlimited() -> Self {
        Self { tokens: None }
    }

    /// The budget's size in tokens; `None` when unlimited.
    pub fn size(&self) -> Option<u32> {
        self.tokens
    }
}

/// The tokens left of a client's budget.
#[derive(Debug)]
pub(crate) struct Bucket {
    max: Option<u32>,
    // An atomic, not a lock: every successful call of every clone adds to it, and a full
    // bucket (the usual case) is only read, so calls on several threads do not contend.
    left: AtomicU32,
}

impl Bucket {
    pub fn new(budget: RetryBudget) -> Self {
        Self {
            max: budget.tokens,
            left: AtomicU32::new(budget.tokens.unwrap_or(0)),
        }
    }

    pub fn left(&self) -> Option<u32> {
        self.max.map(|_| self.left.load(Ordering::Relaxed))
    }

    /// Takes the cost of one retry; `None` when the budget cannot pay for it. The tokens taken
    /// are returned to [`Bucket::succeeded`] if the retry works.
    pub fn take(&self, after_timeout: bool) -> Option<u32> {
        if self.max.is_none() {
            return Some(0);
        }
        let cost = if after_timeout {
            TIMEOUT_RETRY_COST
        } else {
            RETRY_COST
        };
        self.left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(cost)
            })
            .ok()
            .map(|_| cost)
    }

    /// A call succeeded; `held` is what its last retry took (0 when it was not retried).
    pub fn succeeded(&self, held: u32) {
        let Some(max) = self.max else { return };
        if self.left.load(Ordering::Relaxed) >= max {
            return;
        }
        let earned = if held == 0 { SUCCESS_REWARD } else { held };
        // `Err` only when the bucket filled meanwhile: nothing to add then.
        let _ = self
            .left
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                (left < max).then(|| left.saturating_add(earned).min(max))
            });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_bucket_stays_full_and_never_passes_its_size() {
        let bucket = Bucket::new(RetryBudget::tokens(12));
        bucket.succeeded(0);
        assert_eq!(bucket.left(), Some(12));
        assert_eq!(bucket.take(false), Some(RETRY_COST));
        assert_eq!(bucket.take(false), Some(RETRY_COST));
        assert_eq!(bucket.take(false), None, "2 tokens left cannot pay 5");
        assert_eq!(bucket.left(), Some(2));
        bucket.succeeded(RETRY_COST);
        assert_eq!(bucket.left(), Some(7));
        bucket.succeeded(RETRY_COST);
        bucket.succeeded(RETRY_COST);
        assert_eq!(bucket.left(), Some(12));
    }

    #[test]
    fn threads_taking_and_refilling_at_once_lose_no_token() {
        let bucket = Bucket::new(RetryBudget::tokens(100_000));
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    for _ in 0..1_000 {
                        assert_eq!(bucket.take(true), Some(TIMEOUT_RETRY_COST));
                        bucket.succeeded(0);
                    }
                });
            }
        });
        let spent = 4 * 1_000 * (TIMEOUT_RETRY_COST - SUCCESS_REWARD);
        assert_eq!(bucket.left(), Some(100_000 - spent));
    }
}
