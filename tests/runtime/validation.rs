//! Documented limits are checked before sending; the limits come from the spec.

use livechat_config::*;
use livechat_config_tests::TestServer;

fn rejected(err: Error, expected_action: Action, expected_path: &str) {
    match err {
        Error::InvalidRequest { action, violations } => {
            assert_eq!(action, expected_action);
            assert!(
                violations.iter().any(|v| v.path == expected_path),
                "{violations:?}"
            );
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
}

#[tokio::test]
async fn agent_chat_limits_differ_on_create_and_update() {
    let server = TestServer::start().await;
    let client = server.client();
    let err = client
        .create_agent("smith@example.com", "Agent Smith")
        .max_chats_count(101)
        .await
        .unwrap_err();
    rejected(err, Action::CreateAgent, "max_chats_count");
    let err = client
        .update_agent("smith@example.com")
        .max_chats_count(21)
        .await
        .unwrap_err();
    rejected(err, Action::UpdateAgent, "max_chats_count");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn bot_chat_limit_and_group_name_length() {
    let server = TestServer::start().await;
    let client = server.client();
    let err = client
        .create_bot("Bot")
        .max_chats_count(501)
        .await
        .unwrap_err();
    rejected(err, Action::CreateBot, "max_chats_count");
    let err = client
        .create_group("x".repeat(181), [("smith@example.com", Priority::First)])
        .await
        .unwrap_err();
    rejected(err, Action::CreateGroup, "name");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn auto_access_conditions_need_one_of_url_domain_geolocation() {
    let server = TestServer::start().await;
    let err = server
        .client()
        .add_auto_access(Access::new([1]), Conditions::new())
        .await
        .unwrap_err();
    let Error::InvalidRequest { violations, .. } = &err else {
        panic!("expected InvalidRequest, got {err:?}")
    };
    let text = err.to_string();
    assert!(text.contains("url"), "{text}");
    assert!(text.contains("geolocation"), "{text}");
    assert_eq!(violations[0].path, "conditions");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_property_takes_a_domain_or_a_range_not_both() {
    let server = TestServer::start().await;
    let err = server
        .client()
        .register_property(
            "score",
            "client-1",
            PropertyType::Int,
            PropertyAccess::new(),
        )
        .domain([1.into(), 2.into()])
        .range(PropertyRange::new().from(1).to(3))
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("domain") && text.contains("range"), "{text}");
    assert!(matches!(
        err,
        Error::InvalidRequest {
            action: Action::RegisterProperty,
            ..
        }
    ));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn limits_are_those_of_the_spec() {
    let spec = livechat_config_tests::spec_json();
    let param = |action: &str, name: &str| {
        spec["actions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == action)
            .unwrap()["params"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        param("create_agent", "max_chats_count")["limits"]["max"],
        100
    );
    assert_eq!(
        param("update_agent", "max_chats_count")["limits"]["max"],
        20
    );
    assert_eq!(param("create_bot", "max_chats_count")["limits"]["max"], 500);
    assert_eq!(param("create_group", "name")["limits"]["max_length"], 180);
    // At the limit is fine: the request goes out.
    let server = TestServer::start().await;
    server.reply(200, serde_json::json!({"id": "smith@example.com"}));
    server
        .client()
        .create_agent("smith@example.com", "Agent Smith")
        .max_chats_count(100)
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 1);
}
