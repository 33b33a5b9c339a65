//! The canned server answers what the sdk decodes, in a process of its own, and the raw-socket
//! client of the physical-limit row reads the same answers.

use livechat_config::{Client, CreateAgentRequest, Credentials};
use livechat_config_bench::canned::CannedServer;
use livechat_config_bench::raw_client::RawClient;

#[tokio::test]
async fn the_sdk_decodes_every_canned_answer() {
    let server = CannedServer::start(None).unwrap();
    let client = Client::builder(Credentials::bearer("dal:test"))
        .base_url(server.base_url())
        .build()
        .unwrap();
    let agent = client.get_agent("smith@example.com").await.unwrap();
    assert_eq!(agent.id, "smith@example.com");
    let agents = client.list_agents().await.unwrap();
    assert_eq!(agents.len(), 20);
    assert_eq!(agents[19].id, "agent19@example.com");
    let created = client.create_agent("new@example.com", "New").await.unwrap();
    assert_eq!(created.id, "smith@example.com");
    let results = client
        .batch_create_agents(
            (0..120).map(|i| CreateAgentRequest::new(format!("b{i}@example.com"), "B")),
        )
        .await
        .unwrap();
    assert_eq!(results.len(), 120);
    assert!(results.iter().all(|r| r.is_ok()));
}

#[test]
fn the_raw_client_keeps_one_connection_for_many_calls() {
    let server = CannedServer::start(None).unwrap();
    let mut raw = RawClient::connect(server.base_url(), "dal:test").unwrap();
    for _ in 0..50 {
        let agent = raw.call("get_agent", br#"{"id":"x"}"#).unwrap();
        assert_eq!(agent["name"], "Agent Smith");
    }
    let list = raw.call("list_agents", b"{}").unwrap();
    assert_eq!(list.as_array().unwrap().len(), 20);
    assert!(raw
        .call("no_such_action", b"{}")
        .unwrap_err()
        .contains("404"));
}
