//! The v3.7 developer preview (feature `v3_7`): allowed domains, canned responses per group with
//! tags and paging, translations per group and language, and bans with an expiry. A v3.7 client
//! is made from the same client as v3.6 calls and shares its connections, credentials and
//! retries; both versions act on one license.
//!
//! `cargo run --example v3_7`

use crate::Result;
use livechat_config::v3_7::{self, CannedResponse, Priority, UpdateTranslationsRequest};
use livechat_config::{Error, ErrorKind};
use livechat_config_emulator::{Emulator, OWNER_ID};
use std::io::Write;
use std::time::Duration;

/// Runs the example, printing each step to `out`, and returns the emulator with the state the
/// run left behind.
pub async fn run(out: &mut impl Write) -> Result<Emulator> {
    let emulator = Emulator::start().await?;
    let client = v3_7::Client::from(emulator.client());
    writeln!(out, "emulator listening at {}", emulator.base_url())?;

    allowed_domains(&client, out).await?;
    let support = client
        .create_group("Support", [(OWNER_ID, Priority::First)])
        .language_code("en")
        .await?
        .id;
    canned_responses(&client, out, support).await?;
    translations(&client, out, support).await?;
    bans(&client, out).await?;
    Ok(emulator)
}

async fn allowed_domains(client: &v3_7::Client, out: &mut impl Write) -> Result<()> {
    for domain in ["example.com", "Shop.Example.com", "staging.example.com"] {
        client.add_allowed_domain(domain).await?;
    }
    match client.add_allowed_domain("example.com").await {
        Err(Error::Api(e)) if e.kind == ErrorKind::AlreadyExists => {
            writeln!(out, "adding example.com again: {}", e.message)?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }
    match client.add_allowed_domain("not a domain").await {
        Err(Error::Api(e)) if e.kind == ErrorKind::Validation => {
            writeln!(out, "adding \"not a domain\": refused ({})", e.kind)?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }
    client.delete_allowed_domain("staging.example.com").await?;
    let domains = client.list_allowed_domains().await?.domains;
    writeln!(out, "allowed domains: {}", domains.join(", "))?;
    Ok(())
}

fn texts(canned: &[CannedResponse]) -> String {
    let texts: Vec<&str> = canned.iter().map(|c| c.text.as_str()).collect();
    texts.join(" | ")
}

async fn canned_responses(client: &v3_7::Client, out: &mut impl Write, support: u64) -> Result<()> {
    let replies = [
        ("Hi! How can I help you today?", vec!["greeting"], false),
        (
            "We'll get back to you within 24 hours.",
            vec!["follow-up"],
            false,
        ),
        (
            "Our plans are listed at example.com/pricing.",
            vec!["sales", "pricing"],
            false,
        ),
        ("Could you share your order number?", vec!["orders"], false),
        (
            "Note to self: escalate refunds over $500.",
            vec!["refunds"],
            true,
        ),
    ];
    let mut ids = Vec::new();
    for (text, tags, private) in replies {
        let created = client
            .create_canned_response(text, tags, support)
            .is_private(private)
            .await?;
        ids.push(created.id);
    }
    writeln!(out, "created {} canned responses in Support", ids.len())?;

    // Two per page: `.pages()` follows `next_page_id` and sends the first page's filters again.
    let mut pages = client
        .list_canned_responses()
        .group_ids([support])
        .limit(2)
        .pages();
    let mut number = 0;
    while let Some(page) = pages.next().await {
        let page = page?;
        number += 1;
        writeln!(
            out,
            "page {number} of {} public: {}",
            page.found_canned_responses,
            texts(&page.canned_responses)
        )?;
    }
    let with_private = client
        .list_canned_responses()
        .group_ids([support])
        .include_private(true)
        .all()
        .await?;
    writeln!(out, "with private ones: {}", with_private.len())?;

    client
        .update_canned_response(ids[1])
        .text("We'll get back to you within one business day.")
        .tags(["follow-up", "sla"])
        .await?;
    client.delete_canned_response(ids[3]).await?;
    let left = client
        .list_canned_responses()
        .group_ids([support])
        .all()
        .await?;
    for canned in &left {
        writeln!(out, "  [{}] {}", canned.tags.join(", "), canned.text)?;
    }
    match client
        .create_canned_response("<b></b>", ["empty"], support)
        .await
    {
        Err(Error::Api(e)) if e.kind == ErrorKind::Validation => {
            writeln!(out, "a text that is only markup: {}", e.message)?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }
    Ok(())
}

async fn translations(client: &v3_7::Client, out: &mut impl Write, support: u64) -> Result<()> {
    client
        .update_translations(support, "en", [("Welcome_title", "Welcome to Support!")])
        .await?;
    // One call for several languages: each item succeeds or fails on its own.
    let results = client
        .batch_update_translations([
            UpdateTranslationsRequest::new(support, "de", [("Welcome_title", "Willkommen!")]),
            UpdateTranslationsRequest::new(support, "fr", [("Welcome_title", "Bienvenue !")]),
            UpdateTranslationsRequest::new(404, "es", [("Welcome_title", "¡Hola!")]),
        ])
        .await?;
    for (language, result) in ["de", "fr", "es"].iter().zip(&results) {
        match result {
            Ok(()) => writeln!(out, "translations {language}: updated")?,
            Err(e) => writeln!(
                out,
                "translations {language}: {}",
                e.api_kind().map_or("failed".into(), |k| k.to_string())
            )?,
        }
    }
    for language in ["en", "de", "fr"] {
        let phrases = client.list_translations(support, language).await?.phrases;
        let welcome = phrases
            .get("Welcome_title")
            .map_or("(none)", String::as_str);
        writeln!(out, "Welcome_title in {language}: {welcome}")?;
    }
    Ok(())
}

async fn bans(client: &v3_7::Client, out: &mut impl Write) -> Result<()> {
    client
        .ban_customer(Duration::from_secs(3600))
        .ip("203.0.113.7")
        .await?;
    client
        .ban_customer(Duration::from_secs(86_400))
        .customer_id("spammer-42")
        .await?;
    // A ban names someone: refused before it is sent.
    match client.ban_customer(Duration::from_secs(60)).await {
        Err(Error::InvalidRequest { violations, .. }) => {
            writeln!(out, "a ban of nobody not sent: {}", violations[0])?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }
    for ban in client.list_customer_bans().await? {
        let who = ban.ip.or(ban.customer_id).unwrap_or_default();
        writeln!(
            out,
            "banned {who} until {}",
            ban.expires_at.unwrap_or_default()
        )?;
    }
    Ok(())
}
