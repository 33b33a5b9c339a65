use crate::{call, emulator, kind};
use futures_util::StreamExt;
use livechat_config::*;
use serde_json::json;
use std::collections::BTreeSet;

fn url_rule(value: &str) -> GreetingRule {
    GreetingRule::new(RuleCondition::And, RuleType::UrlCurrent)
        .operator(RuleOperator::Contains)
        .value(value)
}

/// `count` greetings, every `sales_every`-th in a new "Sales" group and the rest in group 0; the
/// ids of those in group 0.
async fn greetings_in_general_and_sales(
    client: &Client,
    count: usize,
    sales_every: usize,
) -> BTreeSet<u64> {
    let sales = client
        .create_group(
            "Sales",
            [(livechat_config_emulator::OWNER_ID, Priority::Normal)],
        )
        .await
        .unwrap()
        .id;
    let mut in_general = BTreeSet::new();
    for i in 0..count {
        let group = if i % sales_every == sales_every - 1 {
            sales
        } else {
            0
        };
        let id = client
            .create_greeting(
                GreetingType::Normal,
                true,
                format!("G{i}"),
                group,
                [url_rule("x")],
            )
            .await
            .unwrap()
            .id;
        if group == 0 {
            in_general.insert(id);
        }
    }
    in_general
}

fn welcome_message() -> RichMessage {
    RichMessage::new()
        .template_id(RichMessageTemplate::Cards)
        .elements([
            RichMessageElement::new("Welcome!", "How can we help you today?").buttons([
                RichMessageButton::new(
                    "Get Support",
                    ButtonType::Message,
                    "I need support",
                    "support_request",
                ),
                RichMessageButton::new("Call us", ButtonType::Phone, "+1 555 0100", "call")
                    .button_id("kept-id"),
            ]),
        ])
}

#[tokio::test]
async fn a_greeting_is_created_read_updated_and_deleted() {
    let emu = emulator().await;
    let client = emu.client();
    let created = client
        .create_greeting(
            GreetingType::Normal,
            true,
            "Welcome greeting",
            0,
            [url_rule("checkout")],
        )
        .active_from("2024-01-01T00:00:00Z")
        .properties([("addon", "chat_widget")])
        .rich_message(welcome_message())
        .await
        .unwrap();
    let greeting = client.get_greeting(created.id).await.unwrap();
    assert_eq!(greeting.id, created.id);
    assert_eq!(greeting.name, "Welcome greeting");
    assert_eq!(greeting.group, 0);
    assert_eq!(greeting.r#type, GreetingType::Normal);
    assert!(greeting.active);
    assert_eq!(
        greeting.active_from.as_deref(),
        Some("2024-01-01T00:00:00Z")
    );
    assert_eq!(greeting.active_until, None);
    assert_eq!(greeting.rules, vec![url_rule("checkout")]);
    let buttons = greeting
        .rich_message
        .as_ref()
        .unwrap()
        .elements
        .as_ref()
        .unwrap()[0]
        .buttons
        .clone()
        .unwrap();
    // A button without an ID gets one; a given ID is kept.
    let generated = buttons[0].button_id.clone().unwrap();
    assert_eq!(generated.len(), 36, "{generated}");
    assert_eq!(buttons[1].button_id.as_deref(), Some("kept-id"));

    let mut kept = welcome_message();
    kept.elements.as_mut().unwrap()[0].buttons.as_mut().unwrap()[0].button_id =
        Some(generated.clone());
    client
        .update_greeting(created.id)
        .active(false)
        .name("Updated welcome greeting")
        .r#type(GreetingType::Announcement)
        .rules([url_rule("product")])
        .rich_message(kept)
        .await
        .unwrap();
    let updated = client.get_greeting(created.id).await.unwrap();
    assert!(!updated.active);
    assert_eq!(updated.name, "Updated welcome greeting");
    assert_eq!(updated.r#type, GreetingType::Announcement);
    assert_eq!(updated.rules, vec![url_rule("product")]);
    assert_eq!(
        updated.active_from.as_deref(),
        Some("2024-01-01T00:00:00Z"),
        "unchanged"
    );
    assert_eq!(updated.properties, greeting.properties, "unchanged");
    let button = &updated.rich_message.unwrap().elements.unwrap()[0]
        .buttons
        .clone()
        .unwrap()[0];
    assert_eq!(button.button_id.as_deref(), Some(generated.as_str()));

    client.delete_greeting(created.id).await.unwrap();
    assert_eq!(
        kind(client.get_greeting(created.id).await),
        ErrorKind::NotFound
    );
    assert_eq!(
        kind(client.delete_greeting(created.id).await),
        ErrorKind::NotFound
    );
    assert_eq!(
        kind(client.update_greeting(created.id).active(true).await),
        ErrorKind::NotFound
    );
    // IDs are not reused after a delete.
    let next = client
        .create_greeting(GreetingType::Normal, true, "Next", 0, [url_rule("x")])
        .await
        .unwrap();
    assert!(next.id > created.id);
}

#[tokio::test]
async fn each_rule_type_needs_its_own_parameters() {
    let emu = emulator().await;
    let client = emu.client();
    let create =
        |rule: GreetingRule| client.create_greeting(GreetingType::Normal, true, "G", 0, [rule]);
    let funnel = GreetingRule::new(RuleCondition::And, RuleType::UrlFunnel).urls([
        RuleUrl::new("https://example.com/cart", RuleOperator::Contains),
        RuleUrl::new("https://example.com/pay", RuleOperator::Equals),
    ]);
    let variable = GreetingRule::new(RuleCondition::Or, RuleType::CustomVariable)
        .session_field([("plan", "pro")]);
    let ads = GreetingRule::new(RuleCondition::Or, RuleType::AdsTraffic)
        .session_field([("google", "spring")]);
    let time = |value: &str| {
        GreetingRule::new(RuleCondition::And, RuleType::VisitTimeSite)
            .operator(RuleOperator::GreaterThan)
            .value(value)
    };
    let views = GreetingRule::new(RuleCondition::And, RuleType::UrlMatchPageViewNumber)
        .operator(RuleOperator::GreaterOrEqual)
        .value("3")
        .urls([RuleUrl::new("https://example.com/", RuleOperator::Contains)]);
    for rule in [funnel, variable, ads, time("0"), time("900"), views.clone()] {
        let id = create(rule.clone()).await.unwrap().id;
        assert_eq!(client.get_greeting(id).await.unwrap().rules, vec![rule]);
    }
    let refused = [
        (time("901"), "rules[0].value"),
        (time("thirty"), "rules[0].value"),
        (
            GreetingRule::new(RuleCondition::And, RuleType::UrlCurrent).value("x"),
            "rules[0].operator",
        ),
        (
            GreetingRule::new(RuleCondition::And, RuleType::UrlReferrer)
                .operator(RuleOperator::Equals),
            "rules[0].value",
        ),
        (
            GreetingRule::new(RuleCondition::And, RuleType::UrlFunnel),
            "rules[0].urls",
        ),
        (
            GreetingRule::new(RuleCondition::Or, RuleType::CustomVariable),
            "rules[0].session_field",
        ),
        (
            GreetingRule::new(RuleCondition::Or, RuleType::AdsTraffic)
                .session_field([("altavista", "x")]),
            "rules[0].session_field",
        ),
        (
            GreetingRule::new(RuleCondition::Or, RuleType::CustomVariable)
                .session_field([("k", "v".repeat(256).as_str())]),
            "rules[0].session_field",
        ),
    ];
    for (rule, at) in refused {
        let err = create(rule.clone()).await.unwrap_err();
        let Error::Api(api) = &err else {
            panic!("{rule:?}: {err}");
        };
        assert_eq!(api.kind, ErrorKind::Validation, "{rule:?}");
        assert!(api.message.contains(at), "{rule:?}: {}", api.message);
    }
    // An empty urls list never leaves the sdk; the emulator refuses it too.
    let empty_urls = json!({"type": "normal", "active": true, "name": "G", "group": 0,
        "rules": [{"condition": "and", "type": "url_match_page_view_number",
                   "operator": "equals", "value": "3", "urls": []}]});
    let (status, reply) = call(&emu, "create_greeting", &empty_urls.to_string()).await;
    assert_eq!(status, 400, "{reply}");
    assert!(reply["error"]["message"]
        .as_str()
        .unwrap()
        .contains("rules[0].urls"));
    // Only the accepted greetings exist.
    assert_eq!(client.list_greetings().await.unwrap().found_greetings, 6);
}

#[tokio::test]
async fn greetings_belong_to_existing_groups_and_listed_property_keys() {
    let emu = emulator().await;
    let client = emu.client();
    assert_eq!(
        kind(
            client
                .create_greeting(GreetingType::Normal, true, "G", 42, [url_rule("x")])
                .await
        ),
        ErrorKind::GroupNotFound
    );
    let err = client
        .create_greeting(GreetingType::Normal, true, "G", 0, [url_rule("x")])
        .properties([("text", "Hi")])
        .await
        .unwrap_err();
    assert!(err.to_string().contains("properties"), "{err}");
    assert_eq!(client.list_greetings().await.unwrap().found_greetings, 0);
}

#[tokio::test]
async fn greetings_are_listed_page_by_page_with_the_first_pages_filters() {
    let emu = emulator().await;
    let client = emu.client();
    let in_general = greetings_in_general_and_sales(&client, 7, 3).await;
    assert_eq!(in_general.len(), 5);
    let all = client.list_greetings().await.unwrap();
    assert_eq!((all.greetings.len(), all.found_greetings), (7, 7));
    assert_eq!(all.next_page_id, None);

    let first = client.list_greetings().groups([0]).limit(2).await.unwrap();
    assert_eq!(first.found_greetings, 5);
    let mut seen: Vec<u64> = first.greetings.iter().map(|g| g.id).collect();
    let mut page_ids = BTreeSet::new();
    let mut next = first.next_page_id;
    while let Some(page_id) = next {
        assert!(page_ids.insert(page_id.clone()), "page id repeated");
        let page = client.list_greetings().page_id(page_id).await.unwrap();
        assert!(page.greetings.len() <= 2);
        assert!(page.greetings.iter().all(|g| g.group == 0), "filters kept");
        seen.extend(page.greetings.iter().map(|g| g.id));
        next = page.next_page_id;
    }
    assert_eq!(page_ids.len(), 2);
    assert_eq!(seen.iter().copied().collect::<BTreeSet<_>>(), in_general);
    assert_eq!(seen.len(), 5, "no greeting twice");
}

#[tokio::test]
async fn a_page_id_comes_alone_and_must_be_one_the_emulator_made() {
    let emu = emulator().await;
    let client = emu.client();
    for i in 0..3 {
        client
            .create_greeting(
                GreetingType::Normal,
                true,
                format!("G{i}"),
                0,
                [url_rule("x")],
            )
            .await
            .unwrap();
    }
    let page_id = client
        .list_greetings()
        .limit(1)
        .await
        .unwrap()
        .next_page_id
        .unwrap();
    for body in [
        json!({"page_id": page_id, "groups": [0]}),
        json!({"page_id": page_id, "limit": 1}),
    ] {
        let (status, reply) = call(&emu, "list_greetings", &body.to_string()).await;
        assert_eq!(status, 400, "{reply}");
        assert_eq!(reply["error"]["type"], "validation");
        assert!(
            reply["error"]["message"]
                .as_str()
                .unwrap()
                .contains("page_id"),
            "{reply}"
        );
    }
    let mut forged = page_id.clone();
    forged.replace_range(0..2, if forged.starts_with("30") { "31" } else { "30" });
    for bad in [forged.as_str(), "next", "00"] {
        let (status, reply) = call(
            &emu,
            "list_greetings",
            &json!({ "page_id": bad }).to_string(),
        )
        .await;
        assert_eq!(status, 400, "{bad}: {reply}");
        assert_eq!(reply["error"]["type"], "validation");
    }
    let (status, reply) = call(
        &emu,
        "list_greetings",
        &json!({ "page_id": page_id }).to_string(),
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["greetings"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn refused_greeting_requests_leave_nothing_behind() {
    let emu = emulator().await;
    let refusals = [
        // template_id is outside the list (the reference's own example sends "text").
        json!({"type": "normal", "active": true, "name": "G", "group": 0, "rules": [],
               "rich_message": {"template_id": "text"}}),
        // A rich message in a request must name its template.
        json!({"type": "normal", "active": true, "name": "G", "group": 0, "rules": [],
               "rich_message": {"elements": []}}),
        json!({"type": "normal", "active": true, "name": "G", "group": 0,
               "rules": (0..11).map(|_| json!({"condition": "and", "type": "url_current",
                   "operator": "contains", "value": "x"})).collect::<Vec<_>>()}),
        json!({"type": "normal", "active": true, "name": "G", "group": 0, "rules": [],
               "active_from": "tomorrow"}),
        json!({"type": "normal", "active": true, "name": "G", "rules": []}),
    ];
    for body in refusals {
        let (status, reply) = call(&emu, "create_greeting", &body.to_string()).await;
        assert_eq!(status, 400, "{body}: {reply}");
        assert_eq!(reply["error"]["type"], "validation", "{body}");
    }
    let (status, reply) = call(&emu, "list_greetings", "{}").await;
    assert_eq!(status, 200);
    assert_eq!(reply, json!({"greetings": [], "found_greetings": 0}));
    let (status, reply) = call(&emu, "list_greetings", r#"{"limit": 101}"#).await;
    assert_eq!(
        (status, &reply["error"]["type"]),
        (400, &json!("validation"))
    );
}

#[tokio::test]
async fn reading_greetings_needs_greetings_ro_and_writing_greetings_rw() {
    let emu = livechat_config_emulator::Emulator::builder()
        .seed(1)
        .token(livechat_config_emulator::Token::bearer("dal:reader").scopes(["greetings:ro"]))
        .start()
        .await
        .unwrap();
    let id = emu
        .client()
        .create_greeting(GreetingType::Normal, true, "G", 0, [url_rule("x")])
        .await
        .unwrap()
        .id;
    let reader = emu.client_with(Credentials::bearer("dal:reader"));
    assert_eq!(reader.get_greeting(id).await.unwrap().name, "G");
    assert_eq!(reader.list_greetings().await.unwrap().found_greetings, 1);
    assert_eq!(
        kind(reader.delete_greeting(id).await),
        ErrorKind::Authorization
    );
    assert_eq!(
        kind(reader.list_customer_bans().await),
        ErrorKind::Authorization
    );
    assert_eq!(reader.list_greetings().await.unwrap().found_greetings, 1);
}

#[tokio::test]
async fn greetings_survive_a_restart_and_their_ids_are_not_reused() {
    let dir = crate::persistence::temp_dir("greetings");
    let file = dir.join("state.json");
    let start = || {
        livechat_config_emulator::Emulator::builder()
            .state_file(&file)
            .start()
    };
    let emu = start().await.unwrap();
    let client = emu.client();
    let kept = client
        .create_greeting(
            GreetingType::Announcement,
            false,
            "Kept",
            0,
            [url_rule("x")],
        )
        .rich_message(welcome_message())
        .await
        .unwrap()
        .id;
    let gone = client
        .create_greeting(GreetingType::Normal, true, "Gone", 0, [url_rule("y")])
        .await
        .unwrap()
        .id;
    client.delete_greeting(gone).await.unwrap();
    let before = client.get_greeting(kept).await.unwrap();
    emu.stop().await.unwrap();

    let emu = start().await.unwrap();
    let client = emu.client();
    assert_eq!(client.get_greeting(kept).await.unwrap(), before);
    assert_eq!(kind(client.get_greeting(gone).await), ErrorKind::NotFound);
    let next = client
        .create_greeting(GreetingType::Normal, true, "Next", 0, [url_rule("z")])
        .await
        .unwrap()
        .id;
    assert!(next > gone, "{next} after {gone}");
    emu.stop().await.unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

/// The generated paging of `list_greetings`: `.all()` walks every page the emulator makes,
/// sending the page id alone after the first page, and `.pages()` yields each page once.
#[tokio::test]
async fn all_and_pages_walk_every_page_of_list_greetings() {
    let emu = emulator().await;
    let client = emu.client();
    let in_general = greetings_in_general_and_sales(&client, 9, 4).await;
    assert_eq!(in_general.len(), 7);

    let before = emu.served(Action::ListGreetings);
    let all = client
        .list_greetings()
        .groups([0])
        .limit(2)
        .all()
        .await
        .unwrap();
    // 7 greetings, 2 a page: 4 pages, each answered once; a page id sent with `groups` or
    // `limit` would have been refused, so later pages carried the page id alone.
    assert_eq!(emu.served(Action::ListGreetings) - before, 4);
    let ids: Vec<u64> = all.iter().map(|g| g.id).collect();
    assert_eq!(ids.iter().copied().collect::<BTreeSet<_>>(), in_general);
    assert_eq!(ids.len(), 7, "no greeting twice");
    assert!(
        all.iter().all(|g| g.group == 0),
        "the first page's filter kept"
    );

    let pages: Vec<_> = client
        .list_greetings()
        .limit(3)
        .pages()
        .collect::<Vec<_>>()
        .await;
    let sizes: Vec<usize> = pages
        .into_iter()
        .map(|page| page.unwrap().greetings.len())
        .collect();
    assert_eq!(sizes, [3, 3, 3]);
}
