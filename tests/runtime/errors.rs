use livechat_config::*;
use livechat_config_tests::{Reply, TestServer, TOKEN};
use serde_json::json;

#[tokio::test]
async fn an_api_error_names_its_action_and_answers_the_usual_questions() {
    let server = TestServer::start().await;
    server.reply_with(Reply::json(
        409,
        json!({"error": {"type": "already_exists", "message": "Agent already exists"}}),
    ));
    server.reply_with(Reply::error(404, "not_found"));
    server.reply_with(Reply::error(429, "too_many_requests"));
    let client = server.client();

    let err = client
        .create_agent("smith@example.com", "Agent Smith")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`create_agent`: already_exists: Agent already exists"
    );
    assert_eq!(err.api_kind(), Some(&ErrorKind::AlreadyExists));
    assert_eq!(err.action().unwrap(), Action::CreateAgent);
    assert_eq!(err.status(), Some(409));
    assert!(!err.is_retryable() && !err.is_not_found() && !err.is_rate_limited());

    let err = client.get_agent("smith@example.com").await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.to_string(), "`get_agent`: not_found: not_found");

    let err = client.list_tags().await.unwrap_err();
    assert!(err.is_retryable() && err.is_rate_limited());
    assert_eq!(err.api_kind(), Some(&ErrorKind::TooManyRequests));
}

#[tokio::test]
async fn a_transport_error_says_why() {
    let reserved = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = reserved.local_addr().unwrap();
    drop(reserved);
    let err = Client::builder(Credentials::bearer(TOKEN))
        .base_url(format!("http://{addr}"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
        .list_agents()
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("`list_agents`: transport failed: "),
        "{text}"
    );
    assert!(text.to_lowercase().contains("connection refused"), "{text}");
    assert!(!text.contains("test-token"), "{text}");
    assert!(err.is_retryable());
    assert_eq!(err.api_kind(), None);
    assert_eq!(err.status(), None);
}

#[test]
fn errors_made_by_hand_need_no_action() {
    let api = ApiError::new(ErrorKind::NotFound, "gone");
    assert_eq!(api.to_string(), "not_found: gone");
    let err = Error::from(api);
    assert!(err.is_not_found());
    assert_eq!(err.action(), None);
}
