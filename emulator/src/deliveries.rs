//! Webhook deliveries: which license-configuration webhooks a successful change causes (the one
//! place that knows it) and which registered webhooks receive them; `queue` POSTs them in the
//! background, retrying a failing receiver and journaling every attempt.
//!
//! Payloads follow the webhooks reference (section Configuration): `*_created` carries the full
//! object as the API would answer it, `*_updated` the properties the request changed, the others
//! the id (a tag's name); `auto_accesses_updated` lists every rule whose place or content changed.

mod queue;

pub use queue::{
    Deliveries, DeliveryPolicy, MAX_OUTBOUND_DELIVERIES, MAX_QUEUED_DELIVERIES, QUEUED_PER_WEBHOOK,
};

use crate::auth::Identity;
use crate::state::State;
use livechat_config::v3_6::{
    Action, AgentField, AnyRequest, BotField, GetAgentRequest, GetBotRequest, GetGroupRequest,
    GroupField, ListAutoAccessesRequest, ListTagsRequest, SourceType, WebhookType,
};
use serde_json::{json, Map, Value};

/// A read of the state through the API's own handlers, so a payload shows an object exactly as
/// `get_agent` or `list_tags` would.
pub type Read<'a> = dyn FnMut(AnyRequest) -> Option<Value> + 'a;

/// One webhook the change causes, before it is addressed to the registered receivers.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub action: &'static str,
    pub payload: Value,
}

/// What a change needs to be known of the state before it: the auto access order, since
/// `auto_accesses_updated` reports the rules whose `next_id` the change moved.
#[derive(Debug, Default)]
pub struct Before {
    auto_accesses: Option<Vec<Value>>,
}

fn is_auto_access(action: &str) -> bool {
    matches!(
        action,
        "add_auto_access" | "update_auto_access" | "delete_auto_access"
    )
}

impl Before {
    pub fn capture(action: &str, read: &mut Read) -> Self {
        Self {
            auto_accesses: is_auto_access(action).then(|| auto_accesses(read)),
        }
    }
}

fn auto_accesses(read: &mut Read) -> Vec<Value> {
    read(AnyRequest::ListAutoAccesses(ListAutoAccessesRequest::new()))
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
}

/// The deliveries a successful call causes, addressed: nothing to work out while no webhook is
/// registered.
pub fn of_change(
    action: &str,
    body: &[u8],
    answer: &Value,
    before: Before,
    who: &Identity,
    state: &State,
    read: &dyn Fn(&State, AnyRequest) -> Option<Value>,
) -> Vec<Outgoing> {
    if state.webhooks.is_empty() {
        return Vec::new();
    }
    let request = serde_json::from_slice(body).unwrap_or_default();
    let events = events(action, &request, answer, before, &mut |r| read(state, r));
    address(events, who, state)
}

/// The webhooks a successful call causes: one per applied item of a batch.
fn events(
    action: &str,
    request: &Value,
    answer: &Value,
    before: Before,
    read: &mut Read,
) -> Vec<Event> {
    let single = Action::from_name(action).and_then(Action::single_action);
    match single {
        Some(single) => {
            let requests = request["requests"].as_array().into_iter().flatten();
            let answers = answer["responses"].as_array().into_iter().flatten();
            requests
                .zip(answers)
                .filter(|(_, answer)| answer.get("error").is_none())
                .filter_map(|(request, answer)| item_event(single.name(), request, answer, read))
                .collect()
        }
        None if is_auto_access(action) => auto_access_event(request, before, read)
            .into_iter()
            .collect(),
        None => item_event(action, request, answer, read)
            .into_iter()
            .collect(),
    }
}

fn event(action: &'static str, payload: Value) -> Option<Event> {
    Some(Event { action, payload })
}

fn item_event(action: &str, request: &Value, answer: &Value, read: &mut Read) -> Option<Event> {
    let id = || json!({ "id": request["id"] });
    let as_str = |v: &Value| v.as_str().map(str::to_string);
    match action {
        "create_agent" => {
            let mut get = GetAgentRequest::new(as_str(&request["id"])?);
            get.fields = Some(AgentField::KNOWN.to_vec());
            event("agent_created", read(AnyRequest::GetAgent(get))?)
        }
        "update_agent" => event("agent_updated", request.clone()),
        "delete_agent" => event("agent_deleted", id()),
        "suspend_agent" => event("agent_suspended", id()),
        "unsuspend_agent" => event("agent_unsuspended", id()),
        "approve_agent" => event("agent_approved", id()),
        "create_bot" => {
            let mut get = GetBotRequest::new(as_str(&answer["id"])?);
            get.fields = Some(BotField::KNOWN.to_vec());
            event("bot_created", read(AnyRequest::GetBot(get))?)
        }
        "update_bot" => event("bot_updated", request.clone()),
        "delete_bot" => event("bot_deleted", id()),
        "create_group" => {
            let mut get = GetGroupRequest::new(answer["id"].as_u64()?);
            get.fields = Some(vec![GroupField::AgentPriorities]);
            event("group_created", read(AnyRequest::GetGroup(get))?)
        }
        "update_group" => event("group_updated", request.clone()),
        "delete_group" => event("group_deleted", id()),
        "create_tag" | "update_tag" => {
            let tags = read(AnyRequest::ListTags(ListTagsRequest::new()))?;
            let tag = tags
                .as_array()?
                .iter()
                .find(|t| t["name"] == request["name"])?
                .clone();
            if action == "create_tag" {
                event("tag_created", tag)
            } else {
                event(
                    "tag_updated",
                    json!({"name": tag["name"], "group_ids": tag["group_ids"]}),
                )
            }
        }
        "delete_tag" => event("tag_deleted", json!({ "name": request["name"] })),
        _ => None,
    }
}

/// The rules added (whole, `status: added`), deleted (`status: deleted`) and changed: the one
/// updated with the properties its request set, and every rule whose `next_id` moved.
fn auto_access_event(request: &Value, before: Before, read: &mut Read) -> Option<Event> {
    let before = before.auto_accesses?;
    let after = auto_accesses(read);
    let next_of = |rules: &[Value], id: &Value| {
        rules
            .iter()
            .find(|r| r["id"] == *id)
            .map(|r| r.get("next_id").cloned().unwrap_or(json!("")))
    };
    let mut changes = Vec::new();
    for rule in &after {
        let now_next = rule.get("next_id").cloned().unwrap_or(json!(""));
        match next_of(&before, &rule["id"]) {
            None => {
                let mut added = rule.clone();
                added["next_id"] = now_next;
                added["status"] = json!("added");
                changes.push(added);
            }
            Some(was_next) => {
                let mut changed = Map::new();
                changed.insert("id".into(), rule["id"].clone());
                let targeted = rule["id"] == request["id"];
                if targeted {
                    for key in ["description", "access", "conditions"] {
                        if let Some(value) = request.get(key) {
                            changed.insert(key.into(), value.clone());
                        }
                    }
                }
                if was_next != now_next || (targeted && request.get("next_id").is_some()) {
                    changed.insert("next_id".into(), now_next);
                }
                if changed.len() > 1 {
                    changed.insert("status".into(), json!("updated"));
                    changes.push(Value::Object(changed));
                }
            }
        }
    }
    for rule in &before {
        if next_of(&after, &rule["id"]).is_none() {
            changes.push(json!({"id": rule["id"], "status": "deleted"}));
        }
    }
    (!changes.is_empty()).then_some(Event {
        action: "auto_accesses_updated",
        payload: Value::Array(changes),
    })
}

/// A delivery addressed to one registered webhook.
#[derive(Debug, Clone)]
pub struct Outgoing {
    webhook_id: String,
    action: String,
    url: String,
    body: Value,
}

/// Who made the change, as the `source_type` filter sees it.
fn source_of(who: &Identity, owner_client_id: &str) -> SourceType {
    match who.client_id.as_deref() {
        None => SourceType::System,
        Some(client) if client == owner_client_id => SourceType::MyClient,
        Some(_) => SourceType::OtherClients,
    }
}

/// Each event addressed to every license webhook registered for its action, while license
/// webhooks are enabled for the webhook's owner and its filters let it through.
fn address(events: Vec<Event>, who: &Identity, state: &State) -> Vec<Outgoing> {
    if events.is_empty() || state.webhooks.is_empty() {
        return Vec::new();
    }
    let mut requester = Map::new();
    requester.insert("user_id".into(), json!(who.agent_id));
    if let Some(account) = state
        .agents
        .get(&who.agent_id)
        .and_then(|a| a.account_id.clone())
    {
        requester.insert("account_id".into(), json!(account));
    }
    if let Some(client) = &who.client_id {
        requester.insert("client_id".into(), json!(client));
    }
    let mut out = Vec::new();
    for event in events {
        for webhook in &state.webhooks {
            if webhook.action.as_str() != event.action
                || webhook.r#type != WebhookType::License
                || state.disabled_webhooks.contains(&webhook.owner_client_id)
            {
                continue;
            }
            let wanted = webhook
                .filters
                .as_ref()
                .and_then(|f| f.source_type.as_ref())
                .filter(|types| !types.is_empty());
            if let Some(types) = wanted {
                if !types.contains(&source_of(who, &webhook.owner_client_id)) {
                    continue;
                }
            }
            out.push(Outgoing {
                webhook_id: webhook.id.clone(),
                action: event.action.to_string(),
                url: webhook.url.clone(),
                body: json!({
                    "webhook_id": webhook.id,
                    "secret_key": webhook.secret_key.clone().unwrap_or_default(),
                    "action": event.action,
                    "organization_id": state.organization_id,
                    "payload": event.payload,
                    "requester": requester,
                    "additional_data": {},
                }),
            });
        }
    }
    out
}
