//! Customer bans. This API version cannot make bans (the Agent Chat API does), so a license's
//! bans come from the emulator's builder; they can be listed and lifted.

use super::{done, reply};
use crate::clock::now_rfc3339;
use crate::error::{Failure, Outcome};
use crate::state::State;
use livechat_config::{CustomerBan, UnbanCustomerRequest};

/// A ban whose expiry has passed is no longer active. Timestamps are compared as the
/// emulator writes them (`…Z`, fixed width), which orders them in time.
fn active(ban: &CustomerBan, now: &str) -> bool {
    ban.expires_at
        .as_deref()
        .is_none_or(|expires| expires > now)
}

pub fn list(state: &State) -> Outcome {
    let now = now_rfc3339();
    let bans: Vec<&CustomerBan> = state
        .customer_bans
        .iter()
        .filter(|b| active(b, &now))
        .collect();
    reply(bans)
}

/// Lifts every active ban of the IP address or customer named (exactly one of them, which the
/// request's own rules enforce).
pub fn unban(req: UnbanCustomerRequest, state: &mut State) -> Outcome {
    let now = now_rfc3339();
    let (key, named) = match (&req.ip, &req.customer_id) {
        (Some(ip), _) => ("ip", ip.as_str()),
        (None, Some(id)) => ("customer_id", id.as_str()),
        (None, None) => {
            return Err(Failure::validation(
                "exactly one of `ip` and `customer_id` is required",
            ))
        }
    };
    let matches = |ban: &CustomerBan| {
        let value = if key == "ip" {
            ban.ip.as_deref()
        } else {
            ban.customer_id.as_deref()
        };
        value == Some(named) && active(ban, &now)
    };
    if !state.customer_bans.iter().any(matches) {
        return Err(Failure::not_found(format!(
            "no active ban for `{key}` `{named}`"
        )));
    }
    state.customer_bans.retain(|ban| !matches(ban));
    done()
}
