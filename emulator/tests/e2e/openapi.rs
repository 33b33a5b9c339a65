//! Requests the OpenAPI checks showed the emulator took although they were no request: bodies and
//! objects sent as JSON arrays. (The documents it serves: `tests/every_version.rs`.)

use crate::{call, emulator};
use livechat_config_emulator::OWNER_ID;

#[tokio::test]
async fn a_request_sent_as_an_array_is_refused_and_changes_nothing() {
    let emu = emulator().await;
    // serde reads a struct from an array of its fields in order: this was an agent.
    let (status, reply) = call(&emu, "create_agent", r#"["smith@example.com", "Smith"]"#).await;
    assert_eq!(status, 400, "{reply}");
    assert_eq!(reply["error"]["type"], "validation");
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("expected a JSON object"),
        "{reply}"
    );
    let (_, agents) = call(&emu, "list_agents", "{}").await;
    let ids: Vec<&str> = agents
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [OWNER_ID]);
}

#[tokio::test]
async fn an_object_inside_a_request_sent_as_an_array_is_refused() {
    let emu = emulator().await;
    let (status, reply) = call(
        &emu,
        "create_agent",
        r#"{"id": "smith@example.com", "name": "Smith", "work_scheduler": [[], "Europe/Warsaw"]}"#,
    )
    .await;
    assert_eq!(status, 400, "{reply}");
    let message = reply["error"]["message"].as_str().unwrap();
    assert!(message.contains("work_scheduler"), "{message}");
    let (status, reply) = call(
        &emu,
        "add_auto_access",
        r#"{"access": {"groups": [0]}, "conditions": {"url": [null, null]}}"#,
    )
    .await;
    assert_eq!(status, 400, "{reply}");
    assert!(
        reply["error"]["message"]
            .as_str()
            .unwrap()
            .contains("conditions.url"),
        "{reply}"
    );
    let (_, rules) = call(&emu, "list_auto_accesses", "{}").await;
    assert_eq!(rules, serde_json::json!([]));
}

#[tokio::test]
async fn a_batch_item_sent_as_an_array_gets_its_own_error() {
    let emu = emulator().await;
    let (status, reply) = call(
        &emu,
        "batch_create_agents",
        r#"{"requests": [["smith@example.com", "Smith"], {"id": "jones@example.com", "name": "Jones"}]}"#,
    )
    .await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["responses"][0]["error"]["type"], "validation");
    assert_eq!(
        reply["responses"][1],
        serde_json::json!({"id": "jones@example.com"})
    );
    let (_, agents) = call(&emu, "get_agent", r#"{"id": "smith@example.com"}"#).await;
    assert_eq!(agents["error"]["type"], "not_found");
}

#[tokio::test]
async fn a_batch_sent_as_an_array_is_refused() {
    let emu = emulator().await;
    for body in ["[[]]", r#" [[{"id": "smith@example.com"}]]"#] {
        let (status, reply) = call(&emu, "batch_suspend_agents", body).await;
        assert_eq!(status, 400, "{body}: {reply}");
        assert_eq!(reply["error"]["type"], "validation", "{body}");
    }
}

#[tokio::test]
async fn a_body_of_blanks_is_not_json_but_an_empty_one_is_an_empty_request() {
    let emu = emulator().await;
    for body in [" ", "\n\t "] {
        let (status, reply) = call(&emu, "get_product_source", body).await;
        assert_eq!(status, 400, "{body:?}: {reply}");
        assert_eq!(reply["error"]["type"], "validation");
    }
    let (status, reply) = call(&emu, "get_product_source", "").await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(reply["source_type"], "accounts");
}
