//! Reads a license's configuration into the file form, with the ids the API knows each resource by.

use crate::kinds::{self, Kind};
use crate::target::Version;
use livechat_config::{Client, Error};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Calls by action name at the chosen version's path.
#[derive(Clone)]
pub struct Api {
    pub client: Client,
    pub version: Version,
}

impl Api {
    pub async fn call(&self, action: &str, body: Value) -> Result<Value, Error> {
        let name = self.version.action(action).ok_or_else(|| {
            Error::Config(format!("v{} has no `{action}`", self.version.as_str()))
        })?;
        self.client.call_action(name, body).await
    }
}

/// The actions [`read`] calls for every file.
pub const READS: [&str; 8] = [
    "list_groups",
    "list_agents",
    "list_bots",
    "list_tags",
    "list_auto_accesses",
    "list_greetings",
    "list_license_properties",
    "list_groups_properties",
];
/// The actions [`read`] calls for each Client ID whose sections are managed.
pub const READS_PER_CLIENT: [&str; 3] = ["list_bot_templates", "list_properties", "list_webhooks"];

/// The license as a file would hold it, and what the API calls each resource.
pub struct Live {
    pub root: Map<String, Value>,
    /// (kind, key) → the id the API knows it by.
    pub ids: BTreeMap<(Kind, String), Value>,
    /// Group name → id.
    pub groups: BTreeMap<String, u64>,
}

pub async fn read(api: &Api, client_ids: &[String]) -> Result<Live, Error> {
    let spec = api.version.spec();
    let keeps = |kind: Kind| {
        let params: Vec<String> = spec
            .action(kind.create_action())
            .map(|a| a.params.iter().map(|p| p.name.clone()).collect())
            .unwrap_or_default();
        move |field: &str| {
            (params.iter().any(|p| p == field) && !kind.hidden_fields().contains(&field))
                || kind.extra_fields().contains(&field)
        }
    };
    let mut root = Map::new();
    let mut ids = BTreeMap::new();

    let groups = api.call("list_groups", json!({})).await?;
    let mut by_id = BTreeMap::new();
    let mut group_ids = BTreeMap::new();
    for g in groups.as_array().into_iter().flatten() {
        if let (Some(id), Some(name)) = (g["id"].as_u64(), g["name"].as_str()) {
            by_id.insert(id, name.to_owned());
            group_ids.insert(name.to_owned(), id);
        }
    }
    let name_of = |id: u64| by_id.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
    let mut add =
        |kind: Kind, items: Vec<(Value, Map<String, Value>)>, root: &mut Map<String, Value>| {
            let keep = keeps(kind);
            let mut bodies = Vec::new();
            for (id, api_body) in items {
                let body = kinds::from_api(kind, &api_body, &keep, &name_of);
                bodies.push((id, body));
            }
            let section: Vec<Value> = bodies
                .iter()
                .map(|(_, b)| Value::Object(b.clone()))
                .collect();
            let (entries, _) = kinds::entries(&Map::from_iter([(
                kind.section().to_owned(),
                Value::Array(section.clone()),
            )]));
            for ((id, _), entry) in bodies.iter().zip(entries) {
                ids.insert((kind, entry.key), id.clone());
            }
            root.insert(kind.section().to_owned(), Value::Array(section));
        };

    let objects = |v: Value| -> Vec<Map<String, Value>> {
        v.as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_object().cloned())
            .collect()
    };
    let with_id =
        |items: Vec<Map<String, Value>>, field: &str| -> Vec<(Value, Map<String, Value>)> {
            items
                .into_iter()
                .map(|m| (m.get(field).cloned().unwrap_or(Value::Null), m))
                .collect()
        };

    let mut group_items = objects(groups.clone());
    group_items.sort_by_key(|g| at(g, "id").as_u64());
    add(Kind::Group, with_id(group_items, "id"), &mut root);

    let fields: Vec<&str> = vec![
        "work_scheduler",
        "groups",
        "email_subscriptions",
        "notifications",
        "job_title",
        "mobile",
        "max_chats_count",
    ];
    let mut agents = objects(api.call("list_agents", json!({ "fields": fields })).await?);
    agents.sort_by(|a, b| at(a, "id").as_str().cmp(&at(b, "id").as_str()));
    add(Kind::Agent, with_id(agents, "id"), &mut root);

    let fields = ["work_scheduler", "groups", "job_title", "max_chats_count"];
    let mut bots = objects(
        api.call("list_bots", json!({ "all": true, "fields": fields }))
            .await?,
    );
    bots.sort_by(|a, b| {
        (at(a, "name").as_str(), at(a, "id").as_str())
            .cmp(&(at(b, "name").as_str(), at(b, "id").as_str()))
    });
    add(Kind::Bot, with_id(bots, "id"), &mut root);

    let mut tags = objects(api.call("list_tags", json!({})).await?);
    tags.sort_by(|a, b| at(a, "name").as_str().cmp(&at(b, "name").as_str()));
    add(Kind::Tag, with_id(tags, "name"), &mut root);

    // The API's order is the rules' order: it is kept.
    let rules = objects(api.call("list_auto_accesses", json!({})).await?);
    add(Kind::AutoAccess, with_id(rules, "id"), &mut root);

    let mut greetings = Vec::new();
    let mut page: Option<String> = None;
    loop {
        let body = match &page {
            Some(id) => json!({ "page_id": id }),
            None => json!({}),
        };
        let answer = api.call("list_greetings", body).await?;
        greetings.extend(objects(answer["greetings"].clone()));
        match answer["next_page_id"].as_str() {
            Some(next) if !next.is_empty() && page.as_deref() != Some(next) => {
                page = Some(next.to_owned())
            }
            _ => break,
        }
    }
    greetings.sort_by_key(|g| at(g, "id").as_u64());
    add(Kind::Greeting, with_id(greetings, "id"), &mut root);

    let license = api.call("list_license_properties", json!({})).await?;
    root.insert(Kind::LicenseProperty.section().into(), license);

    let all_groups: Vec<u64> = group_ids.values().copied().collect();
    let answer = api
        .call("list_groups_properties", json!({ "group_ids": all_groups }))
        .await?;
    let mut per_group = Vec::new();
    for item in answer.as_array().into_iter().flatten() {
        let properties = item.get("properties").cloned().unwrap_or(json!({}));
        let empty = properties
            .as_object()
            .is_none_or(|p| p.values().all(|v| v.as_object().is_none_or(Map::is_empty)));
        if let (Some(id), false) = (item["id"].as_u64(), empty) {
            per_group.push(json!({ "group": name_of(id), "properties": properties }));
        }
    }
    root.insert(
        Kind::GroupProperty.section().into(),
        Value::Array(per_group),
    );

    if !client_ids.is_empty() {
        let mut templates = Vec::new();
        let mut definitions = Vec::new();
        let mut webhooks = Vec::new();
        for client_id in client_ids {
            let owner = json!({ "owner_client_id": client_id });
            for mut t in objects(api.call("list_bot_templates", owner.clone()).await?) {
                t.insert("owner_client_id".into(), json!(client_id));
                templates.push(t);
            }
            let listed = api.call("list_properties", owner.clone()).await?;
            for (name, definition) in listed.as_object().into_iter().flatten() {
                let mut d = definition.as_object().cloned().unwrap_or_default();
                d.insert("name".into(), json!(name));
                d.insert("owner_client_id".into(), json!(client_id));
                definitions.push((json!(name), d));
            }
            webhooks.extend(objects(api.call("list_webhooks", owner).await?));
        }
        templates.sort_by(|a, b| at(a, "name").as_str().cmp(&at(b, "name").as_str()));
        add(Kind::BotTemplate, with_id(templates, "id"), &mut root);
        add(Kind::PropertyDefinition, definitions, &mut root);
        webhooks.sort_by_key(|w| {
            (
                at(w, "owner_client_id").to_string(),
                at(w, "type").to_string(),
                at(w, "action").to_string(),
                at(w, "url").to_string(),
            )
        });
        add(Kind::Webhook, with_id(webhooks, "id"), &mut root);
    }
    Ok(Live {
        root,
        ids,
        groups: group_ids,
    })
}

/// A field of an answer's object; `null` when the server left it out, which must not crash.
fn at<'a>(object: &'a Map<String, Value>, field: &str) -> &'a Value {
    object.get(field).unwrap_or(&Value::Null)
}
