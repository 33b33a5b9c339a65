use crate::emulator;
use livechat_config::*;
use serde_json::json;
use std::collections::BTreeMap;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_writes_lose_nothing() {
    let emu = emulator().await;
    let client = emu.client();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client
                .create_agent(format!("agent{i}@example.com"), format!("Agent {i}"))
                .await
                .unwrap();
            client.create_tag(format!("tag-{i}")).await.unwrap();
            let value = BTreeMap::from([("int_property".to_string(), json!(i))]);
            client
                .update_license_properties([("test", value)])
                .await
                .unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    assert_eq!(client.list_agents().await.unwrap().len(), 41);
    assert_eq!(client.list_tags().await.unwrap().len(), 40);
    assert_eq!(emu.served(Action::CreateAgent), 40);

    // Every writer moves its own agent into a new group at once: no membership may be lost.
    let group = client.create_group("Crowd", []).await.unwrap();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            client
                .update_agent(format!("agent{i}@example.com"))
                .groups([GroupAssignment::new(group.id, Priority::Normal)])
                .await
                .unwrap();
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let crowd = client
        .get_group(group.id)
        .fields([GroupField::AgentPriorities])
        .await
        .unwrap();
    assert_eq!(crowd.agent_priorities.unwrap().len(), 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_duplicates_yield_exactly_one_winner() {
    let emu = emulator().await;
    let client = emu.client();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let client = client.clone();
        let name = if i % 2 == 0 { "Race" } else { "race" };
        tasks.push(tokio::spawn(async move { client.create_tag(name).await }));
    }
    let mut won = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => won += 1,
            Err(e) => assert_eq!(e.api().unwrap().kind, ErrorKind::AlreadyExists),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(client.list_tags().await.unwrap().len(), 1);
}
