//! v3.7, the developer preview: its spec against its reference, what it changes since v3.6, and
//! its calls through `livechat_config::v3_7::Client` against a real server on loopback.

mod changes;
mod e2e;
mod spec;

use livechat_config_tests::root;
use serde_json::Value;

/// The v3.7 spec as raw JSON.
fn spec_json() -> Value {
    let text = std::fs::read_to_string(root().join("spec/configuration-v3.7.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn actions() -> Vec<Value> {
    spec_json()["actions"].as_array().unwrap().clone()
}

fn action(name: &str) -> Value {
    actions()
        .into_iter()
        .find(|a| a["name"] == name)
        .unwrap_or_else(|| panic!("no action `{name}` in the v3.7 spec"))
}
