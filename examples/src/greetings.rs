//! Greetings: messages shown to visitors of a group when their rules match, optionally as a
//! rich message with cards and buttons; and customer bans, which can be listed and lifted.
//!
//! `cargo run --example greetings`

use crate::Result;
use livechat_config::{
    ButtonRole, ButtonType, Client, CustomerBan, Error, ErrorKind, Greeting, GreetingRule,
    GreetingType, Priority, RichMessage, RichMessageButton, RichMessageElement, RichMessageImage,
    RichMessageTemplate, RuleCondition, RuleOperator, RuleType, RuleUrl,
};
use livechat_config_emulator::{Emulator, OWNER_ID};
use std::io::Write;

/// Runs the example, printing each step to `out`, and returns the emulator with the state the
/// run left behind.
pub async fn run(out: &mut impl Write) -> Result<Emulator> {
    // Bans are made from chats (the Agent Chat API), so the license starts with some.
    let emulator = Emulator::builder()
        .customer_ban(
            CustomerBan::new()
                .ip("203.0.113.7")
                .agent_id(OWNER_ID)
                .created_at("2026-01-10T09:00:00.000000Z")
                .expires_at("2099-01-01T00:00:00.000000Z"),
        )
        .customer_ban(
            CustomerBan::new()
                .customer_id("spammer-42")
                .agent_id(OWNER_ID)
                .created_at("2026-02-01T12:00:00.000000Z"),
        )
        .customer_ban(
            CustomerBan::new()
                .customer_id("troll-7")
                .agent_id(OWNER_ID)
                .created_at("2026-03-05T16:30:00.000000Z"),
        )
        // Expired long ago: no longer listed, and nothing to lift.
        .customer_ban(
            CustomerBan::new()
                .ip("198.51.100.1")
                .created_at("2020-01-01T00:00:00.000000Z")
                .expires_at("2020-01-02T00:00:00.000000Z"),
        )
        .start()
        .await?;
    let client = emulator.client();
    writeln!(out, "emulator listening at {}", emulator.base_url())?;

    let sales = client
        .create_group("Sales", [(OWNER_ID, Priority::First)])
        .await?;
    let created = create_greetings(&client, out, sales.id).await?;
    let [welcome, funnel, ..] = created[..] else {
        return Err("greetings were not created".into());
    };

    read_back_and_update(&client, out, welcome).await?;
    list(&client, out, sales.id).await?;
    refusals(&client, out).await?;

    client.delete_greeting(funnel).await?;
    writeln!(out, "deleted greeting {funnel}")?;
    match client.get_greeting(funnel).await {
        Err(Error::Api(e)) if e.kind == ErrorKind::NotFound => {
            writeln!(out, "reading greeting {funnel} again: {}", e.message)?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }
    let left = client.list_greetings().all().await?;
    writeln!(out, "greetings left: {}", names(&left))?;

    bans(&client, out).await?;
    Ok(emulator)
}

/// One greeting per kind of rule, each with the parameters its type needs; returns their IDs.
async fn create_greetings(client: &Client, out: &mut impl Write, sales: u64) -> Result<Vec<u64>> {
    // Most rule types compare a `value` with an `operator`; the time ones count seconds.
    let welcome_rules = [
        GreetingRule::new(RuleCondition::And, RuleType::VisitTimeSite)
            .operator(RuleOperator::GreaterThan)
            .value("30"),
        GreetingRule::new(RuleCondition::And, RuleType::UrlCurrent)
            .operator(RuleOperator::Contains)
            .value("/pricing"),
    ];
    let welcome = client
        .create_greeting(GreetingType::Normal, true, "Pricing help", 0, welcome_rules)
        .rich_message(pricing_cards())
        .await?;
    writeln!(
        out,
        "created greeting {}: Pricing help (visit_time_site, url_current; 2 cards)",
        welcome.id
    )?;

    // A funnel is a sequence of pages, each with its own operator, and no `value`.
    let funnel_rule = GreetingRule::new(RuleCondition::And, RuleType::UrlFunnel).urls([
        RuleUrl::new("/cart", RuleOperator::Contains),
        RuleUrl::new("/checkout", RuleOperator::Contains),
    ]);
    let funnel = client
        .create_greeting(
            GreetingType::Normal,
            true,
            "Checkout funnel",
            0,
            [funnel_rule],
        )
        .await?;
    writeln!(
        out,
        "created greeting {}: Checkout funnel (url_funnel)",
        funnel.id
    )?;

    // Counted among some pages: a number, an operator and the pages to count.
    let browsing_rule = GreetingRule::new(RuleCondition::And, RuleType::UrlMatchPageViewNumber)
        .operator(RuleOperator::GreaterOrEqual)
        .value("3")
        .urls([RuleUrl::new("/products/", RuleOperator::Contains)]);
    let browsing = client
        .create_greeting(
            GreetingType::Normal,
            true,
            "Still browsing",
            0,
            [browsing_rule],
        )
        .await?;
    writeln!(
        out,
        "created greeting {}: Still browsing (url_match_page_view_number)",
        browsing.id
    )?;

    // Session fields take exactly one pair; for ad traffic the key names the ad network.
    let newsletter_rule = GreetingRule::new(RuleCondition::Or, RuleType::CustomVariable)
        .session_field([("campaign", "newsletter")]);
    let ads_rule = GreetingRule::new(RuleCondition::Or, RuleType::AdsTraffic)
        .session_field([("google", "spring-sale")]);
    let campaign = client
        .create_greeting(
            GreetingType::Announcement,
            true,
            "Spring sale",
            sales,
            [newsletter_rule, ads_rule],
        )
        .active_from("2027-03-01T00:00:00Z")
        .active_until("2027-03-31T23:59:59Z")
        .properties([("greeting-message_text", "20% off this week")])
        .await?;
    writeln!(
        out,
        "created greeting {}: Spring sale in Sales (custom_variable or ads_traffic)",
        campaign.id
    )?;

    let returning_rule = GreetingRule::new(RuleCondition::And, RuleType::VisitsNumber)
        .operator(RuleOperator::GreaterOrEqual)
        .value("2");
    let returning = client
        .create_greeting(
            GreetingType::Normal,
            false,
            "Welcome back",
            sales,
            [returning_rule],
        )
        .await?;
    writeln!(
        out,
        "created greeting {}: Welcome back in Sales (visits_number), inactive",
        returning.id
    )?;
    Ok(vec![
        welcome.id,
        funnel.id,
        browsing.id,
        campaign.id,
        returning.id,
    ])
}

/// Two cards, each with an image and buttons of different kinds.
fn pricing_cards() -> RichMessage {
    let plans = RichMessageElement::new("Which plan fits?", "Compare plans side by side")
        .image(
            RichMessageImage::new("https://shop.example.com/img/plans.png")
                .alternative_text("Plans"),
        )
        .buttons([
            RichMessageButton::new(
                "Compare plans",
                ButtonType::Url,
                "https://shop.example.com/plans",
                "compare_plans",
            )
            .role(ButtonRole::Primary),
            RichMessageButton::new(
                "Ask sales",
                ButtonType::Message,
                "I have a question about plans",
                "ask_sales",
            ),
        ]);
    let call = RichMessageElement::new("Rather talk?", "We answer 9-17 CET").buttons([
        RichMessageButton::new("Call us", ButtonType::Phone, "+4930123456", "call_us"),
    ]);
    RichMessage::new()
        .template_id(RichMessageTemplate::Cards)
        .elements([plans, call])
}

async fn read_back_and_update(client: &Client, out: &mut impl Write, id: u64) -> Result<()> {
    let greeting = client.get_greeting(id).await?;
    writeln!(
        out,
        "greeting {id}: {:?}, active {}, rules: {}",
        greeting.name,
        greeting.active,
        rules(&greeting)
    )?;
    // Buttons sent without an ID get one; it is what postbacks and later updates refer to.
    let given = buttons(&greeting);
    for button in &given {
        writeln!(
            out,
            "  button {:?} ({}) got id {}",
            button.text,
            button.r#type.as_str(),
            button.button_id.as_deref().unwrap_or("none")
        )?;
    }

    // Only the fields given change. Sending the message again with the button's ID keeps it.
    let kept = given
        .first()
        .cloned()
        .ok_or("the rich message has no buttons")?;
    let kept_id = kept.button_id.clone().unwrap_or_default();
    let slimmer = RichMessage::new()
        .template_id(RichMessageTemplate::Cards)
        .elements([RichMessageElement::new("Which plan fits?", "Compare plans").buttons([kept])]);
    client
        .update_greeting(id)
        .name("Pricing questions")
        .active(false)
        .rich_message(slimmer)
        .await?;
    let updated = client.get_greeting(id).await?;
    let still = buttons(&updated)
        .iter()
        .any(|b| b.button_id.as_deref() == Some(kept_id.as_str()));
    writeln!(
        out,
        "after the update: {:?}, active {}, rules unchanged: {}, button {kept_id} kept: {still}",
        updated.name,
        updated.active,
        rules(&updated)
    )?;
    Ok(())
}

async fn list(client: &Client, out: &mut impl Write, sales: u64) -> Result<()> {
    // Two per page: `.pages()` follows `next_page_id` and keeps the first page's filters.
    let mut pages = client.list_greetings().limit(2).pages();
    let mut number = 0;
    while let Some(page) = pages.next().await {
        let page = page?;
        number += 1;
        writeln!(
            out,
            "page {number} of {} greetings: {}{}",
            page.found_greetings,
            names(&page.greetings),
            if page.next_page_id.is_some() {
                ", more follow"
            } else {
                ", the last"
            }
        )?;
    }
    let in_sales = client
        .list_greetings()
        .groups([sales])
        .limit(1)
        .all()
        .await?;
    writeln!(
        out,
        "all greetings of Sales, one per page: {}",
        names(&in_sales)
    )?;
    Ok(())
}

async fn refusals(client: &Client, out: &mut impl Write) -> Result<()> {
    // A page id stands for the first page's filters, so it cannot come with new ones: the
    // client refuses before sending.
    let first = client.list_greetings().limit(1).await?;
    let next = first
        .next_page_id
        .ok_or("one greeting per page leaves more")?;
    match client.list_greetings().page_id(next).groups([0]).await {
        Err(Error::InvalidRequest { violations, .. }) => {
            writeln!(out, "page id with groups not sent: {}", violations[0])?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }
    // What a rule type needs is the API's to check.
    let bare_funnel = GreetingRule::new(RuleCondition::And, RuleType::UrlFunnel);
    match client
        .create_greeting(GreetingType::Normal, true, "No pages", 0, [bare_funnel])
        .await
    {
        Err(Error::Api(e)) if e.kind == ErrorKind::Validation => {
            writeln!(out, "url_funnel without urls refused: {}", e.message)?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }
    let long_wait = GreetingRule::new(RuleCondition::And, RuleType::VisitTimePage)
        .operator(RuleOperator::GreaterThan)
        .value("3600");
    match client
        .create_greeting(GreetingType::Normal, true, "Patient", 0, [long_wait])
        .await
    {
        Err(Error::Api(e)) if e.kind == ErrorKind::Validation => {
            writeln!(out, "visit_time_page of an hour refused: {}", e.message)?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }
    Ok(())
}

async fn bans(client: &Client, out: &mut impl Write) -> Result<()> {
    let active = client.list_customer_bans().await?;
    writeln!(out, "active bans: {}", describe_bans(&active))?;

    client.unban_customer().ip("203.0.113.7").await?;
    writeln!(out, "unbanned IP 203.0.113.7")?;
    client.unban_customer().customer_id("spammer-42").await?;
    writeln!(out, "unbanned customer spammer-42")?;

    // A ban is lifted by IP or by customer, never both at once.
    match client
        .unban_customer()
        .ip("203.0.113.7")
        .customer_id("troll-7")
        .await
    {
        Err(Error::InvalidRequest { violations, .. }) => {
            writeln!(out, "unban by IP and customer not sent: {}", violations[0])?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }
    // The expired ban is not active, so there is nothing to lift.
    match client.unban_customer().ip("198.51.100.1").await {
        Err(Error::Api(e)) if e.kind == ErrorKind::NotFound => {
            writeln!(out, "unbanning the expired ban: {}", e.message)?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }

    let left = client.list_customer_bans().await?;
    writeln!(out, "bans left: {}", describe_bans(&left))?;
    Ok(())
}

fn names(greetings: &[Greeting]) -> String {
    let names: Vec<&str> = greetings.iter().map(|g| g.name.as_str()).collect();
    names.join(", ")
}

fn rules(greeting: &Greeting) -> String {
    let types: Vec<&str> = greeting.rules.iter().map(|r| r.r#type.as_str()).collect();
    types.join(", ")
}

fn buttons(greeting: &Greeting) -> Vec<RichMessageButton> {
    greeting
        .rich_message
        .iter()
        .flat_map(|m| m.elements.iter().flatten())
        .flat_map(|e| e.buttons.iter().flatten())
        .cloned()
        .collect()
}

fn describe_bans(bans: &[CustomerBan]) -> String {
    let described: Vec<String> = bans
        .iter()
        .map(|b| match (&b.ip, &b.customer_id) {
            (Some(ip), _) => format!("IP {ip}"),
            (None, Some(id)) => format!("customer {id}"),
            (None, None) => "?".to_string(),
        })
        .collect();
    if described.is_empty() {
        "none".to_string()
    } else {
        described.join(", ")
    }
}
