use crate::{call, emulator};
use livechat_config::*;
use serde_json::json;

fn item_kind<T: std::fmt::Debug>(result: &Result<T, Error>) -> ErrorKind {
    match result {
        Err(Error::Api(e)) => e.kind.clone(),
        Err(other) => panic!("expected an API error item, got {other:?}"),
        Ok(v) => panic!("expected an error item, got {v:?}"),
    }
}

#[tokio::test]
async fn the_references_batch_delete_example() {
    let emu = emulator().await;
    let client = emu.client();
    client
        .create_agent("smith@example.com", "Smith")
        .await
        .unwrap();
    client
        .create_agent("brown@example.com", "Brown")
        .await
        .unwrap();
    let (status, body) = call(
        &emu,
        "batch_delete_agents",
        r#"{"requests": [{"id": "smith@example.com"}, {"id": "brown@example.com"}, {}]}"#,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["responses"][0], json!({}));
    assert_eq!(body["responses"][1], json!({}));
    assert_eq!(body["responses"][2]["error"]["type"], "validation");
    assert!(body["responses"][2]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("id"));
    assert_eq!(
        client.list_agents().await.unwrap().len(),
        1,
        "only the owner is left"
    );
}

#[tokio::test]
async fn every_agent_batch_endpoint_answers_per_item() {
    let emu = emulator().await;
    let client = emu.client();
    let created = client
        .batch_create_agents([
            CreateAgentRequest::new("a@example.com", "A"),
            CreateAgentRequest::new("b@example.com", "B").role(Role::Administrator),
            CreateAgentRequest::new("a@example.com", "A again"),
        ])
        .await
        .unwrap();
    assert_eq!(created[0].as_ref().unwrap().id, "a@example.com");
    assert_eq!(created[1].as_ref().unwrap().id, "b@example.com");
    assert_eq!(item_kind(&created[2]), ErrorKind::AlreadyExists);

    let updated = client
        .batch_update_agents([
            UpdateAgentRequest::new("a@example.com").job_title("Lead"),
            UpdateAgentRequest::new("b@example.com").job_title("Hero"),
            UpdateAgentRequest::new("ghost@example.com").job_title("Boo"),
        ])
        .await
        .unwrap();
    assert!(updated[0].is_ok() && updated[1].is_ok());
    assert_eq!(item_kind(&updated[2]), ErrorKind::NotFound);
    let b = client
        .get_agent("b@example.com")
        .fields([AgentField::JobTitle])
        .await
        .unwrap();
    assert_eq!(b.job_title.as_deref(), Some("Hero"));

    let suspended = client
        .batch_suspend_agents([
            SuspendAgentRequest::new("a@example.com"),
            SuspendAgentRequest::new("ghost@example.com"),
        ])
        .await
        .unwrap();
    assert!(suspended[0].is_ok());
    assert_eq!(item_kind(&suspended[1]), ErrorKind::NotFound);
    let listed = client
        .list_agents()
        .filters(AgentFilters::new().suspended(true))
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);

    let unsuspended = client
        .batch_unsuspend_agents([UnsuspendAgentRequest::new("a@example.com")])
        .await
        .unwrap();
    assert!(unsuspended[0].is_ok());
    assert!(client
        .list_agents()
        .filters(AgentFilters::new().suspended(true))
        .await
        .unwrap()
        .is_empty());

    let approved = client
        .batch_approve_agents([
            ApproveAgentRequest::new("b@example.com"),
            ApproveAgentRequest::new("nobody@example.com"),
        ])
        .await
        .unwrap();
    assert!(approved[0].is_ok());
    assert_eq!(item_kind(&approved[1]), ErrorKind::NotFound);

    let deleted = client
        .batch_delete_agents([
            DeleteAgentRequest::new("a@example.com"),
            DeleteAgentRequest::new("a@example.com"),
        ])
        .await
        .unwrap();
    assert!(deleted[0].is_ok());
    assert_eq!(
        item_kind(&deleted[1]),
        ErrorKind::NotFound,
        "items run in order"
    );
    assert_eq!(emu.served(Action::BatchDeleteAgents), 1);
}

#[tokio::test]
async fn every_bot_batch_endpoint_answers_per_item() {
    let emu = emulator().await;
    let client = emu.client();
    let created = client
        .batch_create_bots([
            CreateBotRequest::new("One"),
            CreateBotRequest::new("Two").groups([GroupAssignment::new(77, Priority::Normal)]),
            CreateBotRequest::new("Three"),
        ])
        .await
        .unwrap();
    let one = created[0].as_ref().unwrap().id.clone();
    let three = created[2].as_ref().unwrap().id.clone();
    assert_eq!(item_kind(&created[1]), ErrorKind::GroupNotFound);

    let updated = client
        .batch_update_bots([
            UpdateBotRequest::new(&one).name("Uno"),
            UpdateBotRequest::new("missing").name("x"),
        ])
        .await
        .unwrap();
    assert!(updated[0].is_ok());
    assert_eq!(item_kind(&updated[1]), ErrorKind::NotFound);
    assert_eq!(client.get_bot(&one).await.unwrap().name, "Uno");

    let deleted = client
        .batch_delete_bots([
            DeleteBotRequest::new(&one),
            DeleteBotRequest::new(&three),
            DeleteBotRequest::new(&one),
        ])
        .await
        .unwrap();
    assert!(deleted[0].is_ok() && deleted[1].is_ok());
    assert_eq!(item_kind(&deleted[2]), ErrorKind::NotFound);
    assert!(client.list_bots().all(true).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_batch_body_without_requests_is_a_validation_error() {
    let emu = emulator().await;
    let (status, body) = call(&emu, "batch_create_bots", r#"{"items": []}"#).await;
    assert_eq!(status, 400);
    assert_eq!(body["error"]["type"], "validation");
    let (status, body) = call(&emu, "batch_create_bots", r#"{"requests": [{"name": 5}]}"#).await;
    assert_eq!(status, 200);
    assert_eq!(body["responses"][0]["error"]["type"], "validation");
    let (_, body) = call(&emu, "batch_update_agents", r#"{"requests": []}"#).await;
    assert_eq!(body, json!({"responses": []}));
}
