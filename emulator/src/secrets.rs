//! Which fields of an action's bodies are credentials, as each version's generated code states
//! them (the spec's `secret` fields, found through the named types they nest in), and masking
//! them out of a JSON body before it is kept anywhere a person can read it.

use crate::versions;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

/// What a masked value reads as.
pub const MASK: &str = "****";

/// action name (batch endpoints included) → JSON keys holding a secret in its request or answer,
/// as the generated code of each version states them. An action keeps the same name across
/// versions, so the keys of a name are those of all versions together.
static SECRET_KEYS: LazyLock<BTreeMap<&'static str, BTreeSet<String>>> = LazyLock::new(|| {
    let mut keys: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    for info in versions::every_action() {
        if !info.secret_keys.is_empty() {
            let entry = keys.entry(info.name).or_default();
            entry.extend(info.secret_keys.iter().map(|k| k.to_string()));
        }
    }
    keys
});

/// Every action name (batch endpoints included) of every version.
static ACTIONS: LazyLock<BTreeSet<&'static str>> =
    LazyLock::new(|| versions::every_action().map(|info| info.name).collect());

/// Every key any action of any version holds a secret under: what a body of an unknown action
/// (a misspelt name, a delivery posted back to the emulator) is masked with.
static ANY_SECRET_KEY: LazyLock<BTreeSet<String>> = LazyLock::new(|| {
    let mut keys: BTreeSet<String> = SECRET_KEYS.values().flatten().cloned().collect();
    // What a webhook delivery carries at its top level.
    keys.insert("secret_key".into());
    keys
});

/// `true` when a body of `action` may hold a credential: one of its secret fields, or, for a name
/// no version has, any of them.
pub fn has_secrets(action: &str) -> bool {
    SECRET_KEYS.contains_key(action) || !ACTIONS.contains(action)
}

/// Replaces every string under a secret key of `action`, wherever it nests (batch items,
/// lists of webhooks); for a name no version has, under any key a secret goes by. URLs lose the
/// `user:password@` they carry.
pub fn mask(action: &str, value: &mut Value) {
    if let Some(keys) = SECRET_KEYS.get(action) {
        mask_keys(keys, value);
    } else if !ACTIONS.contains(action) {
        mask_keys(&ANY_SECRET_KEY, value);
    }
    strip_userinfo(value);
}

/// `url` without the `user:password@` it may carry.
pub fn shown_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

/// Every string that is a URL with credentials in it, without them.
fn strip_userinfo(value: &mut Value) {
    match value {
        Value::String(text) if text.contains('@') && text.contains("://") => {
            *text = shown_url(text);
        }
        Value::Object(map) => map.values_mut().for_each(strip_userinfo),
        Value::Array(items) => items.iter_mut().for_each(strip_userinfo),
        _ => {}
    }
}

/// Replaces every string under one of `keys`.
pub fn mask_keys(keys: &BTreeSet<String>, value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if keys.contains(key) && inner.is_string() {
                    *inner = Value::String(MASK.to_string());
                } else {
                    mask_keys(keys, inner);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| mask_keys(keys, item)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_specs_secret_fields_are_found_through_named_types_and_batches() {
        let of = |action: &str| SECRET_KEYS.get(action).cloned().unwrap_or_default();
        assert!(of("issue_bot_token").contains("token"));
        assert!(of("create_bot").contains("secret"));
        assert!(of("batch_create_bots").contains("secret"));
        assert!(of("register_webhook").contains("secret_key"));
        // `list_webhooks` answers `Webhook[]`: found through the named type.
        assert!(of("list_webhooks").contains("secret_key"));
        assert!(!has_secrets("create_agent"));
        for action in livechat_config::Action::ALL {
            assert_eq!(
                has_secrets(action.name()),
                action.carries_secrets(),
                "{action}"
            );
        }
    }

    #[test]
    fn an_unknown_action_is_masked_with_every_secret_key_and_urls_lose_userinfo() {
        for name in ["register_webhook/", "Register_Webhook", "no_such_action"] {
            assert!(has_secrets(name), "{name}");
            let mut body = json!({
                "secret_key": "hook-secret",
                "secret": "bot-secret",
                "url": "https://user:pass@hooks.example.com/x",
                "name": "kept"
            });
            mask(name, &mut body);
            assert_eq!(
                body,
                json!({
                    "secret_key": MASK,
                    "secret": MASK,
                    "url": "https://hooks.example.com/x",
                    "name": "kept"
                })
            );
        }
    }

    #[test]
    fn masking_reaches_nested_values_and_leaves_the_rest() {
        let mut body = json!({"responses": [{"id": "b1", "secret": "s3cr3t"}, {"error": {}}]});
        mask("batch_create_bots", &mut body);
        assert_eq!(
            body,
            json!({"responses": [{"id": "b1", "secret": MASK}, {"error": {}}]})
        );
    }
}
