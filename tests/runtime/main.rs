//! The runtime against faults a test server injects: retries, timeouts, transport failures,
//! regions, batch helpers, observability and client-side validation. Each test counts the
//! requests the server saw, not only the result the caller got.

mod batch;
mod errors;
mod extensions;
mod in_flight;
mod oauth;
mod observability;
mod paging;
mod rate_limits;
mod redirects;
mod regions;
mod retries;
mod timeouts;
mod transport;
mod validation;

use livechat_config::RetryPolicy;
use std::time::Duration;

/// Retries with short waits, so tests stay fast.
pub fn quick_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(attempts)
        .with_base_delay(Duration::from_millis(5))
        .with_max_delay(Duration::from_millis(50))
}
