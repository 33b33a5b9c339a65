//! What the sdk refuses before sending, the emulator refuses too when a raw HTTP client sends it:
//! the reference's request values, formats, required lists and non-empty ids and names.

use crate::{call, emulator, emulator_owning};
use livechat_config::*;
use livechat_config_emulator::{Emulator, DEFAULT_CLIENT_ID, OWNER_ID};

/// Sends `body` to `action` and expects a `validation` error naming `mentions`.
async fn refused(emu: &Emulator, action: &str, body: &str, mentions: &str) -> String {
    let (status, reply) = call(emu, action, body).await;
    assert_eq!(status, 400, "{action} {body}: {reply}");
    assert_eq!(reply["error"]["type"], "validation", "{action} {body}");
    let message = reply["error"]["message"].as_str().unwrap().to_string();
    assert!(message.contains(mentions), "{action} {body}: {message}");
    message
}

#[tokio::test]
async fn a_request_cannot_make_an_agent_owner() {
    let emu = emulator().await;
    let client = emu.client();
    client
        .create_agent("next@example.com", "Next")
        .await
        .unwrap();
    refused(
        &emu,
        "update_agent",
        r#"{"id": "next@example.com", "role": "owner"}"#,
        "role",
    )
    .await;
    refused(
        &emu,
        "create_agent",
        r#"{"id": "boss@example.com", "name": "Boss", "role": "owner"}"#,
        "role",
    )
    .await;
    assert_eq!(
        client.get_agent(OWNER_ID).await.unwrap().role,
        Some(Role::Owner)
    );
    assert_eq!(
        client.get_agent("next@example.com").await.unwrap().role,
        Some(Role::Normal)
    );
    assert_eq!(client.list_agents().await.unwrap().len(), 2, "no boss");
}

#[tokio::test]
async fn swapped_arguments_and_bad_formats_are_refused() {
    // `client-1` must belong to the organization, so only the bad URL can refuse its webhook.
    let emu = emulator_owning(&["client-1"]).await;
    let client = emu.client();
    refused(
        &emu,
        "create_agent",
        r#"{"id": "Agent Smith", "name": "smith@example.com"}"#,
        "`id`: must be an e-mail address",
    )
    .await;
    let message = refused(
        &emu,
        "register_webhook",
        r#"{"action": "incoming_chat", "secret_key": "https://example.com/hooks",
            "url": "laudla991lamda0pnoaa0", "owner_client_id": "client-1", "type": "license"}"#,
        "`url`: must be an absolute http(s) URL",
    )
    .await;
    assert!(!message.contains("laudla991lamda0pnoaa0"), "{message}");
    refused(
        &emu,
        "create_bot",
        r#"{"name": "Bot", "avatar": "cdn.example.com/bot.png"}"#,
        "avatar",
    )
    .await;
    refused(
        &emu,
        "update_agent",
        r#"{"id": "smith@example.com", "max_chats_count": -1}"#,
        "max_chats_count",
    )
    .await;
    refused(
        &emu,
        "reactivate_email",
        r#"{"agent_id": "smith"}"#,
        "agent_id",
    )
    .await;
    assert_eq!(client.list_agents().await.unwrap().len(), 1);
    assert!(client.list_bots().await.unwrap().is_empty());
    assert!(client
        .list_webhooks(DEFAULT_CLIENT_ID)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn empty_ids_and_names_are_refused() {
    let emu = emulator().await;
    let client = emu.client();
    refused(
        &emu,
        "create_group",
        r#"{"name": "", "agent_priorities": {}}"#,
        "name",
    )
    .await;
    refused(&emu, "create_tag", r#"{"name": ""}"#, "name").await;
    refused(&emu, "create_bot", r#"{"name": ""}"#, "name").await;
    refused(&emu, "delete_bot", r#"{"id": ""}"#, "id").await;
    refused(&emu, "get_agent", r#"{"id": ""}"#, "id").await;
    refused(
        &emu,
        "list_webhooks",
        r#"{"owner_client_id": ""}"#,
        "owner_client_id",
    )
    .await;
    assert_eq!(
        client.list_groups().await.unwrap().len(),
        1,
        "only the default group"
    );
    assert!(client.list_tags().await.unwrap().is_empty());
    assert!(client.list_bots().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_schedule_needs_a_timezone_and_required_lists_must_be_sent() {
    let emu = emulator().await;
    let client = emu.client();
    refused(
        &emu,
        "create_agent",
        r#"{"id": "a@example.com", "name": "A", "work_scheduler":
            {"schedule": [{"day": "monday", "enabled": true, "start": "08:00", "end": "16:00"}]}}"#,
        "`work_scheduler.timezone`: is required when `schedule` is not empty",
    )
    .await;
    refused(
        &emu,
        "create_agent",
        r#"{"id": "a@example.com", "name": "A", "work_scheduler": {"timezone": "Europe/Warsaw"}}"#,
        "missing field `schedule`",
    )
    .await;
    refused(
        &emu,
        "add_auto_access",
        r#"{"access": {}, "conditions": {"domain": {"values": [{"value": "example.com"}]}}}"#,
        "`access`: missing field `groups`",
    )
    .await;
    refused(
        &emu,
        "add_auto_access",
        r#"{"access": {"groups": [0]}, "conditions": {"geolocation": {}}}"#,
        "`conditions.geolocation`: missing field `values`",
    )
    .await;
    assert_eq!(client.list_agents().await.unwrap().len(), 1);
    assert!(client.list_auto_accesses().await.unwrap().is_empty());

    // A bot's table lists the timezone alone.
    for scheduler in [
        r#"{"timezone": "Europe/Berlin", "schedule": []}"#,
        r#"{"timezone": "Europe/Berlin"}"#,
    ] {
        let body = format!(r#"{{"name": "Bot", "work_scheduler": {scheduler}}}"#);
        let (status, reply) = call(&emu, "create_bot", &body).await;
        assert_eq!(status, 200, "{body}: {reply}");
        let id = reply["id"].as_str().unwrap();
        let body = format!(r#"{{"id": "{id}", "work_scheduler": {scheduler}}}"#);
        let (status, reply) = call(&emu, "update_bot", &body).await;
        assert_eq!(status, 200, "{body}: {reply}");
    }
    assert_eq!(client.list_bots().await.unwrap().len(), 2);
}

#[tokio::test]
async fn batch_items_are_refused_one_by_one() {
    let emu = emulator().await;
    let (status, reply) = call(
        &emu,
        "batch_create_agents",
        r#"{"requests": [{"id": "a@example.com", "name": "A"}, {"id": "B", "name": "b@example.com"},
            {"id": "c@example.com", "name": "C", "role": "owner"}]}"#,
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    let responses = reply["responses"].as_array().unwrap();
    assert_eq!(responses[0]["id"], "a@example.com");
    for item in &responses[1..] {
        assert_eq!(item["error"]["type"], "validation", "{item}");
    }
    let agents = emu.client().list_agents().await.unwrap();
    assert_eq!(agents.len(), 2, "the owner and a@example.com: {agents:?}");
}

#[tokio::test]
async fn blank_names_and_language_codes_that_are_no_language_are_refused() {
    let emu = emulator().await;
    let priorities = format!(r#"{{"{OWNER_ID}": "normal"}}"#);
    for (action, body, mentions) in [
        (
            "create_group",
            format!(r#"{{"name": "  ", "agent_priorities": {priorities}}}"#),
            "blank",
        ),
        (
            "update_group",
            r#"{"id": 0, "name": "\t"}"#.to_string(),
            "blank",
        ),
        ("create_tag", r#"{"name": " \n "}"#.to_string(), "blank"),
        ("create_bot", r#"{"name": "   "}"#.to_string(), "blank"),
        (
            "create_agent",
            r#"{"id": "x@example.com", "name": " "}"#.to_string(),
            "blank",
        ),
        (
            "create_group",
            format!(
                r#"{{"name": "Long", "language_code": "{}", "agent_priorities": {priorities}}}"#,
                "e".repeat(50)
            ),
            "language_code",
        ),
        (
            "update_group",
            r#"{"id": 0, "language_code": "e n"}"#.to_string(),
            "language_code",
        ),
    ] {
        refused(&emu, action, &body, mentions).await;
    }
    // Nothing was made or changed.
    let client = emu.client();
    assert_eq!(client.list_groups().await.unwrap().len(), 1);
    assert!(client.list_tags().await.unwrap().is_empty());
    for code in ["en", "pt-BR", "zh_TW", "sr-Latn-RS"] {
        let body = format!(
            r#"{{"name": "G {code}", "language_code": "{code}", "agent_priorities": {priorities}}}"#
        );
        let (status, reply) = call(&emu, "create_group", &body).await;
        assert_eq!(status, 200, "{code}: {reply}");
    }
}
