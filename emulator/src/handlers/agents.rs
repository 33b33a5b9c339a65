//! Agents: create, read, list, update, delete, suspend, unsuspend, approve.

use super::names;
use crate::auth::{require, Identity};
use crate::error::Failure;
use crate::state::{avatar_url, State};
use livechat_config::{
    Agent, AgentField, ApproveAgentRequest, CreateAgentRequest, CreateAgentResponse,
    DeleteAgentRequest, GetAgentRequest, GroupAssignment, ListAgentsRequest, LoginStatus, Priority,
    Role, SuspendAgentRequest, UnsuspendAgentRequest, UpdateAgentRequest,
};

const ROLES_SCOPE: &str = "accounts.roles.lc--all:rw";

fn agent_mut<'a>(state: &'a mut State, id: &str) -> Result<&'a mut Agent, Failure> {
    state
        .agents
        .get_mut(id)
        .ok_or_else(|| Failure::not_found(format!("agent `{id}` not found")))
}

fn check_role_change(who: &Identity, role: &Role) -> Result<(), Failure> {
    if *role != Role::Normal {
        require(who, ROLES_SCOPE, "a role higher than normal")?;
    }
    Ok(())
}

pub fn create(
    req: CreateAgentRequest,
    who: &Identity,
    state: &mut State,
) -> Result<CreateAgentResponse, Failure> {
    names::not_blank("name", &req.name)?;
    if state.member_exists(&req.id) {
        return Err(Failure::already_exists(format!(
            "agent `{}` already exists",
            req.id
        )));
    }
    let role = req.role.clone().unwrap_or(Role::Normal);
    // `owner` never gets here: the spec's request values refuse it while decoding.
    check_role_change(who, &role)?;
    if req.awaiting_approval == Some(false) {
        require(who, "subscription.lc:rw", "`awaiting_approval: false`")?;
    }
    // Footnote 1: those scopes are what lets an agent skip approval.
    let skips_approval = who.has("accounts--all:rw") || who.has("subscription.lc:rw");
    let groups = req
        .groups
        .clone()
        .unwrap_or_else(|| vec![GroupAssignment::new(0, Priority::Normal)]);
    state.check_groups(groups.iter().map(|g| g.id))?;

    let mut agent = Agent::new(&req.id, &req.name);
    agent.account_id = Some(state.ids.uuid());
    agent.avatar = Some(avatar_url(&req.id));
    agent.role = Some(role);
    agent.login_status = Some(req.login_status.unwrap_or(LoginStatus::NotAcceptingChats));
    agent.job_title = req.job_title;
    agent.mobile = req.mobile;
    agent.max_chats_count = Some(req.max_chats_count.unwrap_or(6));
    agent.notifications = Some(req.notifications.unwrap_or_default());
    agent.email_subscriptions = Some(req.email_subscriptions.unwrap_or_default());
    agent.work_scheduler = req.work_scheduler;
    agent.suspended = Some(false);
    agent.awaiting_approval = Some(req.awaiting_approval.unwrap_or(!skips_approval));
    state.agents.insert(req.id.clone(), agent);
    state.set_groups(&req.id, &groups);
    Ok(CreateAgentResponse::new(req.id))
}

/// An agent as the API shows it: the base fields plus those asked for in `fields`.
/// List Agents names the avatar `avatar_path` and the email subscriptions `summaries` too, as
/// the reference's example does.
fn render(state: &State, stored: &Agent, fields: &[AgentField], listed: bool) -> Agent {
    let mut out = Agent::new(&stored.id, &stored.name);
    out.account_id = stored.account_id.clone();
    out.role = stored.role.clone();
    out.login_status = stored.login_status.clone();
    if listed {
        out.avatar_path = stored.avatar.clone();
    } else {
        out.avatar = stored.avatar.clone();
    }
    for field in fields {
        match field {
            AgentField::WorkScheduler => out.work_scheduler = stored.work_scheduler.clone(),
            AgentField::Groups => out.groups = Some(state.groups_of(&stored.id)),
            AgentField::EmailSubscriptions => {
                out.email_subscriptions = stored.email_subscriptions.clone();
                if listed {
                    out.summaries = stored.email_subscriptions.clone();
                }
            }
            AgentField::Notifications => out.notifications = stored.notifications.clone(),
            AgentField::JobTitle => out.job_title = stored.job_title.clone(),
            AgentField::Mobile => out.mobile = stored.mobile.clone(),
            AgentField::MaxChatsCount => out.max_chats_count = stored.max_chats_count,
            AgentField::Suspended => out.suspended = stored.suspended,
            AgentField::AwaitingApproval => out.awaiting_approval = stored.awaiting_approval,
            AgentField::LastLogout => out.last_logout = stored.last_logout.clone(),
            _ => {}
        }
    }
    out
}

pub fn get(req: GetAgentRequest, state: &State) -> Result<Agent, Failure> {
    let stored = state
        .agents
        .get(&req.id)
        .ok_or_else(|| Failure::not_found(format!("agent `{}` not found", req.id)))?;
    Ok(render(
        state,
        stored,
        &req.fields.unwrap_or_default(),
        false,
    ))
}

pub fn list(req: ListAgentsRequest, state: &State) -> Result<Vec<Agent>, Failure> {
    let fields = req.fields.unwrap_or_default();
    let filters = req.filters.unwrap_or_default();
    let agents: Vec<Agent> = state
        .agents
        .values()
        .filter(|a| match &filters.group_ids {
            Some(ids) => state.groups_of(&a.id).iter().any(|g| ids.contains(&g.id)),
            None => true,
        })
        .filter(|a| match filters.suspended {
            Some(wanted) => a.suspended.unwrap_or(false) == wanted,
            None => true,
        })
        .map(|a| render(state, a, &fields, true))
        .collect();
    Ok(agents)
}

pub fn update(req: UpdateAgentRequest, who: &Identity, state: &mut State) -> Result<(), Failure> {
    let current_role = agent_mut(state, &req.id)?.role.clone();
    if let Some(role) = &req.role {
        check_role_change(who, role)?;
        // Requests cannot name `owner` (refused while decoding), so the owner keeps the role.
        if current_role == Some(Role::Owner) {
            return Err(Failure::validation(
                "the license owner's role cannot be changed through this API",
            ));
        }
    }
    if let Some(groups) = &req.groups {
        state.check_groups(groups.iter().map(|g| g.id))?;
    }
    let agent = agent_mut(state, &req.id)?;
    if let Some(role) = req.role {
        agent.role = Some(role);
    }
    if let Some(status) = req.login_status {
        agent.login_status = Some(status);
    }
    if req.job_title.is_some() {
        agent.job_title = req.job_title;
    }
    if req.mobile.is_some() {
        agent.mobile = req.mobile;
    }
    if req.max_chats_count.is_some() {
        agent.max_chats_count = req.max_chats_count;
    }
    if req.notifications.is_some() {
        agent.notifications = req.notifications;
    }
    if req.email_subscriptions.is_some() {
        agent.email_subscriptions = req.email_subscriptions;
    }
    if req.work_scheduler.is_some() {
        agent.work_scheduler = req.work_scheduler;
    }
    if let Some(groups) = req.groups {
        state.set_groups(&req.id, &groups);
    }
    Ok(())
}

fn not_the_owner(state: &mut State, id: &str, what: &str) -> Result<(), Failure> {
    if agent_mut(state, id)?.role == Some(Role::Owner) {
        return Err(Failure::authorization(format!(
            "the license owner cannot be {what}"
        )));
    }
    Ok(())
}

pub fn delete(req: DeleteAgentRequest, state: &mut State) -> Result<(), Failure> {
    not_the_owner(state, &req.id, "deleted")?;
    state.agents.remove(&req.id);
    state.remove_member(&req.id);
    Ok(())
}

pub fn suspend(req: SuspendAgentRequest, state: &mut State) -> Result<(), Failure> {
    not_the_owner(state, &req.id, "suspended")?;
    agent_mut(state, &req.id)?.suspended = Some(true);
    Ok(())
}

pub fn unsuspend(req: UnsuspendAgentRequest, state: &mut State) -> Result<(), Failure> {
    agent_mut(state, &req.id)?.suspended = Some(false);
    Ok(())
}

/// Only sends an email: nothing in the state changes.
pub fn request_unsuspension(who: &Identity, state: &State) -> Result<(), Failure> {
    let me = state
        .agents
        .get(&who.agent_id)
        .ok_or_else(|| Failure::not_found(format!("agent `{}` not found", who.agent_id)))?;
    if me.suspended != Some(true) {
        return Err(Failure::validation(format!(
            "agent `{}` is not suspended",
            who.agent_id
        )));
    }
    Ok(())
}

pub fn approve(req: ApproveAgentRequest, state: &mut State) -> Result<(), Failure> {
    agent_mut(state, &req.id)?.awaiting_approval = Some(false);
    Ok(())
}
