//! Bots: bots made one by one and in batches, their groups and work hours, bot tokens and
//! secrets, and bot templates that an application installs on every license.
//!
//! `cargo run --example bots`

use crate::Result;
use livechat_config::{
    BotField, CreateBotRequest, Day, DeleteBotRequest, Error, ErrorKind, GroupAssignment, Priority,
    ScheduleEntry, UpdateBotRequest, WorkScheduler,
};
use livechat_config_emulator::{Emulator, DEFAULT_CLIENT_ID, ORGANIZATION_ID, OWNER_ID};
use std::io::Write;

/// Runs the example, printing each step to `out`, and returns the emulator with the state the
/// run left behind.
pub async fn run(out: &mut impl Write) -> Result<Emulator> {
    let emulator = Emulator::start().await?;
    let client = emulator.client();
    writeln!(out, "emulator listening at {}", emulator.base_url())?;

    let sales = client
        .create_group("Sales", [(OWNER_ID, Priority::Normal)])
        .await?;

    // A bot that greets Sales visitors first, around the clock on weekends.
    let weekend =
        [Day::Saturday, Day::Sunday].map(|day| ScheduleEntry::new(day, true, "00:00", "23:59"));
    let greeter = client
        .create_bot("Greeter")
        .job_title("Front desk")
        .max_chats_count(50)
        .groups([GroupAssignment::new(sales.id, Priority::First)])
        .work_scheduler(WorkScheduler::new(weekend).timezone("America/New_York"))
        .await?;
    writeln!(out, "created bot {} \"Greeter\"", greeter.id)?;

    // Several bots at once; a bot may take at most 500 chats, so the third request is
    // rejected before sending while the other two are created.
    let requests = [
        CreateBotRequest::new("FAQ bot").groups([GroupAssignment::new(0, Priority::Last)]),
        CreateBotRequest::new("Order status")
            .groups([GroupAssignment::new(sales.id, Priority::Normal)]),
        CreateBotRequest::new("Everything bot").max_chats_count(1000),
    ];
    let results = client.batch_create_bots(requests).await?;
    let mut created = Vec::new();
    for result in results {
        match result {
            Ok(bot) => {
                writeln!(out, "batch create: bot {}", bot.id)?;
                created.push(bot.id);
            }
            Err(Error::InvalidRequest { violations, .. }) => {
                writeln!(out, "batch create: not sent: {}", violations[0])?
            }
            Err(e) => writeln!(out, "batch create: {e}")?,
        }
    }

    let updates = created.iter().map(|id| {
        UpdateBotRequest::new(id)
            .max_chats_count(20)
            .default_group_priority(Priority::Last)
    });
    let updated = client.batch_update_bots(updates).await?;
    writeln!(
        out,
        "batch update: {} of {} bots now take 20 chats",
        updated.iter().filter(|r| r.is_ok()).count(),
        updated.len()
    )?;

    // `fields` adds the optional properties to each listed bot.
    let bots = client
        .list_bots()
        .all(true)
        .fields([BotField::Groups, BotField::MaxChatsCount])
        .await?;
    for bot in &bots {
        let groups: Vec<u64> = bot.groups.iter().flatten().map(|g| g.id).collect();
        writeln!(
            out,
            "  {:<14} max {:>3} chats, groups {groups:?}",
            bot.name,
            bot.max_chats_count.unwrap_or_default()
        )?;
    }
    let detail = client
        .get_bot(&greeter.id)
        .fields([BotField::WorkScheduler, BotField::Timezone])
        .await?;
    writeln!(
        out,
        "Greeter works in {}",
        detail
            .timezone
            .as_deref()
            .unwrap_or("its license's time zone")
    )?;

    // A bot acts through a token issued with its secret. Resetting the secret makes the old
    // one useless.
    let token = client
        .issue_bot_token(
            &greeter.id,
            DEFAULT_CLIENT_ID,
            &greeter.secret,
            ORGANIZATION_ID,
        )
        .await?;
    writeln!(out, "issued a bot token ({} characters)", token.token.len())?;
    let reset = client.reset_bot_secret(&greeter.id).await?;
    writeln!(out, "reset Greeter's secret")?;
    match client
        .issue_bot_token(
            &greeter.id,
            DEFAULT_CLIENT_ID,
            &greeter.secret,
            ORGANIZATION_ID,
        )
        .await
    {
        Err(Error::Api(e)) if e.kind == ErrorKind::Authorization => {
            writeln!(out, "the old secret is refused: {}", e.message)?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }
    client
        .issue_bot_token(
            &greeter.id,
            DEFAULT_CLIENT_ID,
            &reset.secret,
            ORGANIZATION_ID,
        )
        .await?;
    writeln!(out, "the new secret works")?;

    // Templates belong to an application (its Client ID); installing the application creates
    // a bot from each template on the license.
    let template = client
        .create_bot_template("Survey bot", DEFAULT_CLIENT_ID)
        .job_title("Feedback")
        .default_group_priority(Priority::Last)
        .await?;
    client
        .update_bot_template(&template.id, DEFAULT_CLIENT_ID)
        .name("Satisfaction survey")
        .affect_existing_installations(true)
        .await?;
    client
        .reset_bot_template_secret(&template.id, DEFAULT_CLIENT_ID)
        .await?;
    let templates = client.list_bot_templates(DEFAULT_CLIENT_ID).await?;
    let names: Vec<&str> = templates.iter().map(|t| t.name.as_str()).collect();
    writeln!(out, "templates of the application: {names:?}")?;
    client
        .delete_bot_template(&template.id, DEFAULT_CLIENT_ID)
        .await?;
    writeln!(out, "deleted template {}", template.id)?;

    let results = client
        .batch_delete_bots(created.iter().map(DeleteBotRequest::new))
        .await?;
    writeln!(
        out,
        "deleted {} batch-made bots",
        results.iter().filter(|r| r.is_ok()).count()
    )?;
    match client.get_bot(&created[0]).await {
        Err(Error::Api(e)) if e.kind == ErrorKind::NotFound => {
            writeln!(out, "a deleted bot is gone: {}", e.message)?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }
    client.delete_bot(&greeter.id).await?;
    writeln!(
        out,
        "bots left: {}",
        client.list_bots().all(true).await?.len()
    )?;
    Ok(emulator)
}
