//! Tags: duplicates are found ignoring letter case on create; update and delete match the name
//! exactly, as the reference says.

use super::names;
use crate::auth::Identity;
use crate::clock::now_rfc3339;
use crate::error::Failure;
use crate::state::State;
use livechat_config::{CreateTagRequest, DeleteTagRequest, ListTagsRequest, Tag, UpdateTagRequest};

fn position(state: &State, name: &str) -> Result<usize, Failure> {
    state
        .tags
        .iter()
        .position(|t| t.name == name)
        .ok_or_else(|| Failure::not_found(format!("tag `{name}` not found")))
}

pub fn create(req: CreateTagRequest, who: &Identity, state: &mut State) -> Result<(), Failure> {
    names::not_blank("name", &req.name)?;
    let lower = req.name.to_lowercase();
    if let Some(existing) = state.tags.iter().find(|t| t.name.to_lowercase() == lower) {
        return Err(Failure::already_exists(format!(
            "tag `{}` already exists",
            existing.name
        )));
    }
    let group_ids = req.group_ids.unwrap_or_default();
    state.check_groups(group_ids.iter().copied())?;
    let tag = Tag::new(req.name)
        .group_ids(group_ids)
        .author_id(who.agent_id.clone())
        .created_at(now_rfc3339());
    state.tags.push(tag);
    Ok(())
}

pub fn update(req: UpdateTagRequest, state: &mut State) -> Result<(), Failure> {
    let at = position(state, &req.name)?;
    if let Some(ids) = req.group_ids {
        state.check_groups(ids.iter().copied())?;
        state.tags[at].group_ids = Some(ids);
    }
    Ok(())
}

pub fn delete(req: DeleteTagRequest, state: &mut State) -> Result<(), Failure> {
    let at = position(state, &req.name)?;
    state.tags.remove(at);
    Ok(())
}

/// With `filters.group_ids`, the tags assigned to at least one of those groups.
pub fn list(req: ListTagsRequest, state: &State) -> Result<Vec<Tag>, Failure> {
    let tags: Vec<Tag> = state
        .tags
        .iter()
        .filter(|t| match &req.filters {
            Some(filters) => t
                .group_ids
                .iter()
                .flatten()
                .any(|g| filters.group_ids.contains(g)),
            None => true,
        })
        .cloned()
        .collect();
    Ok(tags)
}
