//! Webhook deliveries (`livechat_config::webhook`) and the rules `register_webhook` checks before
//! sending.

use livechat_config::validate::{Validate, Validator, Violation};
use livechat_config::webhook::{self, Delivery, WebhookError};
use livechat_config::*;
use livechat_config_tests::{example_response, TestServer};
use serde_json::json;

const SECRET: &str = "laudla991lamda0pnoaa0";

/// The payload of the reference's sample of `action` (v3.6), or `{}` for an action without one.
fn sample_payload(action: &str) -> serde_json::Value {
    let dir = livechat_config_tests::root().join("tests/reference/webhooks-v3.6");
    [format!("{action}.json"), format!("{action}.message.json")]
        .iter()
        .find_map(|name| std::fs::read(dir.join(name)).ok())
        .map_or(json!({}), |bytes| {
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()["payload"].clone()
        })
}

/// The reference's "general webhook format", with its placeholders filled in (the payload of the
/// action's sample) and its `//optional` comments (not JSON) left out.
fn general_format(secret: &str, action: &str) -> String {
    json!({
        "webhook_id": "pqi8oasdjahuakndw9nsad9na",
        "secret_key": secret,
        "action": action,
        "organization_id": "1a8a9ec7-bd5d-4400-9204-3826740981e0",
        "payload": sample_payload(action),
        "additional_data": {
            "chat_properties": {
                "source": {"client_id": "asXdesldiAJSq9padj"}
            },
            "chat_presence_user_ids": [
                "smith@example.com", "b7eff798-f8df-4364-8059-649c35c9ed0c"
            ]
        }
    })
    .to_string()
}

// --- parsing -------------------------------------------------------------------------------

#[test]
fn the_general_webhook_format_parses_into_typed_fields() {
    let body = general_format(SECRET, "chat_deactivated");
    let delivery = webhook::verify(body.as_bytes(), SECRET).unwrap();
    assert_eq!(delivery.webhook_id, "pqi8oasdjahuakndw9nsad9na");
    assert_eq!(delivery.secret_key, SECRET);
    assert_eq!(delivery.action, WebhookAction::ChatDeactivated);
    assert_eq!(
        delivery.organization_id,
        "1a8a9ec7-bd5d-4400-9204-3826740981e0"
    );
    assert_eq!(delivery.payload["chat_id"], "PJ0MRSHTDG");
    assert!(
        matches!(&delivery.event, WebhookEvent::ChatDeactivated(p) if p.thread_id == "K600PKZON8")
    );
    let extra = delivery.envelope.additional_data.unwrap();
    assert_eq!(
        extra.chat_presence_user_ids.unwrap(),
        ["smith@example.com", "b7eff798-f8df-4364-8059-649c35c9ed0c"]
    );
    assert_eq!(
        extra.chat_properties.unwrap()["source"]["client_id"],
        json!("asXdesldiAJSq9padj")
    );
}

#[test]
fn additional_data_and_its_members_are_optional() {
    let without = json!({
        "webhook_id": "w", "secret_key": SECRET, "action": "agent_deleted",
        "organization_id": "o", "payload": {"id": "smith@example.com"}
    });
    let delivery = webhook::verify(without.to_string().as_bytes(), SECRET).unwrap();
    assert_eq!(delivery.additional_data, None);
    assert_eq!(delivery.payload["id"], "smith@example.com");

    let empty = json!({
        "webhook_id": "w", "secret_key": SECRET, "action": "incoming_chat",
        "organization_id": "o", "payload": sample_payload("incoming_chat"), "additional_data": {}
    });
    let extra = webhook::verify(empty.to_string().as_bytes(), SECRET)
        .unwrap()
        .envelope
        .additional_data
        .unwrap();
    assert_eq!(extra.chat_properties, None);
    assert_eq!(extra.chat_presence_user_ids, None);
}

#[test]
fn every_documented_action_name_parses_to_its_variant() {
    assert_eq!(
        WebhookAction::KNOWN.len(),
        38,
        "the Triggering actions table"
    );
    // The envelope alone: the typed payloads are `tests/webhook_events.rs`' subject.
    for action in WebhookAction::KNOWN {
        let body = general_format(SECRET, action.as_str());
        let envelope = webhook::parse(body.as_bytes()).unwrap();
        assert_eq!(&envelope.action, action);
        assert!(envelope.action.is_known());
    }
}

#[test]
fn unknown_action_names_and_fields_are_kept_not_rejected() {
    // `agent_status_changed` is named by the reference's additional_data note but is not among
    // the Triggering actions.
    let mut body: serde_json::Value =
        serde_json::from_str(&general_format(SECRET, "agent_status_changed")).unwrap();
    body["delivered_at"] = json!("2024-05-01T10:00:00Z");
    let delivery = webhook::verify(body.to_string().as_bytes(), SECRET).unwrap();
    assert_eq!(
        delivery.action,
        WebhookAction::Other("agent_status_changed".into())
    );
    assert_eq!(delivery.action.as_str(), "agent_status_changed");
}

#[test]
fn parse_leaves_the_secret_to_secret_matches() {
    let body = general_format(SECRET, "incoming_chat");
    let delivery = webhook::parse(body.as_bytes()).unwrap();
    assert!(delivery.secret_matches(SECRET));
    assert!(!delivery.secret_matches("laudla991lamda0pnoaa"));
    assert!(!delivery.secret_matches(""));
}

// --- the secret ----------------------------------------------------------------------------

#[test]
fn a_wrong_secret_is_rejected() {
    let body = general_format(SECRET, "incoming_chat");
    for wrong in [
        "laudla991lamda0pnoaa1",  // last byte differs
        "Laudla991lamda0pnoaa0",  // first byte differs
        "laudla991lamda0pnoaa",   // a prefix
        "laudla991lamda0pnoaa00", // longer
        "LAUDLA991LAMDA0PNOAA0",  // case differs
        "x",
    ] {
        assert_eq!(
            webhook::verify(body.as_bytes(), wrong),
            Err(WebhookError::WrongSecret),
            "`{wrong}` must not verify"
        );
    }
}

#[test]
fn a_delivery_without_a_key_does_not_match_an_empty_secret() {
    let body = general_format("", "incoming_chat");
    assert_eq!(
        webhook::verify(body.as_bytes(), ""),
        Err(WebhookError::NoSecret)
    );
    assert_eq!(
        webhook::verify(body.as_bytes(), SECRET),
        Err(WebhookError::WrongSecret)
    );
}

#[test]
fn debug_and_errors_never_show_the_secret() {
    let body = general_format(SECRET, "incoming_chat");
    let delivery: Delivery = webhook::verify(body.as_bytes(), SECRET).unwrap();
    for shown in [format!("{delivery:?}"), format!("{delivery:#?}")] {
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(shown.contains("secret_key: \"****\""), "{shown}");
        assert!(shown.contains("pqi8oasdjahuakndw9nsad9na"), "{shown}");
    }

    let err = webhook::verify(body.as_bytes(), "guess").unwrap_err();
    assert!(!format!("{err} {err:?}").contains(SECRET));
    assert!(!format!("{err} {err:?}").contains("guess"));
}

#[test]
fn requests_and_listed_webhooks_mask_their_secret_key_too() {
    let request = RegisterWebhookRequest::new(
        WebhookAction::IncomingChat,
        SECRET,
        "http://myservice.com/webhooks",
        "asXdesldiAJSq9padj",
        WebhookType::License,
    );
    let shown = format!("{request:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains("http://myservice.com/webhooks"), "{shown}");

    let client = Client::new(Credentials::bearer("dal:token"));
    let call = client.register_webhook(
        WebhookAction::IncomingChat,
        SECRET,
        "http://myservice.com/webhooks",
        "asXdesldiAJSq9padj",
        WebhookType::License,
    );
    assert!(!format!("{call:?}").contains(SECRET));

    let listed: Webhook = serde_json::from_value(json!({
        "id": "pqi8oasdjahuakndw9nsad9na", "url": "http://myservice.com/webhooks",
        "action": "chat_deactivated", "owner_client_id": "asXdesldiAJSq9padj",
        "type": "license", "secret_key": SECRET
    }))
    .unwrap();
    let shown = format!("{listed:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains("secret_key: Some(\"****\")"), "{shown}");
    // Masking is for display only: the value itself is intact.
    assert_eq!(listed.secret_key.as_deref(), Some(SECRET));
}

// --- bad bodies ----------------------------------------------------------------------------

#[test]
fn empty_bodies_are_empty() {
    for body in [&b""[..], b"   ", b"\r\n\t "] {
        assert_eq!(webhook::verify(body, SECRET), Err(WebhookError::Empty));
    }
}

#[test]
fn every_truncation_of_a_delivery_is_a_typed_error() {
    let body = general_format(SECRET, "incoming_event");
    let bytes = body.as_bytes();
    for end in 0..bytes.len() {
        let cut = &bytes[..end];
        let expected = if cut.trim_ascii().is_empty() {
            WebhookError::Empty
        } else {
            WebhookError::Truncated
        };
        assert_eq!(
            webhook::verify(cut, SECRET),
            Err(expected),
            "cut at {end}: {:?}",
            String::from_utf8_lossy(cut)
        );
    }
    assert!(webhook::verify(bytes, SECRET).is_ok());
}

#[test]
fn garbage_is_not_json() {
    let deep = "[".repeat(10_000);
    let bodies: [&[u8]; 6] = [
        b"hello",
        b"\xff\xfe\x00garbage",
        b"<html><body>502 Bad Gateway</body></html>",
        b"{'webhook_id': 'single quotes'}",
        b"{\"webhook_id\": \"w\",}",
        deep.as_bytes(),
    ];
    for body in bodies {
        match webhook::verify(body, SECRET) {
            Err(WebhookError::NotJson { message }) => assert!(!message.is_empty()),
            other => panic!(
                "{:?}: expected NotJson, got {other:?}",
                String::from_utf8_lossy(&body[..body.len().min(40)])
            ),
        }
    }
}

#[test]
fn trailing_bytes_after_the_delivery_are_not_json() {
    let body = format!("{} trailing", general_format(SECRET, "incoming_chat"));
    assert!(matches!(
        webhook::verify(body.as_bytes(), SECRET),
        Err(WebhookError::NotJson { .. })
    ));
    // Two deliveries in one body are not one delivery either.
    let twice = general_format(SECRET, "incoming_chat").repeat(2);
    assert!(matches!(
        webhook::verify(twice.as_bytes(), SECRET),
        Err(WebhookError::NotJson { .. })
    ));
}

#[test]
fn json_that_is_not_a_delivery_names_the_field() {
    let cases = [
        (json!([]), "", "expected a JSON object"),
        (json!("delivery"), "", "expected a JSON object"),
        // Serde reads structs from arrays of their fields, but a delivery is an object.
        (
            json!(["w", SECRET, "incoming_chat", "o", {}]),
            "",
            "expected a JSON object",
        ),
        (
            json!({"webhook_id": "w", "action": "incoming_chat", "organization_id": "o", "payload": {}}),
            "",
            "missing field `secret_key`",
        ),
        (
            json!({"webhook_id": "w", "secret_key": SECRET, "action": "incoming_chat", "organization_id": "o"}),
            "",
            "missing field `payload`",
        ),
        (
            json!({"webhook_id": 7, "secret_key": SECRET, "action": "incoming_chat",
                   "organization_id": "o", "payload": {}}),
            "webhook_id",
            "invalid type",
        ),
        (
            json!({"webhook_id": "w", "secret_key": SECRET, "action": ["incoming_chat"],
                   "organization_id": "o", "payload": {}}),
            "action",
            "",
        ),
        (
            json!({"webhook_id": "w", "secret_key": SECRET, "action": "incoming_chat",
                   "organization_id": "o", "payload": {},
                   "additional_data": {"chat_presence_user_ids": "smith@example.com"}}),
            "additional_data.chat_presence_user_ids",
            "invalid type",
        ),
    ];
    for (body, expected_path, expected_message) in cases {
        match webhook::verify(body.to_string().as_bytes(), SECRET) {
            Err(WebhookError::NotADelivery { path, message }) => {
                assert_eq!(path, expected_path, "{body}");
                assert!(message.contains(expected_message), "{message} ({body})");
                assert!(!message.contains(SECRET), "{message}");
            }
            other => panic!("{body}: expected NotADelivery, got {other:?}"),
        }
    }
}

// --- register_webhook rules ----------------------------------------------------------------

fn violations(request: &impl Validate) -> Vec<Violation> {
    let mut v = Validator::new();
    request.validate(&mut v);
    v.into_violations()
}

fn register(action: WebhookAction, filters: WebhookFilters) -> RegisterWebhookRequest {
    RegisterWebhookRequest::new(
        action,
        SECRET,
        "http://myservice.com/webhooks",
        "asXdesldiAJSq9padj",
        WebhookType::License,
    )
    .filters(filters)
}

#[test]
fn author_type_is_allowed_only_for_incoming_event_and_event_updated() {
    let allowed = [WebhookAction::IncomingEvent, WebhookAction::EventUpdated];
    for action in WebhookAction::KNOWN {
        let found = violations(&register(
            action.clone(),
            WebhookFilters::new().author_type(AuthorType::Customer),
        ));
        if allowed.contains(action) {
            assert_eq!(found, [], "{action}");
        } else {
            assert_eq!(found.len(), 1, "{action}: {found:?}");
            assert_eq!(found[0].path, "filters.author_type");
            assert!(found[0].message.contains(&format!("`action` `{action}`")));
        }
    }
}

#[test]
fn only_the_filters_the_table_lists_for_an_action_pass() {
    let presence = || ChatPresenceFilter::new().my_bots(true);
    // agent_created: "source_type" only.
    let found = violations(&register(
        WebhookAction::AgentCreated,
        WebhookFilters::new()
            .chat_presence(presence())
            .only_my_chats(false)
            .source_type([SourceType::System]),
    ));
    let paths: Vec<&str> = found.iter().map(|v| v.path.as_str()).collect();
    assert_eq!(paths, ["filters.only_my_chats", "filters.chat_presence"]);
    assert_eq!(
        found[0].message,
        "is not available for `action` `agent_created` (available: `source_type`)"
    );
    // customer_session_fields_updated: chat_presence and source_type, not only_my_chats.
    let found = violations(&register(
        WebhookAction::CustomerSessionFieldsUpdated,
        WebhookFilters::new()
            .chat_presence(presence())
            .only_my_chats(true),
    ));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].path, "filters.only_my_chats");
    // An action the crate does not know is refused before its filters are judged.
    let found = violations(&register(
        WebhookAction::Other("agent_status_changed".into()),
        WebhookFilters::new().author_type(AuthorType::Agent),
    ));
    let paths: Vec<&str> = found.iter().map(|v| v.path.as_str()).collect();
    assert_eq!(paths, ["action"]);
    assert!(
        found[0].message.starts_with(
            "unknown WebhookAction value `agent_status_changed`; expected one of `incoming_chat`"
        ),
        "{found:?}"
    );
}

#[tokio::test]
async fn a_filter_the_action_does_not_offer_is_not_sent() {
    let server = TestServer::start().await;
    let err = server
        .client()
        .register_webhook(
            WebhookAction::IncomingChat,
            SECRET,
            "http://myservice.com/webhooks",
            "asXdesldiAJSq9padj",
            WebhookType::License,
        )
        .filters(WebhookFilters::new().author_type(AuthorType::Agent))
        .await
        .unwrap_err();
    match &err {
        Error::InvalidRequest { action, violations } => {
            assert_eq!(*action, Action::RegisterWebhook);
            assert_eq!(
                violations,
                &[Violation::new(
                    "filters.author_type",
                    "is not available for `action` `incoming_chat` (available: \
                              `chat_presence`, `only_my_chats`, `source_type`)"
                )]
            );
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert!(err.to_string().contains("`filters.author_type`"), "{err}");
    assert!(!err.to_string().contains(SECRET));
    assert_eq!(server.requests().len(), 0);
}

#[tokio::test]
async fn values_with_exclude_values_and_a_bad_filter_are_all_reported_and_not_sent() {
    let server = TestServer::start().await;
    let err = server
        .client()
        .register_webhook(
            WebhookAction::AgentCreated,
            SECRET,
            "http://myservice.com/webhooks",
            "asXdesldiAJSq9padj",
            WebhookType::Bot,
        )
        .filters(
            WebhookFilters::new().chat_presence(
                ChatPresenceFilter::new().user_ids(
                    UserIdsFilter::new()
                        .values(["smith@example.com"])
                        .exclude_values(["bot@example.com"]),
                ),
            ),
        )
        .await
        .unwrap_err();
    let Error::InvalidRequest { violations, .. } = err else {
        panic!("expected InvalidRequest, got {err:?}");
    };
    let paths: Vec<&str> = violations.iter().map(|v| v.path.as_str()).collect();
    assert_eq!(
        paths,
        ["filters.chat_presence.user_ids", "filters.chat_presence"]
    );
    assert_eq!(
        violations[0].message,
        "takes only one of `values`, `exclude_values`"
    );
    assert_eq!(server.requests().len(), 0);
}

#[tokio::test]
async fn author_type_on_incoming_event_is_sent() {
    let server = TestServer::start().await;
    server.reply(200, example_response("register_webhook"));
    let registered = server
        .client()
        .register_webhook(
            WebhookAction::IncomingEvent,
            SECRET,
            "http://myservice.com/webhooks",
            "asXdesldiAJSq9padj",
            WebhookType::License,
        )
        .filters(WebhookFilters::new().author_type(AuthorType::Customer))
        .await
        .unwrap();
    assert_eq!(registered.id, "pqi8oasdjahuakndw9nsad9na");
    server.assert_one(
        "register_webhook",
        json!({
            "action": "incoming_event",
            "secret_key": SECRET,
            "url": "http://myservice.com/webhooks",
            "filters": {"author_type": "customer"},
            "owner_client_id": "asXdesldiAJSq9padj",
            "type": "license"
        }),
    );
}
