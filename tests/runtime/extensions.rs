use crate::quick_retries;
use livechat_config::reqwest;
use livechat_config::*;
use livechat_config_tests::{Reply, TestServer, TOKEN};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

#[tokio::test]
async fn a_client_of_your_own_sends_the_calls() {
    let server = TestServer::start().await;
    server.handle(|_| Reply::json(200, json!([])));
    let mut defaults = reqwest::header::HeaderMap::new();
    defaults.insert("x-from-my-client", "yes".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(defaults)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = server
        .builder(Credentials::bearer(TOKEN))
        .http_client(http)
        .build()
        .unwrap();
    client.list_tags().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].header("x-from-my-client"), Some("yes"));
    assert_eq!(
        requests[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[tokio::test]
async fn headers_per_client_and_per_call() {
    let server = TestServer::start().await;
    server.handle(
        |request| match request.path.ends_with("batch_delete_agents") {
            true => Reply::json(200, json!({"responses": [{}]})),
            false => Reply::json(200, json!([])),
        },
    );
    let client = server
        .builder(Credentials::bearer(TOKEN))
        .header("X-Team", "support")
        .header("X-Debug-Id", "client-wide")
        .build()
        .unwrap();
    client.list_tags().await.unwrap();
    client
        .list_tags()
        .header("X-Debug-Id", "call-1")
        .await
        .unwrap();
    client
        .batch_delete_agents([DeleteAgentRequest::new("a@example.com")])
        .header("X-Debug-Id", "batch-1")
        .await
        .unwrap();
    client
        .call_raw("list_tags", json!({}))
        .header("X-Debug-Id", "raw-1")
        .await
        .unwrap();
    let requests = server.requests();
    let debug_ids: Vec<_> = requests.iter().map(|r| r.header("x-debug-id")).collect();
    assert_eq!(
        debug_ids,
        [
            Some("client-wide"),
            Some("call-1"),
            Some("batch-1"),
            Some("raw-1")
        ]
    );
    assert!(requests
        .iter()
        .all(|r| r.header("x-team") == Some("support")));
    assert!(requests
        .iter()
        .all(|r| r.header("authorization") == Some(format!("Bearer {TOKEN}").as_str())));
}

#[tokio::test]
async fn unusable_headers_fail_before_anything_is_sent() {
    let server = TestServer::start().await;
    let err = server
        .builder(Credentials::bearer(TOKEN))
        .header("Authorization", "Bearer other")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    let client = server.client();
    let err = client
        .list_tags()
        .header("X-Debug-Id", "line\nbreak")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(
        !err.to_string().contains("line"),
        "the value is not echoed: {err}"
    );
    let err = client
        .list_tags()
        .header("bad header", "x")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(server.requests().is_empty());
}

#[test]
fn header_values_and_secrets_stay_out_of_debug() {
    let builder = Client::builder(Credentials::bearer("fra:secret-token"))
        .header("X-Api-Key", "secret-key-value")
        .credentials_provider(|_| async { Ok(Credentials::bearer("fra:other-secret")) });
    let text = format!("{builder:?}");
    assert!(text.contains("x-api-key"), "{text}");
    assert!(!text.contains("secret-key-value"), "{text}");
    assert!(!text.contains("secret-token"), "{text}");
    let client = builder.build().unwrap();
    let text = format!("{client:?}");
    assert!(!text.contains("secret"), "{text}");
    let call = client.list_tags().header("X-Api-Key", "per-call-secret");
    let text = format!("{call:?}");
    assert!(!text.contains("per-call-secret"), "{text}");
}

#[tokio::test]
async fn a_provider_is_asked_each_attempt_and_refreshes_once_after_authentication() {
    let server = TestServer::start().await;
    server.handle(|request| match request.header("authorization") {
        Some("Bearer dal:fresh") => Reply::json(200, json!({"id": "smith@example.com"})),
        _ => Reply::json(
            401,
            json!({"error": {"type": "authentication", "message": "Token expired"}}),
        ),
    });
    let asked = Arc::new(AtomicUsize::new(0));
    let refreshed = Arc::new(AtomicUsize::new(0));
    let client = server
        .builder(Credentials::bearer("dal:expired"))
        .retry(RetryPolicy::none())
        .credentials_provider({
            let (asked, refreshed) = (asked.clone(), refreshed.clone());
            move |refresh: bool| {
                asked.fetch_add(1, Ordering::SeqCst);
                let fresh = refresh || refreshed.load(Ordering::SeqCst) > 0;
                if refresh {
                    refreshed.fetch_add(1, Ordering::SeqCst);
                }
                async move {
                    Ok(Credentials::bearer(if fresh {
                        "dal:fresh"
                    } else {
                        "dal:expired"
                    }))
                }
            }
        })
        .build()
        .unwrap();
    // A write: the refused request did not run, so it is sent once more with the new token.
    let created = client
        .create_agent("smith@example.com", "Agent Smith")
        .await
        .unwrap();
    assert_eq!(created.id, "smith@example.com");
    let auth: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap().to_string())
        .collect();
    assert_eq!(auth, ["Bearer dal:expired", "Bearer dal:fresh"]);
    assert_eq!(asked.load(Ordering::SeqCst), 2);
    assert_eq!(refreshed.load(Ordering::SeqCst), 1);
    // Later calls ask again and use what it answers.
    client
        .create_agent("jones@example.com", "Jones")
        .await
        .unwrap();
    assert_eq!(asked.load(Ordering::SeqCst), 3);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_second_refusal_is_the_error_and_a_provider_error_fails_the_call() {
    let server = TestServer::start().await;
    server.handle(|_| Reply::error(401, "authentication"));
    let client = server
        .builder(Credentials::bearer(TOKEN))
        .retry(quick_retries(3))
        .credentials_provider(|_| async { Ok(Credentials::bearer("dal:never-good")) })
        .build()
        .unwrap();
    let err = client.list_tags().await.unwrap_err();
    assert!(err.is_authentication());
    assert_eq!(server.requests().len(), 2);

    let client = server
        .builder(Credentials::bearer(TOKEN))
        .credentials_provider(|_| async {
            Err(
                std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "token endpoint down")
                    .into(),
            )
        })
        .build()
        .unwrap();
    let err = client.list_tags().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "`list_tags`: the credentials provider failed"
    );
    // The provider's own error is the cause, of its own type.
    let cause = std::error::Error::source(&err).unwrap();
    assert_eq!(cause.to_string(), "token endpoint down");
    let Error::Credentials { source, .. } = &err else {
        panic!("{err:?}")
    };
    let io = source.downcast_ref::<std::io::Error>().unwrap();
    assert_eq!(io.kind(), std::io::ErrorKind::ConnectionRefused);
    assert_eq!(server.requests().len(), 2, "nothing sent");
}

#[tokio::test]
async fn call_raw_sends_fields_this_version_does_not_know() {
    let server = TestServer::start().await;
    server.reply(
        200,
        json!({"id": "smith@example.com", "future_field": {"x": 1}}),
    );
    let client = server.client();
    let answer = client
        .call_raw(
            "create_agent",
            json!({"id": "smith@example.com", "name": "Smith", "future_flag": true}),
        )
        .await
        .unwrap();
    assert_eq!(answer["future_field"]["x"], 1);
    server.assert_one(
        "create_agent",
        json!({"id": "smith@example.com", "name": "Smith", "future_flag": true}),
    );
}

#[tokio::test]
async fn call_raw_of_an_unlisted_action_goes_through_regions_retries_and_errors() {
    let server = TestServer::start().await;
    server.reply_with(Reply::json(
        421,
        json!({"error": {"type": "misdirected_request", "message": "Wrong region", "data": {"region": "fra"}}}),
    ));
    server.reply_with(Reply::error(429, "too_many_requests"));
    server.reply_with(Reply::raw(200, Vec::new()));
    server.reply_with(Reply::error(400, "validation"));
    let client = server
        .builder(Credentials::bearer(TOKEN))
        .retry(quick_retries(3))
        .build()
        .unwrap();
    let answer = client
        .call_raw("archive_everything", json!({"ids": [1]}))
        .await
        .unwrap();
    assert_eq!(answer, json!({}));
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests
        .iter()
        .all(|r| r.path == "/v3.6/configuration/action/archive_everything"));
    assert_eq!(requests[2].header("x-region"), Some("fra"));
    assert_eq!(client.region(), Region::Fra);

    let err = client
        .call_raw("archive_everything", json!({}))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "`archive_everything`: validation: validation"
    );
    let action = err.action().unwrap();
    assert_eq!(action.as_str(), "archive_everything");
    assert_eq!(action.action(), None);

    // A name that is not an action name could change the path: refused unsent.
    let err = client.call_raw("../admin", json!({})).await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn call_raw_of_an_unlisted_action_is_not_resent_after_a_5xx() {
    let server = TestServer::start().await;
    server.handle(|_| Reply::raw(502, "<html>bad gateway</html>"));
    let client = server
        .builder(Credentials::bearer(TOKEN))
        .retry(quick_retries(3))
        .build()
        .unwrap();
    let err = client
        .call_raw("archive_everything", json!({}))
        .await
        .unwrap_err();
    match &err {
        Error::Status { action, status, .. } => {
            assert_eq!(action.as_str(), "archive_everything");
            assert_eq!(*status, 502);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_provider_is_asked_before_each_retry_too() {
    let server = TestServer::start().await;
    server.reply_with(Reply::error(429, "too_many_requests"));
    server.reply(200, json!([]));
    let asked = Arc::new(AtomicUsize::new(0));
    let client = server
        .builder(Credentials::bearer(TOKEN))
        .retry(quick_retries(3))
        .credentials_provider({
            let asked = asked.clone();
            move |_| {
                let n = asked.fetch_add(1, Ordering::SeqCst);
                async move { Ok(Credentials::bearer(format!("dal:token-{n}"))) }
            }
        })
        .build()
        .unwrap();
    client.list_tags().await.unwrap();
    let auth: Vec<_> = server
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap().to_string())
        .collect();
    assert_eq!(auth, ["Bearer dal:token-0", "Bearer dal:token-1"]);
}

/// A raw call's undecodable answer is reported like a typed call's: the body of an action that
/// carries a credential never appears in the error.
#[tokio::test]
async fn call_raw_withholds_a_secret_carrying_body_from_its_error() {
    let server = TestServer::start().await;
    server.reply_with(Reply::raw(200, r#"{"token": "dal:issued-bot-token", "#));
    let err = server
        .client()
        .call_raw(
            "issue_bot_token",
            json!({"bot_id": "b1", "client_id": "c1", "organization_id": "o1"}),
        )
        .await
        .unwrap_err();
    let Error::Decode(decode) = &err else {
        panic!("{err:?}");
    };
    assert_eq!(decode.action, Action::IssueBotToken);
    assert!(
        !format!("{err} {err:?}").contains("issued-bot-token"),
        "{err:?}"
    );
}
