//! Properties: typed settings an application registers in its own namespace (its Client ID),
//! with the values kept per license and per group.
//!
//! `cargo run --example properties`

use crate::Result;
use livechat_config::{
    AccessType, Error, ErrorKind, LocationAccess, Priority, PropertyAccess, PropertyRange,
    PropertyType,
};
use livechat_config_emulator::{Emulator, DEFAULT_CLIENT_ID, OWNER_ID};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;

/// One namespace's values, by property name.
fn values<const N: usize>(pairs: [(&str, Value); N]) -> BTreeMap<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Runs the example, printing each step to `out`, and returns the emulator with the state the
/// run left behind.
pub async fn run(out: &mut impl Write) -> Result<Emulator> {
    let emulator = Emulator::start().await?;
    let client = emulator.client();
    writeln!(out, "emulator listening at {}", emulator.base_url())?;
    // Our application's namespace is its Client ID; the emulator's default token has one.
    let ns = DEFAULT_CLIENT_ID;
    let agents_rw = || LocationAccess::new().agent([AccessType::Read, AccessType::Write]);

    // An integer with a range, settable on the license and on each group.
    client
        .register_property(
            "chat_limit",
            ns,
            PropertyType::Int,
            PropertyAccess::new()
                .license(agents_rw())
                .group(agents_rw()),
        )
        .description("Chats a group may have waiting")
        .range(PropertyRange::new().from(1).to(50))
        .default_value(json!(10))
        .await?;
    writeln!(out, "registered chat_limit: int in 1..=50, default 10")?;

    // A string with a fixed domain, on the license only.
    client
        .register_property(
            "tier",
            ns,
            PropertyType::String,
            PropertyAccess::new().license(agents_rw()),
        )
        .description("Subscription tier")
        .domain([json!("free"), json!("pro")])
        .await?;
    writeln!(out, "registered tier: \"free\" or \"pro\"")?;

    // A property has a domain or a range, never both: caught before sending.
    let both = client
        .register_property(
            "discount",
            ns,
            PropertyType::Int,
            PropertyAccess::new().license(agents_rw()),
        )
        .domain([json!(5), json!(10)])
        .range(PropertyRange::new().from(0).to(50))
        .await;
    if let Err(Error::InvalidRequest { violations, .. }) = &both {
        writeln!(out, "discount not sent: {}", violations[0])?;
    }

    let definitions = client.list_properties(ns).await?;
    for (name, definition) in &definitions {
        let about = definition.description.as_deref().unwrap_or_default();
        writeln!(out, "  {name}: {} — {about}", definition.r#type.as_str())?;
    }

    // License values: several namespaces can be set in one call, hence the outer map.
    client
        .update_license_properties([(
            ns,
            values([("chat_limit", json!(25)), ("tier", json!("pro"))]),
        )])
        .await?;
    writeln!(out, "license values set: chat_limit=25, tier=pro")?;

    // The API checks each value against the property's range or domain.
    match client
        .update_license_properties([(ns, values([("chat_limit", json!(80))]))])
        .await
    {
        Err(Error::Api(e)) if e.kind == ErrorKind::Validation => {
            writeln!(out, "chat_limit=80 refused: {}", e.message)?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }

    let license = client
        .list_license_properties()
        .namespace(ns)
        .name_prefix("chat_")
        .await?;
    writeln!(
        out,
        "license values named chat_*: {}",
        json!(license.get(ns))
    )?;

    // Each group has its own values, the property's default until one is set.
    let night_shift = client
        .create_group("Night shift", [(OWNER_ID, Priority::Normal)])
        .await?;
    client
        .update_group_properties(night_shift.id, [(ns, values([("chat_limit", json!(3))]))])
        .await?;
    let groups = client
        .list_groups_properties([0, night_shift.id])
        .namespace(ns)
        .await?;
    for group in &groups {
        let limit = group
            .properties
            .as_ref()
            .and_then(|p| p.get(ns))
            .and_then(|p| p.get("chat_limit"));
        writeln!(
            out,
            "group {} chat_limit: {}",
            group.id,
            limit.map_or("none".to_string(), Value::to_string)
        )?;
    }
    client
        .delete_group_properties(night_shift.id, [(ns, vec!["chat_limit".to_string()])])
        .await?;
    writeln!(out, "night shift's chat_limit removed")?;
    client
        .delete_license_properties([(ns, vec!["tier".to_string()])])
        .await?;
    writeln!(out, "license's tier removed")?;

    // Publishing lets other applications read the property; a published property stays.
    client
        .publish_property("chat_limit", ns, [AccessType::Read])
        .await?;
    writeln!(out, "published chat_limit (read)")?;
    match client.unregister_property("chat_limit", ns).await {
        Err(Error::Api(e)) => writeln!(out, "unregistering chat_limit: {}", e.message)?,
        other => writeln!(out, "unexpected: {other:?}")?,
    }
    client.unregister_property("tier", ns).await?;
    let left: Vec<String> = client.list_properties(ns).await?.into_keys().collect();
    writeln!(out, "unregistered tier; properties left: {left:?}")?;
    Ok(emulator)
}
