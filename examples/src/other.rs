//! Other: the license-wide actions: channels, plan limits, product source, company details
//! and email reactivation.
//!
//! `cargo run --example other`

use crate::Result;
use livechat_config::{Error, ErrorKind, LimitResource, Plan};
use livechat_config_emulator::{Emulator, OWNER_ID};
use std::io::Write;

/// Runs the example, printing each step to `out`, and returns the emulator with the state the
/// run left behind.
pub async fn run(out: &mut impl Write) -> Result<Emulator> {
    let emulator = Emulator::start().await?;
    let client = emulator.client();
    writeln!(out, "emulator listening at {}", emulator.base_url())?;

    // Where chats come from: the chat widget code, direct links, integrations.
    for channel in client.list_channels().await? {
        // The subtype names the integration (its Client ID); code and direct links have none.
        let kind = match channel.channel_subtype.as_str() {
            "" => channel.channel_type.as_str().to_string(),
            subtype => format!("{} {subtype}", channel.channel_type.as_str()),
        };
        writeln!(
            out,
            "channel {kind}, active since {}",
            channel.first_activity_timestamp
        )?;
    }

    let source = client.get_product_source().await?;
    writeln!(
        out,
        "product source: {} ({})",
        source.source_id.as_deref().unwrap_or("-"),
        source.source_type.as_deref().unwrap_or("-")
    )?;

    // Before a downgrade: what would exceed the smaller plan? Each entry names a resource and
    // how far over the plan's limit the license is.
    client.create_agent("anna@example.com", "Anna").await?;
    client.create_agent("ben@example.com", "Ben").await?;
    for plan in [Plan::Team, Plan::Starter] {
        let over = client.check_product_limits_for_plan(plan.clone()).await?;
        if over.is_empty() {
            writeln!(out, "plan {}: everything fits", plan.as_str())?;
        }
        for balance in &over {
            let what = match &balance.resource {
                LimitResource::Agents => "agents",
                LimitResource::Groups => "groups",
                other => other.as_str(),
            };
            writeln!(
                out,
                "plan {}: {} {what} too many",
                plan.as_str(),
                balance.limit_balance
            )?;
        }
    }

    // Company details: only the fields given are changed.
    client
        .update_company_details()
        .company("Example Shop Ltd")
        .city("Wrocław")
        .country("Poland")
        .url("https://shop.example.com")
        .enrich(false)
        .await?;
    writeln!(out, "company details updated")?;

    // Ask LiveChat to send email to an address that bounced before.
    client.reactivate_email(OWNER_ID).await?;
    writeln!(out, "email reactivated for {OWNER_ID}")?;
    match client.reactivate_email("nobody@example.com").await {
        Err(Error::Api(e)) if e.kind == ErrorKind::NotFound => {
            writeln!(out, "reactivating nobody@example.com: {}", e.message)?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }
    Ok(emulator)
}
