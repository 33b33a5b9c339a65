//! Webhooks: register, list and remove an application's webhooks, with filters and
//! additional data, and switch them on and off for a license. `webhook_receiver` shows the
//! other end: receiving and verifying deliveries.
//!
//! `cargo run --example webhooks`

use crate::Result;
use livechat_config::{
    AuthorType, ChatPresenceFilter, Error, ErrorKind, SourceType, UserIdsFilter, WebhookAction,
    WebhookAdditionalData, WebhookFilters, WebhookType,
};
use livechat_config_emulator::{Emulator, DEFAULT_CLIENT_ID};
use std::io::Write;

/// Runs the example, printing each step to `out`, and returns the emulator with the state the
/// run left behind.
pub async fn run(out: &mut impl Write) -> Result<Emulator> {
    let emulator = Emulator::start().await?;
    let client = emulator.client();
    writeln!(out, "emulator listening at {}", emulator.base_url())?;
    // Webhooks belong to an application, named by its Client ID.
    let app = DEFAULT_CLIENT_ID;

    // What can be subscribed to, with the filters each action accepts.
    let names = client.list_webhook_names().version("3.6").await?;
    writeln!(out, "{} webhook actions available", names.len())?;
    if let Some(name) = names
        .iter()
        .find(|n| n.action == WebhookAction::IncomingEvent)
    {
        writeln!(
            out,
            "  incoming_event filters: {:?}",
            name.filters.as_deref().unwrap_or_default()
        )?;
    }

    // Customer messages in chats where one of our bots takes part, unless a test account is
    // in the chat too, with the chat's properties attached to each delivery.
    let filters = WebhookFilters::new()
        .author_type(AuthorType::Customer)
        .chat_presence(
            ChatPresenceFilter::new()
                .my_bots(true)
                .user_ids(UserIdsFilter::new().exclude_values(["qa@example.com"])),
        )
        .source_type([SourceType::OtherClients, SourceType::System]);
    let messages = client
        .register_webhook(
            WebhookAction::IncomingEvent,
            "a-long-random-secret",
            "https://hooks.example.com/livechat/messages",
            app,
            WebhookType::License,
        )
        .filters(filters)
        .additional_data([WebhookAdditionalData::ChatProperties])
        .description("Customer messages to our bots")
        .await?;
    writeln!(out, "registered webhook {} for incoming_event", messages.id)?;

    // Each action accepts only some filters (`author_type` is for events): caught before
    // sending, with the field named.
    let wrong = client
        .register_webhook(
            WebhookAction::AgentCreated,
            "a-long-random-secret",
            "https://hooks.example.com/livechat/agents",
            app,
            WebhookType::License,
        )
        .filters(WebhookFilters::new().author_type(AuthorType::Agent))
        .await;
    if let Err(Error::InvalidRequest { violations, .. }) = &wrong {
        writeln!(
            out,
            "agent_created with author_type not sent: {}",
            violations[0]
        )?;
    }

    // An application may register three webhooks per action; the API refuses a fourth.
    for n in 1..=4 {
        let url = format!("https://hooks{n}.example.com/livechat/tags");
        match client
            .register_webhook(
                WebhookAction::TagCreated,
                "tag-secret",
                url,
                app,
                WebhookType::License,
            )
            .await
        {
            Ok(webhook) => writeln!(out, "registered tag_created webhook #{n}: {}", webhook.id)?,
            Err(Error::Api(e)) if e.kind == ErrorKind::LimitReached => {
                writeln!(out, "tag_created webhook #{n}: {}", e.message)?
            }
            Err(e) => return Err(e.into()),
        }
    }

    // Listed webhooks do not show their secret keys.
    let registered = client.list_webhooks(app).await?;
    for webhook in &registered {
        writeln!(
            out,
            "  {} {:<14} → {}",
            webhook.id,
            webhook.action.as_str(),
            webhook.url
        )?;
    }

    // Webhooks are on for a license that installs the application; they can be paused.
    client.disable_license_webhooks().await?;
    let state = client.get_license_webhooks_state().await?;
    writeln!(
        out,
        "after disabling: enabled = {}",
        state.license_webhooks_enabled
    )?;
    client.enable_license_webhooks().await?;
    let state = client.get_license_webhooks_state().await?;
    writeln!(
        out,
        "after enabling: enabled = {}",
        state.license_webhooks_enabled
    )?;

    for webhook in registered
        .iter()
        .filter(|w| w.action == WebhookAction::TagCreated)
    {
        client.unregister_webhook(&webhook.id, app).await?;
    }
    writeln!(
        out,
        "unregistered the tag_created webhooks; {} left",
        client.list_webhooks(app).await?.len()
    )?;

    match client.list_webhook_names().version("2.0").await {
        Err(Error::Api(e)) if e.kind == ErrorKind::UnsupportedVersion => {
            writeln!(out, "names for version 2.0: {}", e.message)?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }
    Ok(emulator)
}
