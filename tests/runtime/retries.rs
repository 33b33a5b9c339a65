use crate::quick_retries;
use livechat_config::*;
use livechat_config_tests::{Reply, TestServer, TOKEN};
use serde_json::json;
use std::time::{Duration, Instant};

fn client(server: &TestServer, policy: RetryPolicy) -> Client {
    server
        .builder(Credentials::bearer(TOKEN))
        .retry(policy)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_read_rate_limited_once_is_retried_and_succeeds() {
    let server = TestServer::start().await;
    server.reply_with(Reply::error(429, "too_many_requests"));
    server.reply(200, json!([{"id": 0, "name": "General"}]));
    let groups = client(&server, quick_retries(3))
        .list_groups()
        .await
        .unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].name, "General");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn retry_after_is_waited_for() {
    let server = TestServer::start().await;
    server.reply_with(Reply::error(429, "too_many_requests").header("retry-after", "1"));
    server.reply(200, json!([]));
    let policy = quick_retries(3).with_max_delay(Duration::from_secs(2));
    let started = Instant::now();
    let tags = client(&server, policy).list_tags().await.unwrap();
    assert!(tags.is_empty());
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "retried after {:?}, before Retry-After",
        started.elapsed()
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_max_delay_fails_at_once_with_it() {
    let server = TestServer::start().await;
    server.reply_with(Reply::error(429, "too_many_requests").header("retry-after", "120"));
    let err = client(&server, quick_retries(5))
        .list_tags()
        .await
        .unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.kind, ErrorKind::TooManyRequests);
    assert_eq!(api.status, Some(429));
    assert_eq!(api.retry_after, Some(Duration::from_secs(120)));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_5xx_storm_stops_at_the_retry_budget() {
    let server = TestServer::start().await;
    server.handle(|_| Reply::error(500, "internal"));
    let err = client(&server, quick_retries(4))
        .get_agent("smith@example.com")
        .await
        .unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.kind, ErrorKind::Internal);
    assert_eq!(api.status, Some(500));
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn a_bare_502_page_on_a_read_is_retried() {
    let server = TestServer::start().await;
    server.reply_raw(502, "<html>Bad Gateway</html>");
    server.reply(200, json!({"id": 5, "name": "Sales"}));
    let group = client(&server, quick_retries(2))
        .get_group(5)
        .await
        .unwrap();
    assert_eq!(group.name, "Sales");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_write_that_gets_a_5xx_is_sent_exactly_once() {
    let server = TestServer::start().await;
    server.handle(|_| Reply::error(503, "internal"));
    let err = client(&server, quick_retries(5))
        .create_agent("smith@example.com", "Agent Smith")
        .await
        .unwrap_err();
    assert_eq!(err.api().unwrap().status, Some(503));
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_rate_limited_write_is_sent_again_until_it_runs() {
    let server = TestServer::start().await;
    server.reply_with(Reply::error(429, "too_many_requests"));
    server.reply_with(Reply::error(429, "too_many_requests"));
    server.reply(200, json!({"name": "vip", "group_ids": [0]}));
    client(&server, quick_retries(3))
        .create_tag("vip")
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.json()["name"] == "vip"));
}

#[tokio::test]
async fn a_rate_limited_write_honours_retry_after() {
    let server = TestServer::start().await;
    server.reply_with(Reply::error(429, "too_many_requests").header("retry-after", "1"));
    server.reply(200, json!({}));
    let started = Instant::now();
    client(
        &server,
        quick_retries(3).with_max_delay(Duration::from_secs(2)),
    )
    .delete_agent("smith@example.com")
    .await
    .unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn rate_limited_writes_stop_at_the_policys_attempts() {
    let server = TestServer::start().await;
    server.handle(|_| Reply::error(429, "too_many_requests"));
    let policy = quick_retries(2).with_rate_limited_attempts(4);
    let err = client(&server, policy).create_tag("vip").await.unwrap_err();
    assert_eq!(err.api().unwrap().kind, ErrorKind::TooManyRequests);
    assert_eq!(server.requests().len(), 4);

    let server = TestServer::start().await;
    server.handle(|_| Reply::error(429, "too_many_requests"));
    let err = client(&server, RetryPolicy::none())
        .create_tag("vip")
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_rate_limited_batch_call_is_sent_again() {
    let server = TestServer::start().await;
    server.reply_with(Reply::error(429, "too_many_requests"));
    server.reply(200, json!({"responses": [{}, {}]}));
    let results = client(&server, quick_retries(3))
        .batch_delete_agents([
            DeleteAgentRequest::new("a@example.com"),
            DeleteAgentRequest::new("b@example.com"),
        ])
        .await
        .unwrap();
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_write_is_not_resent_after_a_5xx_even_when_a_429_came_first() {
    // The 429 proves nothing ran on that attempt, but the 5xx before it may have applied.
    let server = TestServer::start().await;
    server.reply_with(Reply::error(429, "too_many_requests"));
    server.reply_with(Reply::error(503, "internal"));
    server.reply(200, json!({}));
    let err = client(&server, quick_retries(5))
        .create_tag("vip")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_storm_spends_the_retry_budget_and_then_each_call_is_sent_once() {
    let server = TestServer::start().await;
    server.handle(|_| Reply::error(503, "internal"));
    let client = server
        .builder(Credentials::bearer(TOKEN))
        .retry(quick_retries(4))
        .retry_budget(RetryBudget::tokens(20))
        .build()
        .unwrap();
    assert_eq!(client.retry_budget_left(), Some(20));
    // 20 tokens pay for 4 retries of 5 tokens: the first call gets 3, the second 1.
    client.list_tags().await.unwrap_err();
    assert_eq!(server.requests().len(), 4);
    client.clone().list_tags().await.unwrap_err();
    assert_eq!(server.requests().len(), 6);
    assert_eq!(client.retry_budget_left(), Some(0));
    for _ in 0..10 {
        client.list_tags().await.unwrap_err();
    }
    assert_eq!(
        server.requests().len(),
        16,
        "one request per call once spent"
    );

    // Successes refill it: a retry that works gives its tokens back, a first-try success adds 1.
    server.handle(|_| Reply::json(200, json!([])));
    for _ in 0..5 {
        client.list_tags().await.unwrap();
    }
    assert_eq!(client.retry_budget_left(), Some(5));
    server.reply_with(Reply::error(503, "internal"));
    client.list_tags().await.unwrap();
    assert_eq!(client.retry_budget_left(), Some(5));
}

#[tokio::test]
async fn an_unlimited_budget_leaves_retries_to_the_policy() {
    let server = TestServer::start().await;
    server.handle(|_| Reply::error(503, "internal"));
    let client = server
        .builder(Credentials::bearer(TOKEN))
        .retry(quick_retries(3))
        .retry_budget(RetryBudget::unlimited())
        .build()
        .unwrap();
    for _ in 0..60 {
        client.list_tags().await.unwrap_err();
    }
    assert_eq!(server.requests().len(), 180);
    assert_eq!(client.retry_budget_left(), None);
}

#[tokio::test]
async fn a_batch_endpoint_is_a_write() {
    let server = TestServer::start().await;
    server.handle(|_| Reply::error(500, "internal"));
    let results = client(&server, quick_retries(5))
        .batch_delete_agents([DeleteAgentRequest::new("smith@example.com")])
        .await
        .unwrap();
    assert_eq!(
        results[0].as_ref().unwrap_err().api().unwrap().kind,
        ErrorKind::Internal
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn errors_that_will_not_go_away_are_not_retried() {
    let server = TestServer::start().await;
    server.handle(|_| Reply::error(404, "not_found"));
    let err = client(&server, quick_retries(5))
        .get_bot("5c9871d5372c824cbf22d860a707a578")
        .await
        .unwrap_err();
    assert_eq!(err.api().unwrap().kind, ErrorKind::NotFound);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn retries_can_be_switched_off() {
    let server = TestServer::start().await;
    server.handle(|_| Reply::error(500, "internal"));
    let err = client(&server, RetryPolicy::none())
        .list_agents()
        .await
        .unwrap_err();
    assert_eq!(err.api().unwrap().kind, ErrorKind::Internal);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_call_can_override_the_client_policy() {
    let server = TestServer::start().await;
    server.handle(|_| Reply::error(500, "internal"));
    let client = client(&server, RetryPolicy::none());
    client
        .list_agents()
        .retry(quick_retries(3))
        .await
        .unwrap_err();
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn the_default_policy_is_bounded() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.max_attempts(), 3);
    assert_eq!(policy.rate_limited_attempts(), 10);
    assert_eq!(RetryPolicy::none().rate_limited_attempts(), 1);
    assert_eq!(
        RetryPolicy::default()
            .with_max_attempts(12)
            .rate_limited_attempts(),
        12
    );
    assert_eq!(RetryBudget::default().size(), Some(500));
    assert_eq!(RetryPolicy::none().max_attempts(), 1);
    assert_eq!(
        RetryPolicy::default().with_max_attempts(0).max_attempts(),
        1
    );
}

#[test]
fn read_only_actions_come_from_the_spec() {
    let spec = livechat_config_tests::spec_json();
    let mut reads = 0;
    for entry in spec["actions"].as_array().unwrap() {
        let name = entry["name"].as_str().unwrap();
        let action = Action::from_name(name).unwrap();
        assert_eq!(
            action.is_read_only(),
            entry["read_only"].as_bool().unwrap(),
            "{name}"
        );
        reads += usize::from(action.is_read_only());
    }
    assert_eq!(reads, 21);
    assert!(Action::ListAgents.is_read_only());
    assert!(Action::CheckProductLimitsForPlan.is_read_only());
    assert!(!Action::IssueBotToken.is_read_only());
    assert!(Action::ALL
        .iter()
        .filter(|a| a.is_batch())
        .all(|a| !a.is_read_only()));
}

#[tokio::test]
async fn a_write_answered_too_many_requests_under_a_5xx_is_not_resent() {
    let server = TestServer::start().await;
    server.handle(|_| Reply::error(503, "too_many_requests"));
    let err = client(&server, quick_retries(3))
        .create_tag("vip")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(server.requests().len(), 1);
}
