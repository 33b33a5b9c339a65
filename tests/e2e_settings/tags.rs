use livechat_config::*;
use livechat_config_tests::{example_response, TestServer};
use serde_json::json;

#[tokio::test]
async fn create_tag_sends_name_and_group_ids() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    server
        .client()
        .create_tag("docs_feedback")
        .group_ids([0, 42])
        .await
        .unwrap();
    server.assert_one(
        "create_tag",
        json!({"name": "docs_feedback", "group_ids": [0, 42]}),
    );
}

#[tokio::test]
async fn create_tag_with_empty_group_ids_sends_an_empty_array() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    server
        .client()
        .create_tag("docs_feedback")
        .group_ids([])
        .await
        .unwrap();
    server.assert_one(
        "create_tag",
        json!({"name": "docs_feedback", "group_ids": []}),
    );
}

#[tokio::test]
async fn delete_tag_sends_the_name() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    server.client().delete_tag("docs_feedback").await.unwrap();
    server.assert_one("delete_tag", json!({"name": "docs_feedback"}));
}

#[tokio::test]
async fn list_tags_sends_filters_and_decodes_every_tag() {
    let server = TestServer::start().await;
    server.reply(200, example_response("list_tags"));
    let tags = server
        .client()
        .list_tags()
        .filters(TagFilters::new([0, 42]))
        .await
        .unwrap();
    server.assert_one("list_tags", json!({"filters": {"group_ids": [0, 42]}}));

    assert_eq!(tags.len(), 6);
    let first = &tags[0];
    assert_eq!(first.name, "docs_feedback");
    assert_eq!(first.group_ids, Some(vec![0, 42]));
    assert_eq!(first.author_id.as_deref(), Some("smith@example.com"));
    assert_eq!(
        first.created_at.as_deref(),
        Some("2019-12-09T12:01:18.909000Z")
    );

    let names: Vec<&str> = tags.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "docs_feedback",
            "positive feedback",
            "support",
            "complaint",
            "sales",
            "spam"
        ]
    );
    for tag in &tags[1..] {
        assert_eq!(tag.group_ids, Some(vec![0]), "group_ids of {}", tag.name);
        assert_eq!(
            tag.author_id.as_deref(),
            Some(""),
            "author_id of {}",
            tag.name
        );
        assert_eq!(
            tag.created_at.as_deref(),
            Some("2017-11-13T15:37:36.000000+01:00"),
            "created_at of {}",
            tag.name
        );
    }
}

#[tokio::test]
async fn list_tags_without_filters_sends_an_empty_object_and_decodes_a_bare_tag() {
    let server = TestServer::start().await;
    server.reply(200, json!([{"name": "sales"}]));
    let tags = server.client().list_tags().await.unwrap();
    server.assert_one("list_tags", json!({}));
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].name, "sales");
    assert_eq!(tags[0].group_ids, None);
    assert_eq!(tags[0].author_id, None);
    assert_eq!(tags[0].created_at, None);
}

#[tokio::test]
async fn update_tag_sends_name_and_group_ids() {
    let server = TestServer::start().await;
    server.reply(200, json!({}));
    server
        .client()
        .update_tag("docs_feedback")
        .group_ids([0, 42])
        .await
        .unwrap();
    server.assert_one(
        "update_tag",
        json!({"name": "docs_feedback", "group_ids": [0, 42]}),
    );
}
