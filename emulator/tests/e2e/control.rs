//! The control plane under `/emulator/…`: its admin token, reset, snapshot and restore, the
//! request journal (filtered, cleared, secrets masked) and fault rules at run time, over HTTP and
//! through the library's handle; and the binary's `--import` and banner.

use crate::binary::{command, start};
use crate::persistence::temp_dir;
use crate::{call, emulator};
use livechat_config::*;
use livechat_config_emulator::{
    Emulator, FaultPlan, FaultRule, DEFAULT_CLIENT_ID, DEFAULT_TOKEN, ORGANIZATION_ID, OWNER_ID,
};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A control-plane request with this bearer token (none when `None`).
async fn control_as(
    base_url: &str,
    token: Option<&str>,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new().request(method, format!("{base_url}{path}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// A control-plane request with the emulator's admin token.
async fn control(
    emu: &Emulator,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    control_as(emu.base_url(), Some(emu.admin_token()), method, path, body).await
}

use reqwest::Method;

#[tokio::test]
async fn the_admin_token_is_required_and_is_no_api_token() {
    let emu = emulator().await;
    let admin = emu.admin_token().to_string();
    assert!(admin.len() >= 32, "a random token of some length: {admin}");
    assert!(!format!("{emu:?}").contains(&admin), "Debug keeps it out");

    for path in ["/emulator/state", "/emulator/requests", "/emulator/nowhere"] {
        let (status, body) = control_as(emu.base_url(), None, Method::GET, path, None).await;
        assert_eq!(status, 401, "{path}");
        assert_eq!(body["error"]["type"], "authentication", "{path}");
        let (status, body) =
            control_as(emu.base_url(), Some("wrong"), Method::GET, path, None).await;
        assert_eq!(status, 401, "{path}");
        assert_eq!(body["error"]["message"], "invalid admin token");
    }
    // An API token opens no control endpoint either.
    let (status, _) = control_as(
        emu.base_url(),
        Some(DEFAULT_TOKEN),
        Method::POST,
        "/emulator/reset",
        None,
    )
    .await;
    assert_eq!(status, 401);

    // And the admin token is no API token.
    let as_admin = emu.client_with(Credentials::bearer(&admin));
    let refused = as_admin.list_agents().await.unwrap_err();
    assert!(refused.is_authentication(), "{refused}");
    assert!(!refused.to_string().contains(&admin), "{refused}");
    // Nor does it leave a trace in the journal.
    let journal = serde_json::to_string(&emu.requests(None)).unwrap();
    assert!(journal.contains("list_agents"), "{journal}");
    assert!(!journal.contains(&admin));

    // A builder token equal to an API token is refused at start.
    let clash = Emulator::builder().admin_token(DEFAULT_TOKEN).start().await;
    assert_eq!(clash.unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn unknown_control_paths_and_methods_answer_json_errors() {
    let emu = Emulator::builder()
        .admin_token("admin-1")
        .start()
        .await
        .unwrap();
    assert_eq!(emu.admin_token(), "admin-1");
    let (status, body) = control(&emu, Method::GET, "/emulator/nothing", None).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["type"], "not_found");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("/emulator/reset"),
        "{body}"
    );
    let (status, body) = control(&emu, Method::DELETE, "/emulator/state", None).await;
    assert_eq!(status, 405);
    assert_eq!(body["error"]["type"], "validation");
    let (status, body) = control(&emu, Method::GET, "/emulator/requests?limit=3", None).await;
    assert_eq!(status, 400);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("limit=3"));
}

#[tokio::test]
async fn reset_goes_back_to_the_starting_state_over_http_and_the_handle() {
    let emu = emulator().await;
    let client = emu.client();
    let start = emu.export_state();
    client.create_agent("a@example.com", "A").await.unwrap();
    client.create_tag("t").await.unwrap();
    assert_ne!(emu.export_state()["agents"], start["agents"]);

    let (status, body) = control(&emu, Method::POST, "/emulator/reset", None).await;
    assert_eq!((status, body), (200, json!({})));
    assert_eq!(emu.export_state(), start);
    let agents = client.list_agents().await.unwrap();
    assert_eq!(
        agents.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
        [OWNER_ID]
    );
    assert!(client.list_tags().await.unwrap().is_empty());

    client
        .create_group("Sales", [(OWNER_ID, Priority::First)])
        .await
        .unwrap();
    emu.reset().unwrap();
    assert_eq!(client.list_groups().await.unwrap().len(), 1);
    // Ids are drawn from the starting state's sequence again: a seeded run repeats after a reset.
    let first = client.create_bot("Bot").await.unwrap().id;
    emu.reset().unwrap();
    assert_eq!(client.create_bot("Bot").await.unwrap().id, first);
}

#[tokio::test]
async fn an_exported_state_restores_what_changed_since() {
    let emu = emulator().await;
    let client = emu.client();
    client.create_tag("keep").await.unwrap();
    let bot = client.create_bot("Keeper").await.unwrap();
    let (status, snapshot) = control(&emu, Method::GET, "/emulator/state", None).await;
    assert_eq!(status, 200);
    assert_eq!(snapshot["organization_id"], ORGANIZATION_ID);

    client.delete_tag("keep").await.unwrap();
    client.delete_bot(&bot.id).await.unwrap();
    client
        .create_agent("late@example.com", "Late")
        .await
        .unwrap();

    let (status, body) =
        control(&emu, Method::PUT, "/emulator/state", Some(snapshot.clone())).await;
    assert_eq!((status, body), (200, json!({})));
    assert_eq!(emu.export_state(), snapshot);
    let tags = client.list_tags().await.unwrap();
    assert_eq!(tags[0].name, "keep");
    assert_eq!(client.get_bot(&bot.id).await.unwrap().name, "Keeper");
    assert_eq!(
        client
            .get_agent("late@example.com")
            .await
            .unwrap_err()
            .api_kind(),
        Some(&ErrorKind::NotFound)
    );
    // The restored bot's secret still issues tokens: secrets travel with the snapshot.
    client
        .issue_bot_token(&bot.id, DEFAULT_CLIENT_ID, &bot.secret, ORGANIZATION_ID)
        .await
        .unwrap();

    // A state imported at start is also what a reset goes back to.
    let seeded = Emulator::builder()
        .import_state(snapshot.clone())
        .start()
        .await
        .unwrap();
    seeded.client().create_tag("extra").await.unwrap();
    seeded.reset().unwrap();
    assert_eq!(seeded.export_state(), snapshot);
}

#[tokio::test]
async fn an_invalid_import_is_refused_and_changes_nothing() {
    let emu = emulator().await;
    emu.client().create_tag("before").await.unwrap();
    let before = emu.export_state();

    let mut dangling = before.clone();
    dangling["groups"]["0"]["agent_priorities"]["ghost@example.com"] = json!("normal");
    let mut no_general = before.clone();
    no_general["groups"] = json!({});
    let mut wrong_type = before.clone();
    wrong_type["tags"] = json!("not a list");
    let cases = [
        (dangling, "ghost@example.com"),
        (no_general, "group 0"),
        (wrong_type, "invalid type"),
        (json!([1, 2]), "invalid type"),
    ];
    for (state, why) in cases {
        let (status, body) =
            control(&emu, Method::PUT, "/emulator/state", Some(state.clone())).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(body["error"]["type"], "validation");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(why), "{message}");
        assert_eq!(emu.export_state(), before);
        let refused = emu.import_state(state).unwrap_err();
        assert!(refused.to_string().contains(why), "{refused}");
        assert_eq!(emu.export_state(), before);
    }
    let response = reqwest::Client::new()
        .put(format!("{}/emulator/state", emu.base_url()))
        .bearer_auth(emu.admin_token())
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert_eq!(emu.export_state(), before);
    let started = Emulator::builder()
        .import_state(json!({"agents": 1}))
        .start()
        .await;
    assert_eq!(started.unwrap_err().kind(), std::io::ErrorKind::InvalidData);
}

#[tokio::test]
async fn the_request_journal_filters_clears_and_masks_secrets() {
    let emu = emulator().await;
    let client = emu.client();
    client.create_agent("j@example.com", "J").await.unwrap();
    let bot = client.create_bot("Secretive").await.unwrap();
    let token = client
        .issue_bot_token(&bot.id, DEFAULT_CLIENT_ID, &bot.secret, ORGANIZATION_ID)
        .await
        .unwrap()
        .token;
    client
        .register_webhook(
            WebhookAction::TagCreated,
            "hook-secret-123",
            "http://127.0.0.1:9/",
            DEFAULT_CLIENT_ID,
            WebhookType::License,
        )
        .await
        .unwrap();
    let (status, _) = call(&emu, "get_agent", r#"{"id": "nobody@example.com"}"#).await;
    assert_eq!(status, 404);

    let (status, all) = control(&emu, Method::GET, "/emulator/requests", None).await;
    assert_eq!(status, 200);
    let all = all["requests"].as_array().unwrap().clone();
    let actions: Vec<&str> = all.iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        [
            "create_agent",
            "create_bot",
            "issue_bot_token",
            "register_webhook",
            "get_agent"
        ]
    );
    let first = &all[0];
    assert_eq!(first["version"], "3.6");
    assert_eq!(first["status"], 200);
    assert_eq!(first["request"]["id"], "j@example.com");
    assert_eq!(first["response"]["id"], "j@example.com");
    assert!(first["latency_ms"].as_f64().unwrap() >= 0.0);
    assert!(first["time"].as_str().unwrap().ends_with('Z'));
    assert_eq!(all[4]["status"], 404);
    assert_eq!(all[4]["response"]["error"]["type"], "not_found");

    // Secrets masked field by field, the rest of the body kept.
    assert_eq!(all[1]["response"], json!({"id": bot.id, "secret": "****"}));
    assert_eq!(all[2]["request"]["bot_secret"], "****");
    assert_eq!(all[2]["request"]["bot_id"], bot.id);
    assert_eq!(all[2]["response"], json!({"token": "****"}));
    assert_eq!(all[3]["request"]["secret_key"], "****");
    assert_eq!(all[3]["request"]["action"], "tag_created");
    let text = serde_json::to_string(&all).unwrap();
    for secret in [bot.secret.as_str(), token.as_str(), "hook-secret-123"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }

    let (_, only) = control(
        &emu,
        Method::GET,
        "/emulator/requests?action=create_bot",
        None,
    )
    .await;
    let only = only["requests"].as_array().unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0]["action"], "create_bot");
    assert_eq!(emu.requests(Some("get_agent")).len(), 1);

    let (status, cleared) = control(&emu, Method::DELETE, "/emulator/requests", None).await;
    assert_eq!((status, cleared), (200, json!({"cleared": 5})));
    assert!(emu.requests(None).is_empty());
    client.list_tags().await.unwrap();
    let after = emu.requests(None);
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].seq, 6, "numbering goes on after a clear");
}

#[tokio::test]
async fn the_journal_keeps_only_the_most_recent_requests() {
    let emu = Emulator::builder()
        .journal_capacity(3)
        .start()
        .await
        .unwrap();
    let client = emu.client();
    for name in ["a", "b", "c", "d", "e"] {
        client.create_tag(name).await.unwrap();
    }
    let names: Vec<Value> = emu
        .requests(None)
        .into_iter()
        .map(|r| r.request["name"].clone())
        .collect();
    assert_eq!(names, [json!("c"), json!("d"), json!("e")]);
}

#[tokio::test]
async fn a_share_of_429s_carries_a_retry_after_the_sdk_waits_for() {
    let emu = emulator().await;
    let plan =
        json!({"rules": [{"action": "create_tag", "status": 429, "next": 1, "retry_after": 1}]});
    let (status, body) = control(&emu, Method::PUT, "/emulator/faults", Some(plan)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["rules"][0]["next"], 1);

    let started = Instant::now();
    emu.client().create_tag("patient").await.unwrap();
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(950), "{waited:?}");
    assert_eq!(emu.served(Action::CreateTag), 2);
    let statuses: Vec<u16> = emu
        .requests(Some("create_tag"))
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses, [429, 200]);

    // A share: every call of the action answered 429, with the default Retry-After of 0, so a
    // test of retries does not wait.
    emu.set_fault_plan(FaultPlan {
        rules: vec![FaultRule::status(429).action("list_tags").share(1.0)],
        ..FaultPlan::default()
    })
    .unwrap();
    let response = reqwest::Client::new()
        .post(format!(
            "{}/v3.6/configuration/action/list_tags",
            emu.base_url()
        ))
        .bearer_auth(DEFAULT_TOKEN)
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers()["retry-after"], "0");
    let body: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(body["error"]["type"], "too_many_requests");
    // Other actions are untouched.
    assert!(emu.client().list_agents().await.is_ok());

    // The start-time share's 429s carry one too.
    let shared = Emulator::builder()
        .rate_limited_share(1.0)
        .rate_limited_retry_after(7)
        .start()
        .await
        .unwrap();
    let (status, _) = call(&shared, "list_tags", "{}").await;
    assert_eq!(status, 429);
    let record = &shared.requests(None)[0];
    assert_eq!(record.status, 429);
    let response = reqwest::Client::new()
        .post(format!(
            "{}/v3.6/configuration/action/list_tags",
            shared.base_url()
        ))
        .bearer_auth(DEFAULT_TOKEN)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["retry-after"], "7");
}

#[tokio::test]
async fn the_next_n_calls_fail_then_calls_pass_again() {
    let emu = emulator().await;
    let plan = json!({"rules": [{"status": 503, "next": 2}]});
    let (status, _) = control(&emu, Method::PUT, "/emulator/faults", Some(plan)).await;
    assert_eq!(status, 200);
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(call(&emu, "list_tags", "{}").await.0);
    }
    assert_eq!(statuses, [503, 503, 200]);
    let (_, now) = control(&emu, Method::GET, "/emulator/faults", None).await;
    assert_eq!(now["rules"][0]["next"], 0);

    // An impossible plan is refused by name and leaves the faults as they were.
    let bad = json!({"rules": [{"action": "create_agnet", "status": 429}]});
    let (status, body) = control(&emu, Method::PUT, "/emulator/faults", Some(bad)).await;
    assert_eq!(status, 400);
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("create_agnet"));
    let bad = json!({"rules": [{"status": 404}]});
    assert_eq!(
        control(&emu, Method::PUT, "/emulator/faults", Some(bad))
            .await
            .0,
        400
    );
    let bad = json!({"rate_limted": 0.5});
    assert_eq!(
        control(&emu, Method::PUT, "/emulator/faults", Some(bad))
            .await
            .0,
        400
    );
    let (_, after) = control(&emu, Method::GET, "/emulator/faults", None).await;
    assert_eq!(after, now);
}

#[tokio::test]
async fn added_latency_applies_to_the_rule_s_action_only() {
    let emu = emulator().await;
    emu.set_fault_plan(FaultPlan {
        rules: vec![FaultRule::latency(Duration::from_millis(400)).action("get_agent")],
        ..FaultPlan::default()
    })
    .unwrap();
    let client = emu.client();
    let started = Instant::now();
    client.get_agent(OWNER_ID).await.unwrap();
    let slow = started.elapsed();
    let started = Instant::now();
    client.list_tags().await.unwrap();
    let fast = started.elapsed();
    assert!(slow >= Duration::from_millis(400), "{slow:?}");
    assert!(fast < Duration::from_millis(300), "{fast:?}");
    let journaled = &emu.requests(Some("get_agent"))[0];
    assert!(journaled.latency_ms >= 400.0, "{journaled:?}");
}

#[tokio::test]
async fn the_binary_prints_its_admin_token_once_and_imports_a_state() {
    let dir = temp_dir("control-binary");
    let seeded = emulator().await;
    seeded.client().create_tag("imported").await.unwrap();
    let file = dir.join("snapshot.json");
    std::fs::write(&file, seeded.export_state().to_string()).unwrap();

    let mut imported = command(&dir.join("state.json"));
    imported.arg("--import").arg(&file);
    let (_running, url, banner) = start(imported);
    let line = banner
        .iter()
        .find(|l| l.starts_with("control plane:"))
        .unwrap_or_else(|| panic!("{banner:?}"));
    let admin = line
        .rsplit("Bearer ")
        .next()
        .unwrap()
        .trim_end_matches(')')
        .to_string();
    assert_eq!(banner.iter().filter(|l| l.contains(&admin)).count(), 1);

    let (status, state) =
        control_as(&url, Some(&admin), Method::GET, "/emulator/state", None).await;
    assert_eq!(status, 200);
    assert_eq!(state["tags"][0]["name"], "imported");
    let (status, _) = control_as(&url, Some("nope"), Method::GET, "/emulator/state", None).await;
    assert_eq!(status, 401);

    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"agents": 1}"#).unwrap();
    let mut refused = command(&dir.join("other.json"));
    refused.arg("--import").arg(&bad);
    let output = refused.output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("invalid state"), "{stderr}");
}

#[tokio::test]
async fn imports_and_resets_are_saved_to_the_state_file() {
    let dir = temp_dir("control-store");
    let file = dir.join("state.json");
    let emu = Emulator::builder().state_file(&file).start().await.unwrap();
    let fresh = emu.export_state();
    emu.client().create_tag("snap").await.unwrap();
    let snapshot = emu.export_state();
    emu.reset().unwrap();
    emu.stop().await.unwrap();

    let emu = Emulator::builder().state_file(&file).start().await.unwrap();
    assert_eq!(emu.export_state(), fresh, "the reset was saved");
    emu.import_state(snapshot.clone()).unwrap();
    emu.stop().await.unwrap();

    let emu = Emulator::builder().state_file(&file).start().await.unwrap();
    assert_eq!(emu.export_state(), snapshot, "the import was saved");
    assert_eq!(emu.client().list_tags().await.unwrap()[0].name, "snap");
}

#[tokio::test]
async fn a_state_of_several_megabytes_imports_while_api_bodies_stay_bounded() {
    let emu = emulator().await;
    let mut state = emu.export_state();
    let padding = "x".repeat(200);
    for i in 0..15_000 {
        let id = format!("agent{i}@example.com");
        state["agents"][&id] = json!({"id": id, "name": "Imported", "job_title": padding});
    }
    let size = state.to_string().len();
    assert!(size > 3 * 1024 * 1024, "{size}");
    let (status, body) = control(&emu, Method::PUT, "/emulator/state", Some(state)).await;
    assert_eq!((status, body), (200, json!({})));
    assert_eq!(emu.client().list_agents().await.unwrap().len(), 15_001);

    let huge = json!({"name": "x".repeat(3 * 1024 * 1024)}).to_string();
    let (status, body) = call(&emu, "create_tag", &huge).await;
    assert_eq!(status, 413);
    assert_eq!(body["error"]["type"], "validation");
}

/// The resident memory of a process, in KiB.
pub fn rss_kib(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Uploads announced as 400 MB without the admin token: each is answered 401 from its headers,
/// and the emulator reads (and keeps) next to nothing of the bodies.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unauthenticated_upload_is_refused_before_its_body_is_read() {
    let emu = emulator().await;
    let addr = emu.local_addr();
    let before = rss_kib(std::process::id()).unwrap_or(0);
    let uploads: Vec<_> = [
        Some("Bearer not-the-admin-token"),
        None,
        Some("Bearer x"),
        None,
    ]
    .into_iter()
    .map(|authorization| {
        std::thread::spawn(move || {
            crate::announce_huge_upload(
                addr,
                "PUT /emulator/state",
                authorization.map(String::from),
            )
        })
    })
    .collect();
    let results: Vec<(usize, String)> = tokio::task::spawn_blocking(move || {
        uploads.into_iter().map(|u| u.join().unwrap()).collect()
    })
    .await
    .unwrap();
    for (sent, answer) in &results {
        assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
        assert!(
            *sent < 64 << 20,
            "the connection was closed early: {sent} bytes went out"
        );
    }
    let grown_mib = rss_kib(std::process::id())
        .unwrap_or(0)
        .saturating_sub(before)
        / 1024;
    assert!(grown_mib < 64, "the emulator grew by {grown_mib} MiB");
    // With the token, the control plane still takes a body.
    let (status, _) = control(&emu, Method::GET, "/emulator/state", None).await;
    assert_eq!(status, 200);
}

/// A secret sent to a misspelt action, or in a delivery the emulator posts to itself, is masked
/// in the journals as any action's is; a URL's `user:password@` is not kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_sent_where_no_action_is_are_masked_too() {
    let emu = emulator().await;
    let body = json!({
        "action": "agent_created",
        "secret_key": "hook-secret-misspelt",
        "url": "https://user:url-password@hooks.example.com/x",
        "owner_client_id": DEFAULT_CLIENT_ID,
        "type": "license"
    })
    .to_string();
    for name in ["register_webhook/", "Register_Webhook", "register_webhooks"] {
        let (status, _) = call(&emu, name, &body).await;
        assert_eq!(status, 404, "{name}");
    }
    // A webhook aimed at the emulator itself, with credentials in its URL.
    let hook_url = format!("http://user:url-password@{}/hooks/agents", emu.local_addr());
    emu.client()
        .register_webhook(
            WebhookAction::AgentCreated,
            "hook-secret-self",
            &hook_url,
            DEFAULT_CLIENT_ID,
            WebhookType::License,
        )
        .await
        .unwrap();
    emu.client()
        .create_agent("self@example.com", "Self")
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while emu.requests(None).iter().all(|r| r.action.is_some()) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, requests) = control(&emu, Method::GET, "/emulator/requests", None).await;
    let (_, deliveries) = control(&emu, Method::GET, "/emulator/webhooks", None).await;
    let text = format!("{requests} {deliveries}");
    assert!(
        requests["requests"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["action"].is_null()),
        "the delivery reached the emulator: {requests}"
    );
    for secret in ["hook-secret-misspelt", "hook-secret-self", "url-password"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    assert!(text.contains("****"));
}
