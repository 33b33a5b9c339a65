//! Checks of a version's spec examples that do not depend on the version: each version's tests
//! pass a function that decodes a body by action name with that version's `Action`.

use serde_json::Value;
use std::path::Path;

/// Decodes `body` as the request or answer of the action `name`; `Ok` only when it decodes to
/// that action.
pub type Decode<'a> = &'a dyn Fn(&str, &[u8]) -> Result<(), String>;

/// Every example request of `actions` decodes, and every `request_as_published` (a reference
/// example that breaks the spec, see the action's notes) is refused. `skip` names actions whose
/// published example breaks a rule the schema cannot express. Returns (decoded, refused).
pub fn check_requests(actions: &[Value], skip: &[&str], decode: Decode) -> (usize, usize) {
    let (mut decoded, mut refused) = (0, 0);
    for a in actions {
        let name = a["name"].as_str().unwrap();
        if let Some(request) = a["examples"].get("request") {
            decode(name, request.to_string().as_bytes())
                .unwrap_or_else(|e| panic!("example request of `{name}`: {e}"));
            decoded += 1;
        }
        if skip.contains(&name) {
            continue;
        }
        if let Some(published) = a["examples"].get("request_as_published") {
            assert!(
                decode(name, published.to_string().as_bytes()).is_err(),
                "the published request of `{name}` decodes"
            );
            refused += 1;
        }
    }
    (decoded, refused)
}

/// Every example answer of `actions` decodes; returns how many there are.
pub fn check_responses(actions: &[Value], decode: Decode) -> usize {
    let mut decoded = 0;
    for a in actions {
        let name = a["name"].as_str().unwrap();
        if let Some(response) = a["examples"].get("response") {
            decode(name, response.to_string().as_bytes())
                .unwrap_or_else(|e| panic!("example response of `{name}`: {e}"));
            decoded += 1;
        }
    }
    decoded
}

/// The reference's example answers in `dir` (one file per action, named after it) are the spec's
/// examples unchanged, and decode; returns how many were compared.
pub fn check_payloads(dir: &Path, actions: &[Value], decode: Decode) -> usize {
    let mut compared = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let payload: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let action = actions.iter().find(|a| a["name"] == name.as_str());
        let action = action.unwrap_or_else(|| panic!("`{name}` is not an action of the spec"));
        assert_eq!(
            action["examples"]["response"], payload,
            "example response of `{name}`"
        );
        decode(&name, payload.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("payload of `{name}`: {e}"));
        compared += 1;
    }
    compared
}
