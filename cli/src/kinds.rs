//! The kinds of resource a configuration file holds: where each lives in the file, what
//! identifies it, which actions make, change and remove it, and how its file form (groups named,
//! secrets as environment variable references) turns into request bodies.

use serde_json::{json, Map, Value};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Group,
    Agent,
    Bot,
    BotTemplate,
    Tag,
    AutoAccess,
    Greeting,
    PropertyDefinition,
    LicenseProperty,
    GroupProperty,
    Webhook,
}

/// One resource in file form, from a file or read from the license.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub kind: Kind,
    pub key: String,
    pub body: Map<String, Value>,
    /// Where it is in the file (`agents[3]`).
    pub path: String,
}

impl Kind {
    /// In the order `apply` makes and changes them; removals go the other way.
    pub const ALL: [Kind; 11] = [
        Kind::Group,
        Kind::Agent,
        Kind::Bot,
        Kind::BotTemplate,
        Kind::Tag,
        Kind::AutoAccess,
        Kind::Greeting,
        Kind::PropertyDefinition,
        Kind::LicenseProperty,
        Kind::GroupProperty,
        Kind::Webhook,
    ];

    pub fn section(self) -> &'static str {
        match self {
            Kind::Group => "groups",
            Kind::Agent => "agents",
            Kind::Bot => "bots",
            Kind::BotTemplate => "bot_templates",
            Kind::Tag => "tags",
            Kind::AutoAccess => "auto_access",
            Kind::Greeting => "greetings",
            Kind::PropertyDefinition => "property_definitions",
            Kind::LicenseProperty => "license_properties",
            Kind::GroupProperty => "group_properties",
            Kind::Webhook => "webhooks",
        }
    }

    /// How `--target` and the plan format name the kind (`agent`, `bot_template`, …): its serde
    /// name.
    pub fn name(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The kind `name` names.
    pub fn named(name: &str) -> Option<Kind> {
        serde_json::from_value(Value::String(name.to_owned())).ok()
    }

    pub fn noun(self) -> &'static str {
        match self {
            Kind::Group => "group",
            Kind::Agent => "agent",
            Kind::Bot => "bot",
            Kind::BotTemplate => "bot template",
            Kind::Tag => "tag",
            Kind::AutoAccess => "auto access",
            Kind::Greeting => "greeting",
            Kind::PropertyDefinition => "property definition",
            Kind::LicenseProperty => "license property",
            Kind::GroupProperty => "group property",
            Kind::Webhook => "webhook",
        }
    }

    pub fn create_action(self) -> &'static str {
        match self {
            Kind::Group => "create_group",
            Kind::Agent => "create_agent",
            Kind::Bot => "create_bot",
            Kind::BotTemplate => "create_bot_template",
            Kind::Tag => "create_tag",
            Kind::AutoAccess => "add_auto_access",
            Kind::Greeting => "create_greeting",
            Kind::PropertyDefinition => "register_property",
            Kind::LicenseProperty => "update_license_properties",
            Kind::GroupProperty => "update_group_properties",
            Kind::Webhook => "register_webhook",
        }
    }

    /// The action that changes fields in place; `None` where a change means a new resource.
    pub fn update_action(self) -> Option<&'static str> {
        match self {
            Kind::Group => Some("update_group"),
            Kind::Agent => Some("update_agent"),
            Kind::Bot => Some("update_bot"),
            Kind::BotTemplate => Some("update_bot_template"),
            Kind::Tag => Some("update_tag"),
            Kind::AutoAccess => Some("update_auto_access"),
            Kind::Greeting => Some("update_greeting"),
            Kind::PropertyDefinition => Some("publish_property"),
            Kind::LicenseProperty => Some("update_license_properties"),
            Kind::GroupProperty => Some("update_group_properties"),
            Kind::Webhook => None,
        }
    }

    pub fn delete_action(self) -> &'static str {
        match self {
            Kind::Group => "delete_group",
            Kind::Agent => "delete_agent",
            Kind::Bot => "delete_bot",
            Kind::BotTemplate => "delete_bot_template",
            Kind::Tag => "delete_tag",
            Kind::AutoAccess => "delete_auto_access",
            Kind::Greeting => "delete_greeting",
            Kind::PropertyDefinition => "unregister_property",
            Kind::LicenseProperty => "delete_license_properties",
            Kind::GroupProperty => "delete_group_properties",
            Kind::Webhook => "unregister_webhook",
        }
    }

    /// The field that names a resource in a list section.
    fn key_field(self) -> &'static str {
        match self {
            Kind::Agent => "id",
            Kind::AutoAccess => "description",
            Kind::Webhook => "url",
            _ => "name",
        }
    }

    /// Fields of the file form that are not parameters of the create action.
    pub fn extra_fields(self) -> &'static [&'static str] {
        match self {
            Kind::PropertyDefinition => &["public_access"],
            _ => &[],
        }
    }

    /// Fields the create action takes that the file does not hold: set once, or derived.
    pub fn hidden_fields(self) -> &'static [&'static str] {
        match self {
            Kind::Group => &["agent_priorities"],
            Kind::Agent => &["awaiting_approval"],
            Kind::BotTemplate => &["affect_existing_installations"],
            Kind::AutoAccess => &["next_id"],
            _ => &[],
        }
    }

    /// A field holding a list whose order carries no meaning, so it is compared and written
    /// sorted.
    fn is_set(self, field: &str) -> bool {
        matches!(
            (self, field),
            (
                Kind::Agent,
                "groups" | "notifications" | "email_subscriptions"
            ) | (Kind::Bot, "groups")
                | (Kind::Tag, "groups")
        )
    }
}

/// The resources of a file's (or the license's) root, with the problems found on the way:
/// (path, at the key?, message).
pub fn entries(root: &Map<String, Value>) -> (Vec<Entry>, Vec<(String, bool, String)>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (section, value) in root {
        let Some(kind) = Kind::ALL.into_iter().find(|k| k.section() == section) else {
            let known: Vec<&str> = Kind::ALL.iter().map(|k| k.section()).collect();
            problems.push((
                section.clone(),
                true,
                format!(
                    "unknown section `{section}`; expected one of {}",
                    known.join(", ")
                ),
            ));
            continue;
        };
        match kind {
            Kind::LicenseProperty => license_properties(value, &mut found, &mut problems),
            Kind::GroupProperty => group_properties(value, &mut found, &mut problems),
            _ => list(kind, value, &mut found, &mut problems),
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for entry in &found {
        if !seen.insert((entry.kind, entry.key.clone())) {
            problems.push((
                entry.path.clone(),
                false,
                format!("a second {} `{}`", entry.kind.noun(), entry.key),
            ));
        }
    }
    (found, problems)
}

fn list(
    kind: Kind,
    value: &Value,
    found: &mut Vec<Entry>,
    problems: &mut Vec<(String, bool, String)>,
) {
    let section = kind.section();
    let Some(items) = value.as_array() else {
        problems.push((
            section.into(),
            false,
            format!("`{section}` must be a list (`[[{section}]]`)"),
        ));
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let path = format!("{section}[{i}]");
        let Some(body) = item.as_object() else {
            problems.push((path, false, "must be a table".into()));
            continue;
        };
        let field = kind.key_field();
        let Some(name) = body
            .get(field)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        else {
            problems.push((
                path,
                false,
                format!("a {} needs a non-empty `{field}`", kind.noun()),
            ));
            continue;
        };
        let key = match kind {
            Kind::Greeting => format!("{} in {}", name, text(body.get("group"))),
            Kind::PropertyDefinition => format!("{}.{}", text(body.get("owner_client_id")), name),
            Kind::Webhook => format!(
                "{} {} → {}",
                text(body.get("type")),
                text(body.get("action")),
                text(body.get("url"))
            ),
            _ => name.to_owned(),
        };
        found.push(Entry {
            kind,
            key,
            body: normalized(kind, body),
            path,
        });
    }
}

fn text(value: Option<&Value>) -> String {
    match value {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

fn license_properties(
    value: &Value,
    found: &mut Vec<Entry>,
    problems: &mut Vec<(String, bool, String)>,
) {
    let Some(namespaces) = value.as_object() else {
        problems.push((
            "license_properties".into(),
            false,
            "must be a table of namespaces".into(),
        ));
        return;
    };
    for (namespace, values) in namespaces {
        let path = format!("license_properties.{namespace}");
        let Some(values) = values.as_object() else {
            problems.push((path, false, "must be a table of property values".into()));
            continue;
        };
        for (name, value) in values {
            found.push(Entry {
                kind: Kind::LicenseProperty,
                key: format!("{namespace}.{name}"),
                body: json!({"namespace": namespace, "name": name, "value": value})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
                path: format!("{path}.{name}"),
            });
        }
    }
}

fn group_properties(
    value: &Value,
    found: &mut Vec<Entry>,
    problems: &mut Vec<(String, bool, String)>,
) {
    let Some(items) = value.as_array() else {
        problems.push((
            "group_properties".into(),
            false,
            "must be a list (`[[group_properties]]`)".into(),
        ));
        return;
    };
    for (i, item) in items.iter().enumerate() {
        let path = format!("group_properties[{i}]");
        let Some(group) = item.get("group").and_then(Value::as_str) else {
            problems.push((path, false, "needs the `group` it is for".into()));
            continue;
        };
        if let Some(other) = item.as_object().and_then(|o| {
            o.keys()
                .find(|k| !matches!(k.as_str(), "group" | "properties"))
        }) {
            problems.push((
                format!("{path}.{other}"),
                true,
                format!("unknown field `{other}`; expected `group` or `properties`"),
            ));
        }
        let namespaces = item
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for (namespace, values) in &namespaces {
            let Some(values) = values.as_object() else {
                problems.push((
                    format!("{path}.properties.{namespace}"),
                    false,
                    "must be a table of property values".into(),
                ));
                continue;
            };
            for (name, value) in values {
                found.push(Entry {
                    kind: Kind::GroupProperty,
                    key: format!("{group}: {namespace}.{name}"),
                    body: json!({"group": group, "namespace": namespace, "name": name, "value": value})
                        .as_object()
                        .cloned()
                        .unwrap_or_default(),
                    path: format!("{path}.properties.{namespace}.{name}"),
                });
            }
        }
    }
}

/// Lists without order sorted, so that equal configurations compare and print alike.
pub fn normalized(kind: Kind, body: &Map<String, Value>) -> Map<String, Value> {
    body.iter()
        .map(|(field, value)| {
            let value = match value {
                Value::Array(items) if kind.is_set(field) => {
                    let mut items = items.clone();
                    items.sort_by_key(|v| v.to_string());
                    items.dedup();
                    Value::Array(items)
                }
                other => other.clone(),
            };
            (field.clone(), value)
        })
        .collect()
}

/// Group names of a file entry: each (path in the file, name).
pub fn group_refs(entry: &Entry) -> Vec<(String, String)> {
    let mut refs = Vec::new();
    let mut push = |path: String, v: &Value| {
        if let Some(name) = v.as_str() {
            refs.push((path, name.to_owned()));
        }
    };
    let body = &entry.body;
    match entry.kind {
        Kind::Agent | Kind::Bot => {
            for (i, g) in body
                .get("groups")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                if let Some(name) = g.get("group") {
                    push(format!("{}.groups[{i}].group", entry.path), name);
                }
            }
        }
        Kind::Tag => {
            for (i, name) in body
                .get("groups")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                push(format!("{}.groups[{i}]", entry.path), name);
            }
        }
        Kind::AutoAccess => {
            let groups = body
                .get("access")
                .and_then(|a| a.get("groups"))
                .and_then(Value::as_array);
            for (i, name) in groups.into_iter().flatten().enumerate() {
                push(format!("{}.access.groups[{i}]", entry.path), name);
            }
        }
        Kind::Greeting | Kind::GroupProperty => {
            if let Some(name) = body.get("group") {
                push(format!("{}.group", entry.path), name);
            }
        }
        _ => {}
    }
    refs
}

/// The request-body form of a file entry's fields: group names become ids (through `group_id`,
/// which answers `None` for an unknown name), and a webhook's secret comes from its environment
/// variable (through `secret`).
pub fn to_api(
    kind: Kind,
    body: &Map<String, Value>,
    group_id: &dyn Fn(&str) -> Option<u64>,
    secret: &dyn Fn(&Value) -> Result<String, String>,
) -> Result<Map<String, Value>, String> {
    let id_of = |v: &Value| -> Result<Value, String> {
        match v.as_str() {
            Some(name) => group_id(name)
                .map(Value::from)
                .ok_or_else(|| format!("no group named `{name}`")),
            None => Ok(v.clone()),
        }
    };
    let mut out = Map::new();
    for (field, value) in body {
        let value = match (kind, field.as_str()) {
            (Kind::Agent | Kind::Bot, "groups") => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|g| {
                        let mut g = g.as_object().cloned().unwrap_or_default();
                        if let Some(name) = g.remove("group") {
                            g.insert("id".into(), id_of(&name)?);
                        }
                        Ok(Value::Object(g))
                    })
                    .collect::<Result<_, String>>()?,
            ),
            (Kind::Tag, "groups") => {
                let ids = value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(id_of)
                    .collect::<Result<_, _>>()?;
                out.insert("group_ids".into(), Value::Array(ids));
                continue;
            }
            (Kind::AutoAccess, "access") => {
                let mut access = value.as_object().cloned().unwrap_or_default();
                if let Some(Value::Array(names)) = access.get("groups") {
                    let ids = names.iter().map(id_of).collect::<Result<_, _>>()?;
                    access.insert("groups".into(), Value::Array(ids));
                }
                Value::Object(access)
            }
            (Kind::Greeting, "group") => id_of(value)?,
            (Kind::Webhook, "secret_key") => Value::String(secret(value)?),
            (Kind::PropertyDefinition, "public_access") => continue,
            _ => value.clone(),
        };
        out.insert(field.clone(), value);
    }
    Ok(out)
}

/// A request path of [`to_api`]'s form, as the file names it.
pub fn file_path(kind: Kind, api_path: &str) -> String {
    match kind {
        Kind::Agent | Kind::Bot => {
            if let Some(rest) = api_path.strip_prefix("groups[") {
                if let Some(i) = rest.strip_suffix("].id") {
                    return format!("groups[{i}].group");
                }
            }
            api_path.to_owned()
        }
        Kind::Tag => api_path.replacen("group_ids", "groups", 1),
        _ => api_path.to_owned(),
    }
}

/// The file form of a resource read from the license: group ids become names, fields the file
/// does not hold are left out, and a webhook's secret becomes a reference to `env`.
pub fn from_api(
    kind: Kind,
    api: &Map<String, Value>,
    keep: &dyn Fn(&str) -> bool,
    group_name: &dyn Fn(u64) -> String,
) -> Map<String, Value> {
    let name_of = |v: &Value| {
        v.as_u64()
            .map_or(v.clone(), |id| Value::String(group_name(id)))
    };
    let mut out = Map::new();
    for (field, value) in api {
        if value.is_null() {
            continue;
        }
        let (field, value) = match (kind, field.as_str()) {
            (Kind::Agent | Kind::Bot, "groups") => (
                field.clone(),
                Value::Array(
                    value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|g| {
                            let mut g = g.as_object().cloned().unwrap_or_default();
                            if let Some(id) = g.remove("id") {
                                g.insert("group".into(), name_of(&id));
                            }
                            Value::Object(g)
                        })
                        .collect(),
                ),
            ),
            (Kind::Tag, "group_ids") => (
                "groups".to_owned(),
                Value::Array(
                    value
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(name_of)
                        .collect(),
                ),
            ),
            (Kind::AutoAccess, "access") => {
                let mut access = value.as_object().cloned().unwrap_or_default();
                if let Some(Value::Array(ids)) = access.get("groups") {
                    let names = ids.iter().map(name_of).collect();
                    access.insert("groups".into(), Value::Array(names));
                }
                (field.clone(), Value::Object(access))
            }
            (Kind::Greeting, "group") => (field.clone(), name_of(value)),
            (Kind::Webhook, "secret_key") => continue,
            (_, name) if !keep(name) => continue,
            _ => (field.clone(), value.clone()),
        };
        out.insert(field, value);
    }
    if kind == Kind::Webhook {
        out.insert("secret_key".into(), json!({ "env": WEBHOOK_SECRET_ENV }));
    }
    normalized(kind, &out)
}

/// The environment variable an exported webhook's secret is read from; edit it per webhook.
pub const WEBHOOK_SECRET_ENV: &str = "LIVECHAT_WEBHOOK_SECRET";

/// A webhook's `secret_key = { env = "NAME" }`, read from the environment.
pub fn secret_from_env(value: &Value) -> Result<String, String> {
    let name = value.get("env").and_then(Value::as_str).ok_or(
        "`secret_key` must be `{ env = \"NAME\" }`: a secret is never written in the file",
    )?;
    std::env::var(name).map_err(|_| {
        format!("the environment variable `{name}` (the webhook's secret key) is not set")
    })
}
