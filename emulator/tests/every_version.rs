//! What holds for every version the sdk has, read from its generated registry: a version added
//! as a spec file is covered here with no test of its own.
//!
//! A test binary of its own, small to build: a scratch copy of the workspace with a new version
//! runs it (`tests/new_version.rs`).

mod support;

use livechat_config::versions::Version;
use livechat_config_emulator::{DEFAULT_TOKEN, VERSIONS};
use serde_json::json;
use support::{emulator, post};

async fn call_in(
    emu: &livechat_config_emulator::Emulator,
    version: Version,
    name: &str,
    body: &str,
) -> (u16, serde_json::Value) {
    let auth = format!("Bearer {DEFAULT_TOKEN}");
    let path = format!("{}{name}", version.action_path());
    post(emu, &path, &[("authorization", &auth)], body).await
}

#[test]
fn the_emulator_serves_every_version_of_the_sdk() {
    let registry: Vec<&str> = Version::ALL.iter().map(|v| v.as_str()).collect();
    assert_eq!(VERSIONS.to_vec(), registry);
    assert!(registry.contains(&livechat_config::API_VERSION));
}

#[tokio::test]
async fn every_action_of_every_version_is_served_and_answers_what_its_version_decodes() {
    let emu = emulator().await;
    for version in Version::ALL {
        for action in version.actions() {
            let (status, reply) = call_in(&emu, version, action.name(), "{}").await;
            assert!(
                status == 200 || status == 400 || status == 404,
                "v{version} {}: {status} {reply}",
                action.name()
            );
            if status == 200 {
                let bytes = serde_json::to_vec(&reply).unwrap();
                action
                    .check_response(&bytes)
                    .unwrap_or_else(|e| panic!("v{version} {}: {e}", action.name()));
            } else {
                assert!(reply["error"]["type"].is_string(), "{reply}");
            }
        }
    }
}

/// One license behind every path: what one version creates, each version lists.
#[tokio::test]
async fn every_version_sees_the_same_license() {
    let emu = emulator().await;
    let body = json!({"name": "every-version", "group_ids": [0]}).to_string();
    let (status, reply) = call_in(&emu, Version::STABLE, "create_tag", &body).await;
    assert_eq!(status, 200, "{reply}");
    for version in Version::ALL {
        let Some(list) = version.action("list_tags") else {
            continue;
        };
        let (status, tags) = call_in(&emu, version, list.name(), "{}").await;
        assert_eq!(status, 200, "v{version}: {tags}");
        let names: Vec<&str> = tags
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"every-version"), "v{version}: {names:?}");
    }
}

/// Each version's OpenAPI document is served without a token, as committed; nothing else under
/// `/emulator/` is public.
#[tokio::test]
async fn each_version_s_openapi_document_is_served_without_a_token() {
    let emu = emulator().await;
    for version in Version::ALL {
        let response = reqwest::get(format!(
            "{}/emulator/openapi/v{version}.json",
            emu.base_url()
        ))
        .await
        .unwrap();
        assert_eq!(response.status(), 200, "v{version}");
        assert_eq!(
            response.headers()["content-type"],
            "application/json",
            "v{version}"
        );
        let served = response.text().await.unwrap();
        let committed = std::fs::read_to_string(format!(
            "{}/openapi/configuration-v{version}.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        assert_eq!(served, committed, "v{version}");
        let doc: serde_json::Value = serde_json::from_str(&served).unwrap();
        assert_eq!(doc["info"]["version"], version.as_str());
    }
    let missing = reqwest::get(format!("{}/emulator/openapi/v9.9.json", emu.base_url()))
        .await
        .unwrap();
    // Only the documents are public: the rest of `/emulator/` is the control plane's, behind its
    // admin token.
    assert_eq!(missing.status(), 401);
}

#[tokio::test]
async fn a_version_the_sdk_lacks_is_refused_naming_those_it_has() {
    let emu = emulator().await;
    let auth = format!("Bearer {DEFAULT_TOKEN}");
    let (status, reply) = post(
        &emu,
        "/v2.0/configuration/action/list_agents",
        &[("authorization", &auth)],
        "{}",
    )
    .await;
    assert_eq!(status, 400, "{reply}");
    assert_eq!(reply["error"]["type"], "unsupported_version");
    let message = reply["error"]["message"].as_str().unwrap();
    for version in Version::ALL {
        assert!(message.contains(version.as_str()), "{message}");
    }
}
