//! Storms and mixes of faults over many calls, counted on the server: no panic, no write sent
//! twice, and a typed error for every call that failed.

use futures_util::stream::{self, StreamExt};
use livechat_config::{Action, Client, Credentials, Error, ErrorKind, RetryPolicy};
use livechat_config_emulator::{Emulator, Faults, DEFAULT_TOKEN};
use livechat_config_tests::raw::{RawReply, RawServer};
use livechat_config_tests::{Reply, TestServer, TOKEN};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn quick_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(attempts)
        .with_base_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_millis(5))
}

fn client_of(base_url: &str, policy: RetryPolicy, timeout: Duration) -> Client {
    Client::builder(Credentials::bearer(TOKEN))
        .base_url(base_url)
        .retry(policy)
        .timeout(timeout)
        .build()
        .unwrap()
}

/// What happened to each call of a storm.
#[derive(Debug, Default)]
struct Tally {
    ok: usize,
    failed: Vec<Error>,
    panics: usize,
    created: BTreeSet<String>,
    refused: BTreeSet<String>,
}

/// `calls` calls, 8 in flight, each in a task of its own so a panic is counted, not fatal:
/// every third a `create_agent` with a fresh id, the others `get_agent` of `reader`.
async fn storm(client: &Client, calls: usize, tag: &str, reader: &str) -> Tally {
    let mut tasks = stream::iter(0..calls)
        .map(|i| {
            let client = client.clone();
            let reader = reader.to_string();
            let id = format!("{tag}{i}@storm.example.com");
            tokio::spawn(async move {
                if i.is_multiple_of(3) {
                    let result = client.create_agent(&id, "Storm").await.map(drop);
                    (Some(id), result)
                } else {
                    (None, client.get_agent(reader).await.map(drop))
                }
            })
        })
        .buffer_unordered(8);
    let mut tally = Tally::default();
    while let Some(joined) = tasks.next().await {
        match joined {
            Err(e) if e.is_panic() => tally.panics += 1,
            Err(e) => panic!("task failed: {e}"),
            Ok((id, Ok(()))) => {
                tally.ok += 1;
                tally.created.extend(id);
            }
            Ok((id, Err(e))) => {
                tally.failed.push(e);
                tally.refused.extend(id);
            }
        }
    }
    tally
}

fn assert_injected(error: &Error) {
    let api = error
        .api()
        .unwrap_or_else(|| panic!("not an API error: {error:?}"));
    match api.kind {
        ErrorKind::TooManyRequests => assert_eq!(api.status, Some(429), "{error}"),
        ErrorKind::Internal => assert_eq!(api.status, Some(503), "{error}"),
        _ => panic!("unexpected error kind: {error}"),
    }
}

async fn agent_ids(emulator: &Emulator) -> BTreeSet<String> {
    let agents = emulator.client().list_agents().await.unwrap();
    agents.into_iter().map(|a| a.id).collect()
}

#[tokio::test]
async fn a_storm_of_429s_and_503s_applies_each_write_at_most_once_and_types_every_failure() {
    let emulator = Emulator::builder().seed(11).start().await.unwrap();
    emulator
        .client()
        .create_agent("reader@storm.example.com", "Reader")
        .await
        .unwrap();
    emulator.set_faults(Faults {
        rate_limited: 0.3,
        server_errors: 0.2,
        ..Faults::default()
    });
    let client = Client::builder(Credentials::bearer(DEFAULT_TOKEN))
        .base_url(emulator.base_url())
        .retry(quick_retries(4))
        .build()
        .unwrap();
    let calls = 600;
    let tally = storm(&client, calls, "s", "reader@storm.example.com").await;
    emulator.set_faults(Faults::default());

    assert_eq!(tally.panics, 0);
    assert_eq!(tally.ok + tally.failed.len(), calls);
    // Only injected faults: a write sent again after it ran would fail `already_exists`.
    tally.failed.iter().for_each(assert_injected);
    let writes = calls.div_ceil(3) as u64;
    // A 429 is refused before the action runs, so writes are sent again after one (up to 10
    // times); after a 503 they are not.
    let write_attempts = emulator.served(Action::CreateAgent);
    assert!(
        write_attempts > writes + 1,
        "rate-limited writes were not retried: {write_attempts}"
    );
    assert!(
        write_attempts <= writes * 10 + 1,
        "more than 10 attempts: {write_attempts}"
    );
    let reads = (calls as u64) - writes;
    let read_attempts = emulator.served(Action::GetAgent);
    assert!(
        read_attempts > reads,
        "reads were not retried: {read_attempts}"
    );
    assert!(
        read_attempts <= reads * 10,
        "more than 10 attempts: {read_attempts}"
    );
    // Faults are injected before the action runs: refused writes left nothing behind.
    let present = agent_ids(&emulator).await;
    assert!(tally.created.iter().all(|id| present.contains(id)));
    assert!(tally.refused.iter().all(|id| !present.contains(id)));
    assert!(!tally.refused.is_empty() && !tally.created.is_empty());
}

#[tokio::test]
async fn bursts_of_server_errors_fail_typed_and_clean_stretches_all_succeed() {
    let emulator = Emulator::builder().seed(5).start().await.unwrap();
    emulator
        .client()
        .create_agent("reader@burst.example.com", "Reader")
        .await
        .unwrap();
    let client = Client::builder(Credentials::bearer(DEFAULT_TOKEN))
        .base_url(emulator.base_url())
        .retry(quick_retries(3))
        .build()
        .unwrap();
    let mut writes = 0;
    for burst in 0..8u32 {
        let down = burst.is_multiple_of(2);
        let share = if down { 1.0 } else { 0.0 };
        emulator.set_faults(Faults {
            server_errors: share,
            ..Faults::default()
        });
        let tally = storm(
            &client,
            30,
            &format!("b{burst}-"),
            "reader@burst.example.com",
        )
        .await;
        writes += 10;
        assert_eq!(tally.panics, 0);
        if down {
            assert_eq!(tally.failed.len(), 30);
            tally.failed.iter().for_each(assert_injected);
        } else {
            assert!(tally.failed.is_empty(), "{:?}", tally.failed);
        }
    }
    assert_eq!(emulator.served(Action::CreateAgent), writes + 1);
    // Each burst's 20 reads want 2 retries each, 5 tokens a retry, from the client's budget of
    // 500; each clean stretch's 30 first-try successes add 30. So the bursts get 40, 40, 32
    // (160 tokens left) and 6 (30 left) retries: the budget, not the policy, bounds a long storm.
    assert_eq!(
        emulator.served(Action::GetAgent),
        4 * 20 + (40 + 40 + 32 + 6) + 4 * 20
    );
    assert_eq!(client.retry_budget_left(), Some(30));
}

/// A complete answer with this status and body.
fn answer(status: u16, body: &str) -> RawReply {
    RawReply::truncated(status, body.len(), body)
}

/// The answer with a `Retry-After` longer than the tests' policies wait, so a `429` is not
/// retried and each call gets exactly one scripted answer.
fn with_retry_after(reply: RawReply) -> RawReply {
    match reply {
        RawReply::Bytes(bytes) => {
            let text =
                String::from_utf8_lossy(&bytes).replacen("\r\n", "\r\nretry-after: 120\r\n", 1);
            RawReply::Bytes(text.into_bytes())
        }
        other => other,
    }
}

/// One scripted answer of the raw server and the outcome it must give a `create_agent`.
#[derive(Debug, Clone, PartialEq)]
enum Expect {
    Ok,
    Transport,
    Decode,
    Status,
    Api(ErrorKind),
    /// A valid-JSON 10 MB answer: the sdk may take it or refuse it, but with a typed error.
    OkOrDecode,
}

fn outcome(result: &Result<livechat_config::CreateAgentResponse, Error>) -> Expect {
    match result {
        Ok(_) => Expect::Ok,
        Err(Error::Transport { .. }) => Expect::Transport,
        Err(Error::Decode(_)) => Expect::Decode,
        Err(Error::Status { .. }) => Expect::Status,
        Err(Error::Api(api)) => Expect::Api(api.kind.clone()),
        Err(other) => panic!("unexpected error: {other:?}"),
    }
}

#[tokio::test]
async fn resets_truncations_garbage_and_10_mb_bodies_each_give_their_typed_error() {
    let ten_mb = 10 * 1024 * 1024;
    let padded = format!(
        r#"{{"id": "big@example.com", "pad": "{}"}}"#,
        "a".repeat(ten_mb)
    );
    let cases: Vec<(RawReply, Expect)> = vec![
        (RawReply::ok_json(r#"{"id": "a@example.com"}"#), Expect::Ok),
        (RawReply::Reset, Expect::Transport),
        (
            RawReply::truncated(200, 4096, r#"{"id": "a@exa"#),
            Expect::Transport,
        ),
        (RawReply::ok_json(r#"{"id": "#), Expect::Decode),
        (
            RawReply::Bytes(b"SSH-2.0-OpenSSH\r\n\r\n".to_vec()),
            Expect::Transport,
        ),
        (answer(502, "<html>502</html>"), Expect::Status),
        (
            // Longer than the policy's max delay: failed at once, not waited for.
            with_retry_after(answer(
                429,
                r#"{"error":{"type":"too_many_requests","message":"slow down"}}"#,
            )),
            Expect::Api(ErrorKind::TooManyRequests),
        ),
        (answer(500, &"e".repeat(ten_mb)), Expect::Status),
        (RawReply::ok_json(&"[".repeat(ten_mb)), Expect::Decode),
        (RawReply::ok_json(&padded), Expect::OkOrDecode),
        (
            RawReply::truncated(200, ten_mb, &"x".repeat(ten_mb / 2)),
            Expect::Transport,
        ),
    ];
    let rounds = 6;
    let script: Vec<RawReply> = (0..rounds)
        .flat_map(|_| cases.iter().map(|(reply, _)| reply.clone()))
        .collect();
    let server = RawServer::start(script).await;
    let client = client_of(&server.base_url, quick_retries(3), Duration::from_secs(10));
    for i in 0..rounds * cases.len() {
        let expected = cases[i % cases.len()].1.clone();
        let call = client.clone();
        let result =
            tokio::spawn(async move { call.create_agent(format!("w{i}@example.com"), "W").await })
                .await
                .expect("a call panicked");
        if let Err(e) = &result {
            assert!(!e.to_string().is_empty());
        }
        let got = outcome(&result);
        match expected {
            Expect::OkOrDecode => assert!(
                matches!(got, Expect::Ok | Expect::Decode),
                "call {i}: {got:?}"
            ),
            _ => assert_eq!(got, expected, "call {i}: {result:?}"),
        }
    }
    assert_eq!(
        server.requests(),
        rounds * cases.len(),
        "a write was resent"
    );
}

#[tokio::test]
async fn replies_slower_than_the_timeout_time_out_and_writes_are_not_resent() {
    let server = TestServer::start().await;
    let n = Arc::new(AtomicUsize::new(0));
    let counter = n.clone();
    server.handle(move |_| {
        let i = counter.fetch_add(1, Ordering::SeqCst);
        let reply = Reply::json(200, serde_json::json!({"id": "a@example.com"}));
        if i.is_multiple_of(2) {
            reply.delay(Duration::from_millis(400))
        } else {
            reply
        }
    });
    let client = client_of(
        &server.base_url,
        quick_retries(3),
        Duration::from_millis(100),
    );
    let (mut timeouts, mut ok) = (0, 0);
    for i in 0..16 {
        match client.create_agent(format!("t{i}@example.com"), "T").await {
            Ok(_) => ok += 1,
            Err(Error::Timeout { action }) => {
                assert_eq!(action, Action::CreateAgent);
                timeouts += 1;
            }
            Err(other) => panic!("call {i}: {other:?}"),
        }
    }
    assert_eq!((timeouts, ok), (8, 8));
    assert_eq!(server.requests().len(), 16, "a timed-out write was resent");
}

#[tokio::test]
async fn mutated_error_payloads_over_the_wire_each_give_an_api_or_status_error() {
    let corpus = livechat_config_bench::root().join("bench/fuzz-corpus");
    let seeds = livechat_config_bench::fuzz::load_corpus(&corpus).unwrap();
    // A `misdirected_request` is sent once more to the region it names (tests/runtime/regions.rs);
    // leaving it out, and a `Retry-After` past the policy's max delay (so a 429 is not retried),
    // keep one request per call, so each answer lines up with its call.
    let bodies: Vec<Vec<u8>> = livechat_config_bench::fuzz::mutated_errors(&seeds, 400, 3)
        .into_iter()
        .filter(|b| !String::from_utf8_lossy(b).contains("misdirected"))
        .take(300)
        .collect();
    let statuses = [400, 401, 403, 404, 409, 422, 429, 500, 503];
    let script: Vec<RawReply> = bodies
        .iter()
        .enumerate()
        .map(|(i, body)| {
            let status = statuses[i % statuses.len()];
            let mut bytes = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nretry-after: 120\r\nconnection: close\r\n\r\n",
                body.len()
            )
            .into_bytes();
            bytes.extend_from_slice(body);
            RawReply::Bytes(bytes)
        })
        .collect();
    let server = RawServer::start(script).await;
    let client = client_of(&server.base_url, quick_retries(3), Duration::from_secs(5));
    let (mut api, mut status) = (0, 0);
    for i in 0..bodies.len() {
        let call = client.clone();
        let result =
            tokio::spawn(async move { call.create_agent(format!("e{i}@example.com"), "E").await })
                .await
                .expect("a call panicked");
        match result {
            Err(Error::Api(e)) => {
                assert_eq!(e.status, Some(statuses[i % statuses.len()]));
                api += 1;
            }
            Err(Error::Status { .. }) => status += 1,
            other => panic!("call {i}: {other:?}"),
        }
    }
    assert_eq!(server.requests(), bodies.len(), "a write was resent");
    assert!(
        api > 0 && status > 0,
        "{api} API errors, {status} status errors"
    );
}
