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
async fn agent_chat_limit_is_20_on_create_and_update() {
    let server = TestServer::start().await;
    let client = server.client();
    let err = client
        .create_agent("smith@example.com", "Agent Smith")
        .max_chats_count(21)
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
        Error::InvalidRequest { ref action, .. } if *action == Action::RegisterProperty
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
        20
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
        .max_chats_count(20)
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_request_cannot_make_an_agent_owner() {
    let server = TestServer::start().await;
    let client = server.client();
    let err = client
        .update_agent("smith@example.com")
        .role(Role::Owner)
        .await
        .unwrap_err();
    rejected(err, Action::UpdateAgent, "role");
    let err = client
        .create_agent("smith@example.com", "Agent Smith")
        .role(Role::Owner)
        .await
        .unwrap_err();
    rejected(err, Action::CreateAgent, "role");
    assert!(server.requests().is_empty());
    // The other documented roles go out.
    server.reply(200, serde_json::json!({}));
    client
        .update_agent("smith@example.com")
        .role(Role::Viceowner)
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn swapped_positional_arguments_are_refused() {
    let server = TestServer::start().await;
    let client = server.client();
    let err = client
        .create_agent("Agent Smith", "smith@example.com")
        .await
        .unwrap_err();
    rejected(err, Action::CreateAgent, "id");
    let err = client
        .register_webhook(
            WebhookAction::IncomingChat,
            "https://example.com/hooks",
            "laudla991lamda0pnoaa0",
            "client-1",
            WebhookType::License,
        )
        .await
        .unwrap_err();
    let text = err.to_string();
    rejected(err, Action::RegisterWebhook, "url");
    assert!(
        !text.contains("laudla991lamda0pnoaa0"),
        "the key is not repeated: {text}"
    );
    let err = client.reactivate_email("Agent Smith").await.unwrap_err();
    rejected(err, Action::ReactivateEmail, "agent_id");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn urls_counts_ids_and_names_are_checked() {
    let server = TestServer::start().await;
    let client = server.client();
    let err = client
        .create_bot("Bot")
        .avatar("cdn.example.com/bot.png")
        .await
        .unwrap_err();
    rejected(err, Action::CreateBot, "avatar");
    let err = client
        .update_agent("smith@example.com")
        .max_chats_count(-1)
        .await
        .unwrap_err();
    rejected(err, Action::UpdateAgent, "max_chats_count");
    let err = client.create_tag("").await.unwrap_err();
    rejected(err, Action::CreateTag, "name");
    let err = client.delete_bot("").await.unwrap_err();
    rejected(err, Action::DeleteBot, "id");
    let err = client
        .register_webhook(
            WebhookAction::IncomingChat,
            "laudla991lamda0pnoaa0",
            "ftp://example.com/hooks",
            "client-1",
            WebhookType::License,
        )
        .await
        .unwrap_err();
    rejected(err, Action::RegisterWebhook, "url");
    assert!(server.requests().is_empty());

    server.reply(200, serde_json::json!({"id": "b1", "secret": "s"}));
    client
        .create_bot("Bot")
        .avatar("https://example.com/bot.png")
        .max_chats_count(0)
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_schedule_needs_a_timezone_but_a_timezone_may_come_alone() {
    let server = TestServer::start().await;
    let client = server.client();
    let monday = ScheduleEntry::new(Day::Monday, true, "08:00", "16:00");
    let err = client
        .update_agent("smith@example.com")
        .work_scheduler(WorkScheduler::new([monday.clone()]))
        .await
        .unwrap_err();
    rejected(err, Action::UpdateAgent, "work_scheduler.timezone");
    let err = client
        .create_bot("Bot")
        .work_scheduler(WorkScheduler::new([monday.clone()]))
        .await
        .unwrap_err();
    rejected(err, Action::CreateBot, "work_scheduler.timezone");
    assert!(server.requests().is_empty());

    server.reply(200, serde_json::json!({"id": "b1", "secret": "s"}));
    server.reply(200, serde_json::json!({}));
    client
        .create_bot("Bot")
        .work_scheduler(WorkScheduler::new([]).timezone("Europe/Berlin"))
        .await
        .unwrap();
    client
        .update_agent("smith@example.com")
        .work_scheduler(WorkScheduler::new([monday]).timezone("Europe/Warsaw"))
        .await
        .unwrap();
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn formats_accept_what_the_reference_shows_and_refuse_the_rest() {
    use livechat_config::validate::{Format, Validator};
    let check = |format: Format, text: &str| {
        let mut v = Validator::new();
        v.format("f", &text.to_string(), format);
        v.into_violations().is_empty()
    };
    for ok in ["smith@example.com", "a.b-c@mail.example.co.uk"] {
        assert!(check(Format::Email, ok), "{ok}");
    }
    for bad in [
        "Agent Smith",
        "",
        "smith",
        "@example.com",
        "smith@",
        "smith@localhost",
        "a b@example.com",
        "a@b@example.com",
    ] {
        assert!(!check(Format::Email, bad), "{bad}");
    }
    for ok in ["https://example.com/hooks", "http://127.0.0.1:8080/x?y=1"] {
        assert!(check(Format::Url, ok), "{ok}");
    }
    for bad in [
        "www.text.com",
        "ftp://example.com",
        "https://",
        "laudla991lamda0pnoaa0",
        "https://exa mple.com",
    ] {
        assert!(!check(Format::Url, bad), "{bad}");
    }
    for ok in [
        "2017-10-12T13:56:16Z",
        "2017-11-13T15:37:36.000000+01:00",
        "2022-08-23T14:31:21.000000Z",
    ] {
        assert!(check(Format::DateTime, ok), "{ok}");
    }
    for bad in [
        "2017-10-12",
        "2017-13-12T13:56:16Z",
        "2017-10-12T25:56:16Z",
        "2017-10-12T13:56:16",
        "2017-10-12T13:56:16.Z",
        "yesterday",
    ] {
        assert!(!check(Format::DateTime, bad), "{bad}");
    }
}

#[tokio::test]
async fn an_undocumented_enum_value_is_refused_before_sending() {
    let server = TestServer::start().await;
    let client = server.client();
    let refused = |err: Error| match err {
        Error::InvalidRequest { violations, .. } => violations,
        other => panic!("expected InvalidRequest, got {other:?}"),
    };
    // A typo: the list names only what a request may carry (`owner` is for answers).
    let err = client
        .create_agent("smith@example.com", "Agent Smith")
        .role(Role::from("adminstrator"))
        .await
        .unwrap_err();
    assert_eq!(
        refused(err),
        [Violation::new(
            "role",
            "`adminstrator` is not a documented value; expected one of `viceowner`, \
             `administrator`, `normal`"
        )]
    );
    let err = client
        .create_agent("smith@example.com", "Agent Smith")
        .role(Role::Owner)
        .await
        .unwrap_err();
    assert_eq!(
        refused(err),
        [Violation::new(
            "role",
            "`owner` is not allowed in a request; expected one of `viceowner`, `administrator`, \
             `normal`"
        )]
    );
    // An enum every value of which a request may carry.
    let err = client
        .create_agent("smith@example.com", "Agent Smith")
        .login_status(LoginStatus::from("busy"))
        .await
        .unwrap_err();
    assert_eq!(
        refused(err),
        [Violation::new(
            "login_status",
            "unknown LoginStatus value `busy`; expected one of `accepting chats`, `not accepting \
             chats`"
        )]
    );
    assert_eq!(server.requests().len(), 0, "nothing was sent");
}
