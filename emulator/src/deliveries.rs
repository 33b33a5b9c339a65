//! Webhook deliveries: which license-configuration webhooks a successful change causes (the one
//! place that knows it) and which registered webhooks receive them, by their type, the license
//! webhooks state and their filters (the one place that decides it, for `emit`'s webhooks too);
//! `queue` POSTs them in the background, retrying a failing receiver and journaling every attempt.
//!
//! Payloads follow the webhooks reference (section Configuration): `*_created` carries the full
//! object as the API would answer it, `*_updated` the properties the request changed, the others
//! the id (a tag's name); `auto_accesses_updated` lists every rule whose place or content changed.

pub mod emit;
mod queue;

pub use emit::{EmitError, EmitWebhook, EmittedDelivery, WebhookContext, EMIT_BODY_LIMIT};
pub use queue::{
    Deliveries, DeliveryPolicy, MAX_OUTBOUND_DELIVERIES, MAX_QUEUED_BYTES, MAX_QUEUED_DELIVERIES,
    QUEUED_PER_WEBHOOK,
};

use crate::auth::Identity;
use crate::state::State;
use livechat_config::v3_6::{
    Action, AgentField, AnyRequest, AuthorType, BotField, ChatPresenceFilter, GetAgentRequest,
    GetBotRequest, GetGroupRequest, GroupField, ListAutoAccessesRequest, ListTagsRequest,
    SourceType, Webhook, WebhookAction, WebhookAdditionalData, WebhookType,
};
use serde_json::{json, Map, Value};
use std::collections::HashSet;

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

/// A delivery addressed to one registered webhook. No `Debug`: the body holds the webhook's
/// secret key.
#[derive(Clone)]
pub struct Outgoing {
    webhook_id: String,
    action: String,
    url: String,
    body: Value,
}

/// What a webhook's filters look at besides its action: where the event came from, the chat it
/// happened in, and who wrote the event. A change through the API concerns no chat: only its
/// source is known.
#[derive(Debug, Default)]
pub struct Circumstances {
    /// The Client ID whose call caused the event; `None` is the system (a personal access
    /// token, the router, an emitted webhook that names no client).
    pub source_client_id: Option<String>,
    /// The users present in the chat; `None` when unknown (no chat). Unknown reads as an empty
    /// chat to the `chat_presence` filter, and is left out of `additional_data`.
    pub chat_presence_user_ids: Option<Vec<String>>,
    /// The chat's `source.client_id`: the application it came through (`only_my_chats`).
    pub chat_source_client_id: Option<String>,
    /// Whether an event was written by an agent or a customer (`author_type`); `None` when the
    /// webhook concerns no event or its author is unknown.
    pub author_type: Option<AuthorType>,
    /// The chat's properties, for `additional_data.chat_properties`.
    pub chat_properties: Option<Value>,
    /// The envelope's `requester`, when there is one.
    pub requester: Option<Value>,
}

/// Who made the change, as the `source_type` filter sees it.
fn source_of(source_client_id: Option<&str>, owner_client_id: &str) -> SourceType {
    match source_client_id {
        None => SourceType::System,
        Some(client) if client == owner_client_id => SourceType::MyClient,
        Some(_) => SourceType::OtherClients,
    }
}

/// The users present in a chat, for lookups.
type Present<'a> = HashSet<&'a str>;

/// Whether a bot that `owner_client_id` owns is among `present`.
fn has_bot_of(owner_client_id: &str, present: &Present, state: &State) -> bool {
    !present.is_empty()
        && state.bots.iter().any(|(id, b)| {
            b.bot.owner_client_id.as_deref() == Some(owner_client_id)
                && present.contains(id.as_str())
        })
}

/// Whether `webhook` receives a webhook of `action` in these circumstances: a `license` webhook
/// while license webhooks are enabled for its owner, a `bot` webhook when a bot its owner owns is
/// in the chat; and then only if every filter it set lets the event through.
fn receives(
    webhook: &Webhook,
    action: &str,
    c: &Circumstances,
    present: &Present,
    state: &State,
) -> bool {
    if webhook.action.as_str() != action {
        return false;
    }
    let owner = webhook.owner_client_id.as_str();
    let reaches = match webhook.r#type {
        WebhookType::License => !state.disabled_webhooks.contains(owner),
        WebhookType::Bot => has_bot_of(owner, present, state),
        _ => false,
    };
    if !reaches {
        return false;
    }
    let Some(filters) = &webhook.filters else {
        return true;
    };
    if let Some(types) = filters.source_type.as_ref().filter(|t| !t.is_empty()) {
        if !types.contains(&source_of(c.source_client_id.as_deref(), owner)) {
            return false;
        }
    }
    if filters.only_my_chats == Some(true) && c.chat_source_client_id.as_deref() != Some(owner) {
        return false;
    }
    if let Some(wanted) = &filters.author_type {
        if c.author_type.as_ref() != Some(wanted) {
            return false;
        }
    }
    filters
        .chat_presence
        .as_ref()
        .is_none_or(|presence| presence_matches(presence, owner, present, state))
}

/// `chat_presence`: none of `exclude_values` may be in the chat; when `values` or `my_bots` is
/// set, one of the users listed or one of the owner's bots must be.
fn presence_matches(
    filter: &ChatPresenceFilter,
    owner_client_id: &str,
    present: &Present,
    state: &State,
) -> bool {
    let in_chat = |ids: &[String]| ids.iter().any(|id| present.contains(id.as_str()));
    let user_ids = filter.user_ids.as_ref();
    if user_ids
        .and_then(|u| u.exclude_values.as_deref())
        .is_some_and(in_chat)
    {
        return false;
    }
    let values = user_ids.and_then(|u| u.values.as_deref());
    let my_bots = filter.my_bots == Some(true);
    if values.is_none() && !my_bots {
        return true;
    }
    values.is_some_and(in_chat) || (my_bots && has_bot_of(owner_client_id, present, state))
}

/// The delivery to `webhook`: the general webhook format, with the additional data the webhook
/// registered for where the circumstances know it.
fn envelope(
    webhook: &Webhook,
    action: &str,
    payload: &Value,
    c: &Circumstances,
    state: &State,
) -> Outgoing {
    let mut additional = Map::new();
    for wanted in webhook.additional_data.iter().flatten() {
        let known = match wanted {
            WebhookAdditionalData::ChatProperties => c.chat_properties.clone(),
            WebhookAdditionalData::ChatPresenceUserIds => {
                c.chat_presence_user_ids.as_ref().map(|ids| json!(ids))
            }
            _ => None,
        };
        if let Some(value) = known {
            additional.insert(wanted.as_str().to_string(), value);
        }
    }
    let mut body = Map::new();
    body.insert("webhook_id".into(), json!(webhook.id));
    body.insert(
        "secret_key".into(),
        json!(webhook.secret_key.clone().unwrap_or_default()),
    );
    body.insert("action".into(), json!(action));
    body.insert("organization_id".into(), json!(state.organization_id));
    body.insert("payload".into(), payload.clone());
    if let Some(requester) = &c.requester {
        body.insert("requester".into(), requester.clone());
    }
    body.insert("additional_data".into(), Value::Object(additional));
    Outgoing {
        webhook_id: webhook.id.clone(),
        action: action.to_string(),
        url: webhook.url.clone(),
        body: Value::Object(body),
    }
}

/// One webhook addressed to every registered webhook that receives it, in registration order.
pub fn address_one(
    action: &str,
    payload: &Value,
    c: &Circumstances,
    state: &State,
) -> Vec<Outgoing> {
    let present: Present = c
        .chat_presence_user_ids
        .iter()
        .flatten()
        .map(String::as_str)
        .collect();
    state
        .webhooks
        .iter()
        .filter(|w| receives(w, action, c, &present, state))
        .map(|w| envelope(w, action, payload, c, state))
        .collect()
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
    let circumstances = Circumstances {
        source_client_id: who.client_id.clone(),
        requester: Some(Value::Object(requester)),
        ..Circumstances::default()
    };
    events
        .iter()
        .flat_map(|event| address_one(event.action.as_str(), &event.payload, &circumstances, state))
        .collect()
}
