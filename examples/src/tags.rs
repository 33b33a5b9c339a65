//! Tags: labels agents put on chats, each available in some groups.
//!
//! `cargo run --example tags`

use crate::Result;
use livechat_config::{Error, ErrorKind, Priority, Tag, TagFilters};
use livechat_config_emulator::{Emulator, OWNER_ID};
use std::io::Write;

/// Runs the example, printing each step to `out`, and returns the emulator with the state the
/// run left behind.
pub async fn run(out: &mut impl Write) -> Result<Emulator> {
    let emulator = Emulator::start().await?;
    let client = emulator.client();
    writeln!(out, "emulator listening at {}", emulator.base_url())?;

    let billing = client
        .create_group("Billing", [(OWNER_ID, Priority::Normal)])
        .await?;

    // A tag without `group_ids` exists but is offered in no group.
    client.create_tag("refund").group_ids([billing.id]).await?;
    client
        .create_tag("invoice")
        .group_ids([0, billing.id])
        .await?;
    client.create_tag("spam").group_ids([0]).await?;
    writeln!(out, "created tags refund, invoice and spam")?;

    // Names are unique regardless of case.
    match client.create_tag("Refund").await {
        Err(Error::Api(e)) if e.kind == ErrorKind::AlreadyExists => {
            writeln!(out, "creating \"Refund\": {}", e.message)?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }

    let in_billing = client
        .list_tags()
        .filters(TagFilters::new([billing.id]))
        .await?;
    writeln!(out, "tags in Billing: {}", names(&in_billing))?;

    // An update replaces the tag's groups.
    client.update_tag("spam").group_ids([0, billing.id]).await?;
    let in_billing = client
        .list_tags()
        .filters(TagFilters::new([billing.id]))
        .await?;
    writeln!(
        out,
        "after offering spam in Billing too: {}",
        names(&in_billing)
    )?;

    client.delete_tag("invoice").await?;
    match client.delete_tag("invoice").await {
        Err(Error::Api(e)) if e.kind == ErrorKind::NotFound => {
            writeln!(out, "deleting invoice twice: {}", e.message)?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }

    for tag in client.list_tags().await? {
        writeln!(
            out,
            "  {:<7} groups {:?}, by {} at {}",
            tag.name,
            tag.group_ids.unwrap_or_default(),
            tag.author_id.as_deref().unwrap_or("?"),
            tag.created_at.as_deref().unwrap_or("?"),
        )?;
    }
    Ok(emulator)
}

fn names(tags: &[Tag]) -> String {
    let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
    names.join(", ")
}
