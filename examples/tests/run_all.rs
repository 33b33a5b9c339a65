//! Runs every example's body, as `cargo run --example <name>` would, and checks what it
//! printed and what it left in its emulator.

use livechat_config::{
    AgentField, AgentFilters, Client, GreetingType, RichMessageTemplate, RuleType, WebhookAction,
};
use livechat_config_emulator::{Emulator, DEFAULT_CLIENT_ID};
use livechat_config_examples as examples;

/// Runs one example's body into a buffer, as its `main` does into standard output.
macro_rules! run {
    ($name:ident) => {{
        let mut out = Vec::new();
        let result = examples::$name::run(&mut out).await;
        finish(stringify!($name), out, result)
    }};
}

/// The printed text, a client of the example's emulator and the emulator itself; fails the
/// test with the output so far when the example failed.
fn finish(
    name: &str,
    out: Vec<u8>,
    result: examples::Result<Emulator>,
) -> (String, Client, Emulator) {
    let text = String::from_utf8(out).expect("examples print UTF-8");
    match result {
        Ok(emulator) => {
            assert!(
                !text.contains("unexpected"),
                "{name} took a path it does not expect:\n{text}"
            );
            (text, emulator.client(), emulator)
        }
        Err(e) => panic!("{name} failed: {e}\noutput so far:\n{text}"),
    }
}

fn assert_printed(name: &str, text: &str, expected: &[&str]) {
    for line in expected {
        assert!(
            text.contains(line),
            "{name} did not print {line:?}; it printed:\n{text}"
        );
    }
}

#[tokio::test]
async fn quickstart() {
    let (text, client, emulator) = run!(quickstart);
    assert_printed(
        "quickstart",
        &text,
        &[
            "created group 1 \"Support\"",
            "batch update #2: `batch_update_agents`: not_found",
            "anna@example.com — Team lead (max 8 chats)",
            "creating tag \"Refund\" again: `create_tag`: already_exists",
            "value after update: \"pro\"",
            "setting \"platinum\": `update_license_properties`: validation",
            "after moving c before b: a.example.com → c.example.com → b.example.com → d.example.com",
            "22 requests served",
        ],
    );
    let rules = client.list_auto_accesses().await.unwrap();
    let order: Vec<&str> = rules
        .iter()
        .map(|r| r.description.as_deref().unwrap_or("?"))
        .collect();
    assert_eq!(
        order,
        [
            "a.example.com",
            "c.example.com",
            "b.example.com",
            "d.example.com"
        ]
    );
    assert_eq!(
        client.list_webhooks(DEFAULT_CLIENT_ID).await.unwrap().len(),
        1
    );
    drop(emulator);
}

#[tokio::test]
async fn agents() {
    let (text, client, emulator) = run!(agents);
    assert_printed(
        "agents",
        &text,
        &[
            "batch create anna@example.com: already exists, skipped",
            "not sent: `max_chats_count`",
            "update_agent requests the emulator received: 0",
            "cannot suspend owner@example.com",
            "suspended agents: ben@example.com, carla@example.com",
            "deleting nobody@example.com: not found",
            "agents on the license: anna@example.com, ben@example.com, owner@example.com",
        ],
    );
    let anna = client
        .get_agent("anna@example.com")
        .fields([AgentField::MaxChatsCount])
        .await
        .unwrap();
    assert_eq!(anna.max_chats_count, Some(12));
    let suspended = client
        .list_agents()
        .filters(AgentFilters::new().suspended(true))
        .await
        .unwrap();
    assert!(suspended.is_empty());
    drop(emulator);
}

#[tokio::test]
async fn auto_access() {
    let (text, client, _emulator) = run!(auto_access);
    assert_printed(
        "auto_access",
        &text,
        &[
            "after moving Germany first: visitors from Germany → checkout pages → everything but the test shop",
            "a rule without conditions is not sent",
            "values and exclude_values together are not sent",
            "routing to group 404",
        ],
    );
    let rules = client.list_auto_accesses().await.unwrap();
    let names: Vec<_> = rules.iter().map(|r| r.description.as_deref()).collect();
    assert_eq!(
        names,
        [
            Some("visitors from Germany"),
            Some("checkout and billing pages")
        ]
    );
}

#[tokio::test]
async fn bots() {
    let (text, client, _emulator) = run!(bots);
    assert_printed(
        "bots",
        &text,
        &[
            "batch create: not sent: `max_chats_count`",
            "batch update: 2 of 2 bots now take 20 chats",
            "the old secret is refused",
            "the new secret works",
            "templates of the application: [\"Satisfaction survey\"]",
            "deleted 2 batch-made bots",
            "bots left: 0",
        ],
    );
    assert!(client
        .list_bot_templates(DEFAULT_CLIENT_ID)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn greetings() {
    let (text, client, emulator) = run!(greetings);
    assert_printed(
        "greetings",
        &text,
        &[
            "Pricing help (visit_time_site, url_current; 2 cards)",
            "Checkout funnel (url_funnel)",
            "Still browsing (url_match_page_view_number)",
            "Spring sale in Sales (custom_variable or ads_traffic)",
            "rules: visit_time_site, url_current",
            "button \"Call us\" (phone) got id ",
            "\"Pricing questions\", active false, rules unchanged: visit_time_site, url_current",
            "kept: true",
            "page 1 of 5 greetings: Pricing questions, Checkout funnel, more follow",
            "page 2 of 5 greetings: Still browsing, Spring sale, more follow",
            "page 3 of 5 greetings: Welcome back, the last",
            "all greetings of Sales, one per page: Spring sale, Welcome back",
            "page id with groups not sent: takes only one of `page_id`, `groups`",
            "url_funnel without urls refused: `rules[0].urls`",
            "visit_time_page of an hour refused: `rules[0].value`",
            "greetings left: Pricing questions, Still browsing, Spring sale, Welcome back",
            "active bans: IP 203.0.113.7, customer spammer-42, customer troll-7",
            "unban by IP and customer not sent: takes only one of `ip`, `customer_id`",
            "unbanning the expired ban: no active ban",
            "bans left: customer troll-7",
        ],
    );

    let left = client.list_greetings().all().await.unwrap();
    let names: Vec<&str> = left.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Pricing questions",
            "Still browsing",
            "Spring sale",
            "Welcome back"
        ]
    );
    // The update kept the rules and replaced the rich message with one card of one button,
    // whose ID is the one the emulator gave on creation.
    let pricing = &left[0];
    assert!(!pricing.active);
    let types: Vec<&RuleType> = pricing.rules.iter().map(|r| &r.r#type).collect();
    assert_eq!(types, [&RuleType::VisitTimeSite, &RuleType::UrlCurrent]);
    let message = pricing.rich_message.as_ref().unwrap();
    assert_eq!(message.template_id, Some(RichMessageTemplate::Cards));
    let elements = message.elements.as_deref().unwrap();
    assert_eq!(elements.len(), 1);
    let buttons = elements[0].buttons.as_deref().unwrap();
    assert_eq!(buttons.len(), 1);
    assert_eq!(buttons[0].postback_id, "compare_plans");
    let kept_id = buttons[0].button_id.as_deref().unwrap();
    assert!(text.contains(&format!("button {kept_id} kept: true")));

    let campaign = &left[2];
    assert_eq!(campaign.r#type, GreetingType::Announcement);
    assert_eq!(campaign.rules.len(), 2);
    assert_eq!(
        campaign.rules[1].session_field.as_ref().unwrap()["google"],
        "spring-sale"
    );
    assert_eq!(
        emulator.state_json()["greetings"]
            .as_object()
            .unwrap()
            .len(),
        4
    );

    let bans = client.list_customer_bans().await.unwrap();
    assert_eq!(bans.len(), 1);
    assert_eq!(bans[0].customer_id.as_deref(), Some("troll-7"));
    // The expired ban is still on record, just not active.
    assert_eq!(
        emulator.state_json()["customer_bans"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn groups() {
    let (text, client, _emulator) = run!(groups);
    assert_printed(
        "groups",
        &text,
        &[
            "is now \"DACH & Switzerland\"",
            "anna@example.com: first",
            "not sent: `name`",
            "group 404: group 404 not found",
            "deleting General",
            "groups left: [\"General\", \"DACH & Switzerland\"]",
        ],
    );
    assert_eq!(client.list_groups().await.unwrap().len(), 2);
}

#[tokio::test]
async fn properties() {
    let (text, client, _emulator) = run!(properties);
    assert_printed(
        "properties",
        &text,
        &[
            "discount not sent",
            "chat_limit=80 refused",
            "license values named chat_*: {\"chat_limit\":25}",
            "group 0 chat_limit: 10",
            "group 1 chat_limit: 3",
            "unregistering chat_limit",
            "properties left: [\"chat_limit\"]",
        ],
    );
    let properties = client.list_properties(DEFAULT_CLIENT_ID).await.unwrap();
    assert!(properties["chat_limit"].public_access.is_some());
}

#[tokio::test]
async fn tags() {
    let (text, client, _emulator) = run!(tags);
    assert_printed(
        "tags",
        &text,
        &[
            "creating \"Refund\": tag `refund` already exists",
            "tags in Billing: refund, invoice",
            "after offering spam in Billing too: refund, invoice, spam",
            "deleting invoice twice",
        ],
    );
    let names: Vec<String> = client
        .list_tags()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["refund", "spam"]);
}

#[tokio::test]
async fn webhooks() {
    let (text, client, _emulator) = run!(webhooks);
    assert_printed(
        "webhooks",
        &text,
        &[
            "incoming_event filters",
            "agent_created with author_type not sent",
            "registered tag_created webhook #3",
            "tag_created webhook #4",
            "after disabling: enabled = false",
            "after enabling: enabled = true",
            "names for version 2.0",
        ],
    );
    let left = client.list_webhooks(DEFAULT_CLIENT_ID).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].action, WebhookAction::IncomingEvent);
}

#[tokio::test]
async fn other() {
    let (text, _client, emulator) = run!(other);
    assert_printed(
        "other",
        &text,
        &[
            "channel code, active since",
            "product source: create_account_link",
            "plan team: everything fits",
            "plan starter: 2 agents too many",
            "company details updated",
            "reactivating nobody@example.com",
        ],
    );
    assert_eq!(
        emulator.state_json()["company"]["company"],
        "Example Shop Ltd"
    );
}

#[tokio::test]
async fn webhook_receiver() {
    let (text, client, _emulator) = run!(webhook_receiver);
    assert_printed(
        "webhook_receiver",
        &text,
        &[
            "delivered agent_created: new agent smith@example.com (Agent Smith, Support), \
             by owner@example.com, from webhook",
            "attempts: 200",
            "emitted incoming_chat to 1 webhook(s)",
            "delivered incoming_chat: chat PJ0MRSHTDG from Thomas Anderson: \
             \"Hello, are there any discount codes available right now?\" (1 present), \
             by the system, from webhook",
            "forged delivery: HTTP 401 Unauthorized",
            "truncated body: HTTP 400 Bad Request",
            "2 of 4 deliveries accepted",
            "verify(forged): the webhook's secret_key does not match",
        ],
    );
    let registered = client.list_webhooks(DEFAULT_CLIENT_ID).await.unwrap();
    assert!(registered[0].url.starts_with("http://127.0.0.1:"));
}

#[tokio::test]
async fn v3_7() {
    let (text, client, _emulator) = run!(v3_7);
    assert_printed(
        "v3_7",
        &text,
        &[
            "adding example.com again: `example.com` is already an allowed domain",
            "adding \"not a domain\": refused (validation)",
            "allowed domains: example.com, shop.example.com",
            "created 5 canned responses in Support",
            "page 1 of 4 public: Hi! How can I help you today? | We'll get back to you within 24 hours.",
            "page 2 of 4 public: Our plans are listed at example.com/pricing. | Could you share your order number?",
            "with private ones: 5",
            "[follow-up, sla] We'll get back to you within one business day.",
            "a text that is only markup: `text`: is empty once sanitized",
            "translations es: group_not_found",
            "Welcome_title in de: Willkommen!",
            "a ban of nobody not sent: needs at least one of `ip`, `customer_id`",
            "banned 203.0.113.7 until ",
            "banned spammer-42 until ",
        ],
    );
    // What the v3.7 walk left is the same license for v3.6.
    let groups = client.list_groups().await.unwrap();
    assert!(groups.iter().any(|g| g.name == "Support"));
    let bans = client.list_customer_bans().await.unwrap();
    assert_eq!(bans.len(), 2);
    let preview = livechat_config::v3_7::Client::from(client);
    let left = preview.list_canned_responses().all().await.unwrap();
    let tags: Vec<String> = left.iter().map(|c| c.tags.join(",")).collect();
    assert_eq!(tags, ["greeting", "follow-up,sla", "sales,pricing"]);
    let domains = preview.list_allowed_domains().await.unwrap().domains;
    assert_eq!(domains, ["example.com", "shop.example.com"]);
}
