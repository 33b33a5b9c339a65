//! Customer bans: made by v3.7's `ban_customer` (v3.6 cannot make them: there the Agent Chat API
//! does, so they come from the emulator's builder), listed and lifted by both versions.

use crate::auth::Identity;
use crate::clock::{now_rfc3339, rfc3339_in};
use crate::error::Failure;
use crate::state::State;
use livechat_config::v3_7::BanCustomerRequest;
use livechat_config::{CustomerBan, UnbanCustomerRequest};

/// A ban whose expiry has passed is no longer active. Timestamps are compared as the
/// emulator writes them (`…Z`, fixed width), which orders them in time.
fn active(ban: &CustomerBan, now: &str) -> bool {
    ban.expires_at
        .as_deref()
        .is_none_or(|expires| expires > now)
}

pub fn list(state: &State) -> Result<Vec<CustomerBan>, Failure> {
    let now = now_rfc3339();
    let bans: Vec<CustomerBan> = state
        .customer_bans
        .iter()
        .filter(|b| active(b, &now))
        .cloned()
        .collect();
    Ok(bans)
}

/// Lifts every active ban of the IP address or customer named (exactly one of them, which the
/// request's own rules enforce).
pub fn unban(req: UnbanCustomerRequest, state: &mut State) -> Result<(), Failure> {
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
    Ok(())
}

/// Whether `ip` falls under the license's `monitoring.ip_mask`: dotted parts that are equal or
/// `*` in the mask.
fn masked(ip: &str, state: &State) -> bool {
    let Some(mask) = state
        .license_values
        .get("monitoring")
        .and_then(|values| values.get("ip_mask"))
        .and_then(|mask| mask.as_str())
    else {
        return false;
    };
    let (ip_parts, mask_parts): (Vec<&str>, Vec<&str>) =
        (ip.split('.').collect(), mask.split('.').collect());
    ip_parts.len() == mask_parts.len()
        && ip_parts
            .iter()
            .zip(&mask_parts)
            .all(|(part, mask)| *mask == "*" || part == mask)
}

/// Bans the IP address and/or the customer named (at least one, which the request's own rules
/// enforce) for `seconds`. A new ban of the same IP address and customer replaces the old one.
pub fn ban(req: BanCustomerRequest, who: &Identity, state: &mut State) -> Result<(), Failure> {
    if req.ip.is_none() && req.customer_id.is_none() {
        return Err(Failure::validation(
            "at least one of `ip` and `customer_id` is required",
        ));
    }
    if let Some(ip) = req.ip.as_deref().filter(|ip| masked(ip, state)) {
        return Err(Failure::validation(format!(
            "`ip`: `{ip}` matches the license's `monitoring.ip_mask` and cannot be banned"
        )));
    }
    let seconds = Some(req.seconds.as_secs())
        .filter(|s| *s > 0)
        .ok_or_else(|| Failure::validation("`seconds`: must be a positive number"))?;
    let expires_at = rfc3339_in(seconds)
        .ok_or_else(|| Failure::validation("`seconds`: the ban would end after the year 9999"))?;
    state
        .customer_bans
        .retain(|b| !(b.ip == req.ip && b.customer_id == req.customer_id));
    let mut ban = CustomerBan::new();
    ban.ip = req.ip;
    ban.customer_id = req.customer_id;
    ban.agent_id = Some(who.agent_id.clone());
    ban.created_at = Some(now_rfc3339());
    ban.expires_at = Some(expires_at);
    state.customer_bans.push(ban);
    Ok(())
}
