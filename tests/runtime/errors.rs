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
    let (_held, addr) = livechat_config_tests::refusing_port();
    let err = Client::builder(Credentials::bearer(TOKEN))
        .base_url(format!("http://{addr}"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
        .list_agents()
        .await
        .unwrap_err();
    // The cause is told once: not in `Display`, but down the `source` chain, as a report
    // (anyhow's, say) prints it.
    assert_eq!(err.to_string(), "`list_agents`: transport failed");
    let chain = report(&err);
    assert!(
        chain.to_lowercase().contains("connection refused"),
        "{chain}"
    );
    assert_eq!(
        chain.matches(&format!("{addr}")).count(),
        1,
        "the URL once: {chain}"
    );
    assert!(!chain.contains("test-token"), "{chain}");
    let transport = err.transport().unwrap();
    assert!(transport.is_connect() && !transport.is_timeout());
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

/// An error and its causes, each on a line, as error reporters print them.
fn report(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push('\n');
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[tokio::test]
async fn a_transport_error_never_shows_credentials_the_url_carries() {
    let (_held, addr) = livechat_config_tests::refusing_port();
    let client = Client::builder(Credentials::bearer(TOKEN))
        .base_url(format!("http://admin:hunter2-password@{addr}"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert!(!format!("{client:?}").contains("hunter2"), "{client:?}");
    let err = client.list_agents().await.unwrap_err();
    for shown in [report(&err), format!("{err:?}")] {
        assert!(shown.contains(&addr.to_string()), "{shown}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(!shown.contains("admin"), "{shown}");
    }
}

#[tokio::test]
async fn a_server_error_says_its_status_and_whether_the_write_was_sent_again() {
    let server = TestServer::start().await;
    let internal = json!({"error": {"type": "internal", "message": "Internal server error"}});
    server.reply(500, internal.clone());
    let err = server.client().delete_tag("spam").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "`delete_tag`: internal: Internal server error (HTTP 500; a write is not sent again, as \
         it may have been applied)"
    );
    assert_eq!(server.requests().len(), 1);

    // A read is retried; when every try fails, the error says the status alone.
    for _ in 0..3 {
        server.reply(500, internal.clone());
    }
    let err = server
        .builder(Credentials::bearer(TOKEN))
        .retry(crate::quick_retries(3))
        .build()
        .unwrap()
        .list_tags()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`list_tags`: internal: Internal server error (HTTP 500)"
    );
    assert_eq!(server.requests().len(), 4);
}
