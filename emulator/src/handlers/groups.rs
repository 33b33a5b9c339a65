//! Groups. Group 0, "General", always exists and cannot be deleted.

use super::names;
use crate::error::Failure;
use crate::state::{GroupRecord, State};
use livechat_config::{
    CreateGroupRequest, CreateGroupResponse, DeleteGroupRequest, GetGroupRequest, Group,
    GroupField, ListGroupsRequest, Priority, UpdateGroupRequest,
};
use std::collections::BTreeMap;

fn check_members(state: &State, priorities: &BTreeMap<String, Priority>) -> Result<(), Failure> {
    match priorities.keys().find(|id| !state.member_exists(id)) {
        Some(id) => Err(Failure::not_found(format!("agent `{id}` not found"))),
        None => Ok(()),
    }
}

pub fn create(req: CreateGroupRequest, state: &mut State) -> Result<CreateGroupResponse, Failure> {
    names::not_blank("name", &req.name)?;
    if let Some(code) = &req.language_code {
        names::language_code(code)?;
    }
    check_members(state, &req.agent_priorities)?;
    let id = state.next_group_id;
    state.next_group_id += 1;
    state.groups.insert(
        id,
        GroupRecord {
            name: req.name,
            language_code: req.language_code.unwrap_or_else(|| "en".to_string()),
            agent_priorities: req.agent_priorities,
        },
    );
    Ok(CreateGroupResponse::new(id))
}

pub fn update(req: UpdateGroupRequest, state: &mut State) -> Result<(), Failure> {
    if let Some(name) = &req.name {
        names::not_blank("name", name)?;
    }
    if let Some(code) = &req.language_code {
        names::language_code(code)?;
    }
    state.check_group(req.id)?;
    if let Some(priorities) = &req.agent_priorities {
        check_members(state, priorities)?;
    }
    let Some(group) = state.groups.get_mut(&req.id) else {
        return Err(Failure::group_not_found(req.id));
    };
    if let Some(name) = req.name {
        group.name = name;
    }
    if let Some(code) = req.language_code {
        group.language_code = code;
    }
    if let Some(priorities) = req.agent_priorities {
        group.agent_priorities = priorities;
    }
    Ok(())
}

/// Deleting a group also takes it out of everything that names it, so nothing points at it.
pub fn delete(req: DeleteGroupRequest, state: &mut State) -> Result<(), Failure> {
    if req.id == 0 {
        return Err(Failure::validation("group 0 (General) cannot be deleted"));
    }
    state.check_group(req.id)?;
    state.groups.remove(&req.id);
    state.group_values.remove(&req.id);
    state.translations.remove(&req.id);
    state.canned_responses.retain(|_, c| c.group_id != req.id);
    for tag in &mut state.tags {
        if let Some(ids) = &mut tag.group_ids {
            ids.retain(|g| *g != req.id);
        }
    }
    for rule in &mut state.auto_accesses {
        if let Some(access) = &mut rule.access {
            access.groups.retain(|g| *g != req.id);
        }
    }
    Ok(())
}

fn render(id: u64, group: &GroupRecord, fields: &[GroupField]) -> Group {
    let mut out = Group::new(id, &group.name);
    out.language_code = Some(group.language_code.clone());
    for field in fields {
        match field {
            GroupField::AgentPriorities => {
                out.agent_priorities = Some(group.agent_priorities.clone())
            }
            // Nobody is logged in to an emulated license.
            GroupField::RoutingStatus => out.routing_status = Some("offline".to_string()),
            _ => {}
        }
    }
    out
}

pub fn list(req: ListGroupsRequest, state: &State) -> Result<Vec<Group>, Failure> {
    let fields = req.fields.unwrap_or_default();
    let groups: Vec<Group> = state
        .groups
        .iter()
        .map(|(id, g)| render(*id, g, &fields))
        .collect();
    Ok(groups)
}

pub fn get(req: GetGroupRequest, state: &State) -> Result<Group, Failure> {
    let group = state
        .groups
        .get(&req.id)
        .ok_or_else(|| Failure::group_not_found(req.id))?;
    Ok(render(req.id, group, &req.fields.unwrap_or_default()))
}
