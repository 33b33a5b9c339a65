//! The groups actions end to end: each test builds the call through the typed API, checks the
//! exact JSON body the server got and the typed values decoded from the reply.

use livechat_config::*;
use livechat_config_tests::{example_response, TestServer};
use serde_json::json;

/// The agent_priorities of the reference's examples, as decoded values.
fn example_priorities() -> Vec<(&'static str, Priority)> {
    vec![
        ("agent1@example.com", Priority::Normal),
        ("agent2@example.com", Priority::Normal),
        ("agent3@example.com", Priority::Last),
    ]
}

#[tokio::test]
async fn create_group_sends_agent_priorities_and_decodes_the_id() {
    let server = TestServer::start().await;
    server.reply(200, example_response("create_group"));
    let created = server
        .client()
        .create_group(
            "Sports shoes",
            [
                ("agent1@example.com", Priority::Normal),
                ("agent2@example.com", Priority::Normal),
                ("agent3@example.com", Priority::Last),
            ],
        )
        .language_code("en")
        .await
        .unwrap();
    assert_eq!(created.id, 19);
    server.assert_one(
        "create_group",
        json!({
            "name": "Sports shoes",
            "language_code": "en",
            "agent_priorities": {
                "agent1@example.com": "normal",
                "agent2@example.com": "normal",
                "agent3@example.com": "last"
            }
        }),
    );
}

#[tokio::test]
async fn update_group_sends_every_parameter() {
    let server = TestServer::start().await;
    server.reply(200, example_response("update_group"));
    let updated: Result<(), Error> = server
        .client()
        .update_group(19)
        .name("Sport shoes")
        .language_code("de")
        .agent_priorities([
            ("agent1@example.com", Priority::Normal),
            ("agent2@example.com", Priority::Normal),
            ("agent3@example.com", Priority::Last),
            ("boss@example.com", Priority::Supervisor),
            ("5c9871d5372c824cbf22d860a707a578", Priority::First),
        ])
        .await;
    updated.unwrap();
    server.assert_one(
        "update_group",
        json!({
            "id": 19,
            "name": "Sport shoes",
            "language_code": "de",
            "agent_priorities": {
                "agent1@example.com": "normal",
                "agent2@example.com": "normal",
                "agent3@example.com": "last",
                "boss@example.com": "supervisor",
                "5c9871d5372c824cbf22d860a707a578": "first"
            }
        }),
    );
}

#[tokio::test]
async fn update_group_with_only_the_id_sends_nothing_else() {
    let server = TestServer::start().await;
    server.reply(200, example_response("update_group"));
    let updated: Result<(), Error> = server.client().update_group(19).await;
    updated.unwrap();
    server.assert_one("update_group", json!({"id": 19}));
}

#[tokio::test]
async fn delete_group_sends_the_id() {
    let server = TestServer::start().await;
    server.reply(200, example_response("delete_group"));
    let deleted: Result<(), Error> = server.client().delete_group(19).await;
    deleted.unwrap();
    server.assert_one("delete_group", json!({"id": 19}));
}

#[tokio::test]
async fn list_groups_sends_fields_and_decodes_the_example() {
    let server = TestServer::start().await;
    server.reply(200, example_response("list_groups"));
    let groups = server
        .client()
        .list_groups()
        .fields([GroupField::RoutingStatus])
        .await
        .unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0].id, 0);
    assert_eq!(groups[0].name, "General");
    assert_eq!(groups[0].language_code.as_deref(), Some("en"));
    assert_eq!(groups[0].routing_status.as_deref(), Some("offline"));
    assert_eq!(groups[0].agent_priorities, None);
    assert_eq!(groups[1].id, 19);
    assert_eq!(groups[1].name, "Sport shoes");
    assert_eq!(groups[1].language_code.as_deref(), Some("en"));
    assert_eq!(groups[1].routing_status.as_deref(), Some("offline"));
    assert_eq!(groups[1].agent_priorities, None);
    server.assert_one("list_groups", json!({"fields": ["routing_status"]}));
}

#[tokio::test]
async fn list_groups_without_fields_sends_an_empty_object() {
    let server = TestServer::start().await;
    server.reply(
        200,
        json!([
            {"id": 0, "name": "General"},
            {
                "id": 7,
                "name": "Billing",
                "language_code": "pl",
                "agent_priorities": {"agent1@example.com": "supervisor"},
                "routing_status": "accepting_chats"
            }
        ]),
    );
    let groups = server.client().list_groups().await.unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(groups[0].id, 0);
    assert_eq!(groups[0].name, "General");
    assert_eq!(groups[0].language_code, None);
    assert_eq!(groups[0].agent_priorities, None);
    assert_eq!(groups[0].routing_status, None);
    assert_eq!(groups[1].id, 7);
    assert_eq!(groups[1].name, "Billing");
    assert_eq!(groups[1].language_code.as_deref(), Some("pl"));
    let priorities = groups[1]
        .agent_priorities
        .as_ref()
        .expect("agent_priorities");
    assert_eq!(priorities.len(), 1);
    assert_eq!(
        priorities.get("agent1@example.com"),
        Some(&Priority::Supervisor)
    );
    assert_eq!(groups[1].routing_status.as_deref(), Some("accepting_chats"));
    server.assert_one("list_groups", json!({}));
}

#[tokio::test]
async fn get_group_sends_the_reference_example_and_decodes_priorities() {
    let server = TestServer::start().await;
    server.reply(200, example_response("get_group"));
    let group = server
        .client()
        .get_group(19)
        .fields([GroupField::AgentPriorities, GroupField::RoutingStatus])
        .await
        .unwrap();
    assert_eq!(group.id, 19);
    assert_eq!(group.name, "Sports shoes");
    assert_eq!(group.language_code.as_deref(), Some("en"));
    assert_eq!(group.routing_status.as_deref(), Some("offline"));
    let priorities = group.agent_priorities.as_ref().expect("agent_priorities");
    assert_eq!(priorities.len(), 3);
    for (agent, priority) in example_priorities() {
        assert_eq!(
            priorities.get(agent),
            Some(&priority),
            "priority of {agent}"
        );
    }
    server.assert_one(
        "get_group",
        json!({"id": 19, "fields": ["agent_priorities", "routing_status"]}),
    );
}
