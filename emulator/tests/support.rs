//! What the emulator's test binaries share: a seeded emulator and a raw POST.

use livechat_config_emulator::Emulator;
use serde_json::Value;

pub async fn emulator() -> Emulator {
    Emulator::builder().seed(1).start().await.unwrap()
}

/// A raw POST, for what the sdk's client cannot send (other versions, bad bodies, headers).
pub async fn post(
    emulator: &Emulator,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", emulator.base_url()))
        .header("content-type", "application/json")
        .body(body.to_string());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    (status, json)
}
