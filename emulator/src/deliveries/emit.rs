//! Webhooks emitted on request (`POST /emulator/webhooks/emit`, `Emulator::emit_webhook`): the
//! chat webhooks, which no change to a license causes, or any other webhook a version lists. The
//! payload is checked against the version's spec with the sdk's own decoder; then the webhook is
//! addressed through the same filters, envelope and queue as the webhooks the API's changes
//! cause. A refused request delivers and journals nothing.

use super::{address_one, Circumstances, Outgoing};
use crate::state::State;
use crate::version_list::SERVED;
use livechat_config::versions::Version;
use livechat_config::webhook::WebhookError;
use livechat_config::{AuthorType, WebhookAction, WebhookRequester};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The largest body `POST /emulator/webhooks/emit` takes; a larger one is refused with `413`
/// from its `Content-Length` (or once this much has arrived) without being read.
pub const EMIT_BODY_LIMIT: usize = 1024 * 1024;

/// A webhook for [`Emulator::emit_webhook`](crate::Emulator::emit_webhook) to deliver: its
/// action, its payload and what its filters need to know that the payload does not say.
///
/// ```no_run
/// use livechat_config::{AuthorType, WebhookAction};
/// use livechat_config_emulator::{EmitWebhook, WebhookContext, DEFAULT_CLIENT_ID};
/// use serde_json::json;
///
/// let emit = EmitWebhook::new(
///     WebhookAction::IncomingEvent,
///     json!({"chat_id": "PJ0MRSHTDG", "thread_id": "K600PKZON8",
///            "event": {"id": "K600PKZON8_1", "type": "message", "text": "Hi", "author_id": "customer-1",
///                      "created_at": "2019-12-09T12:01:25.412000Z", "visibility": "all"}}),
/// )
/// .context(
///     WebhookContext::new()
///         .chat_presence_user_ids(["customer-1", "smith@example.com"])
///         .source_client_id(DEFAULT_CLIENT_ID)
///         .author_type(AuthorType::Customer),
/// );
/// assert_eq!(emit.action, WebhookAction::IncomingEvent);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EmitWebhook {
    /// The webhook's action (`incoming_chat`); it must be one `register_webhook` takes in the
    /// version (`Version::webhook_actions`).
    pub action: WebhookAction,
    /// The API version whose spec the payload is checked against. Default: the stable one.
    pub version: Option<Version>,
    /// The delivery's `payload`, as the webhooks reference shows it for the action.
    pub payload: Value,
    /// What the filters and `additional_data` need beyond the payload.
    pub context: WebhookContext,
}

impl EmitWebhook {
    /// A webhook of `action` with this payload, of the stable version, with the context the
    /// payload implies (see [`WebhookContext`]).
    pub fn new(action: impl Into<WebhookAction>, payload: Value) -> Self {
        Self {
            action: action.into(),
            version: None,
            payload,
            context: WebhookContext::default(),
        }
    }

    /// A typed webhook of the stable version: its action and payload.
    pub fn event(event: &livechat_config::WebhookEvent) -> Self {
        Self::new(event.action(), event.payload())
    }

    /// The API version whose spec checks the payload.
    pub fn version(mut self, version: Version) -> Self {
        self.version = Some(version);
        self
    }

    /// What the filters need beyond the payload.
    pub fn context(mut self, context: WebhookContext) -> Self {
        self.context = context;
        self
    }
}

/// What a webhook's filters and `additional_data` need that its payload does not carry. Each
/// field left out is worked out from the payload where it can be, as documented per field.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct WebhookContext {
    /// The ids of the users (agents, bots, customers) present in the chat: what
    /// `chat_presence` looks at (and `my_bots` among them, by the bots' `owner_client_id`),
    /// what `bot` webhooks need (one of their owner's bots present), and
    /// `additional_data.chat_presence_user_ids`. Default: the ids of `payload.chat.users`
    /// (`incoming_chat`); otherwise none known, which filters read as an empty chat and
    /// `additional_data` leaves out.
    #[serde(default)]
    pub chat_presence_user_ids: Option<Vec<String>>,
    /// The Client ID whose call caused the webhook, for `source_type` (`my_client` when it owns
    /// the webhook, `other_clients` otherwise). Default: `requester.client_id`; without either,
    /// the source is `system`.
    #[serde(default)]
    pub source_client_id: Option<String>,
    /// The chat's `source.client_id` (the application the chat came through), for
    /// `only_my_chats`. Default: `source.client_id` of the chat properties.
    #[serde(default)]
    pub chat_source_client_id: Option<String>,
    /// Who wrote the event of `incoming_event` or `event_updated`, for `author_type`. Default:
    /// `agent` when `payload.event.author_id` is an agent or bot of the license, `customer`
    /// when it is anyone else; unknown (a webhook filtering on it is not sent) when the payload
    /// has no `event.author_id`.
    #[serde(default)]
    pub author_type: Option<AuthorType>,
    /// The chat's properties, namespace → name → value, for `additional_data.chat_properties`
    /// and `chat_source_client_id`. Default: `payload.chat.properties`.
    #[serde(default)]
    pub chat_properties: Option<BTreeMap<String, BTreeMap<String, Value>>>,
    /// The delivery's `requester` (`user_id`, `account_id`, `client_id`), as the configuration
    /// webhooks carry it. Default: none, and the delivery has no `requester`.
    #[serde(default)]
    pub requester: Option<WebhookRequester>,
}

impl WebhookContext {
    /// Nothing given: everything worked out from the payload.
    pub fn new() -> Self {
        Self::default()
    }

    /// The users present in the chat.
    pub fn chat_presence_user_ids<S: Into<String>>(
        mut self,
        ids: impl IntoIterator<Item = S>,
    ) -> Self {
        self.chat_presence_user_ids = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// The Client ID whose call caused the webhook.
    pub fn source_client_id(mut self, client_id: impl Into<String>) -> Self {
        self.source_client_id = Some(client_id.into());
        self
    }

    /// The chat's `source.client_id`.
    pub fn chat_source_client_id(mut self, client_id: impl Into<String>) -> Self {
        self.chat_source_client_id = Some(client_id.into());
        self
    }

    /// Who wrote the event.
    pub fn author_type(mut self, author_type: AuthorType) -> Self {
        self.author_type = Some(author_type);
        self
    }

    /// The chat's properties.
    pub fn chat_properties(
        mut self,
        properties: BTreeMap<String, BTreeMap<String, Value>>,
    ) -> Self {
        self.chat_properties = Some(properties);
        self
    }

    /// The delivery's `requester`.
    pub fn requester(mut self, requester: WebhookRequester) -> Self {
        self.requester = Some(requester);
        self
    }
}

/// One delivery an emitted webhook made: which webhook it goes to and its entry in the journal
/// of deliveries ([`Emulator::webhook_deliveries`](crate::Emulator::webhook_deliveries)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EmittedDelivery {
    /// The registered webhook it is addressed to.
    pub webhook_id: String,
    /// Its entry in the journal of deliveries (`DeliveryRecord::seq`).
    pub seq: u64,
    /// `true` when it waits to be sent; `false` when a bound of the queue refused it (journaled
    /// `failed` at once, never sent).
    pub queued: bool,
    /// Why it was not queued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Why a webhook was not emitted. Nothing was delivered or journaled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EmitError {
    /// The request is not an emit request: not a JSON object, or a field missing, unknown or
    /// of the wrong type.
    #[error("invalid emit request{}: {message}", at(path))]
    Invalid {
        /// Path of the offending field (`context.chat_presence_user_ids[1]`); empty for the
        /// whole body.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The version is not one the emulator serves.
    #[error("webhooks are known for versions {} only, not {version}", SERVED.join(", "))]
    UnknownVersion {
        /// The version asked for.
        version: String,
    },
    /// The version has no webhook of this action.
    #[error(
        "`{action}` is not a webhook action of v{version}; its webhook actions are {}",
        webhook_names(.version)
    )]
    NotAWebhook {
        /// The action asked for.
        action: String,
        /// The version it was looked up in.
        version: String,
    },
    /// The payload is not as the version's spec describes the action's payload
    /// ([`WebhookError::UnexpectedPayload`], its `path` starting at `payload`).
    #[error("{0}")]
    Payload(WebhookError),
}

impl EmitError {
    /// Path of the offending field of the request, where one is to blame.
    pub fn path(&self) -> Option<&str> {
        match self {
            Self::Invalid { path, .. } if !path.is_empty() => Some(path),
            Self::Payload(WebhookError::UnexpectedPayload { path, .. }) => Some(path),
            Self::UnknownVersion { .. } => Some("version"),
            Self::NotAWebhook { .. } => Some("action"),
            _ => None,
        }
    }
}

fn at(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" at `{path}`")
    }
}

fn webhook_names(version: &str) -> String {
    Version::from_name(version)
        .map(|v| {
            v.webhook_actions()
                .iter()
                .map(|(name, _)| *name)
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

/// The request body of `POST /emulator/webhooks/emit`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Body {
    action: String,
    #[serde(default)]
    version: Option<String>,
    payload: Value,
    #[serde(default)]
    context: WebhookContext,
}

/// Reads the body of `POST /emulator/webhooks/emit`.
pub fn parse(body: &[u8]) -> Result<EmitWebhook, EmitError> {
    let invalid = |path: String, message: String| EmitError::Invalid { path, message };
    // serde_json refuses 128 or more levels of nesting with an error, before any of it is kept.
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| invalid(String::new(), format!("the body is not JSON: {e}")))?;
    // Serde would also read a struct from an array of its fields in order.
    if !value.is_object() {
        return Err(invalid(String::new(), "expected a JSON object".into()));
    }
    let body: Body = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        invalid(path, e.into_inner().to_string())
    })?;
    let version = match body.version {
        None => None,
        Some(name) => {
            Some(Version::from_name(&name).ok_or(EmitError::UnknownVersion { version: name })?)
        }
    };
    Ok(EmitWebhook {
        action: WebhookAction::from(body.action.as_str()),
        version,
        payload: body.payload,
        context: body.context,
    })
}

/// Checks the webhook against its version's spec and addresses it to every webhook registered
/// for its action whose filters let it through.
pub fn address(emit: EmitWebhook, state: &State) -> Result<Vec<Outgoing>, EmitError> {
    let emit = shallow(emit)?;
    let version = emit.version.unwrap_or(Version::STABLE);
    let action = emit.action.as_str().to_string();
    if !version
        .webhook_actions()
        .iter()
        .any(|(name, _)| *name == action)
    {
        return Err(EmitError::NotAWebhook {
            action,
            version: version.to_string(),
        });
    }
    if let Some(AuthorType::Other(other)) = &emit.context.author_type {
        return Err(EmitError::Invalid {
            path: "context.author_type".into(),
            message: format!("`{other}` is neither `customer` nor `agent`"),
        });
    }
    check_payload(version, &action, &emit.payload).map_err(EmitError::Payload)?;
    let circumstances = circumstances(emit.context, &emit.payload, state);
    Ok(address_one(&action, &emit.payload, &circumstances, state))
}

/// Levels of arrays and objects from which serde_json refuses to read a value: a JSON body never
/// has a payload this deep, and typing, copying and sending one recurse once per level.
const MAX_DEPTH: usize = 128;

/// The request, when nothing in it has [`MAX_DEPTH`] levels (only a Rust caller can build one
/// that does); a deeper one is taken apart without recursion, however deep it is.
fn shallow(emit: EmitWebhook) -> Result<EmitWebhook, EmitError> {
    let too_deep = |path: &str| EmitError::Invalid {
        path: path.to_string(),
        message: format!("nested {MAX_DEPTH} or more levels deep"),
    };
    let mut properties = emit
        .context
        .chat_properties
        .iter()
        .flat_map(|namespaces| namespaces.values().flat_map(|named| named.values()));
    let error = if reaches(&emit.payload, MAX_DEPTH) {
        too_deep("payload")
    } else if properties.any(|value| reaches(value, MAX_DEPTH)) {
        too_deep("context.chat_properties")
    } else {
        return Ok(emit);
    };
    let mut values = vec![emit.payload];
    for namespace in emit.context.chat_properties.into_iter().flatten() {
        values.extend(namespace.1.into_values());
    }
    while let Some(value) = values.pop() {
        match value {
            Value::Array(items) => values.extend(items),
            Value::Object(fields) => values.extend(fields.into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
    Err(error)
}

/// Whether `value` has `levels` or more levels of arrays and objects; without recursion.
fn reaches(value: &Value, levels: usize) -> bool {
    let mut open = vec![(value, 1)];
    while let Some((value, level)) = open.pop() {
        let inner: Box<dyn Iterator<Item = &Value>> = match value {
            Value::Array(items) => Box::new(items.iter()),
            Value::Object(fields) => Box::new(fields.values()),
            _ => continue,
        };
        if level >= levels {
            return true;
        }
        open.extend(inner.map(|v| (v, level + 1)));
    }
    false
}

/// The payload as the version's `WebhookEvent` types it; the action is one the version lists
/// (checked before), so each is typed.
fn check_payload(version: Version, action: &str, payload: &Value) -> Result<(), WebhookError> {
    match version.check_webhook_payload(action, payload)? {
        true => Ok(()),
        false => Err(WebhookError::UnexpectedPayload {
            action: action.to_string(),
            path: "action".into(),
            message: format!("v{version} does not describe the `{action}` webhook"),
        }),
    }
}

/// The context given, completed from the payload and the license.
fn circumstances(context: WebhookContext, payload: &Value, state: &State) -> Circumstances {
    let chat = payload.get("chat");
    let chat_presence_user_ids = context.chat_presence_user_ids.or_else(|| {
        let users = chat?.get("users")?.as_array()?;
        Some(
            users
                .iter()
                .filter_map(|u| u.get("id")?.as_str().map(str::to_string))
                .collect(),
        )
    });
    let chat_properties = context
        .chat_properties
        .and_then(|p| serde_json::to_value(p).ok())
        .or_else(|| {
            let properties = chat?.get("properties")?;
            // Only namespaces of properties, as `additional_data.chat_properties` types them.
            serde_json::from_value::<BTreeMap<String, BTreeMap<String, Value>>>(properties.clone())
                .ok()
                .map(|_| properties.clone())
        });
    let chat_source_client_id = context.chat_source_client_id.or_else(|| {
        chat_properties
            .as_ref()?
            .get("source")?
            .get("client_id")?
            .as_str()
            .map(str::to_string)
    });
    let source_client_id = context
        .source_client_id
        .or_else(|| context.requester.as_ref().and_then(|r| r.client_id.clone()));
    let author_type = context.author_type.or_else(|| {
        let author = payload.get("event")?.get("author_id")?.as_str()?;
        let agent = state.agents.contains_key(author) || state.bots.contains_key(author);
        Some(if agent {
            AuthorType::Agent
        } else {
            AuthorType::Customer
        })
    });
    Circumstances {
        source_client_id,
        chat_presence_user_ids,
        chat_source_client_id,
        author_type,
        chat_properties,
        requester: context.requester.and_then(|r| serde_json::to_value(r).ok()),
    }
}
