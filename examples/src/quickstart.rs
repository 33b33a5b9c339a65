//! The quickstart: a realistic first session with the sdk against an emulator started
//! in-process (groups, agents and a batch update, tags, a license property with a domain, a
//! webhook, reordered auto-access rules). `cargo run --example quickstart`.

use crate::Result;
use livechat_config::{
    Access, AccessType, AgentField, AgentFilters, Conditions, GroupAssignment, GroupField,
    LocationAccess, MatchCondition, MatchObject, Priority, PropertyAccess, PropertyType,
    TagFilters, UpdateAgentRequest, WebhookAction, WebhookType,
};
use livechat_config_emulator::{Emulator, DEFAULT_CLIENT_ID};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;

pub async fn run(out: &mut impl Write) -> Result<Emulator> {
    let emulator = Emulator::start().await?;
    let client = emulator.client();
    writeln!(out, "emulator listening at {}", emulator.base_url())?;

    let group = client.create_group("Support", []).await?;
    writeln!(out, "created group {} \"Support\"", group.id)?;

    for (id, name) in [("anna@example.com", "Anna"), ("ben@example.com", "Ben")] {
        client
            .create_agent(id, name)
            .groups([GroupAssignment::new(group.id, Priority::Normal)])
            .await?;
        writeln!(out, "created agent {id} in group {}", group.id)?;
    }

    let results = client
        .batch_update_agents([
            UpdateAgentRequest::new("anna@example.com")
                .job_title("Team lead")
                .max_chats_count(8),
            UpdateAgentRequest::new("ben@example.com").job_title("Support hero"),
            UpdateAgentRequest::new("nobody@example.com").job_title("Ghost"),
        ])
        .await?;
    for (i, result) in results.iter().enumerate() {
        match result {
            Ok(()) => writeln!(out, "batch update #{i}: ok")?,
            Err(e) => writeln!(out, "batch update #{i}: {e}")?,
        }
    }

    let agents = client
        .list_agents()
        .filters(AgentFilters::new().group_ids([group.id]))
        .fields([AgentField::JobTitle, AgentField::MaxChatsCount])
        .await?;
    for agent in &agents {
        writeln!(
            out,
            "  {} — {} (max {} chats)",
            agent.id,
            agent.job_title.as_deref().unwrap_or("-"),
            agent.max_chats_count.unwrap_or_default()
        )?;
    }
    let support = client
        .get_group(group.id)
        .fields([GroupField::AgentPriorities])
        .await?;
    writeln!(
        out,
        "group {} members: {:?}",
        support.name,
        support
            .agent_priorities
            .unwrap_or_default()
            .keys()
            .collect::<Vec<_>>()
    )?;

    client.create_tag("refund").group_ids([0, group.id]).await?;
    match client.create_tag("Refund").await {
        Ok(()) => writeln!(out, "created tag Refund")?,
        Err(e) => writeln!(out, "creating tag \"Refund\" again: {e}")?,
    }
    let tags = client
        .list_tags()
        .filters(TagFilters::new([group.id]))
        .await?;
    writeln!(
        out,
        "tags in group {}: {:?}",
        group.id,
        tags.iter().map(|t| &t.name).collect::<Vec<_>>()
    )?;

    let license_rw = LocationAccess::new().agent([AccessType::Read, AccessType::Write]);
    client
        .register_property(
            "plan_tier",
            DEFAULT_CLIENT_ID,
            PropertyType::String,
            PropertyAccess::new().license(license_rw),
        )
        .domain([json!("free"), json!("pro"), json!("enterprise")])
        .default_value(json!("free"))
        .await?;
    writeln!(
        out,
        "registered license property plan_tier with domain free|pro|enterprise"
    )?;
    writeln!(out, "  value before any update: {}", tier(&client).await?)?;
    let set = |value: Value| BTreeMap::from([("plan_tier".to_string(), value)]);
    client
        .update_license_properties([(DEFAULT_CLIENT_ID, set(json!("pro")))])
        .await?;
    writeln!(out, "  value after update: {}", tier(&client).await?)?;
    if let Err(e) = client
        .update_license_properties([(DEFAULT_CLIENT_ID, set(json!("platinum")))])
        .await
    {
        writeln!(out, "  setting \"platinum\": {e}")?;
    }

    let webhook = client
        .register_webhook(
            WebhookAction::AgentCreated,
            "quickstart-secret",
            "https://example.com/hooks/livechat",
            DEFAULT_CLIENT_ID,
            WebhookType::License,
        )
        .description("New agents")
        .await?;
    writeln!(out, "registered webhook {} for agent_created", webhook.id)?;

    let mut rules = Vec::new();
    for site in [
        "a.example.com",
        "b.example.com",
        "c.example.com",
        "d.example.com",
    ] {
        let domain = MatchCondition::new().values([MatchObject::new(site).exact_match(true)]);
        let added = client
            .add_auto_access(Access::new([group.id]), Conditions::new().domain(domain))
            .description(site)
            .await?;
        rules.push(added.id);
    }
    writeln!(out, "auto access order: {}", order(&client).await?)?;
    client
        .update_auto_access(&rules[2])
        .next_id(&rules[1])
        .await?;
    writeln!(out, "after moving c before b: {}", order(&client).await?)?;

    writeln!(out, "{} requests served", emulator.served_total())?;
    Ok(emulator)
}

async fn tier(client: &livechat_config::Client) -> Result<Value> {
    let values = client
        .list_license_properties()
        .namespace(DEFAULT_CLIENT_ID)
        .await?;
    Ok(values
        .get(DEFAULT_CLIENT_ID)
        .and_then(|v| v.get("plan_tier"))
        .cloned()
        .unwrap_or(Value::Null))
}

/// The rules as the linked list reads, by description.
async fn order(client: &livechat_config::Client) -> Result<String> {
    let rules = client.list_auto_accesses().await?;
    let names: Vec<&str> = rules
        .iter()
        .map(|r| r.description.as_deref().unwrap_or("?"))
        .collect();
    Ok(names.join(" → "))
}
