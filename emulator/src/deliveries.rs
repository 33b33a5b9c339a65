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
    GroupField, ListAutoAccessesRequest, ListTagsRequest, SourceType, WebhookAction, WebhookType,
};
use serde_json::{json, Map, Value};

/// A read of the state through the API's own handlers, so a payload shows an object exactly as
/// `get_agent` or `list_tags` would.
pub type Read<'a> = dyn FnMut(AnyRequest) -> Option<Value> + 'a;

/// One webhook the change causes, before it is addressed to the registered receivers.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub action: WebhookAction,
    pub payload: Value,
}

/// What a change needs to be known of the state before it: the auto access order, since
/// `auto_accesses_updated` reports the rules whose `next_id` the change moved.
#[derive(Debug, Default)]
pub struct Before {
    auto_accesses: Option<Vec<Value>>,
}

fn is_auto_access(action: Action) -> bool {
    matches!(
        action,
        Action::AddAutoAccess | Action::UpdateAutoAccess | Action::DeleteAutoAccess
    )
}

impl Before {
    pub fn capture(action: Option<Action>, read: &mut Read) -> Self {
        Self {
            auto_accesses: action
                .is_some_and(is_auto_access)
                .then(|| auto_accesses(read)),
        }
    }
}

fn auto_accesses(read: &mut Read) -> Vec<Value> {
    read(AnyRequest::ListAutoAccesses(ListAutoAccessesRequest::new()))
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
}

/// The deliveries a successful call of `action` causes, addressed: nothing to work out while no
/// webhook is registered, nor for an action no license-configuration webhook follows (`None`: one
/// only a later version has).
pub fn of_change(
    action: Option<Action>,
    body: &[u8],
    answer: &Value,
    before: Before,
    who: &Identity,
    state: &State,
    read: &dyn Fn(&State, AnyRequest) -> Option<Value>,
) -> Vec<Outgoing> {
    let Some(action) = action.filter(|_| !state.webhooks.is_empty()) else {
        return Vec::new();
    };
    let request = serde_json::from_slice(body).unwrap_or_default();
    let events = events(action, &request, answer, before, &mut |r| read(state, r));
    address(events, who, state)
}

/// The webhooks a successful call causes: one per applied item of a batch.
fn events(
    action: Action,
    request: &Value,
    answer: &Value,
    before: Before,
    read: &mut Read,
) -> Vec<Event> {
    match action.single_action() {
        Some(single) => {
            let requests = request["requests"].as_array().into_iter().flatten();
            let answers = answer["responses"].as_array().into_iter().flatten();
            requests
                .zip(answers)
                .filter(|(_, answer)| answer.get("error").is_none())
                .filter_map(|(request, answer)| item_event(single, request, answer, read))
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

fn event(action: WebhookAction, payload: Value) -> Option<Event> {
    Some(Event { action, payload })
}

fn item_event(action: Action, request: &Value, answer: &Value, read: &mut Read) -> Option<Event> {
    let id = || json!({ "id": request["id"] });
    let as_str = |v: &Value| v.as_str().map(str::to_string);
    match action {
        Action::CreateAgent => {
            let mut get = GetAgentRequest::new(as_str(&request["id"])?);
            get.fields = Some(AgentField::KNOWN.to_vec());
            event(
                WebhookAction::AgentCreated,
                read(AnyRequest::GetAgent(get))?,
            )
        }
        Action::UpdateAgent => event(WebhookAction::AgentUpdated, request.clone()),
        Action::DeleteAgent => event(WebhookAction::AgentDeleted, id()),
        Action::SuspendAgent => event(WebhookAction::AgentSuspended, id()),
        Action::UnsuspendAgent => event(WebhookAction::AgentUnsuspended, id()),
        Action::ApproveAgent => event(WebhookAction::AgentApproved, id()),
        Action::CreateBot => {
            let mut get = GetBotRequest::new(as_str(&answer["id"])?);
            get.fields = Some(BotField::KNOWN.to_vec());
            event(WebhookAction::BotCreated, read(AnyRequest::GetBot(get))?)
        }
        Action::UpdateBot => event(WebhookAction::BotUpdated, request.clone()),
        Action::DeleteBot => event(WebhookAction::BotDeleted, id()),
        Action::CreateGroup => {
            let mut get = GetGroupRequest::new(answer["id"].as_u64()?);
            get.fields = Some(vec![GroupField::AgentPriorities]);
            event(
                WebhookAction::GroupCreated,
                read(AnyRequest::GetGroup(get))?,
            )
        }
        Action::UpdateGroup => event(WebhookAction::GroupUpdated, request.clone()),
        Action::DeleteGroup => event(WebhookAction::GroupDeleted, id()),
        Action::CreateTag | Action::UpdateTag => {
            let tags = read(AnyRequest::ListTags(ListTagsRequest::new()))?;
            let tag = tags
                .as_array()?
                .iter()
                .find(|t| t["name"] == request["name"])?
                .clone();
            if action == Action::CreateTag {
                event(WebhookAction::TagCreated, tag)
            } else {
                event(
                    WebhookAction::TagUpdated,
                    json!({"name": tag["name"], "group_ids": tag["group_ids"]}),
                )
            }
        }
        Action::DeleteTag => event(
            WebhookAction::TagDeleted,
            json!({ "name": request["name"] }),
        ),
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
        action: WebhookAction::AutoAccessesUpdated,
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
            if webhook.action != event.action
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
                action: event.action.as_str().to_string(),
                url: webhook.url.clone(),
                body: json!({
                    "webhook_id": webhook.id,
                    "secret_key": webhook.secret_key.clone().unwrap_or_default(),
                    "action": event.action.as_str(),
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
