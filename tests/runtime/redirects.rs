use crate::quick_retries;
use livechat_config::*;
use livechat_config_tests::{Reply, TestServer, TOKEN};
use serde_json::json;

fn redirect(status: u16, to: &str) -> Reply {
    Reply::raw(status, Vec::new()).header("location", to)
}

#[tokio::test]
async fn a_redirected_create_is_an_error_and_nothing_follows_it() {
    for status in [301, 302, 303, 307, 308] {
        let server = TestServer::start().await;
        let elsewhere = TestServer::start().await;
        elsewhere.handle(|_| Reply::json(200, json!({"id": "smith@example.com"})));
        let to = format!(
            "{}/v3.6/configuration/action/create_agent",
            elsewhere.base_url
        );
        server.handle({
            let to = to.clone();
            move |_| redirect(status, &to)
        });
        let client = server
            .builder(Credentials::bearer(TOKEN))
            .retry(quick_retries(3))
            .build()
            .unwrap();
        let err = client
            .create_agent("smith@example.com", "Agent Smith")
            .await
            .unwrap_err();
        match &err {
            Error::Redirect {
                action,
                status: got,
                location,
            } => {
                assert_eq!(*action, Action::CreateAgent);
                assert_eq!(*got, status);
                assert_eq!(location.as_deref(), Some(to.as_str()));
            }
            other => panic!("HTTP {status}: {other:?}"),
        }
        assert!(!err.is_retryable());
        assert!(err.to_string().contains("create_agent"), "{err}");
        let requests = server.requests();
        assert_eq!(requests.len(), 1, "HTTP {status}: sent once, as a POST");
        assert_eq!(requests[0].method, "POST");
        assert!(
            elsewhere.requests().is_empty(),
            "HTTP {status}: the body went to the other origin"
        );
    }
}

#[tokio::test]
async fn a_redirect_without_a_location_is_an_error_too() {
    let server = TestServer::start().await;
    server.reply_with(Reply::raw(302, Vec::new()));
    let err = server.client().list_tags().await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Redirect {
                status: 302,
                location: None,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_redirect_a_custom_http_client_follows_is_caught() {
    let server = TestServer::start().await;
    let elsewhere = TestServer::start().await;
    elsewhere.handle(|_| Reply::json(200, json!({"id": "smith@example.com"})));
    let to = format!("{}/landing", elsewhere.base_url);
    server.handle({
        let to = to.clone();
        move |_| redirect(303, &to)
    });
    // reqwest's default policy follows redirects, turning a 303's POST into a GET.
    let following = livechat_config::reqwest::Client::new();
    let client = server
        .builder(Credentials::bearer(TOKEN))
        .http_client(following)
        .build()
        .unwrap();
    let err = client
        .create_agent("smith@example.com", "Agent Smith")
        .await
        .unwrap_err();
    match &err {
        Error::Redirect {
            status, location, ..
        } => {
            assert_eq!(*status, 200, "the status it ended at");
            assert_eq!(location.as_deref(), Some(to.as_str()));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(elsewhere.requests()[0].method, "GET");
}
