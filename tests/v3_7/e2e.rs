//! v3.7 calls through `livechat_config::v3_7::Client` against a real HTTP server on loopback
//! that checks each call reaches `/v3.7/…` and answers with the reference's example answers.

use super::action;
use futures_util::StreamExt;
use livechat_config::v3_7::{self, UpdateTranslationsRequest};
use livechat_config_tests::{Recorded, Reply, TestServer, TOKEN};
use serde_json::{json, Value};
use std::time::Duration;

fn example(name: &str, which: &str) -> Value {
    action(name)["examples"][which].clone()
}

/// A v3.7 client over the server's client: the same credentials, retries and transport.
fn client(server: &TestServer) -> v3_7::Client {
    v3_7::Client::from(server.client())
}

fn assert_sent_v3_7(request: &Recorded, name: &str, body: &Value) {
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, format!("/v3.7/configuration/action/{name}"));
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(&request.json(), body, "body sent for `{name}`");
}

/// A server that answers only `/v3.7/configuration/action/<name>` with `answer` and anything else
/// with a 404, so a call sent to another version's path fails.
async fn serving(name: &'static str, answer: Value) -> TestServer {
    let server = TestServer::start().await;
    server.handle(move |request| {
        if request.path == format!("/v3.7/configuration/action/{name}") {
            Reply::json(200, answer.clone())
        } else {
            Reply::error(404, "not_found")
        }
    });
    server
}

#[tokio::test]
async fn allowed_domains_are_added_and_listed_at_the_v3_7_path() {
    let server = serving(
        "add_allowed_domain",
        example("add_allowed_domain", "response"),
    )
    .await;
    client(&server)
        .add_allowed_domain("example.com")
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_sent_v3_7(
        &requests[0],
        "add_allowed_domain",
        &example("add_allowed_domain", "request"),
    );

    let server = serving(
        "list_allowed_domains",
        example("list_allowed_domains", "response"),
    )
    .await;
    let listed = client(&server).list_allowed_domains().await.unwrap();
    assert_eq!(
        listed.domains,
        ["example.com", "subdomain.example.com", "another-domain.com"]
    );
    assert_sent_v3_7(&server.requests()[0], "list_allowed_domains", &json!({}));

    // The same call through the stable client goes to v3.6, which this server does not serve.
    let stable = server.client();
    let err = stable
        .call_raw("list_allowed_domains", json!({}))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert_eq!(
        server.requests()[1].path,
        "/v3.6/configuration/action/list_allowed_domains"
    );
}

#[tokio::test]
async fn ban_customer_sends_its_duration_and_both_names() {
    let server = serving("ban_customer", example("ban_customer", "response")).await;
    client(&server)
        .ban_customer(Duration::from_secs(3600))
        .ip("192.168.1.1")
        .customer_id("b7eff798-f8df-4364-8059-649c35c9ed0c")
        .await
        .unwrap();
    assert_sent_v3_7(
        &server.requests()[0],
        "ban_customer",
        &example("ban_customer", "request"),
    );

    // A ban of no one, or of no time, is refused before it is sent.
    let err = client(&server)
        .ban_customer(Duration::from_secs(3600))
        .await
        .unwrap_err();
    assert!(
        matches!(err, livechat_config::Error::InvalidRequest { .. }),
        "{err}"
    );
    let err = client(&server)
        .ban_customer(Duration::from_secs(0))
        .ip("192.168.1.1")
        .await
        .unwrap_err();
    assert!(
        matches!(err, livechat_config::Error::InvalidRequest { .. }),
        "{err}"
    );
    // The API counts whole seconds: a fraction would be cut off, so it is refused.
    let err = client(&server)
        .ban_customer(Duration::from_millis(1500))
        .ip("192.168.1.1")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid `ban_customer` request: `seconds`: must be whole seconds, got 1.5 s"
    );
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_canned_response_is_created_with_its_tags_and_group() {
    let server = serving(
        "create_canned_response",
        example("create_canned_response", "response"),
    )
    .await;
    let created = client(&server)
        .create_canned_response(
            "Thank you for contacting us! How can I help you today?",
            ["greeting", "support"],
            1,
        )
        .is_private(false)
        .await
        .unwrap();
    assert_eq!(created.id, 12345);
    assert_sent_v3_7(
        &server.requests()[0],
        "create_canned_response",
        &example("create_canned_response", "request"),
    );
}

/// The first page is the reference's example (it names a next page); the second ends the list.
#[tokio::test]
async fn list_canned_responses_all_walks_every_page_with_the_first_pages_filters() {
    let server = TestServer::start().await;
    let first = example("list_canned_responses", "response");
    server.handle(move |request| {
        assert_eq!(
            request.path,
            "/v3.7/configuration/action/list_canned_responses"
        );
        match request.json().get("page_id").and_then(Value::as_str) {
            None => Reply::json(200, first.clone()),
            Some("MTIzNDY=") => Reply::json(
                200,
                json!({"canned_responses": [{"id": 12347, "text": "Bye!", "tags": [],
                        "group_id": 2, "is_private": false}],
                       "found_canned_responses": 3}),
            ),
            Some(other) => Reply::json(
                400,
                json!({"error": {"type": "validation", "message": other}}),
            ),
        }
    });
    let all = client(&server)
        .list_canned_responses()
        .group_ids([1, 2])
        .include_private(true)
        .limit(10)
        .all()
        .await
        .unwrap();
    let ids: Vec<u64> = all.iter().map(|c| c.id).collect();
    assert_eq!(ids, [12345, 12346, 12347]);
    assert_eq!(all[0].author_id.as_deref(), Some("smith@example.com"));
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let filters = example("list_canned_responses", "request");
    assert_sent_v3_7(&requests[0], "list_canned_responses", &filters);
    // No parameter is excluded by a page id: the later page repeats the first page's filters.
    let mut second = filters.clone();
    second["page_id"] = json!("MTIzNDY=");
    assert_sent_v3_7(&requests[1], "list_canned_responses", &second);

    // A page that names itself again stops the walk instead of looping.
    let server = TestServer::start().await;
    server.handle(|_| {
        Reply::json(
            200,
            json!({"canned_responses": [], "found_canned_responses": 0, "next_page_id": "same"}),
        )
    });
    let looping = client(&server);
    let mut pages = std::pin::pin!(looping.list_canned_responses().pages());
    assert!(pages.next().await.unwrap().is_ok());
    assert!(pages.next().await.unwrap().is_ok());
    let err = pages.next().await.unwrap().unwrap_err();
    assert!(
        matches!(err, livechat_config::Error::RepeatedPage { .. }),
        "{err}"
    );
    assert!(pages.next().await.is_none());
}

#[tokio::test]
async fn translations_are_updated_and_listed_per_group_and_language() {
    let server = serving("update_translations", json!({})).await;
    client(&server)
        .update_translations(0, "en", [("Welcome_title", "Welcome to chat!")])
        .await
        .unwrap();
    assert_sent_v3_7(
        &server.requests()[0],
        "update_translations",
        &example("update_translations", "request"),
    );

    let server = serving(
        "list_translations",
        example("list_translations", "response"),
    )
    .await;
    let listed = client(&server).list_translations(0, "en").await.unwrap();
    assert_eq!(listed.phrases["Welcome_title"], "Welcome to chat");
    assert_eq!(
        listed.phrases["Offline_form"],
        "Thank you for contacting us"
    );
    assert_sent_v3_7(
        &server.requests()[0],
        "list_translations",
        &example("list_translations", "request"),
    );
}

#[tokio::test]
async fn batch_update_translations_sends_every_item_and_decodes_item_errors() {
    let server = serving(
        "batch_update_translations",
        json!({"responses": [
            {},
            {"error": {"type": "not_found", "message": "Group not found"}}
        ]}),
    )
    .await;
    let results = client(&server)
        .batch_update_translations([
            UpdateTranslationsRequest::new(0, "en", [("Client", "Visitor")]),
            UpdateTranslationsRequest::new(7, "de", [("Client", "Besucher")]),
        ])
        .await
        .unwrap();
    assert_sent_v3_7(
        &server.requests()[0],
        "batch_update_translations",
        &json!({"requests": [
            {"group_id": 0, "language": "en", "phrases": {"Client": "Visitor"}},
            {"group_id": 7, "language": "de", "phrases": {"Client": "Besucher"}}
        ]}),
    );
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    let err = results[1].as_ref().unwrap_err();
    assert!(err.is_not_found(), "{err}");
}
