//! Webhooks emitted through the control plane (`POST /emulator/webhooks/emit`) and
//! `Emulator::emit_webhook`: chat webhooks reach exactly the registered webhooks whose filters
//! match, in the envelope and through the queue the API's own webhooks use; a payload the
//! version's spec refuses, or any other bad request, is answered 4xx and delivers and journals
//! nothing; the endpoint needs the admin token and bounds its body and the queue it feeds.

use crate::deliveries::{receiver, SECRET};
use crate::delivery_bounds::held_deliveries;
use crate::{call, emulator, emulator_owning};
use livechat_config::webhook::{self, WebhookError};
use livechat_config::{AuthorType, WebhookAction, WebhookRequester};
use livechat_config_emulator::{
    DeliveryStatus, EmitError, EmitWebhook, Emulator, WebhookContext, DEFAULT_CLIENT_ID,
    DEFAULT_TOKEN, EMIT_BODY_LIMIT, MAX_QUEUED_BYTES, ORGANIZATION_ID, OWNER_ID,
    QUEUED_PER_WEBHOOK,
};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::time::Duration;

const APP_2: &str = "second-app-client-id";
const APP_3: &str = "third-app-client-id";
const CUSTOMER: &str = "b7eff798-f8df-4364-8059-649c35c9ed0c";

/// Registers a webhook of `action` at `url` for `owner`, with the fields of `extra` (type,
/// filters, additional data), returning its id.
async fn register(emu: &Emulator, owner: &str, action: &str, url: &str, extra: Value) -> String {
    let mut body = json!({
        "url": url, "action": action, "secret_key": SECRET,
        "owner_client_id": owner, "type": "license",
    });
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    let (status, answer) = call(emu, "register_webhook", &body.to_string()).await;
    assert_eq!(status, 200, "{answer}");
    answer["id"].as_str().unwrap().to_string()
}

/// `POST /emulator/webhooks/emit` with the admin token, this content type and body.
async fn emit(emu: &Emulator, content_type: Option<&str>, body: &str) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}/emulator/webhooks/emit", emu.base_url()))
        .bearer_auth(emu.admin_token())
        .body(body.to_string());
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn ids(answer: &Value) -> Vec<String> {
    answer["deliveries"]
        .as_array()
        .unwrap_or_else(|| panic!("{answer}"))
        .iter()
        .map(|d| d["webhook_id"].as_str().unwrap().to_string())
        .collect()
}

fn message_from(author: &str) -> Value {
    json!({
        "chat_id": "PJ0MRSHTDG",
        "thread_id": "K600PKZON8",
        "event": {
            "id": "K600PKZON8_1", "type": "message", "text": "Hello", "author_id": author,
            "created_at": "2019-12-17T07:57:41.512000Z", "visibility": "all",
        },
    })
}

#[tokio::test]
async fn an_emitted_chat_webhook_reaches_exactly_the_webhooks_whose_filters_match() {
    let emu = emulator_owning(&[APP_2, APP_3]).await;
    let mut rx = receiver(0, Duration::ZERO).await;
    let url = rx.url.clone();
    let both = json!({"additional_data": ["chat_properties", "chat_presence_user_ids"]});
    let filters = |f: Value| json!({ "filters": f });
    let a = register(&emu, DEFAULT_CLIENT_ID, "incoming_event", &url, both).await;
    let b = register(
        &emu,
        DEFAULT_CLIENT_ID,
        "incoming_event",
        &url,
        filters(json!({"source_type": ["my_client"]})),
    )
    .await;
    let c = register(
        &emu,
        DEFAULT_CLIENT_ID,
        "incoming_event",
        &url,
        filters(json!({"author_type": "agent"})),
    )
    .await;
    let d = register(
        &emu,
        APP_2,
        "incoming_event",
        &url,
        filters(json!({
            "source_type": ["other_clients"],
            "chat_presence": {"user_ids": {"values": [CUSTOMER]}},
        })),
    )
    .await;
    let e = register(
        &emu,
        APP_2,
        "incoming_event",
        &url,
        filters(json!({"chat_presence": {"user_ids": {"exclude_values": [CUSTOMER]}}})),
    )
    .await;
    let f = register(
        &emu,
        APP_2,
        "incoming_event",
        &url,
        filters(json!({"only_my_chats": true})),
    )
    .await;
    let g = register(
        &emu,
        APP_3,
        "incoming_event",
        &url,
        filters(json!({"chat_presence": {"my_bots": true}})),
    )
    .await;
    let h = register(&emu, APP_3, "incoming_event", &url, json!({"type": "bot"})).await;
    // Another action's webhook hears of none of it.
    register(&emu, APP_3, "incoming_chat", &url, json!({})).await;
    let (status, bot) = call(
        &emu,
        "create_bot",
        &json!({"name": "Helper", "owner_client_id": APP_3}).to_string(),
    )
    .await;
    assert_eq!(status, 200, "{bot}");
    let bot = bot["id"].as_str().unwrap().to_string();

    // A customer writes, through the default application, in a chat that came through APP_2.
    let payload = message_from(CUSTOMER);
    let properties = json!({"source": {"client_id": APP_2}, "routing": {"idle": false}});
    let request = json!({
        "action": "incoming_event",
        "payload": payload,
        "context": {
            "chat_presence_user_ids": [CUSTOMER, OWNER_ID],
            "source_client_id": DEFAULT_CLIENT_ID,
            "chat_properties": properties,
        },
    });
    let (status, answer) = emit(&emu, Some("application/json"), &request.to_string()).await;
    assert_eq!(status, 200, "{answer}");
    // Unfiltered; my_client; other_clients with the customer present; the chat is APP_2's.
    assert_eq!(ids(&answer), [a.clone(), b, d, f]);
    assert!(answer["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["queued"] == true && d["seq"].is_u64()));
    let mut got = BTreeMap::new();
    for _ in 0..4 {
        let body = rx.next().await;
        got.insert(body["webhook_id"].as_str().unwrap().to_string(), body);
    }
    for (id, body) in &got {
        assert_eq!(body["action"], "incoming_event");
        assert_eq!(body["secret_key"], SECRET);
        assert_eq!(body["organization_id"], ORGANIZATION_ID);
        assert_eq!(body["payload"], payload);
        assert!(body.get("requester").is_none(), "{body}");
        // The sdk's own parser and secret check accept it.
        let delivery = webhook::verify(&serde_json::to_vec(body).unwrap(), SECRET).unwrap();
        assert_eq!(delivery.action, WebhookAction::IncomingEvent);
        let expected = if *id == a {
            json!({"chat_properties": properties, "chat_presence_user_ids": [CUSTOMER, OWNER_ID]})
        } else {
            json!({})
        };
        assert_eq!(body["additional_data"], expected, "{id}");
    }
    // The journal has them as the API's own deliveries: numbered as answered, key masked.
    let journal = crate::deliveries::settled(&emu).await;
    let answered: Vec<u64> = answer["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(journal.iter().map(|d| d.seq).collect::<Vec<_>>(), answered);
    assert!(journal
        .iter()
        .all(|d| d.status == DeliveryStatus::Delivered && d.body["secret_key"] == "****"));

    // The owner writes, by no application (system), with APP_3's bot in the chat; the chat's
    // source is unknown. The author is an agent of the license: `author_type` says so unasked.
    let sent = emu
        .emit_webhook(
            EmitWebhook::new(WebhookAction::IncomingEvent, message_from(OWNER_ID))
                .context(WebhookContext::new().chat_presence_user_ids([OWNER_ID, bot.as_str()])),
        )
        .unwrap();
    let sent_to: Vec<&str> = sent.iter().map(|d| d.webhook_id.as_str()).collect();
    // Unfiltered; author agent; no excluded user; my bot; the bot webhook of the bot's owner.
    assert_eq!(sent_to, [&a, &c, &e, &g, &h]);
    let mut second: Vec<String> = Vec::new();
    for _ in 0..5 {
        second.push(rx.next().await["webhook_id"].as_str().unwrap().to_string());
    }
    second.sort();
    let mut expected = vec![a.clone(), c, e, g, h.clone()];
    expected.sort();
    assert_eq!(second, expected);

    // License webhooks disabled for APP_2 and APP_3: of theirs, only the bot webhook still
    // hears (the license webhooks state is not the bots').
    for owner in [APP_2, APP_3] {
        let (status, _) = call(
            &emu,
            "disable_license_webhooks",
            &json!({ "owner_client_id": owner }).to_string(),
        )
        .await;
        assert_eq!(status, 200);
    }
    let sent = emu
        .emit_webhook(
            EmitWebhook::new(WebhookAction::IncomingEvent, message_from(CUSTOMER)).context(
                WebhookContext::new()
                    .chat_presence_user_ids([CUSTOMER, bot.as_str()])
                    .author_type(AuthorType::Customer),
            ),
        )
        .unwrap();
    let sent_to: Vec<&str> = sent.iter().map(|d| d.webhook_id.as_str()).collect();
    assert_eq!(sent_to, [&a, &h]);
    assert_eq!(rx.drain(Duration::from_millis(150)).await.len(), 2);
}

#[tokio::test]
async fn incoming_chat_fills_presence_properties_and_its_chat_s_source_from_the_payload() {
    let emu = emulator_owning(&[APP_2]).await;
    let mut rx = receiver(0, Duration::ZERO).await;
    let wanted = json!({"additional_data": ["chat_properties", "chat_presence_user_ids"],
                        "filters": {"only_my_chats": true, "chat_presence": {"user_ids": {"values": [CUSTOMER]}}}});
    let mine = register(&emu, APP_2, "incoming_chat", &rx.url, wanted).await;
    let other = register(
        &emu,
        DEFAULT_CLIENT_ID,
        "incoming_chat",
        &rx.url,
        json!({"filters": {"only_my_chats": true}}),
    )
    .await;
    let properties = json!({"source": {"client_id": APP_2}});
    let payload = json!({"chat": {
        "id": "PJ0MRSHTDG",
        "users": [
            {"id": CUSTOMER, "type": "customer", "name": "Thomas", "present": true},
            {"id": OWNER_ID, "type": "agent", "name": "Owner", "present": true, "visibility": "all"},
        ],
        "properties": properties,
        "access": {"group_ids": [0]},
        "thread": {"id": "K600PKZON8", "active": true, "events": [], "created_at": "2019-12-17T07:57:41.512000Z"},
    }});
    let sent = emu
        .emit_webhook(EmitWebhook::new(
            WebhookAction::IncomingChat,
            payload.clone(),
        ))
        .unwrap();
    assert_eq!(
        sent.iter()
            .map(|d| d.webhook_id.as_str())
            .collect::<Vec<_>>(),
        [mine.as_str()],
        "not {other}: the chat came through {APP_2}"
    );
    let body = rx.next().await;
    assert_eq!(body["payload"], payload);
    assert_eq!(
        body["additional_data"],
        json!({"chat_properties": properties, "chat_presence_user_ids": [CUSTOMER, OWNER_ID]})
    );
}

/// Every refusal is a 4xx with a JSON error naming the field, never a delivery or a journal
/// entry: unknown or misplaced actions and versions, payloads the spec refuses, malformed,
/// hostile or mistyped bodies.
#[tokio::test]
async fn a_bad_emit_request_is_refused_whole_and_names_what_is_wrong() {
    let emu = emulator().await;
    let mut rx = receiver(0, Duration::ZERO).await;
    for action in ["agent_deleted", "incoming_chat", "incoming_event"] {
        register(&emu, DEFAULT_CLIENT_ID, action, &rx.url, json!({})).await;
    }
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = format!(
        r#"{{"action": "incoming_chat", "payload": {{"chat": {}{}}}}}"#,
        r#"{"a": "#.repeat(200),
        "}".repeat(200)
    );
    let cases: Vec<(Value, &str, &str, &str)> = vec![
        // (body, error type, data.path, in the message)
        (
            json!({"action": "agent_deleted", "payload": {"id": 5}}),
            "validation",
            "payload.id",
            "agent_deleted",
        ),
        (
            json!({"action": "incoming_event", "payload": {"chat_id": 5, "thread_id": "K600PKZON8", "event": message_from(CUSTOMER)["event"]}}),
            "validation",
            "payload.chat_id",
            "incoming_event",
        ),
        (
            json!({"action": "agent_deleted", "payload": [1]}),
            "validation",
            "payload",
            "object",
        ),
        (
            json!({"action": "incoming_chat", "payload": [1, 2]}),
            "validation",
            "payload",
            "object",
        ),
        (
            json!({"action": "incoming_chat", "payload": "chat"}),
            "validation",
            "payload",
            "object",
        ),
        (
            json!({"action": "incoming_chat", "payload": null}),
            "validation",
            "payload",
            "object",
        ),
        (
            json!({"action": "incoming_chats", "payload": {}}),
            "validation",
            "action",
            "incoming_chat, ",
        ),
        (
            json!({"action": "create_agent", "payload": {}}),
            "validation",
            "action",
            "not a webhook action of v3.6",
        ),
        // v3.5's, gone in v3.6, the default.
        (
            json!({"action": "incoming_customer", "payload": {}}),
            "validation",
            "action",
            "v3.6",
        ),
        (
            json!({"action": "incoming_chat", "version": "3.9", "payload": {}}),
            "unsupported_version",
            "version",
            "3.9",
        ),
        (
            json!({"action": "incoming_chat", "payload": {}, "context": {"chat_users": []}}),
            "validation",
            "context.chat_users",
            "chat_users",
        ),
        (
            json!({"action": "incoming_chat", "payload": {}, "context": {"chat_presence_user_ids": ["a", 1]}}),
            "validation",
            "context.chat_presence_user_ids[1]",
            "string",
        ),
        (
            json!({"action": "incoming_event", "payload": message_from(CUSTOMER), "context": {"author_type": "bot"}}),
            "validation",
            "context.author_type",
            "bot",
        ),
        (
            json!({"action": "incoming_chat", "payload": {}, "context": {"chat_properties": {"source": 1}}}),
            "validation",
            "context.chat_properties.source",
            "map",
        ),
        (
            json!({"action": "incoming_chat", "payload": {}, "context": {"requester": {"user_id": 7}}}),
            "validation",
            "context.requester.user_id",
            "string",
        ),
        (
            json!({"action": "incoming_chat", "payload": {}, "secret_key": "x"}),
            "validation",
            "",
            "secret_key",
        ),
        (json!({"payload": {}}), "validation", "", "action"),
        (
            json!({"action": "incoming_chat"}),
            "validation",
            "",
            "payload",
        ),
        (
            json!(["incoming_chat", null, {}]),
            "validation",
            "",
            "object",
        ),
    ];
    for (body, kind, path, says) in &cases {
        let (status, answer) = emit(&emu, Some("application/json"), &body.to_string()).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["error"]["type"], *kind, "{body}: {answer}");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{body}: {message}");
        if !path.is_empty() {
            assert_eq!(answer["error"]["data"]["path"], *path, "{body}: {answer}");
        }
    }
    for raw in ["", "{", "not json", deep.as_str(), deep_object.as_str()] {
        let (status, answer) = emit(&emu, Some("application/json"), raw).await;
        assert_eq!(status, 400, "{answer}");
        assert!(answer["error"]["message"].is_string(), "{answer}");
    }
    let valid = json!({"action": "incoming_chat", "payload": {"chat": {"id": "X"}}}).to_string();
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
    ] {
        let (status, answer) = emit(&emu, content_type, &valid).await;
        assert_eq!(status, 415, "{content_type:?}: {answer}");
        assert!(answer["error"]["message"]
            .as_str()
            .unwrap()
            .contains("application/json"));
    }
    let response = reqwest::Client::new()
        .get(format!("{}/emulator/webhooks/emit", emu.base_url()))
        .bearer_auth(emu.admin_token())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 405);
    assert_eq!(response.headers()["allow"], "POST");

    // The library's handle refuses the same, typed.
    let refused = emu
        .emit_webhook(EmitWebhook::new(
            WebhookAction::AgentDeleted,
            json!({"id": 5}),
        ))
        .unwrap_err();
    match &refused {
        EmitError::Payload(WebhookError::UnexpectedPayload { action, path, .. }) => {
            assert_eq!(
                (action.as_str(), path.as_str()),
                ("agent_deleted", "payload.id")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(refused.path(), Some("payload.id"));
    let refused = emu
        .emit_webhook(EmitWebhook::new("incoming_customer", json!({})))
        .unwrap_err();
    assert!(
        matches!(refused, EmitError::NotAWebhook { ref version, .. } if version == "3.6"),
        "{refused}"
    );

    // Nothing of it went anywhere.
    assert!(emu.webhook_deliveries().is_empty());
    assert!(rx.drain(Duration::from_millis(100)).await.is_empty());

    // v3.5 lists `incoming_customer`; a configuration webhook carries the requester given, and
    // its Client ID is the source `source_type` sees.
    let (status, answer) = emit(
        &emu,
        Some("application/json; charset=utf-8"),
        &json!({"action": "incoming_customer", "version": "3.5", "payload": {"customer": {"id": CUSTOMER, "type": "customer", "name": "Thomas"}}}).to_string(),
    )
    .await;
    assert_eq!((status, ids(&answer).len()), (200, 0), "{answer}");
    let requester = WebhookRequester::new()
        .user_id(OWNER_ID)
        .client_id(DEFAULT_CLIENT_ID);
    let sent = emu
        .emit_webhook(
            EmitWebhook::new(
                WebhookAction::AgentDeleted,
                json!({"id": "smith@example.com"}),
            )
            .context(WebhookContext::new().requester(requester)),
        )
        .unwrap();
    assert_eq!(sent.len(), 1);
    let body = rx.next().await;
    assert_eq!(
        body["requester"],
        json!({"user_id": OWNER_ID, "client_id": DEFAULT_CLIENT_ID})
    );
    assert_eq!(body["payload"], json!({"id": "smith@example.com"}));
    assert_eq!(emu.webhook_deliveries().len(), 1);
}

/// The admin token is checked, and an announced body over the limit refused, from the headers
/// alone: the connection closes before the body is read. A body of exactly the limit is taken.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_emit_endpoint_needs_the_admin_token_and_bounds_its_body() {
    let emu = emulator().await;
    let valid = json!({"action": "tag_deleted", "payload": {"name": "vip"}}).to_string();
    for token in [None, Some("wrong"), Some(DEFAULT_TOKEN)] {
        let mut request = reqwest::Client::new()
            .post(format!("{}/emulator/webhooks/emit", emu.base_url()))
            .header("content-type", "application/json")
            .body(valid.clone());
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status().as_u16(), 401, "{token:?}");
    }

    let addr = emu.local_addr();
    let admin = emu.admin_token().to_string();
    let uploads: Vec<_> = [Some(admin.clone()), None]
        .into_iter()
        .map(|token| {
            std::thread::spawn(move || {
                crate::announce_huge_upload(
                    addr,
                    "POST /emulator/webhooks/emit",
                    token.map(|t| format!("Bearer {t}")),
                )
            })
        })
        .collect();
    let results: Vec<(usize, String)> = tokio::task::spawn_blocking(move || {
        uploads.into_iter().map(|u| u.join().unwrap()).collect()
    })
    .await
    .unwrap();
    assert!(results[0].1.starts_with("HTTP/1.1 413"), "{}", results[0].1);
    assert!(
        results[0].1.contains(&EMIT_BODY_LIMIT.to_string()),
        "{}",
        results[0].1
    );
    assert!(results[1].1.starts_with("HTTP/1.1 401"), "{}", results[1].1);
    for (sent, _) in &results {
        assert!(
            *sent < 64 << 20,
            "the connection was closed early: {sent} bytes went out"
        );
    }

    // At the bound: a body of exactly EMIT_BODY_LIMIT bytes is taken, one more byte is not,
    // announced or not (a chunked body is cut where it passes the limit).
    let frame = json!({"action": "tag_deleted", "payload": {"name": ""}}).to_string();
    let name = "x".repeat(EMIT_BODY_LIMIT - frame.len());
    let at_limit = json!({"action": "tag_deleted", "payload": {"name": name}}).to_string();
    assert_eq!(at_limit.len(), EMIT_BODY_LIMIT);
    let (status, answer) = emit(&emu, Some("application/json"), &at_limit).await;
    assert_eq!((status, answer), (200, json!({"deliveries": []})));
    let over = format!("{at_limit} ");
    let (status, _) = emit(&emu, Some("application/json"), &over).await;
    assert_eq!(status, 413);
    let chunked = std::thread::spawn(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let head = format!(
            "POST /emulator/webhooks/emit HTTP/1.1\r\nHost: emulator\r\nAuthorization: Bearer \
             {admin}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n",
            over.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        let _ = stream.write_all(over.as_bytes());
        let _ = stream.write_all(b"\r\n0\r\n\r\n");
        let mut answer = vec![0u8; 512];
        let n = stream.read(&mut answer).unwrap_or(0);
        String::from_utf8_lossy(&answer[..n]).into_owned()
    });
    let answer = tokio::task::spawn_blocking(move || chunked.join().unwrap())
        .await
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(emu.webhook_deliveries().is_empty());
}

/// Emitted webhooks share the bounded queue of deliveries: past a webhook's share, each is
/// journaled `failed` at once, answered `queued: false` with the reason, and never sent.
#[tokio::test]
async fn emitting_past_a_webhook_s_queue_is_journaled_failed_and_answered_so() {
    let (emu, receiver) = held_deliveries(&[]).await;
    let id = register(
        &emu,
        DEFAULT_CLIENT_ID,
        "chat_deactivated",
        &receiver.url,
        json!({}),
    )
    .await;
    let payload = json!({"chat_id": "PJ0MRSHTDG", "thread_id": "K600PKZON8", "user_id": OWNER_ID});
    let mut answers = Vec::new();
    for _ in 0..QUEUED_PER_WEBHOOK + 3 {
        let sent = emu
            .emit_webhook(EmitWebhook::new(
                WebhookAction::ChatDeactivated,
                payload.clone(),
            ))
            .unwrap();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].webhook_id, id);
        answers.push(sent.into_iter().next().unwrap());
    }
    // One is in flight (or about to be), QUEUED_PER_WEBHOOK wait, the rest are refused.
    let refused: Vec<_> = answers.iter().filter(|d| !d.queued).collect();
    assert!((2..=3).contains(&refused.len()), "{answers:?}");
    let last = answers.last().unwrap();
    assert!(!last.queued);
    assert!(
        last.error
            .as_deref()
            .unwrap()
            .contains("deliveries waiting"),
        "{last:?}"
    );
    let journal = emu.webhook_deliveries();
    assert_eq!(journal.len(), QUEUED_PER_WEBHOOK + 3);
    let record = journal.iter().find(|d| d.seq == last.seq).unwrap();
    assert_eq!(record.status, DeliveryStatus::Failed);
    assert_eq!(record.attempts[0].error, last.error);
    assert!(answers[0].queued && journal[0].status == DeliveryStatus::Pending);
}

/// The queue holds at most `MAX_QUEUED_BYTES` of deliveries not yet done, whatever their count:
/// past it, each delivery is journaled `failed` at once with the reason and answered so.
#[tokio::test]
async fn emitting_past_the_queue_s_bytes_is_journaled_failed_and_answered_so() {
    let (emu, receiver) = held_deliveries(&[APP_2, APP_3]).await;
    // Three webhooks per owner and action at most: nine for one emitted webhook.
    for owner in [DEFAULT_CLIENT_ID, APP_2, APP_3] {
        for _ in 0..3 {
            register(&emu, owner, "incoming_event", &receiver.url, json!({})).await;
        }
    }
    let mut payload = message_from(CUSTOMER);
    payload["event"]["text"] = json!("x".repeat(1_000_000));
    let mut answers = Vec::new();
    for _ in 0..8 {
        let sent = emu
            .emit_webhook(
                EmitWebhook::new(WebhookAction::IncomingEvent, payload.clone())
                    .context(WebhookContext::new().author_type(AuthorType::Customer)),
            )
            .unwrap();
        assert_eq!(sent.len(), 9);
        answers.extend(sent);
    }
    // Every delivery has the same size as sent; the journal, bounded by bytes too, keeps the
    // newest of them.
    let journal = emu.webhook_deliveries();
    let sizes: BTreeSet<usize> = journal
        .iter()
        .map(|record| {
            let mut body = record.body.clone();
            body["secret_key"] = json!(SECRET);
            serde_json::to_vec(&body).unwrap().len()
        })
        .collect();
    assert_eq!(sizes.len(), 1, "{sizes:?}");
    let size = sizes.into_iter().next().unwrap();
    // A delivery is queued exactly while the bytes of those before it and its own fit.
    let fit = MAX_QUEUED_BYTES / size;
    for (index, answer) in answers.iter().enumerate() {
        assert_eq!(answer.queued, index < fit, "{index}: {answer:?}");
        if answer.queued {
            continue;
        }
        let error = answer.error.as_deref().unwrap();
        let held = fit * size;
        assert!(
            error.contains(&format!("its {size} bytes and the {held}")),
            "{error}"
        );
        assert!(error.contains(&MAX_QUEUED_BYTES.to_string()), "{error}");
        let record = journal.iter().find(|r| r.seq == answer.seq).unwrap();
        assert_eq!(record.status, DeliveryStatus::Failed);
        assert_eq!(record.attempts[0].error.as_deref(), Some(error));
    }
    assert!((60..72).contains(&fit), "{fit} of {} fit", answers.len());
}

/// A Rust caller can build a payload deeper than any JSON body: with 128 or more levels of arrays
/// and objects (what serde_json refuses to read) it is refused, naming where, without the stack
/// overflowing on it however deep it is, and nothing is delivered or journaled.
#[tokio::test]
async fn a_payload_nested_past_128_levels_is_refused_without_overflowing_the_stack() {
    let emu = emulator().await;
    let receiver = receiver(0, Duration::ZERO).await;
    register(
        &emu,
        DEFAULT_CLIENT_ID,
        "incoming_event",
        &receiver.url,
        json!({}),
    )
    .await;
    // The payload, its event and the innermost object: 3 levels besides the arrays of `nested`.
    let custom = |content: Value| {
        let mut payload = json!({"chat_id": "PJ0MRSHTDG", "thread_id": "K600PKZON8", "event": {
            "id": "K600PKZON8_1", "type": "custom", "author_id": CUSTOMER,
            "created_at": "2019-12-17T07:57:41.512000Z", "visibility": "all"}});
        // Moved in: `json!` would copy it, recursing once per level.
        payload["event"]["content"] = content;
        payload
    };
    let nested = |levels: usize| {
        let mut value = json!({});
        for _ in 0..levels {
            value = Value::Array(vec![value]);
        }
        value
    };
    let emitted = |payload: Value, context: WebhookContext| {
        emu.emit_webhook(EmitWebhook::new(WebhookAction::IncomingEvent, payload).context(context))
    };
    let at_most = emitted(custom(nested(124)), WebhookContext::new()).unwrap();
    assert_eq!(at_most.len(), 1);
    assert!(at_most[0].queued);
    for levels in [125, 200_000] {
        let error = emitted(custom(nested(levels)), WebhookContext::new()).unwrap_err();
        assert_eq!(error.path(), Some("payload"), "{error}");
        assert!(error.to_string().contains("128 or more levels"), "{error}");
    }
    let properties = BTreeMap::from([(
        "routing".to_string(),
        BTreeMap::from([("deep".to_string(), nested(200_000))]),
    )]);
    let error = emitted(
        message_from(CUSTOMER),
        WebhookContext::new().chat_properties(properties),
    )
    .unwrap_err();
    assert_eq!(error.path(), Some("context.chat_properties"), "{error}");
    assert_eq!(emu.webhook_deliveries().len(), 1);
}

/// Each version's webhooks are checked by that version's own spec: a payload it types is taken,
/// one of another shape is refused naming the field.
#[tokio::test]
async fn every_version_s_webhooks_can_be_emitted_and_are_checked_by_its_spec() {
    let emu = emulator().await;
    for version in livechat_config::versions::Version::ALL {
        let body = |payload: Value| {
            json!({"action": "group_deleted", "version": version.as_str(), "payload": payload})
                .to_string()
        };
        let (status, answer) = emit(&emu, Some("application/json"), &body(json!({"id": 1}))).await;
        assert_eq!(
            (status, &answer),
            (200, &json!({"deliveries": []})),
            "v{version}"
        );
        let (status, answer) =
            emit(&emu, Some("application/json"), &body(json!({"id": "one"}))).await;
        assert_eq!(status, 400, "v{version}: {answer}");
        assert_eq!(answer["error"]["data"]["path"], "payload.id", "v{version}");
    }
}
