//! A client-wide allowance of retries, so that a sustained storm of failures does not multiply
//! the traffic a client sends (the token bucket of the AWS SDKs' standard retry mode).

use std::sync::Mutex;
use std::sync::PoisonError;

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
    left: Mutex<u32>,
}

impl Bucket {
    pub fn new(budget: RetryBudget) -> Self {
        Self {
            max: budget.tokens,
            left: Mutex::new(budget.tokens.unwrap_or(0)),
        }
    }

    pub fn left(&self) -> Option<u32> {
        self.max.map(|_| *self.lock())
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
        let mut left = self.lock();
        let rest = left.checked_sub(cost)?;
        *left = rest;
        Some(cost)
    }

    /// A call succeeded; `held` is what its last retry took (0 when it was not retried).
    pub fn succeeded(&self, held: u32) {
        let Some(max) = self.max else { return };
        let earned = if held == 0 { SUCCESS_REWARD } else { held };
        let mut left = self.lock();
        *left = left.saturating_add(earned).min(max);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, u32> {
        self.left.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
