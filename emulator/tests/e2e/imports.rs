//! Imported states are checked as strictly as the API checks requests: a license built through
//! the API of every version restores as it was; a state breaking a rule is refused, saying
//! which, and changes nothing; ids an imported state already holds are never made again.

use crate::{post, preview};
use livechat_config::*;
use livechat_config_emulator::{Emulator, DEFAULT_CLIENT_ID, DEFAULT_TOKEN, OWNER_ID};
use serde_json::{json, Value};

async fn ok(emu: &Emulator, version: &str, action: &str, body: Value) -> Value {
    let auth = format!("Bearer {DEFAULT_TOKEN}");
    let (status, answer) = post(
        emu,
        &format!("/v{version}/configuration/action/{action}"),
        &[("authorization", &auth)],
        &body.to_string(),
    )
    .await;
    assert_eq!(status, 200, "{action}: {answer}");
    answer
}

/// A license with some of everything the API can make, in both versions.
async fn rich_license() -> Emulator {
    let emu = Emulator::builder().seed(7).start().await.unwrap();
    let agent = json!({"id": "a@example.com", "name": "A", "role": "administrator",
        "max_chats_count": 5, "job_title": "Support"});
    ok(&emu, "3.6", "create_agent", agent).await;
    let group = json!({"name": "Sales", "language_code": "pt-BR",
        "agent_priorities": {OWNER_ID: "normal", "a@example.com": "first"}});
    let sales = ok(&emu, "3.6", "create_group", group).await["id"].clone();
    let bot = json!({"name": "Helper", "groups": [{"id": sales, "priority": "first"}],
        "owner_client_id": DEFAULT_CLIENT_ID});
    let bot = ok(&emu, "3.6", "create_bot", bot).await;
    let template = json!({"name": "Template", "owner_client_id": DEFAULT_CLIENT_ID});
    ok(&emu, "3.6", "create_bot_template", template).await;
    ok(
        &emu,
        "3.6",
        "create_tag",
        json!({"name": "vip", "group_ids": [0, sales]}),
    )
    .await;
    let rule = json!({"access": {"groups": [sales]}, "description": "from example.com",
        "conditions": {"url": {"values": [{"value": "example.com"}]}}});
    ok(&emu, "3.6", "add_auto_access", rule).await;
    let webhook = json!({"action": "tag_created", "secret_key": "s3cret",
        "url": "http://127.0.0.1:9/hook", "owner_client_id": DEFAULT_CLIENT_ID,
        "type": "license", "filters": {"source_type": ["my_client"]}});
    ok(&emu, "3.6", "register_webhook", webhook).await;
    let property = json!({"name": "tier", "owner_client_id": DEFAULT_CLIENT_ID, "type": "string",
        "access": {"license": {"agent": ["read", "write"]}, "group": {"agent": ["read", "write"]}},
        "description": "Tier"});
    ok(&emu, "3.6", "register_property", property).await;
    let values = json!({"properties": {DEFAULT_CLIENT_ID: {"tier": "gold"},
        "test": {"int_property": 3}}});
    ok(&emu, "3.6", "update_license_properties", values).await;
    let values = json!({"group_id": sales, "properties": {DEFAULT_CLIENT_ID: {"tier": "silver"}}});
    ok(&emu, "3.6", "update_group_properties", values).await;
    let company = json!({"company": "Acme", "city": "Wroclaw",
        "invoice_email": "billing@example.com"});
    ok(&emu, "3.6", "update_company_details", company).await;
    let token = json!({"bot_id": bot["id"], "client_id": DEFAULT_CLIENT_ID,
        "bot_secret": bot["secret"], "organization_id": livechat_config_emulator::ORGANIZATION_ID});
    ok(&emu, "3.6", "issue_bot_token", token).await;
    let sales = sales.as_u64().unwrap();
    emu.client()
        .create_greeting(
            GreetingType::Normal,
            true,
            "Hello",
            sales,
            [GreetingRule::new(RuleCondition::And, RuleType::UrlCurrent)
                .operator(RuleOperator::Contains)
                .value("pricing")],
        )
        .await
        .unwrap();
    let v3_7 = preview(&emu);
    v3_7.create_canned_response("Hi there", ["support"], sales)
        .await
        .unwrap();
    v3_7.update_translations(sales, "pt-BR", [("Client", "Cliente")])
        .await
        .unwrap();
    v3_7.add_allowed_domain("example.com").await.unwrap();
    emu
}

async fn put_state(emu: &Emulator, state: &Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .put(format!("{}/emulator/state", emu.base_url()))
        .bearer_auth(emu.admin_token())
        .body(state.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap_or(Value::Null);
    (status, body)
}

#[tokio::test]
async fn a_license_built_through_the_api_restores_as_it_was() {
    let emu = rich_license().await;
    let exported = emu.export_state();
    emu.reset().unwrap();
    assert_eq!(put_state(&emu, &exported).await, (200, json!({})));
    assert_eq!(emu.export_state(), exported);
}

#[tokio::test]
async fn a_state_breaking_a_rule_is_refused_saying_which_and_changes_nothing() {
    let emu = rich_license().await;
    let before = emu.export_state();
    let sales = before["groups"]
        .as_object()
        .unwrap()
        .keys()
        .find(|k| *k != "0")
        .unwrap()
        .clone();
    let canned = before["canned_responses"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .clone();
    type Break = Box<dyn Fn(&mut Value)>;
    let cases: Vec<(Break, &str)> = vec![
        (
            Box::new(|s| s["agents"]["a@example.com"]["role"] = json!("owner")),
            "2 agents have the role `owner`",
        ),
        (
            Box::new(|s| s["agents"][OWNER_ID]["role"] = json!("administrator")),
            "no agent has the role `owner`",
        ),
        (
            Box::new(|s| s["agents"][""] = json!({"id": "", "name": "Nobody"})),
            "agent ``",
        ),
        (
            Box::new(|s| s["agents"]["a@example.com"]["max_chats_count"] = json!(100)),
            "`max_chats_count`",
        ),
        (
            Box::new(move |s| s["groups"][&sales]["name"] = json!("x".repeat(181))),
            "`name`",
        ),
        (
            Box::new(|s| s["groups"]["0"]["name"] = json!("   ")),
            "blank",
        ),
        (
            Box::new(|s| s["groups"]["0"]["language_code"] = json!("e".repeat(50))),
            "language_code",
        ),
        (
            Box::new(|s| s["tags"][0]["group_ids"] = json!([42])),
            "names group 42",
        ),
        (
            Box::new(|s| {
                let tags = s["tags"].as_array_mut().unwrap();
                tags.push(json!({"name": "VIP", "group_ids": []}));
            }),
            "tag `vip` appears twice",
        ),
        (
            Box::new(|s| s["group_values"]["42"] = json!({"test": {"int_property": 1}})),
            "names group 42",
        ),
        (
            Box::new(move |s| s["canned_responses"][&canned]["group_id"] = json!(42)),
            "names group 42",
        ),
        (
            Box::new(|s| s["translations"]["42"] = json!({"en": {"Client": "Customer"}})),
            "names group 42",
        ),
        (
            Box::new(|s| s["webhooks"][0]["url"] = json!("ftp://files.example.com/")),
            "`url`",
        ),
        (
            Box::new(|s| s["license_values"]["test"]["int_property"] = json!("three")),
            "property `test.int_property`",
        ),
        (
            Box::new(|s| s["surprise"] = json!(true)),
            "unknown field `surprise`",
        ),
    ];
    for (breaks, why) in cases {
        let mut state = before.clone();
        breaks(&mut state);
        let (status, body) = put_state(&emu, &state).await;
        assert_eq!(status, 400, "{why}: {body}");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(why), "expected `{why}` in: {message}");
        assert_eq!(emu.export_state(), before, "{why}");
        let refused = emu.import_state(state).unwrap_err().to_string();
        assert!(refused.contains(why), "{refused}");
    }
    // The secret that broke a rule is not repeated in the refusal.
    let mut state = before.clone();
    state["webhooks"][0]["url"] = json!("ftp://hunter2-host/");
    let (_, body) = put_state(&emu, &state).await;
    assert!(!body.to_string().contains("s3cret"), "{body}");
}

#[tokio::test]
async fn ids_an_imported_state_holds_are_never_made_again() {
    let emu = Emulator::builder().seed(3).start().await.unwrap();
    let client = emu.client();
    let earlier = emu.export_state();
    let first = client.create_bot("First").await.unwrap();
    let hook = json!({"action": "tag_created", "secret_key": "k", "url": "http://127.0.0.1:9/h",
        "owner_client_id": DEFAULT_CLIENT_ID, "type": "license"});
    let webhook = ok(&emu, "3.6", "register_webhook", hook.clone()).await;
    // The id source rewound to before both were made.
    let mut rewound = emu.export_state();
    rewound["ids"] = earlier["ids"].clone();
    emu.import_state(rewound).unwrap();
    let second = client.create_bot("Second").await.unwrap();
    assert_ne!(second.id, first.id);
    assert_eq!(client.get_bot(&first.id).await.unwrap().name, "First");
    assert_eq!(client.list_bots().await.unwrap().len(), 2);
    let again = ok(&emu, "3.6", "register_webhook", hook).await;
    assert_ne!(again["id"], webhook["id"]);
    assert_eq!(
        client.list_webhooks(DEFAULT_CLIENT_ID).await.unwrap().len(),
        2
    );
}
