use crate::quick_retries;
use livechat_config::*;
use livechat_config_tests::{Reply, TestServer, TOKEN};
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_slow_server_is_a_timeout_and_a_write_is_not_resent() {
    let server = TestServer::start().await;
    server.handle(|_| Reply::json(200, json!({"id": "x"})).delay(Duration::from_secs(3)));
    let client = server
        .builder(Credentials::bearer(TOKEN))
        .retry(quick_retries(3))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .create_agent("smith@example.com", "Agent Smith")
        .timeout(Duration::from_millis(200))
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Timeout { action } if *action == Action::CreateAgent
        ),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_read_that_times_out_is_retried() {
    let server = TestServer::start().await;
    server.reply_with(Reply::json(200, json!([])).delay(Duration::from_secs(3)));
    server.reply(200, json!([{"name": "tag", "created_at": "2019-12-09 12:01:18", "author_id": "a@b.c", "group_ids": [0]}]));
    let client = server
        .builder(Credentials::bearer(TOKEN))
        .timeout(Duration::from_millis(200))
        .retry(quick_retries(2))
        .build()
        .unwrap();
    let tags = client.list_tags().await.unwrap();
    assert_eq!(tags.len(), 1);
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_per_call_timeout_overrides_the_client_timeout() {
    let server = TestServer::start().await;
    server.reply_with(Reply::json(200, json!([])).delay(Duration::from_millis(400)));
    let client = server
        .builder(Credentials::bearer(TOKEN))
        .timeout(Duration::from_millis(100))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let tags = client
        .list_tags()
        .timeout(Duration::from_secs(5))
        .await
        .unwrap();
    assert!(tags.is_empty());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn the_client_timeout_applies_to_an_http_client_of_the_callers_own() {
    let server = TestServer::start().await;
    server.reply_with(Reply::json(200, json!([])).delay(Duration::from_secs(3)));
    let started = Instant::now();
    let err = server
        .builder(Credentials::bearer(TOKEN))
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(200))
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
        .list_tags()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn defaults_are_sane() {
    assert_eq!(DEFAULT_TIMEOUT, Duration::from_secs(30));
    assert_eq!(DEFAULT_CONNECT_TIMEOUT, Duration::from_secs(10));
    assert_eq!(DEFAULT_MAX_RESPONSE_SIZE, 16 * 1024 * 1024);
}
