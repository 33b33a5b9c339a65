//! The LiveChat Configuration API described as data: each version's hand-written spec document
//! ([`DOCUMENTS`]) and the data model they are read into ([`Spec`]), the format `README.md`
//! describes. The generator turns a spec into Rust; the command-line tool describes actions and
//! configuration files from it; the emulator finds the secret fields in it.
//!
//! Every struct denies unknown fields so a misspelt key is an error rather than silently lost meaning.

pub mod type_expr;

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
pub use type_expr::TypeExpr;

#[cfg(feature = "documents")]
mod documents;
#[cfg(feature = "documents")]
pub use documents::DOCUMENTS;

/// The spec document of `version` (`"3.6"`), if this crate has it.
#[cfg(feature = "documents")]
pub fn document(version: &str) -> Option<&'static str> {
    DOCUMENTS
        .iter()
        .find(|(v, _)| *v == version)
        .map(|&(_, json)| json)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub name: String,
    pub version: String,
    pub base_url: String,
    pub path: String,
    pub description: String,
    pub batch: BatchInfo,
    pub sections: Vec<Section>,
    pub errors: Vec<ErrorType>,
    pub types: Vec<TypeDef>,
    pub actions: Vec<Action>,
    /// The webhooks the platform sends whose payloads the crate types.
    #[serde(default)]
    pub webhooks: Option<Webhooks>,
}

impl Spec {
    pub fn action(&self, name: &str) -> Option<&Action> {
        self.actions.iter().find(|a| a.name == name)
    }

    /// The action a batch endpoint repeats (`batch_create_agents` → `create_agent`).
    pub fn batched(&self, batch: &str) -> Option<&Action> {
        self.actions
            .iter()
            .find(|a| a.batch_endpoint.as_deref() == Some(batch))
    }

    pub fn named_type(&self, name: &str) -> Option<&TypeDef> {
        self.types.iter().find(|t| t.name() == name)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchInfo {
    pub description: String,
    #[serde(default)]
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub name: String,
    pub title: String,
    pub description: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorType {
    #[serde(rename = "type")]
    pub kind: String,
    pub default_message: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum TypeDef {
    Object {
        name: String,
        #[serde(default)]
        description: String,
        fields: Vec<Field>,
        #[serde(default)]
        constraints: Vec<Constraint>,
    },
    Enum {
        name: String,
        #[serde(default)]
        description: String,
        values: Vec<EnumValue>,
    },
    /// An object whose string field `tag` says which object type it is; a value of `tag` that no
    /// variant names is kept as it came, not an error.
    Union {
        name: String,
        #[serde(default)]
        description: String,
        tag: String,
        variants: Vec<UnionVariant>,
    },
}

impl TypeDef {
    pub fn name(&self) -> &str {
        match self {
            TypeDef::Object { name, .. }
            | TypeDef::Enum { name, .. }
            | TypeDef::Union { name, .. } => name,
        }
    }

    /// An object's fields; none for an enum or a union.
    pub fn fields(&self) -> &[Field] {
        match self {
            TypeDef::Object { fields, .. } => fields,
            TypeDef::Enum { .. } | TypeDef::Union { .. } => &[],
        }
    }
}

/// One object type a union can be, and the value of the union's tag that names it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnionVariant {
    pub value: String,
    /// An object type without the tag among its fields.
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    pub value: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub available_filters: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    pub required: bool,
    #[serde(default)]
    pub required_when: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub default: Option<Value>,
    #[serde(default)]
    pub limits: Option<Limits>,
    /// A credential (a webhook's `secret_key`): masked in the generated `Debug`.
    #[serde(default)]
    pub secret: bool,
    /// The shape a string must have, as the reference implies it.
    #[serde(default)]
    pub format: Option<Format>,
    /// The values of an enum field a request may carry, where the reference allows fewer in
    /// requests than answers hold (a request cannot make an agent `owner`).
    #[serde(default)]
    pub request_values: Option<Vec<String>>,
    /// Required lists or maps of this field's object type that the action's table does not
    /// list, so its requests may leave them out (a bot's `work_scheduler` lists `timezone` only).
    #[serde(default)]
    pub may_omit: Vec<String>,
    /// The name the neighbouring version (the next one toward the stable version) gives the same
    /// field, where the two differ (v3.5's bot `avatar` is v3.6's `avatar_path`): a server of the
    /// neighbour then serves this version's field.
    #[serde(default)]
    pub neighbour_name: Option<String>,
}

/// String formats the runtime checks (`sdk/src/validate.rs`).
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub enum Format {
    #[serde(rename = "email")]
    Email,
    #[serde(rename = "url")]
    Url,
    #[serde(rename = "date-time")]
    DateTime,
}

impl Format {
    /// Its name in the spec.
    pub fn name(self) -> &'static str {
        match self {
            Format::Email => "email",
            Format::Url => "url",
            Format::DateTime => "date-time",
        }
    }

    /// The variant of `validate::Format` that checks it.
    pub fn variant(self) -> &'static str {
        match self {
            Format::Email => "Email",
            Format::Url => "Url",
            Format::DateTime => "DateTime",
        }
    }
}

impl Field {
    /// Required in Rust: required by the reference and not only in some situations.
    pub fn always_required(&self) -> bool {
        self.required && self.required_when.is_none()
    }
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
}

impl Limits {
    /// The limits set, each with its spec key, in the order the struct declares them.
    pub fn entries(&self) -> Vec<(&'static str, String)> {
        let text = |v: Option<u64>| v.map(|v| v.to_string());
        [
            ("min", self.min.map(|v| v.to_string())),
            ("max", self.max.map(|v| v.to_string())),
            ("min_length", text(self.min_length)),
            ("max_length", text(self.max_length)),
            ("min_items", text(self.min_items)),
            ("max_items", text(self.max_items)),
        ]
        .into_iter()
        .filter_map(|(key, value)| Some((key, value?)))
        .collect()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Constraint {
    pub kind: ConstraintKind,
    pub fields: Vec<String>,
    /// `available_filters`: the enum field whose value decides which filters are available;
    /// `required_if_non_empty`: the array or map field whose content makes `fields` required.
    #[serde(default)]
    pub selector: Option<String>,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintKind {
    AtLeastOneOf,
    AtMostOneOf,
    /// Only the fields of the object in `fields[0]` that the `available_filters` of the
    /// `selector`'s value list may be set.
    AvailableFilters,
    /// The optional `fields` are required when the `selector` array or map is not empty.
    RequiredIfNonEmpty,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Action {
    pub name: String,
    pub title: String,
    pub section: String,
    pub description: String,
    pub scopes: Vec<String>,
    #[serde(default)]
    pub scope_notes: BTreeMap<String, String>,
    pub batch: bool,
    #[serde(default)]
    pub batch_endpoint: Option<String>,
    /// The action only reads: repeating it cannot change anything.
    pub read_only: bool,
    /// The reference says the action "requires no authorization".
    #[serde(default)]
    pub no_authorization: bool,
    pub params: Vec<Field>,
    #[serde(default)]
    pub constraints: Vec<Constraint>,
    pub response: Response,
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default)]
    pub examples: Examples,
    /// How the action pages through a long list, when it does.
    #[serde(default)]
    pub paging: Option<Paging>,
}

/// The request parameters and answer fields an action pages with (see `spec/README.md`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paging {
    pub page_id: String,
    pub limit: String,
    pub items: String,
    pub next_page_id: String,
    #[serde(default)]
    pub excluded_by_page_id: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Response {
    Empty {
        empty: bool,
    },
    Type {
        #[serde(rename = "type")]
        ty: String,
    },
    Fields {
        fields: Vec<Field>,
    },
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    pub request: Option<Value>,
    pub request_as_published: Option<Value>,
    pub response: Option<Value>,
}

/// The webhooks a version types (see `spec/README.md`, Webhooks).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhooks {
    pub description: String,
    /// The object type of a delivery: `secret_key`, `action` and `payload` among its fields.
    pub envelope: String,
    #[serde(default)]
    pub notes: Vec<String>,
    pub events: Vec<WebhookEvent>,
}

/// One webhook action and the shape of its payload.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookEvent {
    /// A value of the envelope's `action` enum.
    pub action: String,
    /// The reference's section the webhook is in (`Chats`, `Configuration`, …).
    pub section: String,
    pub description: String,
    pub payload: Payload,
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default)]
    pub examples: Vec<WebhookExample>,
}

/// A sample delivery from the reference, as JSON (see the event's notes for any fix).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookExample {
    pub title: String,
    pub webhook: Value,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Payload {
    /// A type expression: the payload is a value of a spec type as it is.
    Type {
        #[serde(rename = "type")]
        ty: String,
    },
    /// An object defined in place, generated as `<Action>Payload`.
    Fields { fields: Vec<Field> },
    /// The fields of the object type `partial`, each optional but those in `required`: a
    /// payload that carries only what changed. Generated as `<Action>Payload`.
    Partial {
        partial: String,
        required: Vec<String>,
    },
}
