use livechat_config::*;
use livechat_config_tests::{Reply, TestServer};
use serde_json::json;

fn misdirected(region: &str) -> Reply {
    Reply::json(
        421,
        json!({"error": {"type": "misdirected_request", "message": "Wrong region", "data": {"region": region}}}),
    )
}

async fn region_header_sent(builder: impl FnOnce(&TestServer) -> ClientBuilder) -> Option<String> {
    let server = TestServer::start().await;
    server.reply(200, json!([]));
    builder(&server).build().unwrap().list_tags().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    requests[0].header("x-region").map(str::to_string)
}

#[tokio::test]
async fn a_fra_token_sends_x_region_fra() {
    let sent = region_header_sent(|s| s.builder(Credentials::bearer("fra:abc"))).await;
    assert_eq!(sent.as_deref(), Some("fra"));
}

#[tokio::test]
async fn a_dal_token_sends_no_region_header() {
    let sent = region_header_sent(|s| s.builder(Credentials::bearer("dal:abc"))).await;
    assert_eq!(sent, None);
}

#[tokio::test]
async fn an_explicit_region_wins_over_the_token() {
    let sent = region_header_sent(|s| {
        s.builder(Credentials::bearer("fra:abc"))
            .region(Region::Dal)
    })
    .await;
    assert_eq!(sent.as_deref(), Some("dal"));
    let sent = region_header_sent(|s| {
        s.builder(Credentials::bearer("dal:abc"))
            .region(Region::Fra)
    })
    .await;
    assert_eq!(sent.as_deref(), Some("fra"));
}

#[tokio::test]
async fn a_pat_takes_its_region_as_an_option() {
    let sent = region_header_sent(|s| {
        s.builder(Credentials::pat("account-1", "pat-secret"))
            .region(Region::Fra)
    })
    .await;
    assert_eq!(sent.as_deref(), Some("fra"));
    let sent = region_header_sent(|s| s.builder(Credentials::pat("account-1", "pat-secret"))).await;
    assert_eq!(sent, None);
}

#[tokio::test]
async fn misdirected_request_is_rerouted_once_and_the_region_sticks() {
    let server = TestServer::start().await;
    server.reply_with(misdirected("fra"));
    server.reply(200, json!({"id": "smith@example.com"}));
    server.reply(200, json!([]));
    let client = server
        .builder(Credentials::bearer("dal:abc"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(client.region(), Region::Dal);
    // A write too: a misdirected request was refused, not carried out.
    let created = client
        .create_agent("smith@example.com", "Agent Smith")
        .await
        .unwrap();
    assert_eq!(created.id, "smith@example.com");
    assert_eq!(client.region(), Region::Fra);
    client.list_tags().await.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[0].header("x-region"), None);
    assert_eq!(requests[1].header("x-region"), Some("fra"));
    assert_eq!(requests[1].body, requests[0].body);
    assert_eq!(requests[2].header("x-region"), Some("fra"));
    // Clones share what the client learned.
    assert_eq!(client.clone().region(), Region::Fra);
}

#[tokio::test]
async fn hyphenated_data_centers_are_named_by_prefix_and_followed_when_misdirected() {
    let sent = region_header_sent(|s| s.builder(Credentials::bearer("fra-a:abc"))).await;
    assert_eq!(sent.as_deref(), Some("fra-a"));
    // A personal access token's region can travel with the credentials.
    let sent = region_header_sent(|s| {
        s.builder(Credentials::pat("account-1", "pat-secret").with_region(Region::from("fra-b")))
    })
    .await;
    assert_eq!(sent.as_deref(), Some("fra-b"));

    let server = TestServer::start().await;
    server.reply_with(misdirected("fra-b"));
    server.reply(200, json!([]));
    server.reply(200, json!([]));
    let client = server
        .builder(Credentials::bearer("fra-a:abc"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    assert_eq!(client.region(), Region::from("fra-a"));
    client.list_tags().await.unwrap();
    client.list_tags().await.unwrap();
    assert_eq!(client.region(), Region::from("fra-b"));
    let regions: Vec<Option<String>> = server
        .requests()
        .iter()
        .map(|r| r.header("x-region").map(str::to_string))
        .collect();
    assert_eq!(
        regions,
        [
            Some("fra-a".into()),
            Some("fra-b".into()),
            Some("fra-b".into())
        ]
    );
}

#[tokio::test]
async fn a_second_misdirection_is_returned_not_followed() {
    let server = TestServer::start().await;
    server.reply_with(misdirected("fra"));
    server.reply_with(misdirected("dal"));
    server.reply(200, json!([]));
    let client = server
        .builder(Credentials::bearer("dal:abc"))
        .build()
        .unwrap();
    let err = client.list_tags().await.unwrap_err();
    assert_eq!(err.api().unwrap().region(), Some("dal"));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_misdirection_to_the_same_region_is_not_followed() {
    let server = TestServer::start().await;
    server.reply_with(misdirected("fra"));
    let client = server
        .builder(Credentials::bearer("fra:abc"))
        .build()
        .unwrap();
    let err = client.list_tags().await.unwrap_err();
    assert_eq!(err.api().unwrap().kind, ErrorKind::MisdirectedRequest);
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn regions_from_tokens() {
    assert_eq!(Credentials::bearer("fra:x").region(), Some(Region::Fra));
    assert_eq!(Credentials::bearer("dal:x").region(), Some(Region::Dal));
    assert_eq!(Credentials::bearer("x").region(), None);
    assert_eq!(Credentials::pat("a", "b").region(), None);
    assert_eq!(Region::from("syd"), Region::Other("syd".into()));
    assert_eq!(Region::Other("syd".into()).to_string(), "syd");
}

#[tokio::test]
async fn a_region_that_is_not_a_region_name_is_refused_and_changes_nothing() {
    let poisons = [
        "fra\r\nx-injected: 1",
        "fra ",
        "FRA",
        "",
        "a-very-long-region-name-indeed",
        "fr\u{e4}",
    ];
    for poison in poisons {
        let server = TestServer::start().await;
        server.reply_with(misdirected(poison));
        server.handle(|_| Reply::json(200, json!([])));
        let client = server
            .builder(Credentials::bearer("dal:abc"))
            .build()
            .unwrap();
        let clone = client.clone();
        let err = client.list_tags().await.unwrap_err();
        let api = err.api().unwrap();
        assert_eq!(api.kind, ErrorKind::MisdirectedRequest, "{poison:?}");
        assert_eq!(api.region(), Some(poison));
        assert_eq!(client.region(), Region::Dal, "{poison:?}");
        assert_eq!(server.requests().len(), 1, "{poison:?}: not re-sent");
        // Later calls of the client and its clones still work.
        client.list_tags().await.unwrap();
        clone.list_groups().await.unwrap();
        let requests = server.requests();
        assert_eq!(requests.len(), 3);
        assert!(requests.iter().all(|r| r.header("x-region").is_none()));
    }
}

#[test]
fn a_builder_region_must_be_a_region_name() {
    let err = Client::builder(Credentials::bearer("dal:abc"))
        .region(Region::from("fra\nx"))
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    assert!(Region::is_plausible_name("syd2"));
    assert!(!Region::is_plausible_name("Syd"));
}
