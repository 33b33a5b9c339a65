use livechat_config::validate::Violation;
use livechat_config::*;
use livechat_config_tests::{example_response, TestServer};
use serde_json::json;

#[tokio::test]
async fn register_webhook_sends_the_reference_example_and_decodes_the_id() {
    let server = TestServer::start().await;
    server.reply(200, example_response("register_webhook"));
    let registered = server
        .client()
        .register_webhook(
            WebhookAction::ChatDeactivated,
            "laudla991lamda0pnoaa0",
            "http://myservice.com/webhooks",
            "asXdesldiAJSq9padj",
            WebhookType::License,
        )
        .description("Test webhook")
        .await
        .unwrap();
    assert_eq!(registered.id, "pqi8oasdjahuakndw9nsad9na");
    server.assert_one(
        "register_webhook",
        json!({
            "url": "http://myservice.com/webhooks",
            "description": "Test webhook",
            "action": "chat_deactivated",
            "secret_key": "laudla991lamda0pnoaa0",
            "owner_client_id": "asXdesldiAJSq9padj",
            "type": "license"
        }),
    );
}

#[tokio::test]
async fn register_webhook_sends_every_filter_and_additional_data() {
    let server = TestServer::start().await;
    server.reply(200, example_response("register_webhook"));
    let registered = server
        .client()
        .register_webhook(
            WebhookAction::IncomingEvent,
            "laudla991lamda0pnoaa0",
            "http://myservice.com/webhooks",
            "asXdesldiAJSq9padj",
            WebhookType::Bot,
        )
        .description("Customer messages")
        .filters(
            WebhookFilters::new()
                .author_type(AuthorType::Customer)
                .only_my_chats(true)
                .chat_presence(
                    ChatPresenceFilter::new()
                        .user_ids(UserIdsFilter::new().values(["johndoe@mail.com"]))
                        .my_bots(true),
                )
                .source_type([SourceType::MyClient, SourceType::System]),
        )
        .additional_data([
            WebhookAdditionalData::ChatProperties,
            WebhookAdditionalData::ChatPresenceUserIds,
        ])
        .await
        .unwrap();
    assert_eq!(registered.id, "pqi8oasdjahuakndw9nsad9na");
    server.assert_one(
        "register_webhook",
        json!({
            "action": "incoming_event",
            "secret_key": "laudla991lamda0pnoaa0",
            "url": "http://myservice.com/webhooks",
            "owner_client_id": "asXdesldiAJSq9padj",
            "type": "bot",
            "description": "Customer messages",
            "filters": {
                "author_type": "customer",
                "only_my_chats": true,
                "chat_presence": {
                    "user_ids": {"values": ["johndoe@mail.com"]},
                    "my_bots": true
                },
                "source_type": ["my_client", "system"]
            },
            "additional_data": ["chat_properties", "chat_presence_user_ids"]
        }),
    );
}

#[tokio::test]
async fn register_webhook_sends_exclude_values_and_other_clients() {
    let server = TestServer::start().await;
    server.reply(200, json!({"id": "b7eff798f8df7f8s6f98sd7f"}));
    let registered = server
        .client()
        .register_webhook(
            WebhookAction::IncomingChat,
            "secret",
            "https://example.com/hook",
            "asXdesldiAJSq9padj",
            WebhookType::License,
        )
        .filters(
            WebhookFilters::new()
                .chat_presence(ChatPresenceFilter::new().user_ids(
                    UserIdsFilter::new().exclude_values(["bot@example.com", "smith@example.com"]),
                ))
                .source_type([SourceType::OtherClients]),
        )
        .await
        .unwrap();
    assert_eq!(registered.id, "b7eff798f8df7f8s6f98sd7f");
    server.assert_one(
        "register_webhook",
        json!({
            "action": "incoming_chat",
            "secret_key": "secret",
            "url": "https://example.com/hook",
            "owner_client_id": "asXdesldiAJSq9padj",
            "type": "license",
            "filters": {
                "chat_presence": {
                    "user_ids": {"exclude_values": ["bot@example.com", "smith@example.com"]}
                },
                "source_type": ["other_clients"]
            }
        }),
    );
}

#[tokio::test]
async fn register_webhook_with_both_values_and_exclude_values_is_rejected_before_sending() {
    let server = TestServer::start().await;
    server.reply(200, example_response("register_webhook"));
    let result = server
        .client()
        .register_webhook(
            WebhookAction::IncomingChat,
            "laudla991lamda0pnoaa0",
            "http://myservice.com/webhooks",
            "asXdesldiAJSq9padj",
            WebhookType::License,
        )
        .filters(
            WebhookFilters::new().chat_presence(
                ChatPresenceFilter::new().user_ids(
                    UserIdsFilter::new()
                        .values(["johndoe@mail.com"])
                        .exclude_values(["smith@example.com"]),
                ),
            ),
        )
        .await;
    match result {
        Err(Error::InvalidRequest { action, violations }) => {
            assert_eq!(action, Action::RegisterWebhook);
            assert_eq!(
                violations,
                vec![Violation::new(
                    "filters.chat_presence.user_ids",
                    "takes only one of `values`, `exclude_values`"
                )]
            );
        }
        other => panic!("expected Error::InvalidRequest, got {other:?}"),
    }
    assert!(
        server.requests().is_empty(),
        "a rejected request reached the server: {:#?}",
        server.requests()
    );
}

#[test]
fn incoming_event_lists_author_type_among_its_available_filters() {
    assert_eq!(
        WebhookAction::IncomingEvent.available_filters(),
        [
            "chat_presence",
            "author_type",
            "only_my_chats",
            "source_type"
        ]
    );
    assert_eq!(
        WebhookAction::EventUpdated.available_filters(),
        [
            "chat_presence",
            "author_type",
            "only_my_chats",
            "source_type"
        ]
    );
    assert_eq!(
        WebhookAction::IncomingChat.available_filters(),
        ["chat_presence", "only_my_chats", "source_type"]
    );
    assert_eq!(
        WebhookAction::RoutingStatusSet.available_filters(),
        ["agent_ids", "source_type"]
    );
    assert_eq!(
        WebhookAction::ThreadSummarySet.available_filters(),
        ["chat_presence", "only_my_chats", "source_type"]
    );
}

#[tokio::test]
async fn list_webhooks_decodes_the_filters() {
    let server = TestServer::start().await;
    server.reply(200, example_response("list_webhooks"));
    let webhooks = server
        .client()
        .list_webhooks("0805e283233042b37f460ed8fbf22160")
        .await
        .unwrap();
    server.assert_one(
        "list_webhooks",
        json!({"owner_client_id": "0805e283233042b37f460ed8fbf22160"}),
    );

    assert_eq!(webhooks.len(), 1);
    let webhook = &webhooks[0];
    assert_eq!(webhook.id, "pqi8oasdjahuakndw9nsad9na");
    assert_eq!(webhook.url, "http://myservice.com/webhooks");
    assert_eq!(webhook.description.as_deref(), Some("Test webhook"));
    assert_eq!(webhook.action, WebhookAction::ChatDeactivated);
    assert_eq!(webhook.owner_client_id, "asXdesldiAJSq9padj");
    assert_eq!(webhook.r#type, WebhookType::License);
    assert_eq!(webhook.additional_data, None);
    assert_eq!(webhook.secret_key, None);

    let filters = webhook.filters.as_ref().expect("filters");
    assert_eq!(filters.author_type, None);
    assert_eq!(filters.only_my_chats, None);
    assert_eq!(filters.source_type, None);
    let presence = filters
        .chat_presence
        .as_ref()
        .expect("filters.chat_presence");
    assert_eq!(presence.my_bots, Some(true));
    let user_ids = presence.user_ids.as_ref().expect("chat_presence.user_ids");
    assert_eq!(user_ids.values, Some(vec!["johndoe@mail.com".to_string()]));
    assert_eq!(user_ids.exclude_values, None);
}

#[tokio::test]
async fn unregister_webhook_sends_id_and_owner() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    server
        .client()
        .unregister_webhook(
            "pqi8oasdjahuakndw9nsad9na",
            "0805e283233042b37f460ed8fbf22160",
        )
        .await
        .unwrap();
    server.assert_one(
        "unregister_webhook",
        json!({
            "id": "pqi8oasdjahuakndw9nsad9na",
            "owner_client_id": "0805e283233042b37f460ed8fbf22160"
        }),
    );
}

#[tokio::test]
async fn list_webhook_names_sends_the_version_and_decodes_every_entry() {
    let server = TestServer::start().await;
    server.reply(200, example_response("list_webhook_names"));
    let names = server
        .client()
        .list_webhook_names()
        .version("3.6")
        .await
        .unwrap();
    server.assert_one("list_webhook_names", json!({"version": "3.6"}));

    assert_eq!(names.len(), 2);
    assert_eq!(names[0].action, WebhookAction::AgentDeleted);
    assert_eq!(names[0].filters, Some(vec!["agent_ids".to_string()]));
    assert_eq!(names[0].additional_data, None);

    assert_eq!(names[1].action, WebhookAction::ChatAccessUpdated);
    assert_eq!(
        names[1].filters,
        Some(vec![
            "chat_presence".to_string(),
            "only_my_chats".to_string()
        ])
    );
    assert_eq!(
        names[1].additional_data,
        Some(vec![
            WebhookAdditionalData::ChatProperties,
            WebhookAdditionalData::ChatPresenceUserIds
        ])
    );
}

#[tokio::test]
async fn list_webhook_names_without_a_version_sends_an_empty_object() {
    let server = TestServer::start().await;
    server.reply(200, json!([]));
    let names = server.client().list_webhook_names().await.unwrap();
    server.assert_one("list_webhook_names", json!({}));
    assert!(names.is_empty());
}

#[tokio::test]
async fn enable_license_webhooks_sends_the_reference_example() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    server.client().enable_license_webhooks().await.unwrap();
    server.assert_one("enable_license_webhooks", json!({}));
}

#[tokio::test]
async fn enable_license_webhooks_sends_the_owner_client_id() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    server
        .client()
        .enable_license_webhooks()
        .owner_client_id("0805e283233042b37f460ed8fbf22160")
        .await
        .unwrap();
    server.assert_one(
        "enable_license_webhooks",
        json!({"owner_client_id": "0805e283233042b37f460ed8fbf22160"}),
    );
}

#[tokio::test]
async fn disable_license_webhooks_sends_the_reference_example() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    server.client().disable_license_webhooks().await.unwrap();
    server.assert_one("disable_license_webhooks", json!({}));
}

#[tokio::test]
async fn disable_license_webhooks_sends_the_owner_client_id() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    server
        .client()
        .disable_license_webhooks()
        .owner_client_id("0805e283233042b37f460ed8fbf22160")
        .await
        .unwrap();
    server.assert_one(
        "disable_license_webhooks",
        json!({"owner_client_id": "0805e283233042b37f460ed8fbf22160"}),
    );
}

#[tokio::test]
async fn get_license_webhooks_state_decodes_the_state() {
    let server = TestServer::start().await;
    server.reply(200, example_response("get_license_webhooks_state"));
    let state = server.client().get_license_webhooks_state().await.unwrap();
    server.assert_one("get_license_webhooks_state", json!({}));
    assert!(state.license_webhooks_enabled);
}

#[tokio::test]
async fn get_license_webhooks_state_sends_the_owner_client_id_and_decodes_false() {
    let server = TestServer::start().await;
    server.reply(200, json!({"license_webhooks_enabled": false}));
    let state = server
        .client()
        .get_license_webhooks_state()
        .owner_client_id("0805e283233042b37f460ed8fbf22160")
        .await
        .unwrap();
    server.assert_one(
        "get_license_webhooks_state",
        json!({"owner_client_id": "0805e283233042b37f460ed8fbf22160"}),
    );
    assert!(!state.license_webhooks_enabled);
}
