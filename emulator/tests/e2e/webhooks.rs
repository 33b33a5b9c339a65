use crate::{call, emulator, emulator_owning, kind};
use livechat_config::*;
use livechat_config_emulator::{
    DEFAULT_CLIENT_ID, DEFAULT_PAT, DEFAULT_PAT_ACCOUNT, PER_ACTION_LIMIT,
};

#[tokio::test]
async fn register_list_unregister_by_owner() {
    let emu = emulator_owning(&["app-1", "app-2"]).await;
    let client = emu.client();
    let registered = client
        .register_webhook(
            WebhookAction::ChatDeactivated,
            "s3cret",
            "http://myservice.com/webhooks",
            "app-1",
            WebhookType::License,
        )
        .description("Test webhook")
        .filters(WebhookFilters::new().chat_presence(ChatPresenceFilter::new().my_bots(true)))
        .additional_data([WebhookAdditionalData::ChatProperties])
        .await
        .unwrap();
    client
        .register_webhook(
            WebhookAction::AgentCreated,
            "k",
            "http://other.example/",
            "app-2",
            WebhookType::Bot,
        )
        .await
        .unwrap();
    let listed = client.list_webhooks("app-1").await.unwrap();
    assert_eq!(listed.len(), 1);
    let hook = &listed[0];
    assert_eq!(hook.id, registered.id);
    assert_eq!(hook.url, "http://myservice.com/webhooks");
    assert_eq!(hook.action, WebhookAction::ChatDeactivated);
    assert_eq!(hook.r#type, WebhookType::License);
    assert_eq!(hook.description.as_deref(), Some("Test webhook"));
    assert_eq!(
        hook.filters
            .as_ref()
            .unwrap()
            .chat_presence
            .as_ref()
            .unwrap()
            .my_bots,
        Some(true)
    );
    assert_eq!(hook.secret_key, None, "secrets are not listed");

    assert_eq!(
        kind(client.unregister_webhook(&registered.id, "app-2").await),
        ErrorKind::NotFound
    );
    client
        .unregister_webhook(&registered.id, "app-1")
        .await
        .unwrap();
    assert!(client.list_webhooks("app-1").await.unwrap().is_empty());
    assert_eq!(client.list_webhooks("app-2").await.unwrap().len(), 1);
}

#[tokio::test]
async fn three_per_action_per_client_id() {
    let emu = emulator_owning(&["app", "another-app"]).await;
    let client = emu.client();
    let register = |action: WebhookAction, owner: &str| {
        client.register_webhook(
            action,
            "k",
            "http://example.com/",
            owner.to_string(),
            WebhookType::License,
        )
    };
    let mut ids = Vec::new();
    for _ in 0..PER_ACTION_LIMIT {
        ids.push(
            register(WebhookAction::IncomingChat, "app")
                .await
                .unwrap()
                .id,
        );
    }
    assert_eq!(
        kind(register(WebhookAction::IncomingChat, "app").await),
        ErrorKind::LimitReached
    );
    register(WebhookAction::IncomingEvent, "app").await.unwrap();
    register(WebhookAction::IncomingChat, "another-app")
        .await
        .unwrap();
    client.unregister_webhook(&ids[0], "app").await.unwrap();
    register(WebhookAction::IncomingChat, "app").await.unwrap();
}

#[tokio::test]
async fn filters_must_be_available_for_the_action() {
    let emu = emulator_owning(&["app"]).await;
    let client = emu.client();
    let author = WebhookFilters::new().author_type(AuthorType::Customer);
    client
        .register_webhook(
            WebhookAction::IncomingEvent,
            "k",
            "http://e.com/",
            "app",
            WebhookType::License,
        )
        .filters(author.clone())
        .await
        .unwrap();
    // The sdk refuses to send these; the emulator refuses them from any other client.
    let rejected = client
        .register_webhook(
            WebhookAction::IncomingChat,
            "k",
            "http://e.com/",
            "app",
            WebhookType::License,
        )
        .filters(author)
        .await;
    assert!(
        matches!(rejected, Err(Error::InvalidRequest { .. })),
        "{rejected:?}"
    );
    let (status, reply) = call(
        &emu,
        "register_webhook",
        r#"{"action": "incoming_chat", "secret_key": "k", "url": "http://e.com/", "owner_client_id": "app", "type": "license", "filters": {"author_type": "customer"}}"#,
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(reply["error"]["type"], "validation");
    let (status, reply) = call(
        &emu,
        "register_webhook",
        r#"{"action": "agent_deleted", "secret_key": "k", "url": "http://e.com/", "owner_client_id": "app", "type": "license", "additional_data": ["chat_properties"]}"#,
    )
    .await;
    assert_eq!(status, 400, "{reply}");
    assert_eq!(reply["error"]["type"], "validation");
}

#[tokio::test]
async fn license_webhooks_state_per_owner() {
    let emu = emulator().await;
    let client = emu.client();
    assert!(
        client
            .get_license_webhooks_state()
            .await
            .unwrap()
            .license_webhooks_enabled
    );
    client.disable_license_webhooks().await.unwrap();
    assert!(
        !client
            .get_license_webhooks_state()
            .await
            .unwrap()
            .license_webhooks_enabled
    );
    let explicit = client
        .get_license_webhooks_state()
        .owner_client_id(DEFAULT_CLIENT_ID)
        .await
        .unwrap();
    assert!(
        !explicit.license_webhooks_enabled,
        "the token's Client ID is the owner"
    );
    assert!(
        client
            .get_license_webhooks_state()
            .owner_client_id("other")
            .await
            .unwrap()
            .license_webhooks_enabled
    );
    client.enable_license_webhooks().await.unwrap();
    assert!(
        client
            .get_license_webhooks_state()
            .await
            .unwrap()
            .license_webhooks_enabled
    );

    let pat = emu.client_with(Credentials::pat(DEFAULT_PAT_ACCOUNT, DEFAULT_PAT));
    assert_eq!(
        kind(pat.disable_license_webhooks().await),
        ErrorKind::Validation,
        "PATs must name the owner"
    );
    pat.disable_license_webhooks()
        .owner_client_id("other")
        .await
        .unwrap();
    assert!(
        !client
            .get_license_webhooks_state()
            .owner_client_id("other")
            .await
            .unwrap()
            .license_webhooks_enabled
    );
}

#[tokio::test]
async fn webhook_names_need_no_authorization() {
    let emu = emulator().await;
    let anonymous = emu.client_with(Credentials::bearer("dal:not-a-known-token"));
    let names = anonymous.list_webhook_names().version("3.6").await.unwrap();
    assert_eq!(names.len(), WebhookAction::KNOWN.len());
    let deleted = names
        .iter()
        .find(|n| n.action == WebhookAction::AgentDeleted)
        .unwrap();
    assert_eq!(deleted.additional_data, None);
    let event = names
        .iter()
        .find(|n| n.action == WebhookAction::IncomingEvent)
        .unwrap();
    assert!(event
        .filters
        .as_ref()
        .unwrap()
        .contains(&"author_type".to_string()));
    assert_eq!(event.additional_data.as_ref().unwrap().len(), 2);
    assert_eq!(
        kind(anonymous.list_webhook_names().version("2.0").await),
        ErrorKind::UnsupportedVersion
    );
}

#[tokio::test]
async fn webhook_owners_belong_to_the_organization() {
    let emu = emulator().await;
    let client = emu.client();
    assert_eq!(
        kind(
            client
                .register_webhook(
                    WebhookAction::IncomingChat,
                    "k",
                    "http://example.com/",
                    "elsewhere",
                    WebhookType::License,
                )
                .await
        ),
        ErrorKind::Validation
    );
    assert_eq!(
        kind(client.list_webhooks("elsewhere").await),
        ErrorKind::Validation
    );
    assert_eq!(
        kind(client.unregister_webhook("any", "elsewhere").await),
        ErrorKind::Validation
    );
    assert_eq!(emu.state_json()["webhooks"], serde_json::json!([]));
    client
        .register_webhook(
            WebhookAction::IncomingChat,
            "k",
            "http://example.com/",
            DEFAULT_CLIENT_ID,
            WebhookType::License,
        )
        .await
        .unwrap();
}
