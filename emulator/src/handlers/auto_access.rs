//! Auto access rules: an ordered list, shown as a linked list through `next_id`.
//!
//! Moving a rule (`update_auto_access` with `next_id`) takes it out and puts it back right before
//! the rule `next_id` names, or at the end for an empty `next_id`: A→B→C→D with
//! `{"id": "C", "next_id": "B"}` gives A→C→B→D, the reference's example.

use crate::error::Failure;
use crate::state::State;
use livechat_config::{
    AddAutoAccessRequest, AddAutoAccessResponse, AutoAccess, DeleteAutoAccessRequest,
    UpdateAutoAccessRequest,
};

fn position(state: &State, id: &str) -> Result<usize, Failure> {
    state
        .auto_accesses
        .iter()
        .position(|r| r.id == id)
        .ok_or_else(|| Failure::not_found(format!("auto access `{id}` not found")))
}

/// Where a rule goes so that it comes right before `next_id` (the end for none or empty).
fn insertion_point(state: &State, next_id: Option<&str>) -> Result<usize, Failure> {
    match next_id {
        None | Some("") => Ok(state.auto_accesses.len()),
        Some(next) => position(state, next),
    }
}

pub fn add(req: AddAutoAccessRequest, state: &mut State) -> Result<AddAutoAccessResponse, Failure> {
    state.check_groups(req.access.groups.iter().copied())?;
    let at = insertion_point(state, req.next_id.as_deref())?;
    let rules = &state.auto_accesses;
    let id = state
        .ids
        .unused_hex32(|id| rules.iter().any(|r| r.id == id));
    let mut rule = AutoAccess::new(&id)
        .access(req.access)
        .conditions(req.conditions);
    rule.description = req.description;
    state.auto_accesses.insert(at, rule);
    Ok(AddAutoAccessResponse::new(id))
}

pub fn delete(req: DeleteAutoAccessRequest, state: &mut State) -> Result<(), Failure> {
    let at = position(state, &req.id)?;
    state.auto_accesses.remove(at);
    Ok(())
}

pub fn update(req: UpdateAutoAccessRequest, state: &mut State) -> Result<(), Failure> {
    let at = position(state, &req.id)?;
    if let Some(access) = &req.access {
        state.check_groups(access.groups.iter().copied())?;
    }
    if let Some(next) = req.next_id.as_deref() {
        if next == req.id {
            return Err(Failure::validation(
                "an auto access cannot come before itself",
            ));
        }
        if !next.is_empty() {
            position(state, next)?;
        }
    }
    let rule = &mut state.auto_accesses[at];
    if let Some(access) = req.access {
        rule.access = Some(access);
    }
    if let Some(conditions) = req.conditions {
        rule.conditions = Some(conditions);
    }
    if let Some(description) = req.description {
        rule.description = Some(description);
    }
    if let Some(next) = req.next_id.as_deref() {
        let rule = state.auto_accesses.remove(at);
        let to = insertion_point(state, Some(next))?;
        state.auto_accesses.insert(to, rule);
    }
    Ok(())
}

pub fn list(state: &State) -> Result<Vec<AutoAccess>, Failure> {
    let rules = &state.auto_accesses;
    let listed: Vec<AutoAccess> = rules
        .iter()
        .enumerate()
        .map(|(i, rule)| {
            let mut rule = rule.clone();
            rule.next_id = rules.get(i + 1).map(|next| next.id.clone());
            rule
        })
        .collect();
    Ok(listed)
}
