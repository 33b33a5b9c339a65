//! Checking a state before it replaces the live one (`PUT /emulator/state`, `--import`,
//! `import_state`): its shape, with no field a state does not have; the rules the handlers rely
//! on; and each object as the API checks the request that would make it, so a restored license
//! is one the API could have built.

use crate::handlers::names;
use crate::state::State;
use crate::versions::SERVED;
use livechat_config::Role;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Why an import was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError(pub String);

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid state: {}", self.0)
    }
}

impl std::error::Error for ImportError {}

type Checked = Result<(), ImportError>;

fn bad(why: String) -> Checked {
    Err(ImportError(why))
}

/// Parses and checks an exported state.
pub fn parse_state(
    value: Value,
    organization_clients: &BTreeSet<String>,
) -> Result<State, ImportError> {
    let state: State = serde_json::from_value(value).map_err(|e| ImportError(e.to_string()))?;
    structure(&state, organization_clients)?;
    references(&state)?;
    owner(&state)?;
    as_requests(&state)?;
    Ok(state)
}

/// Ids, counters and links the handlers take for granted.
fn structure(state: &State, organization_clients: &BTreeSet<String>) -> Checked {
    if state.organization_id.is_empty() {
        return bad("`organization_id` is empty".into());
    }
    if !state.groups.contains_key(&0) {
        return bad("group 0 (General) is missing: every license has it".into());
    }
    let counters = [
        (
            "next_group_id",
            state.next_group_id,
            state.groups.keys().max(),
            "group",
        ),
        (
            "next_greeting_id",
            state.next_greeting_id,
            state.greetings.keys().max(),
            "greeting",
        ),
        (
            "next_canned_response_id",
            state.next_canned_response_id,
            state.canned_responses.keys().max(),
            "canned response",
        ),
    ];
    for (name, next, max, what) in counters {
        if let Some(max) = max {
            if next <= *max {
                return bad(format!("`{name}` {next} would reuse {what} {max}"));
            }
        }
    }
    for (key, agent) in &state.agents {
        if *key != agent.id {
            return bad(format!("agent `{key}` holds the id `{}`", agent.id));
        }
    }
    for (key, record) in &state.bots {
        if *key != record.bot.id {
            return bad(format!("bot `{key}` holds the id `{}`", record.bot.id));
        }
    }
    for (key, greeting) in &state.greetings {
        if *key != greeting.id {
            return bad(format!("greeting {key} holds the id {}", greeting.id));
        }
    }
    for (key, canned) in &state.canned_responses {
        if *key != canned.id {
            return bad(format!("canned response {key} holds the id {}", canned.id));
        }
    }
    if let Some(bot) = state
        .bot_tokens
        .values()
        .find(|b| !state.bots.contains_key(*b))
    {
        return bad(format!("a bot token belongs to the unknown bot `{bot}`"));
    }
    unique(
        "auto access",
        state.auto_accesses.iter().map(|r| r.id.clone()),
    )?;
    unique("webhook", state.webhooks.iter().map(|w| w.id.clone()))?;
    unique(
        "bot template",
        state.bot_templates.iter().map(|t| t.id.clone()),
    )?;
    // Tag names are unique whatever their case, as `create_tag` has it.
    unique("tag", state.tags.iter().map(|t| t.name.to_lowercase()))?;
    if let Some(webhook) = state
        .webhooks
        .iter()
        .find(|w| !organization_clients.contains(&w.owner_client_id))
    {
        return bad(format!(
            "webhook `{}` belongs to `{}`, not a Client ID of this license's organization",
            webhook.id, webhook.owner_client_id
        ));
    }
    Ok(())
}

fn unique(what: &str, ids: impl Iterator<Item = String>) -> Checked {
    let mut seen = BTreeSet::new();
    for id in ids {
        if !seen.insert(id.clone()) {
            return bad(format!("{what} `{id}` appears twice"));
        }
    }
    Ok(())
}

/// Everything that names a group or a member names one that exists.
fn references(state: &State) -> Checked {
    for (id, group) in &state.groups {
        if let Some(member) = group
            .agent_priorities
            .keys()
            .find(|m| !state.member_exists(m))
        {
            return bad(format!(
                "group {id} lists `{member}`, who is neither an agent nor a bot"
            ));
        }
    }
    let group = |what: String, id: u64| {
        if state.groups.contains_key(&id) {
            Ok(())
        } else {
            bad(format!("{what} names group {id}, which does not exist"))
        }
    };
    for tag in &state.tags {
        for id in tag.group_ids.iter().flatten() {
            group(format!("tag `{}`", tag.name), *id)?;
        }
    }
    for id in state.group_values.keys() {
        group("a group's property values".into(), *id)?;
    }
    for id in state.translations.keys() {
        group("a group's translations".into(), *id)?;
    }
    for greeting in state.greetings.values() {
        group(format!("greeting {}", greeting.id), greeting.group)?;
    }
    for canned in state.canned_responses.values() {
        group(format!("canned response {}", canned.id), canned.group_id)?;
    }
    Ok(())
}

/// A license has exactly one owner.
fn owner(state: &State) -> Checked {
    let owners: Vec<&str> = state
        .agents
        .values()
        .filter(|a| a.role == Some(Role::Owner))
        .map(|a| a.id.as_str())
        .collect();
    match owners.as_slice() {
        [_] => Ok(()),
        [] => bad("no agent has the role `owner`: a license has exactly one".into()),
        _ => bad(format!(
            "{} agents have the role `owner` ({}): a license has exactly one",
            owners.len(),
            owners.join(", ")
        )),
    }
}

fn to_json(value: &impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// `body` as the request of `action` that would make the object, checked by every version
/// served that has the action; accepted when one of them accepts it.
fn accepted(action: &str, body: Value, what: impl Fn() -> String) -> Checked {
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let mut refusal = None;
    for version in SERVED {
        let Ok(versioned) = crate::versions::find(version, action) else {
            continue;
        };
        match versioned.decode_request(&bytes) {
            Ok(_) => return Ok(()),
            Err(e) => {
                refusal.get_or_insert_with(|| {
                    if e.path.is_empty() {
                        e.message
                    } else {
                        format!("`{}`: {}", e.path, e.message)
                    }
                });
            }
        }
    }
    match refusal {
        Some(why) => bad(format!("{} breaks `{action}`'s rules: {why}", what())),
        None => Ok(()),
    }
}

fn blank(what: impl Fn() -> String, field: &str, value: &str) -> Checked {
    names::not_blank(field, value).map_err(|f| ImportError(format!("{}: {}", what(), f.message)))
}

fn without(mut value: Value, keys: &[&str]) -> Value {
    if let Some(object) = value.as_object_mut() {
        for key in keys {
            object.remove(*key);
        }
    }
    value
}

fn as_requests(state: &State) -> Checked {
    for agent in state.agents.values() {
        let what = || format!("agent `{}`", agent.id);
        blank(what, "name", &agent.name)?;
        // The one owner is checked above; no request makes an owner.
        let body = without(to_json(agent), &["role"]);
        let body = match &agent.role {
            Some(role) if *role != Role::Owner => {
                let mut body = body;
                body["role"] = to_json(role);
                body
            }
            _ => body,
        };
        accepted("create_agent", body, what)?;
    }
    for (id, group) in &state.groups {
        let what = || format!("group {id}");
        blank(what, "name", &group.name)?;
        names::language_code(&group.language_code)
            .map_err(|f| ImportError(format!("{}: {}", what(), f.message)))?;
        let body = json!({
            "name": group.name,
            "language_code": group.language_code,
            "agent_priorities": group.agent_priorities,
        });
        accepted("create_group", body, what)?;
    }
    for record in state.bots.values() {
        let what = || format!("bot `{}`", record.bot.id);
        blank(what, "name", &record.bot.name)?;
        accepted("create_bot", to_json(&record.bot), what)?;
    }
    for template in &state.bot_templates {
        let what = || format!("bot template `{}`", template.id);
        blank(what, "name", &template.name)?;
        accepted("create_bot_template", to_json(template), what)?;
    }
    for tag in &state.tags {
        let what = || format!("tag `{}`", tag.name);
        blank(what, "name", &tag.name)?;
        accepted("create_tag", to_json(tag), what)?;
    }
    for rule in &state.auto_accesses {
        let body = without(to_json(rule), &["id", "next_id"]);
        accepted("add_auto_access", body, || {
            format!("auto access `{}`", rule.id)
        })?;
    }
    for webhook in &state.webhooks {
        let body = without(to_json(webhook), &["id"]);
        accepted("register_webhook", body, || {
            format!("webhook `{}`", webhook.id)
        })?;
    }
    for (namespace, properties) in &state.properties {
        for (name, definition) in properties {
            let mut body = to_json(definition);
            body["name"] = json!(name);
            body["owner_client_id"] = json!(namespace);
            accepted("register_property", body, || {
                format!("property `{namespace}.{name}`")
            })?;
        }
    }
    if !state.license_values.is_empty() {
        let body = json!({ "properties": state.license_values });
        accepted("update_license_properties", body, || {
            "the license's property values".to_string()
        })?;
    }
    for (id, values) in &state.group_values {
        let body = json!({ "group_id": id, "properties": values });
        accepted("update_group_properties", body, || {
            format!("group {id}'s property values")
        })?;
    }
    for greeting in state.greetings.values() {
        let what = || format!("greeting {}", greeting.id);
        blank(what, "name", &greeting.name)?;
        accepted("create_greeting", to_json(greeting), what)?;
    }
    for canned in state.canned_responses.values() {
        accepted("create_canned_response", to_json(canned), || {
            format!("canned response {}", canned.id)
        })?;
    }
    for (group, languages) in &state.translations {
        for (language, phrases) in languages {
            let body = json!({ "group_id": group, "language": language, "phrases": phrases });
            accepted("update_translations", body, || {
                format!("group {group}'s `{language}` translations")
            })?;
        }
    }
    for domain in &state.allowed_domains {
        accepted("add_allowed_domain", json!({ "domain": domain }), || {
            format!("allowed domain `{domain}`")
        })?;
    }
    crate::handlers::property_values::check_all_stored(state)
        .map_err(|f| ImportError(f.message))?;
    if !state.company.is_empty() {
        accepted("update_company_details", to_json(&state.company), || {
            "the company details".to_string()
        })?;
    }
    Ok(())
}
