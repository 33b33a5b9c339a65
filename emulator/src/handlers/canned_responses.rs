//! Canned responses, per group, with tags. A private one belongs to its author. Without the
//! `--all` scopes a caller reaches only the groups it belongs to; lists are paged with opaque
//! page ids that carry the filters they were made for.

use super::page_ids;
use crate::auth::{self, Identity};
use crate::clock::now_rfc3339;
use crate::error::Failure;
use crate::state::State;
use livechat_config::v3_7::{
    CannedResponse, CreateCannedResponseRequest, CreateCannedResponseResponse,
    DeleteCannedResponseRequest, ListCannedResponsesRequest, ListCannedResponsesResponse,
    UpdateCannedResponseRequest,
};

const ALL_RW: &str = "canned_responses--all:rw";
const ALL_RO: &str = "canned_responses--all:ro";
/// Canned responses per page when the request names no limit.
const DEFAULT_PAGE_LIMIT: i64 = 100;
const PAGE_KEY: u64 = 0x6361_6e6e_6564_7273;

/// Markup is dropped and whitespace trimmed; a text with nothing left is refused.
fn sanitize(text: &str) -> Result<String, Failure> {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out.trim();
    if out.is_empty() {
        Err(Failure::validation("`text`: is empty once sanitized"))
    } else {
        Ok(out.to_string())
    }
}

/// Tags as a set in the order given: a tag named twice is one tag.
fn distinct(tags: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(tags.len());
    for tag in tags {
        if !out.contains(&tag) {
            out.push(tag);
        }
    }
    out
}

/// Without `all_scope`, a caller reaches only its own groups.
fn check_reach(who: &Identity, all_scope: &str, group: u64, state: &State) -> Result<(), Failure> {
    if who.has(all_scope) || state.groups_of(&who.agent_id).iter().any(|g| g.id == group) {
        Ok(())
    } else {
        Err(Failure::authorization(format!(
            "group {group} is not one of the caller's groups: that needs the {all_scope} scope"
        )))
    }
}

fn not_found(id: u64) -> Failure {
    Failure::not_found(format!("canned response {id} not found"))
}

/// The canned response `id`, for a writer that may change it: someone else's private one needs
/// the `--all` scope too.
fn writable<'s>(
    id: u64,
    who: &Identity,
    state: &'s mut State,
) -> Result<&'s mut CannedResponse, Failure> {
    let found = state
        .canned_responses
        .get(&id)
        .ok_or_else(|| not_found(id))?;
    check_reach(who, ALL_RW, found.group_id, state)?;
    if found.is_private && found.author_id.as_deref() != Some(&who.agent_id) {
        auth::require(
            who,
            ALL_RW,
            "changing another user's private canned response",
        )?;
    }
    state
        .canned_responses
        .get_mut(&id)
        .ok_or_else(|| not_found(id))
}

pub fn create(
    req: CreateCannedResponseRequest,
    who: &Identity,
    state: &mut State,
) -> Result<CreateCannedResponseResponse, Failure> {
    state.check_group(req.group_id)?;
    let text = sanitize(&req.text)?;
    let id = state.next_canned_response_id;
    let now = now_rfc3339();
    let mut canned = CannedResponse::new(
        id,
        text,
        distinct(req.tags).iter().map(String::as_str),
        req.group_id,
        req.is_private.unwrap_or(false),
    );
    canned.author_id = Some(who.agent_id.clone());
    canned.created_at = Some(now.clone());
    canned.updated_at = Some(now);
    state.canned_responses.insert(id, canned);
    state.next_canned_response_id += 1;
    Ok(CreateCannedResponseResponse::new(id))
}

/// Changes what the request names; the caller becomes the last editor.
pub fn update(
    req: UpdateCannedResponseRequest,
    who: &Identity,
    state: &mut State,
) -> Result<(), Failure> {
    if let Some(group) = req.group_id {
        state.check_group(group)?;
        check_reach(who, ALL_RW, group, state)?;
    }
    let text = req.text.as_deref().map(sanitize).transpose()?;
    let canned = writable(req.id, who, state)?;
    if let Some(text) = text {
        canned.text = text;
    }
    if let Some(tags) = req.tags {
        canned.tags = distinct(tags);
    }
    if let Some(group) = req.group_id {
        canned.group_id = group;
    }
    if let Some(is_private) = req.is_private {
        canned.is_private = is_private;
    }
    canned.author_id = Some(who.agent_id.clone());
    canned.updated_at = Some(now_rfc3339());
    Ok(())
}

pub fn delete(
    req: DeleteCannedResponseRequest,
    who: &Identity,
    state: &mut State,
) -> Result<(), Failure> {
    writable(req.id, who, state)?;
    state.canned_responses.remove(&req.id);
    Ok(())
}

/// The filters of a listing and where its last page ended.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Page {
    /// As the request named them; `None`: the caller's groups.
    group_ids: Option<Vec<u64>>,
    include_private: bool,
    include_all_private: bool,
    limit: i64,
    after: Option<u64>,
}

impl Page {
    fn of(req: &ListCannedResponsesRequest) -> Self {
        Page {
            group_ids: req.group_ids.clone(),
            include_private: req.include_private.unwrap_or(false),
            include_all_private: req.include_all_private.unwrap_or(false),
            limit: req.limit.unwrap_or(DEFAULT_PAGE_LIMIT),
            after: None,
        }
    }

    fn encode(&self) -> String {
        let groups = self
            .group_ids
            .as_deref()
            .map_or("*".to_string(), page_ids::ids);
        let after = self.after.map_or(String::new(), |a| a.to_string());
        let plain = format!(
            "{groups}|{}|{}|{}|{after}",
            u8::from(self.include_private),
            u8::from(self.include_all_private),
            self.limit
        );
        page_ids::seal(PAGE_KEY, &plain)
    }

    fn decode(page_id: &str) -> Option<Page> {
        let plain = page_ids::open(PAGE_KEY, page_id)?;
        let parts: Vec<&str> = plain.split('|').collect();
        let [groups, private, all_private, limit, after] = parts[..] else {
            return None;
        };
        Some(Page {
            group_ids: match groups {
                "*" => None,
                list => Some(page_ids::parse_ids(list)?),
            },
            include_private: private == "1",
            include_all_private: all_private == "1",
            limit: limit.parse().ok()?,
            after: match after {
                "" => None,
                id => Some(id.parse().ok()?),
            },
        })
    }
}

/// Each page is asked with the first page's filters, which its page id carries: a page id
/// beside other filters is refused, since a page of one listing is not a page of another.
fn page_of(req: &ListCannedResponsesRequest) -> Result<Page, Failure> {
    let Some(page_id) = &req.page_id else {
        return Ok(Page::of(req));
    };
    let page = Page::decode(page_id).ok_or_else(|| {
        Failure::validation("`page_id`: is not a page id of `list_canned_responses`")
    })?;
    let given = Page::of(req);
    let differs = (req.group_ids.is_some() && given.group_ids != page.group_ids)
        || (req.include_private.is_some() && given.include_private != page.include_private)
        || (req.include_all_private.is_some()
            && given.include_all_private != page.include_all_private)
        || (req.limit.is_some() && given.limit != page.limit);
    if differs {
        return Err(Failure::validation(
            "`page_id`: was made for other filters; ask its pages with the filters of the first",
        ));
    }
    Ok(page)
}

/// Listed by ID, so a page continues after the last one returned even when canned responses
/// are added or removed in between.
pub fn list(
    req: ListCannedResponsesRequest,
    who: &Identity,
    state: &State,
) -> Result<ListCannedResponsesResponse, Failure> {
    let page = page_of(&req)?;
    if page.include_all_private {
        auth::require(who, ALL_RO, "`include_all_private`")?;
    }
    let groups: Vec<u64> = match &page.group_ids {
        Some(ids) => {
            state.check_groups(ids.iter().copied())?;
            for id in ids {
                check_reach(who, ALL_RO, *id, state)?;
            }
            ids.clone()
        }
        None if who.has(ALL_RO) => state.groups.keys().copied().collect(),
        None => state
            .groups_of(&who.agent_id)
            .iter()
            .map(|g| g.id)
            .collect(),
    };
    let visible = |c: &&CannedResponse| {
        !c.is_private
            || page.include_all_private
            || (page.include_private && c.author_id.as_deref() == Some(&who.agent_id))
    };
    let matching: Vec<&CannedResponse> = state
        .canned_responses
        .values()
        .filter(|c| groups.contains(&c.group_id))
        .filter(visible)
        .collect();
    let rest: Vec<&CannedResponse> = matching
        .iter()
        .copied()
        .filter(|c| page.after.is_none_or(|after| c.id > after))
        .collect();
    let limit = usize::try_from(page.limit).unwrap_or(0).max(1);
    let this_page: Vec<CannedResponse> = rest.iter().take(limit).map(|c| (*c).clone()).collect();
    let mut answer = ListCannedResponsesResponse::new(this_page, matching.len() as i64);
    if rest.len() > limit {
        let next = Page {
            after: answer.canned_responses.last().map(|c| c.id),
            ..page
        };
        answer.next_page_id = Some(next.encode());
    }
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::{sanitize, Page};

    #[test]
    fn page_ids_round_trip() {
        let page = Page {
            group_ids: Some(vec![0, 3]),
            include_private: true,
            include_all_private: false,
            limit: 2,
            after: Some(9),
        };
        assert_eq!(Page::decode(&page.encode()), Some(page));
        let all = Page {
            group_ids: None,
            include_private: false,
            include_all_private: true,
            limit: 100,
            after: None,
        };
        assert_eq!(Page::decode(&all.encode()), Some(all));
    }

    #[test]
    fn sanitizing_drops_markup_and_refuses_what_is_left_empty() {
        assert_eq!(sanitize(" <b>Hi</b> there ").unwrap(), "Hi there");
        assert!(sanitize("<script></script>  ").is_err());
    }
}
