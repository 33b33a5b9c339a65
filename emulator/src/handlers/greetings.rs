//! Greetings: per group, triggered by rules whose parameters depend on their type, with an
//! optional rich message whose buttons get an ID when they come without one. Lists are paged
//! with opaque page ids that carry the first page's filters and where the page ended.

use super::names;
use super::page_ids;
use crate::error::Failure;
use crate::state::State;
use livechat_config::{
    CreateGreetingRequest, CreateGreetingResponse, DeleteGreetingRequest, GetGreetingRequest,
    Greeting, GreetingRule, ListGreetingsRequest, ListGreetingsResponse, RichMessage, RuleType,
    UpdateGreetingRequest,
};
use std::collections::BTreeMap;

/// The `properties` keys the reference lists.
const PROPERTY_KEYS: [&str; 5] = [
    "addon",
    "is_exit_intent",
    "greeting-message_text",
    "greeting-message_json_key",
    "greeting-message_phrase_key",
];
/// The ad networks an `ads_traffic` rule may name.
const AD_NETWORKS: [&str; 5] = ["microsoft", "facebook", "google", "twitter", "yahoo"];
const SESSION_FIELD_MAX_CHARS: usize = 255;
const VISIT_TIME_MAX_SECONDS: u64 = 900;
/// Greetings per page when the request names no limit.
pub const DEFAULT_PAGE_LIMIT: i64 = 100;

fn invalid(at: String, message: &str) -> Failure {
    Failure::validation(format!("`{at}`: {message}"))
}

/// What each rule type needs, from the reference's table.
fn check_rule(rule: &GreetingRule, at: &str) -> Result<(), Failure> {
    let kind = &rule.r#type;
    let needs_value = !matches!(
        kind,
        RuleType::UrlFunnel | RuleType::CustomVariable | RuleType::AdsTraffic
    );
    let needs_urls = matches!(kind, RuleType::UrlFunnel | RuleType::UrlMatchPageViewNumber);
    let needs_session_field = matches!(kind, RuleType::CustomVariable | RuleType::AdsTraffic);
    let for_type = format!("is required for rule type `{}`", kind.as_str());
    if let RuleType::Other(other) = kind {
        return Err(invalid(
            format!("{at}.type"),
            &format!("unknown rule type `{other}`"),
        ));
    }
    if needs_value {
        if rule.operator.is_none() {
            return Err(invalid(format!("{at}.operator"), &for_type));
        }
        let Some(value) = rule.value.as_deref() else {
            return Err(invalid(format!("{at}.value"), &for_type));
        };
        let counted = matches!(
            kind,
            RuleType::VisitTimeSite
                | RuleType::VisitTimePage
                | RuleType::PagesViewNumber
                | RuleType::VisitsNumber
                | RuleType::UrlMatchPageViewNumber
        );
        if counted {
            let number: u64 = value.parse().map_err(|_| {
                invalid(
                    format!("{at}.value"),
                    &format!("`{value}` is not a whole number"),
                )
            })?;
            let timed = matches!(kind, RuleType::VisitTimeSite | RuleType::VisitTimePage);
            if timed && number > VISIT_TIME_MAX_SECONDS {
                return Err(invalid(
                    format!("{at}.value"),
                    &format!("must be between 0 and {VISIT_TIME_MAX_SECONDS} seconds"),
                ));
            }
        } else if value.is_empty() {
            return Err(invalid(format!("{at}.value"), "may not be empty"));
        }
    }
    if needs_urls && rule.urls.as_ref().is_none_or(Vec::is_empty) {
        return Err(invalid(
            format!("{at}.urls"),
            &format!("1 to 10 URLs {for_type}"),
        ));
    }
    if needs_session_field {
        let pairs = rule.session_field.as_ref().map_or(0, BTreeMap::len);
        if pairs != 1 {
            return Err(invalid(
                format!("{at}.session_field"),
                &format!("exactly one key-value pair {for_type}"),
            ));
        }
        for (key, value) in rule.session_field.iter().flatten() {
            if matches!(kind, RuleType::AdsTraffic) && !AD_NETWORKS.contains(&key.as_str()) {
                return Err(invalid(
                    format!("{at}.session_field"),
                    &format!("`{key}` is not one of {}", AD_NETWORKS.join(", ")),
                ));
            }
            let too_long = key.chars().count() > SESSION_FIELD_MAX_CHARS
                && matches!(kind, RuleType::CustomVariable)
                || value.chars().count() > SESSION_FIELD_MAX_CHARS;
            if too_long {
                return Err(invalid(
                    format!("{at}.session_field"),
                    &format!(
                        "keys and values may have at most {SESSION_FIELD_MAX_CHARS} characters"
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn check_rules(rules: &[GreetingRule]) -> Result<(), Failure> {
    rules
        .iter()
        .enumerate()
        .try_for_each(|(i, rule)| check_rule(rule, &format!("rules[{i}]")))
}

fn check_properties(properties: Option<&BTreeMap<String, String>>) -> Result<(), Failure> {
    match properties
        .into_iter()
        .flatten()
        .find(|(key, _)| !PROPERTY_KEYS.contains(&key.as_str()))
    {
        Some((key, _)) => Err(invalid(
            "properties".to_string(),
            &format!("`{key}` is not one of {}", PROPERTY_KEYS.join(", ")),
        )),
        None => Ok(()),
    }
}

/// A request's rich message must say how it is presented; its buttons keep the IDs given and
/// get new ones otherwise.
fn prepare_rich_message(message: &mut RichMessage, state: &mut State) -> Result<(), Failure> {
    if message.template_id.is_none() {
        return Err(invalid(
            "rich_message.template_id".to_string(),
            "is required",
        ));
    }
    for element in message.elements.iter_mut().flatten() {
        for button in element.buttons.iter_mut().flatten() {
            if button.button_id.as_deref().is_none_or(str::is_empty) {
                button.button_id = Some(state.ids.uuid());
            }
        }
    }
    Ok(())
}

fn find(state: &State, id: u64) -> Result<&Greeting, Failure> {
    state
        .greetings
        .get(&id)
        .ok_or_else(|| Failure::not_found(format!("greeting `{id}` not found")))
}

pub fn create(
    req: CreateGreetingRequest,
    state: &mut State,
) -> Result<CreateGreetingResponse, Failure> {
    names::not_blank("name", &req.name)?;
    state.check_group(req.group)?;
    check_rules(&req.rules)?;
    check_properties(req.properties.as_ref())?;
    let mut rich_message = req.rich_message;
    if let Some(message) = &mut rich_message {
        prepare_rich_message(message, state)?;
    }
    let id = state.next_greeting_id;
    state.next_greeting_id += 1;
    let mut greeting = Greeting::new(id, req.r#type, req.active, req.name, req.group, req.rules);
    greeting.active_from = req.active_from;
    greeting.active_until = req.active_until;
    greeting.properties = req.properties;
    greeting.rich_message = rich_message;
    state.greetings.insert(id, greeting);
    Ok(CreateGreetingResponse::new(id))
}

/// Only the fields given change; everything is checked before anything is.
pub fn update(req: UpdateGreetingRequest, state: &mut State) -> Result<(), Failure> {
    if let Some(name) = &req.name {
        names::not_blank("name", name)?;
    }
    find(state, req.id)?;
    if let Some(rules) = &req.rules {
        check_rules(rules)?;
    }
    check_properties(req.properties.as_ref())?;
    let mut rich_message = req.rich_message;
    if let Some(message) = &mut rich_message {
        prepare_rich_message(message, state)?;
    }
    let Some(greeting) = state.greetings.get_mut(&req.id) else {
        return Err(Failure::not_found(format!(
            "greeting `{}` not found",
            req.id
        )));
    };
    if let Some(kind) = req.r#type {
        greeting.r#type = kind;
    }
    if let Some(active) = req.active {
        greeting.active = active;
    }
    if let Some(from) = req.active_from {
        greeting.active_from = Some(from);
    }
    if let Some(until) = req.active_until {
        greeting.active_until = Some(until);
    }
    if let Some(name) = req.name {
        greeting.name = name;
    }
    if let Some(rules) = req.rules {
        greeting.rules = rules;
    }
    if let Some(properties) = req.properties {
        greeting.properties = Some(properties);
    }
    if let Some(message) = rich_message {
        greeting.rich_message = Some(message);
    }
    Ok(())
}

pub fn delete(req: DeleteGreetingRequest, state: &mut State) -> Result<(), Failure> {
    find(state, req.id)?;
    state.greetings.remove(&req.id);
    Ok(())
}

pub fn get(req: GetGreetingRequest, state: &State) -> Result<Greeting, Failure> {
    find(state, req.id).cloned()
}

/// Where a page of `list_greetings` starts: the first page's filters and the last greeting
/// already returned.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Page {
    /// Empty: every group.
    groups: Vec<u64>,
    limit: i64,
    after: Option<u64>,
}

/// Keeps page ids of other lists, other licenses' emulators and hand-made ones from passing.
const PAGE_KEY: u64 = 0x6772_6565_7469_6e67;

impl Page {
    fn encode(&self) -> String {
        let after = self.after.map_or(String::new(), |a| a.to_string());
        let plain = format!("{}|{}|{}", page_ids::ids(&self.groups), self.limit, after);
        page_ids::seal(PAGE_KEY, &plain)
    }

    fn decode(page_id: &str) -> Option<Page> {
        let plain = page_ids::open(PAGE_KEY, page_id)?;
        let mut parts = plain.split('|');
        let groups = page_ids::parse_ids(parts.next()?)?;
        let limit = parts.next()?.parse().ok()?;
        let after = match parts.next()? {
            "" => None,
            id => Some(id.parse().ok()?),
        };
        Some(Page {
            groups,
            limit,
            after,
        })
    }
}

/// A page id stands for the filters of the first page, so it comes alone (the request's rules
/// refuse it beside `groups` or `limit`). Greetings are listed by ID, so a page continues after
/// the last one returned even when greetings are added or removed in between.
pub fn list(req: ListGreetingsRequest, state: &State) -> Result<ListGreetingsResponse, Failure> {
    let page = match &req.page_id {
        Some(page_id) => Page::decode(page_id).ok_or_else(|| {
            invalid(
                "page_id".to_string(),
                "is not a page id of `list_greetings`",
            )
        })?,
        None => Page {
            groups: req.groups.clone().unwrap_or_default(),
            limit: req.limit.unwrap_or(DEFAULT_PAGE_LIMIT),
            after: None,
        },
    };
    state.check_groups(page.groups.iter().copied())?;
    let limit = usize::try_from(page.limit).unwrap_or(0).max(1);
    let matching: Vec<&Greeting> = state
        .greetings
        .values()
        .filter(|g| page.groups.is_empty() || page.groups.contains(&g.group))
        .collect();
    let rest: Vec<&Greeting> = matching
        .iter()
        .copied()
        .filter(|g| page.after.is_none_or(|after| g.id > after))
        .collect();
    let this_page: Vec<Greeting> = rest.iter().take(limit).map(|g| (*g).clone()).collect();
    let mut answer = ListGreetingsResponse::new(this_page, matching.len() as i64);
    if rest.len() > limit {
        let next = Page {
            after: answer.greetings.last().map(|g| g.id),
            ..page
        };
        answer.next_page_id = Some(next.encode());
    }
    Ok(answer)
}

#[cfg(test)]
mod tests {
    use super::Page;

    #[test]
    fn page_ids_round_trip() {
        let page = Page {
            groups: vec![0, 7],
            limit: 25,
            after: Some(12),
        };
        assert_eq!(Page::decode(&page.encode()), Some(page));
    }
}
