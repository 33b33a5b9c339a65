use livechat_config::*;
use livechat_config_tests::{Reply, TestServer, TOKEN};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn id(i: usize) -> String {
    format!("agent{i}@example.com")
}

/// Answers each item of a batch: `not_found` for every seventh agent, success otherwise.
fn per_item(request: &livechat_config_tests::Recorded) -> Reply {
    let body = request.json();
    let responses: Vec<Value> = body["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let id = item["id"].as_str().unwrap();
            let n: usize = id
                .trim_start_matches("agent")
                .split('@')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            if n.is_multiple_of(7) {
                json!({"error": {"type": "not_found", "message": format!("{id} not found")}})
            } else {
                json!({})
            }
        })
        .collect();
    Reply::json(200, json!({ "responses": responses }))
}

#[tokio::test]
async fn a_thousand_items_keep_their_order_and_their_own_errors() {
    let server = TestServer::start().await;
    server.handle(per_item);
    let client = server
        .builder(Credentials::bearer(TOKEN))
        .batch_chunk_size(50)
        .batch_concurrency(4)
        .build()
        .unwrap();
    let results = client
        .batch_suspend_agents((0..1000).map(|i| SuspendAgentRequest::new(id(i))))
        .await
        .unwrap();
    assert_eq!(results.len(), 1000);
    for (i, result) in results.iter().enumerate() {
        if i.is_multiple_of(7) {
            let api = result.as_ref().unwrap_err().api().unwrap();
            assert_eq!(api.kind, ErrorKind::NotFound);
            assert_eq!(api.message, format!("{} not found", id(i)));
        } else {
            assert!(result.is_ok(), "item {i}: {result:?}");
        }
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 20);
    let mut seen = HashSet::new();
    for request in &requests {
        assert_eq!(
            request.path,
            "/v3.6/configuration/action/batch_suspend_agents"
        );
        let items = request.json()["requests"].as_array().unwrap().clone();
        assert_eq!(items.len(), 50);
        for item in items {
            assert!(seen.insert(item["id"].as_str().unwrap().to_string()));
        }
    }
    assert_eq!(seen.len(), 1000);
}

#[tokio::test]
async fn a_failed_chunk_gives_its_error_to_each_of_its_items_only() {
    let server = TestServer::start().await;
    server.handle(|request| {
        let body = request.json();
        let items = body["requests"].as_array().unwrap();
        if items.iter().any(|item| item["id"] == id(12)) {
            Reply::error(500, "internal")
        } else {
            Reply::json(200, json!({"responses": vec![json!({}); items.len()]}))
        }
    });
    let results = server
        .client()
        .batch_delete_agents((0..25).map(|i| DeleteAgentRequest::new(id(i))))
        .chunk_size(10)
        .await
        .unwrap();
    assert_eq!(results.len(), 25);
    for (i, result) in results.iter().enumerate() {
        if (10..20).contains(&i) {
            let api = result.as_ref().unwrap_err().api().unwrap();
            assert_eq!(api.kind, ErrorKind::Internal);
            assert_eq!(api.status, Some(500));
        } else {
            assert!(result.is_ok(), "item {i}: {result:?}");
        }
    }
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn chunks_in_flight_never_exceed_the_concurrency_limit() {
    let server = TestServer::start().await;
    let in_flight = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    // A chunk is in flight at the server from its arrival until its answer goes out: counted up
    // when the handler runs and down just before the answer is written, so however late the
    // machine runs timers, the client cannot send the next chunk before the count went down.
    let (now, peak) = (in_flight.clone(), most.clone());
    server.handle(move |request| {
        let current = now.fetch_add(1, Ordering::SeqCst) + 1;
        peak.fetch_max(current, Ordering::SeqCst);
        let now = now.clone();
        let n = request.json()["requests"].as_array().unwrap().len();
        Reply::json(200, json!({"responses": vec![json!({}); n]}))
            .delay(Duration::from_millis(50))
            .when_sent(move || {
                now.fetch_sub(1, Ordering::SeqCst);
            })
    });
    let results = server
        .client()
        .batch_approve_agents((0..60).map(|i| ApproveAgentRequest::new(id(i))))
        .chunk_size(5)
        .concurrency(3)
        .await
        .unwrap();
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(server.requests().len(), 12);
    let peak = most.load(Ordering::SeqCst);
    assert!(peak <= 3, "{peak} chunks in flight");
    assert!(peak >= 2, "chunks were not sent concurrently (peak {peak})");
}

#[tokio::test]
async fn a_short_answer_fails_its_chunk_with_a_decode_error() {
    let server = TestServer::start().await;
    server.reply(200, json!({"responses": [{}]}));
    let results = server
        .client()
        .batch_delete_bots([DeleteBotRequest::new("a"), DeleteBotRequest::new("b")])
        .await
        .unwrap();
    for result in &results {
        let Err(Error::Decode(e)) = result else {
            panic!("expected Decode, got {result:?}")
        };
        assert_eq!(e.action, Action::BatchDeleteBots);
        assert!(
            e.message.contains("1 responses for 2 requests"),
            "{}",
            e.message
        );
    }
}

#[tokio::test]
async fn an_unusable_token_fails_the_whole_call_before_sending() {
    let server = TestServer::start().await;
    let client = server.client_with(Credentials::bearer("dal:bad\ntoken"));
    let err = client
        .batch_delete_agents([DeleteAgentRequest::new("a")])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(!err.to_string().contains("bad\ntoken"));
    assert!(server.requests().is_empty());
}

/// The position of `agent300@example.com` in a batch call's body, if it is there.
fn position_of_300(request: &livechat_config_tests::Recorded) -> Option<usize> {
    request.json()["requests"]
        .as_array()
        .unwrap()
        .iter()
        .position(|item| item["id"] == "agent300@example.com")
}

#[tokio::test]
async fn an_item_error_names_the_callers_index_not_the_chunks() {
    let server = TestServer::start().await;
    server.handle(|request| {
        let count = request.json()["requests"].as_array().unwrap().len();
        let bad = position_of_300(request);
        let responses: Vec<Value> = (0..count)
            .map(|p| match bad {
                Some(b) if b == p => json!({"error": {"type": "validation",
                    "message": format!("`requests[{p}].name`: too long")}}),
                _ => json!({}),
            })
            .collect();
        Reply::json(200, json!({ "responses": responses }))
    });
    let client = server
        .builder(Credentials::bearer(TOKEN))
        .batch_chunk_size(64)
        .build()
        .unwrap();
    let results = client
        .batch_suspend_agents((0..310).map(|i| SuspendAgentRequest::new(id(i))))
        .await
        .unwrap();
    let err = results[300].as_ref().unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.message, "`requests[300].name`: too long");
    assert_eq!(
        err.to_string(),
        "`batch_suspend_agents`: validation: `requests[300].name`: too long"
    );
    assert_eq!(results.iter().filter(|r| r.is_err()).count(), 1);
}

#[tokio::test]
async fn a_whole_batch_refused_for_one_item_names_that_items_index() {
    let server = TestServer::start().await;
    server.handle(|request| match position_of_300(request) {
        Some(p) => Reply::json(
            400,
            json!({"error": {"type": "validation", "message": format!("requests[{p}]: invalid")}}),
        ),
        None => per_item(request),
    });
    let client = server
        .builder(Credentials::bearer(TOKEN))
        .batch_chunk_size(64)
        .build()
        .unwrap();
    let results = client
        .batch_suspend_agents((1..=310).map(|i| SuspendAgentRequest::new(id(i))))
        .await
        .unwrap();
    // agent300 is the caller's item 299, position 43 of the fifth chunk (256..320).
    for result in &results[256..] {
        let api = result.as_ref().unwrap_err().api().unwrap();
        assert_eq!(api.message, "requests[299]: invalid");
    }
    assert!(results[..256]
        .iter()
        .enumerate()
        .all(|(i, r)| r.is_ok() != (i + 1).is_multiple_of(7)));
}
