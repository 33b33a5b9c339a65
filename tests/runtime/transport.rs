use crate::quick_retries;
use livechat_config::*;
use livechat_config_tests::raw::{RawReply, RawServer};
use livechat_config_tests::{TestServer, TOKEN};
use serde_json::json;
use std::time::Duration;

fn client(base_url: &str, policy: RetryPolicy) -> Client {
    Client::builder(Credentials::bearer(TOKEN))
        .base_url(base_url)
        .retry(policy)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_reset_connection_on_a_read_is_retried() {
    let server = RawServer::start(vec![
        RawReply::Reset,
        RawReply::ok_json(r#"[{"id": 0, "name": "General"}]"#),
    ])
    .await;
    let groups = client(&server.base_url, quick_retries(3))
        .list_groups()
        .await
        .unwrap();
    assert_eq!(groups[0].name, "General");
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn a_reset_connection_on_a_write_is_not_resent() {
    let server = RawServer::start(vec![RawReply::Reset, RawReply::ok_json("{}")]).await;
    let err = client(&server.base_url, quick_retries(3))
        .delete_agent("smith@example.com")
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Transport { action, .. } if *action == Action::DeleteAgent
        ),
        "{err:?}"
    );
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_body_cut_short_is_a_transport_error_and_a_write_is_not_resent() {
    let server = RawServer::start(vec![RawReply::truncated(200, 100, r#"{"id": "smi"#)]).await;
    let err = client(&server.base_url, quick_retries(3))
        .create_agent("smith@example.com", "Agent Smith")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_body_cut_short_on_a_read_is_retried() {
    let server = RawServer::start(vec![
        RawReply::truncated(200, 100, r#"[{"id": 0"#),
        RawReply::ok_json(r#"[{"id": 0, "name": "General"}]"#),
    ])
    .await;
    let groups = client(&server.base_url, quick_retries(3))
        .list_groups()
        .await
        .unwrap();
    assert_eq!(groups.len(), 1);
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn bytes_that_are_not_http_are_a_transport_error() {
    let server = RawServer::start(vec![RawReply::Bytes(b"\x00\x01garbage\r\n\r\n".to_vec())]).await;
    let err = client(&server.base_url, RetryPolicy::none())
        .list_groups()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn truncated_json_with_a_correct_length_is_a_decode_error_not_retried() {
    let server = RawServer::start(vec![RawReply::ok_json(r#"[{"id": 0, "na"#)]).await;
    let err = client(&server.base_url, quick_retries(3))
        .list_groups()
        .await
        .unwrap_err();
    let Error::Decode(e) = err else {
        panic!("expected Decode, got {err:?}")
    };
    assert_eq!(e.action, Action::ListGroups);
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_a_write_which_then_arrives_once() {
    let reserved = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = reserved.local_addr().unwrap();
    drop(reserved);
    let client = client(
        &format!("http://{addr}"),
        RetryPolicy::default()
            .with_max_attempts(20)
            .with_base_delay(Duration::from_millis(50))
            .with_max_delay(Duration::from_millis(100)),
    );
    let call = tokio::spawn(async move {
        client
            .create_agent("smith@example.com", "Agent Smith")
            .await
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    let server = TestServer::start_on(addr).await;
    server.reply(200, json!({"id": "smith@example.com"}));
    let created = call.await.unwrap().unwrap();
    assert_eq!(created.id, "smith@example.com");
    server.assert_one(
        "create_agent",
        json!({"id": "smith@example.com", "name": "Agent Smith"}),
    );
}

#[tokio::test]
async fn a_refused_connection_past_the_budget_is_a_transport_error() {
    let (_held, addr) = livechat_config_tests::refusing_port();
    let err = client(&format!("http://{addr}"), quick_retries(3))
        .list_agents()
        .await
        .unwrap_err();
    let Error::Transport { action, source } = err else {
        panic!("expected Transport, got {err:?}")
    };
    assert_eq!(action, Action::ListAgents);
    assert!(source.is_connect());
}

#[tokio::test]
async fn a_body_over_the_size_limit_is_refused_whether_announced_or_not() {
    let big = format!("[{}]", vec!["0"; 600_000].join(","));
    let announced = RawReply::ok_json(&big);
    // Without a length the body runs until the connection closes, so only reading tells.
    let unannounced = RawReply::Bytes(
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{big}"
        )
        .into_bytes(),
    );
    for reply in [announced, unannounced] {
        let server = RawServer::start(vec![reply]).await;
        let client = Client::builder(Credentials::bearer(TOKEN))
            .base_url(&server.base_url)
            .max_response_size(1 << 20)
            .build()
            .unwrap();
        let err = client.list_tags().await.unwrap_err();
        assert!(
            matches!(
                &err,
                Error::ResponseTooLarge { action, limit: 1_048_576 } if *action == Action::ListTags
            ),
            "{err:?}"
        );
        assert_eq!(server.requests(), 1, "not retried");
    }
}

#[tokio::test]
async fn a_body_within_the_limit_is_read_whole() {
    let tags: Vec<String> = (0..5_000)
        .map(|i| format!(r#"{{"name": "tag{i}", "group_ids": [0], "author_id": "a@b.c", "created_at": "2019-12-09 12:01:18"}}"#))
        .collect();
    let body = format!("[{}]", tags.join(","));
    assert!(body.len() > 400_000);
    let unannounced = RawReply::Bytes(
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{body}"
        )
        .into_bytes(),
    );
    // Announced or not, a body this size arrives in many chunks.
    for reply in [RawReply::ok_json(&body), unannounced] {
        let server = RawServer::start(vec![reply]).await;
        let listed = client(&server.base_url, RetryPolicy::none())
            .list_tags()
            .await
            .unwrap();
        assert_eq!(listed.len(), 5_000);
        assert_eq!(listed[4_999].name, "tag4999");
    }
}

#[tokio::test]
async fn the_default_client_refuses_an_answer_over_16_mib() {
    let big = format!("[{}]", vec!["0"; 8_700_000].join(","));
    assert!(big.len() > 16 << 20 && big.len() < 64 << 20);
    let unannounced = RawReply::Bytes(
        format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{big}"
        )
        .into_bytes(),
    );
    for reply in [RawReply::ok_json(&big), unannounced] {
        let server = RawServer::start(vec![reply]).await;
        let client = Client::builder(Credentials::bearer(TOKEN))
            .base_url(&server.base_url)
            .build()
            .unwrap();
        let err = client.list_tags().await.unwrap_err();
        assert!(
            matches!(&err, Error::ResponseTooLarge { limit, .. } if *limit == 16 << 20),
            "{err:?}"
        );
        assert_eq!(server.requests(), 1);
    }
}

/// A token never goes out in clear text by mistake: plain `http://` is for loopback unless the
/// caller says otherwise, and other schemes are refused, when the client is built.
#[test]
fn plain_http_off_loopback_is_refused_unless_allowed() {
    let build = |url: &str| {
        Client::builder(Credentials::bearer("dal:secret-token"))
            .base_url(url)
            .build()
    };
    for loopback in [
        "http://127.0.0.1:8080",
        "http://127.3.2.1",
        "http://localhost:9",
        "http://LOCALHOST.:9",
        "http://api.localhost",
        "http://[::1]:8080",
        "https://api.livechatinc.com",
    ] {
        assert!(build(loopback).is_ok(), "{loopback}");
    }
    for (url, says) in [
        (
            "http://api.livechatinc.com",
            "plain http to a host that is not loopback",
        ),
        ("http://user:hunter2@10.0.0.1:8080", "plain http"),
        ("http://127.0.0.1.example.com", "plain http"),
        ("ftp://api.livechatinc.com", "the scheme is `ftp`"),
    ] {
        let error = build(url).unwrap_err().to_string();
        assert!(error.contains(says), "{url}: {error}");
        assert!(!error.contains("hunter2"), "{error}");
    }
    let allowed = Client::builder(Credentials::bearer("dal:t"))
        .base_url("http://emulator:8080")
        .allow_insecure_http()
        .build();
    assert!(allowed.is_ok());

    use livechat_config::auth::Accounts;
    assert!(Accounts::with_base_url("http://accounts.example").is_err());
    assert!(Accounts::with_base_url("http://127.0.0.1:9").is_ok());
    assert!(Accounts::with_insecure_base_url("http://accounts.example").is_ok());
}
