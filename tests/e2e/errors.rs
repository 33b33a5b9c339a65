use livechat_config::*;
use livechat_config_tests::{spec_json, TestServer};
use serde_json::json;

/// Every error type of the reference, from the spec, with the HTTP status the API pairs it with.
fn documented() -> Vec<(String, String)> {
    spec_json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_string(),
                e["default_message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_documented_error_type_round_trips_to_its_kind() {
    let documented = documented();
    assert_eq!(documented.len(), ErrorKind::KNOWN.len());
    let server = TestServer::start().await;
    let client = server.client();
    for (i, (kind, message)) in documented.iter().enumerate() {
        let status = 400 + i as u16;
        server.reply(
            status,
            json!({"error": {"type": kind, "message": message, "data": {"n": i}}}),
        );
        let err = client.delete_agent("smith@example.com").await.unwrap_err();
        let api = err.api().unwrap_or_else(|| panic!("{kind}: {err:?}"));
        assert!(api.kind.is_known(), "{kind} decoded as {:?}", api.kind);
        assert_eq!(api.kind.as_str(), kind);
        assert_eq!(api.kind, ErrorKind::KNOWN[i]);
        assert_eq!(&api.message, message);
        assert_eq!(api.data, Some(json!({"n": i})));
        assert_eq!(api.status, Some(status));
    }
    let requests = server.requests();
    assert_eq!(requests.len(), documented.len());
    for request in &requests {
        livechat_config_tests::assert_sent(
            request,
            "delete_agent",
            &json!({"id": "smith@example.com"}),
        );
    }
}

#[tokio::test]
async fn misdirected_request_keeps_the_region() {
    let server = TestServer::start().await;
    let misdirected = json!({"error": {"type": "misdirected_request", "message": "Wrong region", "data": {"region": "fra"}}});
    // The client follows the redirect once; the second answer is the error the caller gets.
    server.reply(421, misdirected.clone());
    server.reply(421, misdirected);
    let err = server.client().list_groups().await.unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.kind, ErrorKind::MisdirectedRequest);
    assert_eq!(api.region(), Some("fra"));
    assert_eq!(
        err.to_string(),
        "`list_groups`: misdirected_request: Wrong region"
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].header("x-region"), None);
    assert_eq!(requests[1].header("x-region"), Some("fra"));
}

#[tokio::test]
async fn an_unknown_error_type_is_kept() {
    let server = TestServer::start().await;
    server.reply(
        409,
        json!({"error": {"type": "quota_frozen", "message": "Frozen"}}),
    );
    let err = server.client().list_groups().await.unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(api.kind, ErrorKind::Other("quota_frozen".into()));
    assert!(!api.kind.is_known());
    assert_eq!(api.message, "Frozen");
    assert_eq!(api.data, None);
}

#[tokio::test]
async fn a_non_api_error_page_is_a_status_error_with_an_excerpt() {
    let server = TestServer::start().await;
    server.reply_raw(502, "<html>Bad Gateway</html>");
    match server.client().list_groups().await.unwrap_err() {
        Error::Status {
            action,
            status,
            excerpt,
        } => {
            assert_eq!(action, Action::ListGroups);
            assert_eq!(status, 502);
            assert_eq!(excerpt, "<html>Bad Gateway</html>");
        }
        other => panic!("expected Status, got {other:?}"),
    }
}

#[tokio::test]
async fn a_garbage_success_body_is_a_decode_error_naming_the_action() {
    let server = TestServer::start().await;
    server.reply_raw(200, "not json at all");
    match server.client().get_group(5).await.unwrap_err() {
        Error::Decode(e) => {
            assert_eq!(e.action, Action::GetGroup);
            assert_eq!(e.excerpt, "not json at all");
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn a_wrong_field_type_is_a_decode_error_naming_the_field() {
    let server = TestServer::start().await;
    server.reply(
        200,
        json!({"id": 5, "name": "Sales", "agent_priorities": {"smith@example.com": 7}}),
    );
    match server.client().get_group(5).await.unwrap_err() {
        Error::Decode(e) => {
            assert_eq!(e.action, Action::GetGroup);
            assert_eq!(e.path, "agent_priorities.smith@example.com");
            assert!(e.message.contains("string"), "{}", e.message);
        }
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn a_truncated_body_is_a_decode_error() {
    let server = TestServer::start().await;
    server.reply_raw(200, r#"{"id": 5, "name": "Sal"#);
    let err = server.client().get_group(5).await.unwrap_err();
    let Error::Decode(e) = err else {
        panic!("expected Decode, got {err:?}")
    };
    assert_eq!(e.action, Action::GetGroup);
    assert!(e.message.contains("EOF"), "{}", e.message);
}

#[tokio::test]
async fn a_long_body_is_cut_in_the_excerpt() {
    let server = TestServer::start().await;
    let body = "x".repeat(10_000);
    server.reply_raw(500, body.clone());
    let err = server.client().list_tags().await.unwrap_err();
    let Error::Status { excerpt, .. } = err else {
        panic!("expected Status, got {err:?}")
    };
    assert!(excerpt.len() < 200, "{} bytes", excerpt.len());
    assert!(excerpt.ends_with('…'));
}

#[tokio::test]
async fn batch_items_keep_their_own_errors() {
    let server = TestServer::start().await;
    server.reply(
        200,
        json!({"responses": [
            {},
            {"error": {"type": "not_found", "message": "Agent not found"}},
            {"error": {"type": "validation", "message": "`id` is required"}}
        ]}),
    );
    let results = server
        .client()
        .batch_delete_agents([
            DeleteAgentRequest::new("smith@example.com"),
            DeleteAgentRequest::new("brown@example.com"),
            DeleteAgentRequest::new("jones@example.com"),
        ])
        .await
        .unwrap();
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok());
    let second = results[1].as_ref().unwrap_err().api().unwrap();
    assert_eq!(second.kind, ErrorKind::NotFound);
    assert_eq!(second.message, "Agent not found");
    assert_eq!(second.status, None);
    assert_eq!(
        results[2].as_ref().unwrap_err().api().unwrap().kind,
        ErrorKind::Validation
    );
}
