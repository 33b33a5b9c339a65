//! A realistic first session with the sdk, against an emulator started in-process:
//! `cargo run --example quickstart`.

use livechat_config::{
    Access, AccessType, AgentField, AgentFilters, Conditions, GroupAssignment, GroupField,
    LocationAccess, MatchCondition, MatchObject, Priority, PropertyAccess, PropertyType,
    TagFilters, UpdateAgentRequest, WebhookAction, WebhookType,
};
use livechat_config_emulator::{Emulator, DEFAULT_CLIENT_ID};
use serde_json::{json, Value};
use std::collections::BTreeMap;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> Result<()> {
    let emulator = Emulator::start().await?;
    let client = emulator.client();
    println!("emulator listening at {}", emulator.base_url());

    let group = client.create_group("Support", []).await?;
    println!("created group {} \"Support\"", group.id);

    for (id, name) in [("anna@example.com", "Anna"), ("ben@example.com", "Ben")] {
        client
            .create_agent(id, name)
            .groups([GroupAssignment::new(group.id, Priority::Normal)])
            .await?;
        println!("created agent {id} in group {}", group.id);
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
            Ok(()) => println!("batch update #{i}: ok"),
            Err(e) => println!("batch update #{i}: {e}"),
        }
    }

    let agents = client
        .list_agents()
        .filters(AgentFilters::new().group_ids([group.id]))
        .fields([AgentField::JobTitle, AgentField::MaxChatsCount])
        .await?;
    for agent in &agents {
        println!(
            "  {} — {} (max {} chats)",
            agent.id,
            agent.job_title.as_deref().unwrap_or("-"),
            agent.max_chats_count.unwrap_or_default()
        );
    }
    let support = client
        .get_group(group.id)
        .fields([GroupField::AgentPriorities])
        .await?;
    println!(
        "group {} members: {:?}",
        support.name,
        support
            .agent_priorities
            .unwrap_or_default()
            .keys()
            .collect::<Vec<_>>()
    );

    client.create_tag("refund").group_ids([0, group.id]).await?;
    match client.create_tag("Refund").await {
        Ok(()) => println!("created tag Refund"),
        Err(e) => println!("creating tag \"Refund\" again: {e}"),
    }
    let tags = client
        .list_tags()
        .filters(TagFilters::new([group.id]))
        .await?;
    println!(
        "tags in group {}: {:?}",
        group.id,
        tags.iter().map(|t| &t.name).collect::<Vec<_>>()
    );

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
    println!("registered license property plan_tier with domain free|pro|enterprise");
    println!("  value before any update: {}", tier(&client).await?);
    let set = |value: Value| BTreeMap::from([("plan_tier".to_string(), value)]);
    client
        .update_license_properties([(DEFAULT_CLIENT_ID, set(json!("pro")))])
        .await?;
    println!("  value after update: {}", tier(&client).await?);
    if let Err(e) = client
        .update_license_properties([(DEFAULT_CLIENT_ID, set(json!("platinum")))])
        .await
    {
        println!("  setting \"platinum\": {e}");
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
    println!("registered webhook {} for agent_created", webhook.id);

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
    println!("auto access order: {}", order(&client).await?);
    client
        .update_auto_access(&rules[2])
        .next_id(&rules[1])
        .await?;
    println!("after moving c before b: {}", order(&client).await?);

    println!("{} requests served", emulator.served_total());
    emulator.stop().await?;
    Ok(())
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
