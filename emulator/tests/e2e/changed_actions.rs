//! Actions whose v3.6 reference changed since the developer preview.

use crate::{call, emulator};
use livechat_config::*;
use livechat_config_emulator::DEFAULT_CLIENT_ID;
use serde_json::json;

/// The avatar and an agent's name are set through the Accounts API now: requests that still
/// carry them change neither (unknown keys are ignored, as everywhere).
#[tokio::test]
async fn agents_take_no_avatar_and_updates_take_no_name() {
    let emu = emulator().await;
    let sent = "https://cdn.example.com/smith.png";
    let body = json!({"id": "smith@example.com", "name": "Agent Smith", "avatar": sent});
    let (status, reply) = call(&emu, "create_agent", &body.to_string()).await;
    assert_eq!(status, 200, "{reply}");
    let owner = livechat_config_emulator::OWNER_ID;
    let body = json!({"id": owner, "name": "Renamed", "avatar": sent, "job_title": "Boss"});
    let (status, reply) = call(&emu, "update_agent", &body.to_string()).await;
    assert_eq!(status, 200, "{reply}");
    let client = emu.client();
    let smith = client.get_agent("smith@example.com").await.unwrap();
    assert_ne!(smith.avatar.as_deref(), Some(sent));
    let owner = client
        .get_agent(owner)
        .fields([AgentField::JobTitle])
        .await
        .unwrap();
    assert_eq!(owner.name, "License Owner");
    assert_ne!(owner.avatar.as_deref(), Some(sent));
    assert_eq!(owner.job_title.as_deref(), Some("Boss"));
    // The chat limit is 20 on create too.
    let body = json!({"id": "jones@example.com", "name": "Jones", "max_chats_count": 21});
    let (status, reply) = call(&emu, "create_agent", &body.to_string()).await;
    assert_eq!(
        (status, &reply["error"]["type"]),
        (400, &json!("validation"))
    );
    assert_eq!(client.list_agents().await.unwrap().len(), 2);
}

#[tokio::test]
async fn bots_have_a_type_chatbot_unless_set_and_updates_take_a_job_title() {
    let emu = emulator().await;
    let client = emu.client();
    let plain = client.create_bot("Plain").await.unwrap().id;
    let custom = client.create_bot("Custom").r#type("faq").await.unwrap().id;
    assert_eq!(
        client.get_bot(&plain).await.unwrap().r#type.as_deref(),
        Some("chatbot")
    );
    assert_eq!(
        client.get_bot(&custom).await.unwrap().r#type.as_deref(),
        Some("faq")
    );
    client
        .update_bot(&plain)
        .r#type("router")
        .job_title("Router")
        .await
        .unwrap();
    let updated = client
        .get_bot(&plain)
        .fields([BotField::JobTitle])
        .await
        .unwrap();
    assert_eq!(updated.job_title.as_deref(), Some("Router"));
    let listed = client.list_bots().all(true).await.unwrap();
    let types: Vec<(&str, Option<&str>)> = listed
        .iter()
        .map(|b| (b.name.as_str(), b.r#type.as_deref()))
        .collect();
    assert!(types.contains(&("Plain", Some("router"))), "{types:?}");
    assert!(types.contains(&("Custom", Some("faq"))), "{types:?}");
}

#[tokio::test]
async fn webhook_urls_may_have_500_characters_and_the_new_actions_register() {
    let emu = emulator().await;
    let client = emu.client();
    let url = |len: usize| format!("https://example.com/{}", "a".repeat(len - 20));
    assert_eq!(url(500).len(), 500);
    for action in [WebhookAction::EventDeleted, WebhookAction::ThreadSummarySet] {
        client
            .register_webhook(
                action,
                "secret",
                url(500),
                DEFAULT_CLIENT_ID,
                WebhookType::License,
            )
            .filters(WebhookFilters::new().only_my_chats(true))
            .await
            .unwrap();
    }
    let body = |action: &str, url: String| {
        json!({"action": action, "secret_key": "secret", "url": url,
               "owner_client_id": DEFAULT_CLIENT_ID, "type": "license"})
        .to_string()
    };
    for refused in [
        body("incoming_chat", url(501)),
        body("incoming_customer", url(100)),
    ] {
        let (status, reply) = call(&emu, "register_webhook", &refused).await;
        assert_eq!(status, 400, "{refused}: {reply}");
        assert_eq!(reply["error"]["type"], "validation");
    }
    let registered = client.list_webhooks(DEFAULT_CLIENT_ID).await.unwrap();
    assert_eq!(registered.len(), 2);
    let names = client.list_webhook_names().await.unwrap();
    let actions: Vec<&str> = names.iter().map(|n| n.action.as_str()).collect();
    assert!(actions.contains(&"thread_summary_set"), "{actions:?}");
    assert!(!actions.contains(&"incoming_customer"), "{actions:?}");
}
