//! The v3.7 spec says what its reference says, and its generated `Action` decodes every example.

use super::{action, actions, spec_json};
use livechat_config::v3_7::{Action, AnyRequest, AnyResponse};
use livechat_config_tests::examples;
use serde_json::{json, Value};

fn param(action_name: &str, name: &str) -> Value {
    action(action_name)["params"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("`{action_name}` has no parameter `{name}`"))
        .clone()
}

fn names_in(section: &str) -> Vec<String> {
    actions()
        .iter()
        .filter(|a| a["section"] == section)
        .map(|a| a["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn all_73_actions_in_their_13_sections() {
    assert_eq!(actions().len(), 73);
    let sections: Vec<String> = spec_json()["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        sections,
        [
            "agents",
            "allowed_domains",
            "auto_access",
            "bots",
            "customer_bans",
            "greetings",
            "groups",
            "properties",
            "tags",
            "webhooks",
            "canned_responses",
            "translations",
            "other"
        ]
    );
    assert_eq!(
        names_in("allowed_domains"),
        [
            "add_allowed_domain",
            "list_allowed_domains",
            "delete_allowed_domain"
        ]
    );
    assert_eq!(
        names_in("customer_bans"),
        ["ban_customer", "list_customer_bans", "unban_customer"]
    );
    // Reference order: the page's headings, not its overview table (which lists List second).
    assert_eq!(
        names_in("canned_responses"),
        [
            "create_canned_response",
            "update_canned_response",
            "list_canned_responses",
            "delete_canned_response"
        ]
    );
    assert_eq!(
        names_in("translations"),
        ["update_translations", "list_translations"]
    );
    // The generated Action has every action and batch endpoint, each under its own name.
    assert_eq!(Action::ALL.len(), 83);
    assert_eq!(Action::ALL.iter().filter(|a| !a.is_batch()).count(), 73);
    for a in actions() {
        let name = a["name"].as_str().unwrap();
        let found = Action::from_name(name).unwrap_or_else(|| panic!("no Action `{name}`"));
        assert_eq!(found.section(), a["section"].as_str().unwrap());
        assert_eq!(found.is_read_only(), a["read_only"] == true, "{name}");
        assert_eq!(
            found.info().path,
            "/v3.7/configuration/action/",
            "{name} is called at its version's path"
        );
    }
}

#[test]
fn the_10_batch_endpoints_of_the_reference_tables() {
    let mut endpoints: Vec<String> = actions()
        .iter()
        .filter(|a| a["batch"] == true)
        .map(|a| a["batch_endpoint"].as_str().unwrap().to_string())
        .collect();
    endpoints.sort();
    let mut table = [
        "batch_create_agents",
        "batch_update_agents",
        "batch_delete_agents",
        "batch_suspend_agents",
        "batch_unsuspend_agents",
        "batch_approve_agents",
        "batch_create_bots",
        "batch_update_bots",
        "batch_delete_bots",
        "batch_update_translations",
    ];
    table.sort();
    assert_eq!(endpoints, table);
    let mut generated: Vec<&str> = Action::ALL
        .iter()
        .filter(|a| a.is_batch())
        .map(|a| a.name())
        .collect();
    generated.sort();
    assert_eq!(generated, table);
    assert_eq!(
        Action::UpdateTranslations.batch_action(),
        Some(Action::BatchUpdateTranslations)
    );
    assert_eq!(
        Action::BatchUpdateTranslations.single_action(),
        Some(Action::UpdateTranslations)
    );
}

#[test]
fn every_example_request_decodes_and_published_mismatches_are_rejected() {
    // `register_property`'s published example breaks a rule between `default_value` and `access`
    // that the schema cannot express (see the action's notes); it is not decode-checked.
    let (decoded, refused) =
        examples::check_requests(&actions(), &["register_property"], &decode_request);
    assert_eq!(decoded, 73);
    assert_eq!(refused, 8, "the reference's non-conforming examples");
}

#[test]
fn every_example_response_decodes() {
    let decoded = examples::check_responses(&actions(), &decode_response);
    // v3.6's examples plus nine of the ten new actions (Delete Allowed Domain shows none).
    assert_eq!(decoded, 48 + 9);
    let Ok(AnyResponse::ListCannedResponses(page)) = Action::ListCannedResponses.decode_response(
        action("list_canned_responses")["examples"]["response"]
            .to_string()
            .as_bytes(),
    ) else {
        panic!("list_canned_responses example");
    };
    assert_eq!(page.canned_responses.len(), 2);
    assert_eq!(page.canned_responses[1].tags, ["follow-up"]);
    assert_eq!(page.found_canned_responses, 25);
    assert_eq!(page.next_page_id.as_deref(), Some("MTIzNDY="));
    let Ok(AnyResponse::ListTranslations(phrases)) = Action::ListTranslations.decode_response(
        action("list_translations")["examples"]["response"]
            .to_string()
            .as_bytes(),
    ) else {
        panic!("list_translations example");
    };
    assert_eq!(
        phrases.phrases["Offline_form"],
        "Thank you for contacting us"
    );
}

/// The reference's example answers (`payloads/v3.7/`, one per action that has one, named after
/// the action) are the spec's examples, unchanged.
#[test]
fn the_reference_payloads_are_the_spec_examples() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reference/v3.7");
    let compared = examples::check_payloads(&dir, &actions(), &decode_response);
    assert_eq!(compared, 31);
}

#[test]
fn v3_7_reads_as_the_developer_preview() {
    let spec = spec_json();
    assert_eq!(spec["version"], "3.7");
    assert_eq!(spec["path"], "/v3.7/configuration/action/{action}");
    let description = spec["description"].as_str().unwrap();
    assert!(description.contains("developer preview"), "{description}");
    assert!(!description.contains("stable version"), "{description}");
    assert!(!spec.to_string().contains("/v3.6/"));
}

#[test]
fn the_new_actions_carry_the_reference_facts() {
    for name in [
        "add_allowed_domain",
        "list_allowed_domains",
        "delete_allowed_domain",
    ] {
        assert_eq!(action(name)["scopes"], json!(["domain_manage"]), "{name}");
    }
    assert_eq!(
        param("add_allowed_domain", "domain")["limits"],
        json!({"min_length": 1, "max_length": 255})
    );
    assert_eq!(action("ban_customer")["scopes"], json!(["banlist_write"]));
    assert_eq!(param("ban_customer", "seconds")["limits"]["min"], 1);
    assert_eq!(
        action("create_canned_response")["scopes"],
        json!(["canned_responses_write"])
    );
    assert_eq!(
        param("create_canned_response", "is_private")["default"],
        false
    );
    for name in ["update_canned_response", "delete_canned_response"] {
        assert_eq!(
            action(name)["scopes"],
            json!(["canned_responses--groups:rw", "canned_responses--all:rw"]),
            "{name}"
        );
    }
    let list = action("list_canned_responses");
    assert_eq!(
        list["scopes"],
        json!(["canned_responses--groups:ro", "canned_responses--all:ro"])
    );
    assert!(list["scope_notes"]["canned_responses--all:ro"]
        .as_str()
        .unwrap()
        .contains("include_all_private"));
    assert_eq!(
        param("list_canned_responses", "limit")["limits"],
        json!({"min": 1, "max": 100000})
    );
    assert_eq!(param("list_canned_responses", "limit")["default"], 100);
    assert_eq!(
        list["paging"],
        json!({"page_id": "page_id", "limit": "limit", "items": "canned_responses",
               "next_page_id": "next_page_id", "excluded_by_page_id": []})
    );
    assert_eq!(
        action("update_translations")["scopes"],
        json!(["languages_write"])
    );
    assert_eq!(
        action("list_translations")["scopes"],
        json!(["languages_read"])
    );
    assert_eq!(
        param("update_translations", "phrases")["type"],
        "map<string>"
    );
    assert!(Action::ListTranslations.is_read_only());
    assert!(!Action::BanCustomer.is_read_only());
}

#[test]
fn ban_customer_takes_a_positive_duration_and_at_least_one_of_ip_and_customer_id() {
    let decode = |body: Value| Action::BanCustomer.decode_request(body.to_string().as_bytes());
    let Ok(AnyRequest::BanCustomer(both)) =
        decode(json!({"seconds": 60, "ip": "10.0.0.1", "customer_id": "c1"}))
    else {
        panic!("a ban naming both ip and customer_id");
    };
    assert_eq!(both.seconds, std::time::Duration::from_secs(60));
    assert!(decode(json!({"seconds": 60, "customer_id": "c1"})).is_ok());
    let err = decode(json!({"seconds": 60})).unwrap_err();
    assert!(err.to_string().contains("ip"), "{err}");
    let err = decode(json!({"seconds": 0, "ip": "10.0.0.1"})).unwrap_err();
    assert_eq!(err.path, "seconds");
    // Unban, by contrast, still takes exactly one.
    assert!(Action::UnbanCustomer
        .decode_request(br#"{"ip": "10.0.0.1", "customer_id": "c1"}"#)
        .is_err());
}

#[test]
fn canned_response_and_translation_requests_are_checked() {
    let err = Action::ListCannedResponses
        .decode_request(br#"{"limit": 100001}"#)
        .unwrap_err();
    assert_eq!(err.path, "limit");
    let err = Action::CreateCannedResponse
        .decode_request(br#"{"text": "", "tags": [], "group_id": 1}"#)
        .unwrap_err();
    assert_eq!(err.path, "text");
    let err = Action::UpdateTranslations
        .decode_request(br#"{"group_id": 0, "language": "en"}"#)
        .unwrap_err();
    assert!(err.to_string().contains("phrases"), "{err}");
    let Ok(AnyRequest::BatchUpdateTranslations(items)) = Action::BatchUpdateTranslations
        .decode_request(
            br#"{"requests": [{"group_id": 0, "language": "en", "phrases": {"Client": "Visitor"}},
                              {"group_id": 1, "phrases": {}}]}"#,
        )
    else {
        panic!("a batch of translations");
    };
    assert_eq!(items[0].as_ref().unwrap().phrases["Client"], "Visitor");
    assert!(items[1].is_err());
}

/// A body as the request of the action `name`, which the error names when it does not decode.
fn decode_request(name: &str, body: &[u8]) -> Result<(), String> {
    let action = Action::from_name(name).ok_or_else(|| format!("no action `{name}`"))?;
    let typed = action.decode_request(body).map_err(|e| {
        assert_eq!(e.action, action);
        e.to_string()
    })?;
    assert_eq!(typed.action(), action);
    Ok(())
}

/// A body as the answer of the action `name`.
fn decode_response(name: &str, body: &[u8]) -> Result<(), String> {
    let action = Action::from_name(name).ok_or_else(|| format!("no action `{name}`"))?;
    let typed = action.decode_response(body).map_err(|e| e.to_string())?;
    assert_eq!(typed.action(), action);
    Ok(())
}
