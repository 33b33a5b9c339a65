//! Webhook deliveries to a real receiver on loopback: the 16 license-configuration webhooks in
//! the reference's shape, only while license webhooks are enabled and filters let them through,
//! one per applied batch item, retried when the receiver fails, journaled attempt by attempt,
//! and never in the way of the API call.

use crate::{call, emulator};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use livechat_config::*;
use livechat_config_emulator::{
    DeliveryPolicy, DeliveryStatus, Emulator, DEFAULT_CLIENT_ID, ORGANIZATION_ID, OWNER_ID,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

pub struct Behaviour {
    fail_first: usize,
    delay: Duration,
    pub hits: AtomicUsize,
    seen: mpsc::UnboundedSender<Value>,
}

/// An axum receiver on 127.0.0.1: it answers 500 to its first `fail_first` deliveries, waits
/// `delay` before answering, and passes on each body it accepts.
pub struct Receiver {
    pub url: String,
    bodies: mpsc::UnboundedReceiver<Value>,
    pub behaviour: Arc<Behaviour>,
}

pub async fn receiver(fail_first: usize, delay: Duration) -> Receiver {
    let (seen, bodies) = mpsc::unbounded_channel();
    let behaviour = Arc::new(Behaviour {
        fail_first,
        delay,
        hits: AtomicUsize::new(0),
        seen,
    });
    async fn hook(State(b): State<Arc<Behaviour>>, body: Bytes) -> StatusCode {
        let hit = b.hits.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(b.delay).await;
        if hit < b.fail_first {
            return StatusCode::INTERNAL_SERVER_ERROR;
        }
        let _ = b
            .seen
            .send(serde_json::from_slice(&body).unwrap_or(Value::Null));
        StatusCode::OK
    }
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(hook))
        .with_state(behaviour.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    Receiver {
        url: format!("http://{addr}/hook"),
        bodies,
        behaviour,
    }
}

impl Receiver {
    pub async fn next(&mut self) -> Value {
        tokio::time::timeout(Duration::from_secs(10), self.bodies.recv())
            .await
            .expect("a delivery within 10 s")
            .unwrap()
    }

    /// Everything delivered so far, waiting `quiet` for stragglers.
    pub async fn drain(&mut self, quiet: Duration) -> Vec<Value> {
        let mut out = Vec::new();
        while let Ok(Some(body)) = tokio::time::timeout(quiet, self.bodies.recv()).await {
            out.push(body);
        }
        out
    }
}

pub const SECRET: &str = "receiver-secret";

/// Registers a license webhook for `action` at `url`, returning its id.
async fn register(emu: &Emulator, action: &str, url: &str, filters: Option<Value>) -> String {
    let mut body = json!({
        "url": url, "action": action, "secret_key": SECRET,
        "owner_client_id": DEFAULT_CLIENT_ID, "type": "license",
    });
    if let Some(filters) = filters {
        body["filters"] = filters;
    }
    let (status, answer) = call(emu, "register_webhook", &body.to_string()).await;
    assert_eq!(status, 200, "{answer}");
    answer["id"].as_str().unwrap().to_string()
}

async fn ok(emu: &Emulator, action: &str, body: Value) -> Value {
    let (status, answer) = call(emu, action, &body.to_string()).await;
    assert_eq!(status, 200, "{action}: {answer}");
    answer
}

/// Waits until every journaled delivery is settled.
pub async fn settled(emu: &Emulator) -> Vec<livechat_config_emulator::DeliveryRecord> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let all = emu.webhook_deliveries();
        if all.iter().all(|d| d.status != DeliveryStatus::Pending) || Instant::now() > deadline {
            return all;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

const CONFIGURATION_WEBHOOKS: [&str; 16] = [
    "agent_created",
    "agent_approved",
    "agent_updated",
    "agent_suspended",
    "agent_unsuspended",
    "agent_deleted",
    "auto_accesses_updated",
    "bot_created",
    "bot_updated",
    "bot_deleted",
    "group_created",
    "group_updated",
    "group_deleted",
    "tag_created",
    "tag_updated",
    "tag_deleted",
];

#[tokio::test]
async fn each_configuration_webhook_arrives_in_the_documented_shape() {
    let emu = emulator().await;
    let mut rx = receiver(0, Duration::ZERO).await;
    let mut ids = BTreeMap::new();
    for action in CONFIGURATION_WEBHOOKS {
        ids.insert(action, register(&emu, action, &rx.url, None).await);
    }

    let group = ok(
        &emu,
        "create_group",
        json!({"name": "Sales", "agent_priorities": {OWNER_ID: "first"}}),
    )
    .await["id"]
        .as_u64()
        .unwrap();
    ok(
        &emu,
        "update_group",
        json!({"id": group, "name": "Sales EU"}),
    )
    .await;
    ok(&emu, "create_agent", json!({"id": "smith@example.com", "name": "Agent Smith", "role": "viceowner", "groups": [{"id": group, "priority": "last"}]})).await;
    ok(
        &emu,
        "update_agent",
        json!({"id": "smith@example.com", "job_title": "Support"}),
    )
    .await;
    ok(&emu, "suspend_agent", json!({"id": "smith@example.com"})).await;
    ok(&emu, "unsuspend_agent", json!({"id": "smith@example.com"})).await;
    ok(&emu, "approve_agent", json!({"id": "smith@example.com"})).await;
    ok(&emu, "delete_agent", json!({"id": "smith@example.com"})).await;
    let bot = ok(
        &emu,
        "create_bot",
        json!({"name": "Helper", "groups": [{"id": 0, "priority": "normal"}]}),
    )
    .await;
    let bot_id = bot["id"].as_str().unwrap().to_string();
    ok(
        &emu,
        "update_bot",
        json!({"id": bot_id, "name": "New Helper"}),
    )
    .await;
    ok(&emu, "delete_bot", json!({"id": bot_id})).await;
    ok(
        &emu,
        "create_tag",
        json!({"name": "docs_feedback", "group_ids": [0]}),
    )
    .await;
    ok(
        &emu,
        "update_tag",
        json!({"name": "docs_feedback", "group_ids": [0, group]}),
    )
    .await;
    ok(&emu, "delete_tag", json!({"name": "docs_feedback"})).await;
    let access = json!({"groups": [0]});
    let conditions = json!({"domain": {"values": [{"value": "example.com", "exact_match": true}]}});
    let first = ok(
        &emu,
        "add_auto_access",
        json!({"access": access, "conditions": conditions}),
    )
    .await["id"]
        .clone();
    ok(&emu, "delete_group", json!({"id": group})).await;

    let mut got: BTreeMap<String, Value> = BTreeMap::new();
    for _ in 0..16 {
        let body = rx.next().await;
        got.insert(body["action"].as_str().unwrap().to_string(), body);
    }
    assert_eq!(got.len(), 16, "{:?}", got.keys());
    for (action, body) in &got {
        assert_eq!(body["webhook_id"], ids[action.as_str()], "{action}");
        assert_eq!(body["secret_key"], SECRET);
        assert_eq!(body["organization_id"], ORGANIZATION_ID);
        assert_eq!(body["requester"]["user_id"], OWNER_ID);
        assert_eq!(body["requester"]["client_id"], DEFAULT_CLIENT_ID);
        assert!(body["requester"]["account_id"].is_string(), "{body}");
        assert_eq!(body["additional_data"], json!({}));
        // The sdk's own parser and secret check accept it.
        webhook::verify(&serde_json::to_vec(body).unwrap(), SECRET).unwrap();
    }
    let payload = |action: &str| got[action]["payload"].clone();

    assert_eq!(
        payload("group_created"),
        json!({"id": group, "name": "Sales", "language_code": "en", "agent_priorities": {OWNER_ID: "first"}})
    );
    assert_eq!(
        payload("group_updated"),
        json!({"id": group, "name": "Sales EU"})
    );
    assert_eq!(payload("group_deleted"), json!({"id": group}));

    let created = payload("agent_created");
    assert_eq!(created["id"], "smith@example.com");
    assert_eq!(created["name"], "Agent Smith");
    assert_eq!(created["role"], "viceowner");
    assert_eq!(
        created["groups"],
        json!([{"id": group, "priority": "last"}])
    );
    assert!(created["notifications"].is_array(), "full state: {created}");
    assert_eq!(
        payload("agent_updated"),
        json!({"id": "smith@example.com", "job_title": "Support"})
    );
    for action in [
        "agent_suspended",
        "agent_unsuspended",
        "agent_approved",
        "agent_deleted",
    ] {
        assert_eq!(
            payload(action),
            json!({"id": "smith@example.com"}),
            "{action}"
        );
    }

    let bot_created = payload("bot_created");
    assert_eq!(bot_created["id"], bot_id);
    assert_eq!(bot_created["name"], "Helper");
    assert_eq!(bot_created["owner_client_id"], DEFAULT_CLIENT_ID);
    assert_eq!(bot_created["default_group_priority"], "first");
    assert_eq!(
        bot_created["groups"],
        json!([{"id": 0, "priority": "normal"}])
    );
    assert!(bot_created.get("secret").is_none(), "{bot_created}");
    assert_eq!(
        payload("bot_updated"),
        json!({"id": bot_id, "name": "New Helper"})
    );
    assert_eq!(payload("bot_deleted"), json!({"id": bot_id}));

    let tag = payload("tag_created");
    assert_eq!(tag["name"], "docs_feedback");
    assert_eq!(tag["group_ids"], json!([0]));
    assert_eq!(tag["author_id"], OWNER_ID);
    assert!(tag["created_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        payload("tag_updated"),
        json!({"name": "docs_feedback", "group_ids": [0, group]})
    );
    assert_eq!(payload("tag_deleted"), json!({"name": "docs_feedback"}));

    let added = payload("auto_accesses_updated");
    assert_eq!(
        added,
        json!([{"id": first, "access": access, "conditions": conditions, "next_id": "", "status": "added"}])
    );
    assert!(
        rx.drain(Duration::from_millis(200)).await.is_empty(),
        "one delivery per change"
    );
    let journal = settled(&emu).await;
    assert_eq!(journal.len(), 16);
    assert!(journal
        .iter()
        .all(|d| d.status == DeliveryStatus::Delivered && d.attempts.len() == 1));
    assert!(
        journal.iter().all(|d| d.body["secret_key"] == "****"),
        "journal masks the key"
    );
}

#[tokio::test]
async fn auto_access_changes_list_every_rule_whose_place_changed() {
    let emu = emulator().await;
    let mut rx = receiver(0, Duration::ZERO).await;
    let access = json!({"groups": [0]});
    let url = |u: &str| json!({"url": {"values": [{"value": u, "exact_match": false}]}});
    let a = ok(
        &emu,
        "add_auto_access",
        json!({"access": access, "conditions": url("a")}),
    )
    .await["id"]
        .clone();
    register(&emu, "auto_accesses_updated", &rx.url, None).await;

    // Added before A: the new rule, whole, pointing at A; no rule pointed at A before.
    let b = ok(
        &emu,
        "add_auto_access",
        json!({"access": access, "conditions": url("b"), "next_id": a}),
    )
    .await["id"]
        .clone();
    assert_eq!(
        rx.next().await["payload"],
        json!([{"id": b, "access": access, "conditions": url("b"), "next_id": a, "status": "added"}])
    );
    // B→A; moving B to the end (after A) and describing it: A now points at B.
    ok(
        &emu,
        "update_auto_access",
        json!({"id": b, "description": "moved", "next_id": ""}),
    )
    .await;
    assert_eq!(
        rx.next().await["payload"],
        json!([
            {"id": a, "next_id": b, "status": "updated"},
            {"id": b, "description": "moved", "next_id": "", "status": "updated"},
        ])
    );
    // A→B; deleting B leaves A last.
    ok(&emu, "delete_auto_access", json!({"id": b})).await;
    assert_eq!(
        rx.next().await["payload"],
        json!([{"id": a, "next_id": "", "status": "updated"}, {"id": b, "status": "deleted"}])
    );
}

#[tokio::test]
async fn disabled_license_webhooks_deliver_nothing_until_enabled_again() {
    let emu = emulator().await;
    let mut rx = receiver(0, Duration::ZERO).await;
    register(&emu, "tag_created", &rx.url, None).await;
    let client = emu.client();
    client.disable_license_webhooks().await.unwrap();
    client.create_tag("quiet").await.unwrap();
    assert!(emu.webhook_deliveries().is_empty());
    client.enable_license_webhooks().await.unwrap();
    client.create_tag("loud").await.unwrap();
    assert_eq!(rx.next().await["payload"]["name"], "loud");
    assert!(rx.drain(Duration::from_millis(200)).await.is_empty());
    assert_eq!(emu.webhook_deliveries().len(), 1);
}

#[tokio::test]
async fn only_license_webhooks_whose_source_type_filter_matches_receive() {
    let emu = emulator().await;
    let mut rx = receiver(0, Duration::ZERO).await;
    let mine = register(
        &emu,
        "tag_created",
        &rx.url,
        Some(json!({"source_type": ["my_client"]})),
    )
    .await;
    register(
        &emu,
        "tag_created",
        &rx.url,
        Some(json!({"source_type": ["other_clients", "system"]})),
    )
    .await;
    let (status, _) = call(
        &emu,
        "register_webhook",
        &json!({
            "url": rx.url, "action": "tag_created", "secret_key": SECRET,
            "owner_client_id": DEFAULT_CLIENT_ID, "type": "bot",
        })
        .to_string(),
    )
    .await;
    assert_eq!(status, 200);
    // The default token is the webhooks' own Client ID: only `my_client` matches.
    emu.client().create_tag("mine").await.unwrap();
    let delivered = rx.next().await;
    assert_eq!(delivered["webhook_id"], mine);
    assert!(rx.drain(Duration::from_millis(200)).await.is_empty());
}

#[tokio::test]
async fn a_batch_delivers_one_webhook_per_applied_item() {
    let emu = emulator().await;
    let mut rx = receiver(0, Duration::ZERO).await;
    register(&emu, "agent_created", &rx.url, None).await;
    emu.client()
        .create_agent("taken@example.com", "Taken")
        .await
        .unwrap();
    assert_eq!(rx.next().await["payload"]["id"], "taken@example.com");

    let mut requests: Vec<CreateAgentRequest> = (0..25)
        .map(|i| CreateAgentRequest::new(format!("batch{i}@example.com"), "Batch"))
        .collect();
    requests.push(CreateAgentRequest::new("taken@example.com", "Again"));
    let results = emu.client().batch_create_agents(requests).await.unwrap();
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 25);
    let mut ids: Vec<String> = Vec::new();
    for _ in 0..25 {
        ids.push(
            rx.next().await["payload"]["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    // In the order of the items: one webhook's deliveries go out one after the other.
    let expected: Vec<String> = (0..25).map(|i| format!("batch{i}@example.com")).collect();
    assert_eq!(ids, expected);
    assert!(
        rx.drain(Duration::from_millis(200)).await.is_empty(),
        "none for the failed item"
    );
}

#[tokio::test]
async fn a_failing_receiver_is_retried_and_every_attempt_journaled() {
    let emu = Emulator::builder()
        .seed(1)
        .delivery_policy(DeliveryPolicy {
            attempts: 4,
            backoff: Duration::from_millis(50),
            timeout: Duration::from_secs(2),
        })
        .start()
        .await
        .unwrap();
    let mut rx = receiver(2, Duration::ZERO).await;
    let id = register(&emu, "tag_created", &rx.url, None).await;
    emu.client().create_tag("persistent").await.unwrap();
    assert_eq!(rx.next().await["payload"]["name"], "persistent");
    assert_eq!(rx.behaviour.hits.load(Ordering::SeqCst), 3);

    let journal = settled(&emu).await;
    assert_eq!(journal.len(), 1);
    let delivery = &journal[0];
    assert_eq!(delivery.webhook_id, id);
    assert_eq!(delivery.action, "tag_created");
    assert_eq!(delivery.url, rx.url);
    assert_eq!(delivery.status, DeliveryStatus::Delivered);
    let statuses: Vec<Option<u16>> = delivery.attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(500), Some(500), Some(200)]);
    assert!(delivery
        .attempts
        .iter()
        .all(|a| a.error.is_none() && a.latency_ms >= 0.0));

    // Over HTTP too.
    let response = reqwest::Client::new()
        .get(format!("{}/emulator/webhooks", emu.base_url()))
        .bearer_auth(emu.admin_token())
        .send()
        .await
        .unwrap();
    let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body["deliveries"][0]["status"], "delivered");
    assert_eq!(
        body["deliveries"][0]["attempts"].as_array().unwrap().len(),
        3
    );
    assert_eq!(body["deliveries"][0]["body"]["secret_key"], "****");
    assert_eq!(emu.clear_webhook_deliveries(), 1);
    assert!(emu.webhook_deliveries().is_empty());
}

#[tokio::test]
async fn a_dead_or_hanging_receiver_never_slows_or_fails_the_api_call() {
    let emu = Emulator::builder()
        .seed(1)
        .delivery_policy(DeliveryPolicy {
            attempts: 2,
            backoff: Duration::from_millis(50),
            timeout: Duration::from_millis(300),
        })
        .start()
        .await
        .unwrap();
    // A port held by a socket that never listens refuses every connection, and no other test can
    // take it meanwhile; the other receiver takes 30 s to answer.
    let held = tokio::net::TcpSocket::new_v4().unwrap();
    held.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let dead = format!("http://{}/hook", held.local_addr().unwrap());
    let hanging = receiver(0, Duration::from_secs(30)).await;
    register(&emu, "tag_created", &dead, None).await;
    register(&emu, "tag_created", &hanging.url, None).await;
    let client = emu.client();
    let started = Instant::now();
    for i in 0..8 {
        client.create_tag(format!("tag{i}")).await.unwrap();
    }
    let took = started.elapsed();
    assert!(took < Duration::from_secs(1), "8 changes took {took:?}");
    assert_eq!(client.list_tags().await.unwrap().len(), 8);

    let journal = settled(&emu).await;
    assert_eq!(journal.len(), 16);
    for delivery in &journal {
        assert_eq!(delivery.status, DeliveryStatus::Failed, "{delivery:?}");
        assert_eq!(delivery.attempts.len(), 2);
        let error = delivery.attempts[0].error.as_deref().unwrap();
        if delivery.url == dead {
            assert!(error.contains("connect"), "{error}");
        } else {
            assert!(error.contains("timed out"), "{error}");
        }
    }
}

#[tokio::test]
async fn at_50_writes_a_second_each_change_is_delivered_once_and_in_order() {
    let emu = emulator().await;
    let mut rx = receiver(0, Duration::ZERO).await;
    register(&emu, "tag_created", &rx.url, None).await;
    let client = emu.client();
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    for i in 0..100 {
        tick.tick().await;
        client.create_tag(format!("t{i}")).await.unwrap();
        let body = rx.next().await;
        assert_eq!(body["payload"]["name"], format!("t{i}"));
    }
    // How soon they arrive is a benchmark row (BENCHMARKS.md), not a test.
    assert!(rx.drain(Duration::from_millis(200)).await.is_empty());
}

#[tokio::test]
async fn a_webhook_url_that_is_not_http_cannot_be_imported_either() {
    let emu = emulator().await;
    let mut rx = receiver(0, Duration::ZERO).await;
    register(&emu, "tag_created", &rx.url, None).await;
    // The API refuses such a URL, and so does a restored state.
    let before = emu.export_state();
    let mut state = before.clone();
    state["webhooks"][0]["url"] = json!("file:///etc/passwd");
    let refused = emu.import_state(state).unwrap_err().to_string();
    assert!(refused.contains("`url`"), "{refused}");
    assert_eq!(emu.export_state(), before);
    emu.client().create_tag("somewhere").await.unwrap();
    assert_eq!(rx.next().await["payload"]["name"], "somewhere");
    assert!(rx.drain(Duration::from_millis(200)).await.is_empty());
}
