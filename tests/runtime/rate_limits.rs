use livechat_config::*;
use livechat_config_emulator::{Emulator, Faults, OWNER_ID};
use std::collections::HashMap;

#[tokio::test]
async fn half_the_answers_429_and_a_300_agent_batch_still_lands_each_agent_once() {
    let emulator = Emulator::builder()
        .rate_limited_share(0.5)
        .seed(2026)
        .start()
        .await
        .unwrap();
    // The default policy and budget; one chunk at a time so the seeded draws meet the chunks
    // in the same order on every run.
    let client = emulator.client();
    let requests =
        (0..300).map(|i| CreateAgentRequest::new(format!("agent{i}@example.com"), "Agent"));
    let results = client
        .batch_create_agents(requests)
        .concurrency(1)
        .await
        .unwrap();
    assert_eq!(results.len(), 300);
    for (i, result) in results.iter().enumerate() {
        assert_eq!(
            result.as_ref().unwrap().id,
            format!("agent{i}@example.com"),
            "item {i}"
        );
    }
    let sent = emulator.served(Action::BatchCreateAgents);
    assert!(sent > 6, "some chunks were rate limited: {sent} calls");

    emulator.set_faults(Faults::default());
    let agents = client.list_agents().await.unwrap();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for agent in &agents {
        *seen.entry(agent.id.as_str()).or_default() += 1;
    }
    assert_eq!(agents.len(), 301, "the owner and the 300");
    assert_eq!(seen.get(OWNER_ID), Some(&1));
    assert!(seen.values().all(|n| *n == 1));
    for i in 0..300 {
        assert!(seen.contains_key(format!("agent{i}@example.com").as_str()));
    }
}
