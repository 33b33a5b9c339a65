//! Agents: create one with every detail, create, suspend and delete many with the batch
//! helpers, read them back with `fields` and filters, and handle the errors a team lead meets.
//!
//! `cargo run --example agents`

use crate::Result;
use livechat_config::{
    Action, AgentField, AgentFilters, ApproveAgentRequest, CreateAgentRequest, Day,
    DeleteAgentRequest, Error, ErrorKind, GroupAssignment, LoginStatus, Notification, Priority,
    Role, ScheduleEntry, SuspendAgentRequest, UnsuspendAgentRequest, WorkScheduler,
};
use livechat_config_emulator::{Emulator, Token, OWNER_ID};
use std::io::Write;

/// The token an agent signs in with; used for the one action an agent calls about itself.
const BEN_TOKEN: &str = "dal:ben-token";

/// Runs the example, printing each step to `out`, and returns the emulator with the state the
/// run left behind.
pub async fn run(out: &mut impl Write) -> Result<Emulator> {
    // Besides the default token (the license owner's, every scope), the emulator accepts one
    // that belongs to Ben, for `request_agent_unsuspension` below.
    let emulator = Emulator::builder()
        .token(Token::bearer(BEN_TOKEN).agent_id("ben@example.com"))
        .start()
        .await?;
    let client = emulator.client();
    writeln!(out, "emulator listening at {}", emulator.base_url())?;

    let support = client
        .create_group("Support", [(OWNER_ID, Priority::Normal)])
        .await?;

    // Required parameters are arguments; everything optional is a builder method taking the
    // API's own enums, so a typo in a role or a day does not compile.
    let weekdays = [
        Day::Monday,
        Day::Tuesday,
        Day::Wednesday,
        Day::Thursday,
        Day::Friday,
    ]
    .map(|day| ScheduleEntry::new(day, true, "08:00", "16:00"));
    let anna = client
        .create_agent("anna@example.com", "Anna Kowalska")
        .role(Role::Administrator)
        .job_title("Support lead")
        .max_chats_count(8)
        .login_status(LoginStatus::AcceptingChats)
        .groups([
            GroupAssignment::new(0, Priority::Normal),
            GroupAssignment::new(support.id, Priority::First),
        ])
        .notifications([Notification::IncomingChat, Notification::UnassignedChats])
        .work_scheduler(WorkScheduler::new(weekdays).timezone("Europe/Warsaw"))
        .await?;
    writeln!(
        out,
        "created agent {} (administrator, Support lead)",
        anna.id
    )?;

    // The batch helper sends any number of requests in chunks and answers one result per
    // request, in order: the duplicate fails on its own and the others are created.
    let new_hires = [
        ("ben@example.com", "Ben Okafor"),
        ("carla@example.com", "Carla Reyes"),
        ("anna@example.com", "Anna again"),
    ];
    let results = client
        .batch_create_agents(new_hires.map(|(id, name)| {
            CreateAgentRequest::new(id, name)
                .groups([GroupAssignment::new(support.id, Priority::Normal)])
                .awaiting_approval(true)
        }))
        .await?;
    for ((id, _), result) in new_hires.iter().zip(&results) {
        match result {
            Ok(created) => writeln!(out, "batch create {id}: created {}", created.id)?,
            Err(Error::Api(e)) if e.kind == ErrorKind::AlreadyExists => {
                writeln!(out, "batch create {id}: already exists, skipped")?
            }
            Err(e) => writeln!(out, "batch create {id}: {e}")?,
        }
    }
    client
        .batch_approve_agents(
            ["ben@example.com", "carla@example.com"].map(ApproveAgentRequest::new),
        )
        .await?;
    writeln!(out, "approved ben and carla")?;

    // `fields` asks for the optional properties the list leaves out by default; `filters`
    // narrows the list to one group.
    let team = client
        .list_agents()
        .filters(AgentFilters::new().group_ids([support.id]))
        .fields([
            AgentField::JobTitle,
            AgentField::MaxChatsCount,
            AgentField::Groups,
        ])
        .await?;
    writeln!(out, "agents in group {} \"Support\":", support.id)?;
    for agent in &team {
        writeln!(
            out,
            "  {:<20} {:<14} {:<13} up to {} chats",
            agent.id,
            agent.name,
            agent.job_title.as_deref().unwrap_or("-"),
            agent.max_chats_count.unwrap_or_default(),
        )?;
    }

    let profile = client
        .get_agent("anna@example.com")
        .fields([AgentField::WorkScheduler])
        .await?;
    if let Some(schedule) = &profile.work_scheduler {
        writeln!(
            out,
            "anna works {} days a week ({})",
            schedule.schedule.iter().filter(|e| e.enabled).count(),
            schedule.timezone.as_deref().unwrap_or("UTC"),
        )?;
    }

    // Documented limits are checked before anything is sent: an update may set at most 20
    // concurrent chats, so this call fails client-side and the emulator never sees it.
    match client
        .update_agent("anna@example.com")
        .max_chats_count(25)
        .await
    {
        Err(Error::InvalidRequest { violations, .. }) => {
            for violation in &violations {
                writeln!(out, "not sent: {violation}")?;
            }
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }
    writeln!(
        out,
        "update_agent requests the emulator received: {}",
        emulator.served(Action::UpdateAgent)
    )?;
    client
        .update_agent("anna@example.com")
        .max_chats_count(12)
        .job_title("Head of support")
        .await?;
    writeln!(out, "anna may now take 12 chats at once")?;

    // Suspending the owner is refused by the API; the others are suspended.
    let to_suspend = ["ben@example.com", "carla@example.com", OWNER_ID];
    let results = client
        .batch_suspend_agents(to_suspend.map(SuspendAgentRequest::new))
        .await?;
    for (id, result) in to_suspend.iter().zip(&results) {
        match result {
            Ok(()) => writeln!(out, "suspended {id}")?,
            Err(Error::Api(e)) => writeln!(out, "cannot suspend {id}: {} ({})", e.message, e.kind)?,
            Err(e) => writeln!(out, "cannot suspend {id}: {e}")?,
        }
    }
    let suspended = client
        .list_agents()
        .filters(AgentFilters::new().suspended(true))
        .await?;
    writeln!(out, "suspended agents: {}", ids(&suspended))?;

    // A suspended agent asks for their account back with their own token.
    let ben = emulator.client_with(livechat_config::Credentials::bearer(BEN_TOKEN));
    ben.request_agent_unsuspension().await?;
    writeln!(out, "ben requested unsuspension")?;
    client
        .batch_unsuspend_agents(["ben@example.com"].map(UnsuspendAgentRequest::new))
        .await?;
    writeln!(out, "unsuspended ben")?;

    // Errors are typed: match on the kind instead of parsing messages.
    match client.delete_agent("nobody@example.com").await {
        Err(Error::Api(e)) if e.kind == ErrorKind::NotFound => {
            writeln!(out, "deleting nobody@example.com: not found, nothing to do")?
        }
        other => other?,
    }
    let results = client
        .batch_delete_agents(["carla@example.com"].map(DeleteAgentRequest::new))
        .await?;
    writeln!(out, "deleted carla: {}", results.iter().all(|r| r.is_ok()))?;

    let everyone = client.list_agents().await?;
    writeln!(out, "agents on the license: {}", ids(&everyone))?;
    Ok(emulator)
}

fn ids(agents: &[livechat_config::Agent]) -> String {
    let ids: Vec<&str> = agents.iter().map(|a| a.id.as_str()).collect();
    ids.join(", ")
}
