//! The "Other" section: channels, plan limits, product source, email reactivation and company
//! details, answered from the license's state where it has something to say.

use crate::error::Failure;
use crate::state::State;
use livechat_config::{
    Channel, ChannelType, CheckProductLimitsForPlanRequest, LimitBalance, LimitResource, Plan,
    ProductSource, ReactivateEmailRequest, UpdateCompanyDetailsRequest,
};
use std::collections::BTreeSet;

/// The code channel since the license was made, plus one integration channel per application
/// that owns a bot on the license.
pub fn list_channels(state: &State) -> Result<Vec<Channel>, Failure> {
    let mut channels = vec![
        Channel::new(ChannelType::Code, "", &state.created_at),
        Channel::new(ChannelType::DirectLink, "", &state.created_at),
    ];
    let integrations: BTreeSet<&str> = state
        .bots
        .values()
        .filter_map(|b| b.bot.owner_client_id.as_deref())
        .collect();
    for client_id in integrations {
        channels.push(Channel::new(
            ChannelType::Integration,
            client_id,
            &state.created_at,
        ));
    }
    Ok(channels)
}

/// Per plan: agents (bots included), groups (General included), auto access rules, groups per
/// agent. The numbers are the emulator's own; the reference gives none.
fn limits(plan: &Plan) -> Option<[i64; 4]> {
    match plan {
        Plan::Starter => Some([1, 1, 0, 1]),
        Plan::Team => Some([100, 10, 5, 10]),
        Plan::Enterprise => Some([1000, 100, 100, 100]),
        Plan::Enterpriseplus => Some([10_000, 1000, 1000, 1000]),
        _ => None,
    }
}

/// What exceeds the plan's limits: one entry per resource over it, and one per agent in more
/// groups than the plan allows.
pub fn check_limits(
    req: CheckProductLimitsForPlanRequest,
    state: &State,
) -> Result<Vec<LimitBalance>, Failure> {
    let Some([agents, groups, rules, per_agent]) = limits(&req.plan) else {
        return Err(Failure::validation(format!(
            "unknown plan `{}`",
            req.plan.as_str()
        )));
    };
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let mut over = Vec::new();
    let mut check = |resource: LimitResource, used: i64, limit: i64, id: Option<String>| {
        if used > limit {
            let mut balance = LimitBalance::new(resource, used - limit);
            balance.id = id;
            over.push(balance);
        }
    };
    check(
        LimitResource::Agents,
        count(state.agents.len() + state.bots.len()),
        agents,
        None,
    );
    check(
        LimitResource::Groups,
        count(state.groups.len()),
        groups,
        None,
    );
    check(
        LimitResource::AccessRules,
        count(state.auto_accesses.len()),
        rules,
        None,
    );
    for id in state.agents.keys() {
        let memberships = count(state.groups_of(id).len());
        check(
            LimitResource::GroupsPerAgent,
            memberships,
            per_agent,
            Some(id.clone()),
        );
    }
    Ok(over)
}

pub fn product_source() -> Result<ProductSource, Failure> {
    let mut source = ProductSource::new();
    source.source_id = Some("create_account_link".to_string());
    source.source_type = Some("accounts".to_string());
    source.source_url = Some("https://accounts.livechat.com".to_string());
    Ok(source)
}

pub fn reactivate_email(req: ReactivateEmailRequest, state: &State) -> Result<(), Failure> {
    if !state.agents.contains_key(&req.agent_id) {
        return Err(Failure::not_found(format!(
            "agent `{}` not found",
            req.agent_id
        )));
    }
    Ok(())
}

/// Stored, field by field, for whoever reads the state file; no action reads it back.
pub fn update_company(req: UpdateCompanyDetailsRequest, state: &mut State) -> Result<(), Failure> {
    let fields = serde_json::to_value(&req).map_err(|e| Failure::internal(e.to_string()))?;
    if let serde_json::Value::Object(fields) = fields {
        for (key, value) in fields {
            if !value.is_null() {
                state.company.insert(key, value);
            }
        }
    }
    Ok(())
}
