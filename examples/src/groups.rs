//! Groups: teams of agents and bots that chats are routed to, each member with a routing
//! priority.
//!
//! `cargo run --example groups`

use crate::Result;
use livechat_config::{Error, ErrorKind, GroupField, Priority};
use livechat_config_emulator::{Emulator, OWNER_ID};
use std::io::Write;

/// Runs the example, printing each step to `out`, and returns the emulator with the state the
/// run left behind.
pub async fn run(out: &mut impl Write) -> Result<Emulator> {
    let emulator = Emulator::start().await?;
    let client = emulator.client();
    writeln!(out, "emulator listening at {}", emulator.base_url())?;

    for (id, name) in [("anna@example.com", "Anna"), ("jonas@example.com", "Jonas")] {
        client.create_agent(id, name).await?;
    }

    // Members and their priorities are one map: `first` gets chats before `normal`, and a
    // `supervisor` gets none automatically.
    let dach = client
        .create_group(
            "DACH support",
            [
                ("jonas@example.com", Priority::First),
                ("anna@example.com", Priority::Normal),
                (OWNER_ID, Priority::Supervisor),
            ],
        )
        .language_code("de")
        .await?;
    writeln!(out, "created group {} \"DACH support\" (de)", dach.id)?;
    let vip = client
        .create_group("VIP", [("anna@example.com", Priority::First)])
        .await?;
    writeln!(out, "created group {} \"VIP\"", vip.id)?;

    // `fields` adds the member map and routing status to what a list returns by default.
    let groups = client
        .list_groups()
        .fields([GroupField::AgentPriorities])
        .await?;
    for group in &groups {
        let members = group.agent_priorities.as_ref().map_or(0, |m| m.len());
        writeln!(
            out,
            "  {:>2} {:<14} {} member(s), language {}",
            group.id,
            group.name,
            members,
            group.language_code.as_deref().unwrap_or("-")
        )?;
    }

    // An update replaces the whole member map: Anna takes over DACH, Jonas moves to the back.
    client
        .update_group(dach.id)
        .name("DACH & Switzerland")
        .agent_priorities([
            ("anna@example.com", Priority::First),
            ("jonas@example.com", Priority::Last),
        ])
        .await?;
    let updated = client
        .get_group(dach.id)
        .fields([GroupField::AgentPriorities, GroupField::RoutingStatus])
        .await?;
    writeln!(out, "group {} is now \"{}\":", updated.id, updated.name)?;
    for (member, priority) in updated.agent_priorities.iter().flatten() {
        writeln!(out, "  {member}: {}", priority.as_str())?;
    }

    // A group name has at most 180 characters; a longer one is rejected before sending.
    let long_name = "Support ".repeat(30);
    match client
        .create_group(long_name, [(OWNER_ID, Priority::Normal)])
        .await
    {
        Err(Error::InvalidRequest { violations, .. }) => {
            writeln!(out, "not sent: {}", violations[0])?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }

    // The API names the missing group with its own error kind.
    match client.get_group(404).await {
        Err(Error::Api(e)) if e.kind == ErrorKind::GroupNotFound => {
            writeln!(out, "group 404: {}", e.message)?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }
    match client.delete_group(0).await {
        Err(Error::Api(e)) if e.kind == ErrorKind::Validation => {
            writeln!(out, "deleting General: {}", e.message)?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }

    client.delete_group(vip.id).await?;
    let names: Vec<String> = client
        .list_groups()
        .await?
        .into_iter()
        .map(|g| g.name)
        .collect();
    writeln!(out, "deleted VIP; groups left: {names:?}")?;
    Ok(emulator)
}
