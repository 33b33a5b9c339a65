//! Auto access: rules that route visitors to groups by the page they are on or where they
//! are. Rules are an ordered list (the first that matches wins), kept as a linked list through
//! `next_id`.
//!
//! `cargo run --example auto_access`

use crate::Result;
use livechat_config::{
    Access, Client, Conditions, Error, ErrorKind, Geolocation, GeolocationCondition,
    MatchCondition, MatchObject, Priority,
};
use livechat_config_emulator::{Emulator, OWNER_ID};
use std::io::Write;

/// Runs the example, printing each step to `out`, and returns the emulator with the state the
/// run left behind.
pub async fn run(out: &mut impl Write) -> Result<Emulator> {
    let emulator = Emulator::start().await?;
    let client = emulator.client();
    writeln!(out, "emulator listening at {}", emulator.base_url())?;

    let billing = client
        .create_group("Billing", [(OWNER_ID, Priority::First)])
        .await?;
    let germany = client
        .create_group("Germany", [(OWNER_ID, Priority::First)])
        .await?;

    // Visitors on a checkout or invoice page go to Billing (a value matches part of the URL).
    let checkout = Conditions::new().url(
        MatchCondition::new().values([MatchObject::new("/checkout"), MatchObject::new("/invoice")]),
    );
    let billing_rule = client
        .add_auto_access(Access::new([billing.id]), checkout)
        .description("checkout pages")
        .await?;
    writeln!(
        out,
        "added rule {}: checkout pages → Billing",
        billing_rule.id
    )?;

    // Visitors from Germany go to the German team.
    let from_germany = Conditions::new().geolocation(GeolocationCondition::new([
        Geolocation::new().country_code("DE"),
    ]));
    let germany_rule = client
        .add_auto_access(Access::new([germany.id]), from_germany)
        .description("visitors from Germany")
        .await?;
    writeln!(
        out,
        "added rule {}: visitors from Germany → Germany",
        germany_rule.id
    )?;

    // Everyone not on the test shop goes to General (group 0); `exact_match` compares the
    // whole domain instead of a part of it.
    let main_site = Conditions::new().domain(
        MatchCondition::new()
            .exclude_values([MatchObject::new("test.shop.example.com").exact_match(true)]),
    );
    let fallback = client
        .add_auto_access(Access::new([0]), main_site)
        .description("everything but the test shop")
        .await?;
    writeln!(
        out,
        "added rule {}: not the test shop → General",
        fallback.id
    )?;
    writeln!(out, "order: {}", order(&client).await?)?;

    // German visitors on a checkout page should reach the German team: move that rule first
    // by naming the rule it should come before.
    client
        .update_auto_access(&germany_rule.id)
        .next_id(&billing_rule.id)
        .await?;
    writeln!(out, "after moving Germany first: {}", order(&client).await?)?;

    // Change what a rule matches without touching its place in the list.
    client
        .update_auto_access(&billing_rule.id)
        .conditions(
            Conditions::new().url(
                MatchCondition::new()
                    .values([MatchObject::new("/checkout"), MatchObject::new("/billing")]),
            ),
        )
        .description("checkout and billing pages")
        .await?;
    writeln!(
        out,
        "rule {} now matches /checkout and /billing",
        billing_rule.id
    )?;

    // A rule needs at least one condition, and a condition takes `values` or `exclude_values`,
    // not both: both are caught before sending.
    let vague = client
        .add_auto_access(Access::new([0]), Conditions::new())
        .await;
    if let Err(Error::InvalidRequest { violations, .. }) = &vague {
        writeln!(
            out,
            "a rule without conditions is not sent: {}",
            violations[0]
        )?;
    }
    let contradictory = MatchCondition::new()
        .values([MatchObject::new("shop")])
        .exclude_values([MatchObject::new("shop")]);
    let result = client
        .add_auto_access(Access::new([0]), Conditions::new().domain(contradictory))
        .await;
    if let Err(Error::InvalidRequest { violations, .. }) = &result {
        writeln!(
            out,
            "values and exclude_values together are not sent: {}",
            violations[0]
        )?;
    }

    // Routing to a group that does not exist is the API's call to refuse.
    match client
        .add_auto_access(
            Access::new([404]),
            Conditions::new().url(MatchCondition::new().values([MatchObject::new("/")])),
        )
        .await
    {
        Err(Error::Api(e)) if e.kind == ErrorKind::GroupNotFound => {
            writeln!(out, "routing to group 404: {}", e.message)?
        }
        other => writeln!(out, "unexpected: {other:?}")?,
    }

    client.delete_auto_access(&fallback.id).await?;
    writeln!(
        out,
        "deleted the fallback rule; order: {}",
        order(&client).await?
    )?;
    Ok(emulator)
}

/// The rules in the order they are evaluated, by description.
async fn order(client: &Client) -> Result<String> {
    let rules = client.list_auto_accesses().await?;
    let names: Vec<&str> = rules
        .iter()
        .map(|r| r.description.as_deref().unwrap_or("?"))
        .collect();
    Ok(names.join(" → "))
}
