//! The OpenAPI documents: snapshots of the fixture specs' documents, and what the real
//! documents must say (operations, schemas, errors, security, links, servers), read back as JSON.

use livechat_config_tests::root;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;

fn load(text: &str) -> codegen::Spec {
    codegen::load(text).unwrap_or_else(|e| panic!("spec does not load:\n{e}"))
}

fn spec(version: &str) -> Value {
    let text = fs::read_to_string(root().join(format!("spec/configuration-v{version}.json")));
    serde_json::from_str(&text.unwrap()).unwrap()
}

fn document(version: &str) -> Value {
    let text = fs::read_to_string(root().join(format!("spec/configuration-v{version}.json")));
    serde_json::from_str(&codegen::openapi(&load(&text.unwrap()))).unwrap()
}

const FIXTURES: &[&str] = &[
    "batch_action",
    "constraints",
    "available_filters",
    "formats",
    "lenient_lists",
    "enum",
];

#[test]
fn fixture_documents_match_snapshots() {
    for name in FIXTURES {
        let text = fs::read_to_string(root().join(format!("tests/fixtures/{name}.json"))).unwrap();
        insta::assert_snapshot!(format!("fixture__{name}"), codegen::openapi(&load(&text)));
    }
}

#[test]
fn documents_are_sorted_and_identical_on_every_run() {
    let text = fs::read_to_string(root().join(xtask::SPEC)).unwrap();
    let first = codegen::openapi(&load(&text));
    assert_eq!(first, codegen::openapi(&load(&text)));
    // serde_json's map keeps keys sorted: read back and printed again, a sorted text is itself.
    let parsed: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(serde_json::to_string_pretty(&parsed).unwrap() + "\n", first);
    assert!(first.find("\"components\"").unwrap() < first.find("\"paths\"").unwrap());
}

#[test]
fn one_post_per_action_and_batch_endpoint_named_for_it() {
    for version in livechat_config::versions::Version::ALL.map(|v| v.as_str()) {
        let spec = spec(version);
        let doc = document(version);
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(doc["info"]["version"], version);
        let mut expected = BTreeSet::new();
        for action in spec["actions"].as_array().unwrap() {
            expected.insert(action["name"].as_str().unwrap().to_string());
            if let Some(endpoint) = action["batch_endpoint"].as_str() {
                expected.insert(endpoint.to_string());
            }
        }
        let paths = doc["paths"].as_object().unwrap();
        assert_eq!(paths.len(), expected.len(), "v{version}");
        for name in &expected {
            let path = format!("/v{version}/configuration/action/{name}");
            let item = paths[&path].as_object().unwrap();
            assert_eq!(item.keys().collect::<Vec<_>>(), ["post"], "{path}");
            assert_eq!(item["post"]["operationId"], name.as_str());
            let statuses: Vec<&String> = item["post"]["responses"]
                .as_object()
                .unwrap()
                .keys()
                .collect();
            assert_eq!(
                statuses,
                ["200", "400", "401", "402", "403", "404", "409", "421", "422", "429", "5XX"],
                "{path}"
            );
        }
    }
}

#[test]
fn request_schemas_carry_required_fields_enums_limits_formats_and_defaults() {
    let doc = document("3.6");
    let schemas = &doc["components"]["schemas"];
    let create = &schemas["CreateAgentRequest"];
    assert_eq!(create["required"], serde_json::json!(["id", "name"]));
    let props = &create["properties"];
    assert_eq!(props["id"]["format"], "email");
    assert_eq!(props["name"]["minLength"], 1);
    assert_eq!(props["max_chats_count"]["maximum"], 20);
    assert_eq!(props["max_chats_count"]["minimum"], 0);
    assert_eq!(props["max_chats_count"]["default"], 6);
    // A request cannot make an agent `owner`; answers can hold it.
    assert_eq!(
        props["role"]["enum"],
        serde_json::json!(["viceowner", "administrator", "normal", null])
    );
    assert!(schemas["Role"]["enum"]
        .as_array()
        .unwrap()
        .contains(&"owner".into()));
    // Nested objects of requests are their input form: a required list must be sent.
    assert_eq!(
        props["work_scheduler"]["anyOf"][0]["$ref"],
        "#/components/schemas/WorkSchedulerInput"
    );
    assert_eq!(schemas["WorkSchedulerInput"]["required"][0], "schedule");
    // A bot's work scheduler may be sent with its timezone alone.
    let bot = &schemas["CreateBotRequest"]["properties"]["work_scheduler"]["anyOf"][0];
    assert!(bot.get("required").is_none(), "{bot}");
    // timezone is required once schedule is not empty.
    let rule = &schemas["WorkSchedulerInput"]["allOf"][0];
    assert_eq!(rule["if"]["properties"]["schedule"]["minItems"], 1);
    assert_eq!(rule["then"]["required"][0], "timezone");
    // Exactly one of ip and customer_id.
    let unban = schemas["UnbanCustomerRequest"]["allOf"].as_array().unwrap();
    assert!(unban[0]["anyOf"].is_array());
    assert_eq!(
        unban[1]["not"]["required"],
        serde_json::json!(["ip", "customer_id"])
    );
    // A webhook's filters are those its action lists.
    let webhook = schemas["RegisterWebhookRequest"]["allOf"]
        .as_array()
        .unwrap();
    let chat_deactivated = webhook
        .iter()
        .find(|r| r["if"]["properties"]["action"]["const"] == "chat_deactivated")
        .unwrap();
    assert_eq!(
        chat_deactivated["then"]["properties"]["filters"]["properties"]["author_type"]["type"],
        "null"
    );
    assert_eq!(
        schemas["RegisterWebhookRequest"]["properties"]["url"]["format"],
        "uri"
    );
}

#[test]
fn answers_accept_unknown_properties_and_leave_lenient_lists_optional() {
    let doc = document("3.6");
    fn closed(value: &Value, path: &str, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                    found.push(path.to_string());
                }
                for (key, v) in map {
                    closed(v, &format!("{path}/{key}"), found);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| closed(v, path, found)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    closed(&doc, "", &mut found);
    assert!(found.is_empty(), "closed schemas: {found:?}");
    // `WorkScheduler.schedule` is required in requests and reads as empty when an answer omits it.
    let answer = &doc["components"]["schemas"]["WorkScheduler"];
    assert!(answer.get("required").is_none(), "{answer}");
    let get_agent = &doc["paths"]["/v3.6/configuration/action/get_agent"]["post"];
    assert_eq!(
        get_agent["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Agent"
    );
}

#[test]
fn errors_have_the_documented_body() {
    let doc = document("3.6");
    let body = &doc["components"]["schemas"]["ErrorBody"];
    assert_eq!(body["required"][0], "error");
    assert_eq!(
        body["properties"]["error"]["required"],
        serde_json::json!(["type", "message"])
    );
    let kinds = doc["components"]["schemas"]["ErrorType"]["enum"]
        .as_array()
        .unwrap();
    assert_eq!(kinds.len(), 13);
    assert!(kinds.contains(&"misdirected_request".into()));
    let r421 = &doc["components"]["responses"]["Error421"];
    assert!(r421["description"]
        .as_str()
        .unwrap()
        .contains("misdirected_request"));
    // A batch item is an answer or an error.
    let batch = &doc["paths"]["/v3.6/configuration/action/batch_create_agents"]["post"];
    let item = &batch["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
        ["responses"]["items"]["anyOf"];
    assert_eq!(item[1]["$ref"], "#/components/schemas/ErrorBody");
    // An item that is no request gets its own error, so any item is taken.
    let sent = &batch["requestBody"]["content"]["application/json"]["schema"]["properties"]
        ["requests"]["items"]["anyOf"];
    assert_eq!(sent[0]["$ref"], "#/components/schemas/CreateAgentRequest");
    assert!(sent[1].get("type").is_none(), "{sent}");
}

#[test]
fn scopes_are_security_alternatives_for_bearer_and_basic() {
    let doc = document("3.6");
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["basic"]["scheme"], "basic");
    let op =
        |name: &str| doc["paths"][format!("/v3.6/configuration/action/{name}")]["post"].clone();
    assert_eq!(
        op("get_agent")["security"],
        serde_json::json!([
            {"bearer": ["agents--my:ro"]},
            {"bearer": ["agents--all:ro"]},
            {"basic": ["agents--my:ro"]},
            {"basic": ["agents--all:ro"]},
        ])
    );
    // Batch endpoints need the scopes of their action.
    assert_eq!(
        op("batch_suspend_agents")["security"],
        op("suspend_agent")["security"]
    );
    // "This method requires no authorization."
    assert_eq!(
        op("list_webhook_names")["security"],
        serde_json::json!([{}])
    );
    // No scope listed: any valid credentials.
    assert_eq!(
        op("list_channels")["security"],
        serde_json::json!([{"bearer": []}, {"basic": []}])
    );
}

#[test]
fn creating_actions_link_to_the_actions_on_what_they_made() {
    let doc = document("3.6");
    let links = |name: &str| {
        doc["paths"][format!("/v3.6/configuration/action/{name}")]["post"]["responses"]["200"]
            ["links"]
            .as_object()
            .map(|l| l.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    assert_eq!(
        links("create_agent"),
        [
            "approve_agent",
            "delete_agent",
            "get_agent",
            "suspend_agent",
            "unsuspend_agent",
            "update_agent"
        ]
    );
    assert_eq!(
        links("create_group"),
        ["delete_group", "get_group", "update_group"]
    );
    assert_eq!(links("create_tag"), ["delete_tag", "update_tag"]);
    assert_eq!(links("create_bot"), ["delete_bot", "get_bot", "update_bot"]);
    assert_eq!(
        links("create_greeting"),
        ["delete_greeting", "get_greeting", "update_greeting"]
    );
    assert_eq!(links("register_webhook"), ["unregister_webhook"]);
    let link = &doc["paths"]["/v3.6/configuration/action/register_webhook"]["post"]["responses"]
        ["200"]["links"]["unregister_webhook"];
    assert_eq!(
        link["requestBody"],
        serde_json::json!({"id": "$response.body#/id", "owner_client_id": "$request.body#/owner_client_id"})
    );
    let tag = &doc["paths"]["/v3.6/configuration/action/create_tag"]["post"]["responses"]["200"]
        ["links"]["delete_tag"];
    assert_eq!(tag["requestBody"]["name"], "$request.body#/name");
}

#[test]
fn servers_are_production_and_the_emulator_and_descriptions_come_from_the_spec() {
    let doc = document("3.6");
    assert_eq!(doc["servers"][0]["url"], "https://api.livechatinc.com");
    assert_eq!(doc["servers"][1]["url"], "http://{address}");
    assert_eq!(
        doc["servers"][1]["variables"]["address"]["default"],
        "127.0.0.1:8080"
    );
    let intro = spec("3.6")["description"].as_str().unwrap().to_string();
    assert!(doc["info"]["description"]
        .as_str()
        .unwrap()
        .starts_with(&intro));
    assert!(doc["tags"][0]["description"]
        .as_str()
        .unwrap()
        .starts_with("Agents\n\nAn agent is a type of user"));
    let op = &doc["paths"]["/v3.6/configuration/action/create_agent"]["post"];
    assert_eq!(op["summary"], "Create Agent");
    assert!(op["description"]
        .as_str()
        .unwrap()
        .starts_with("Creates a new agent with specified parameters within a license."));
    assert_eq!(op["tags"][0], "agents");
    assert_eq!(
        op["requestBody"]["content"]["application/json"]["example"]["id"],
        "smith@example.com"
    );
    // An empty body reads as `{}`: a whole request only where nothing is required.
    assert_eq!(op["requestBody"]["required"], true);
    let list = &doc["paths"]["/v3.6/configuration/action/list_agents"]["post"];
    assert_eq!(list["requestBody"]["required"], false);
    // Neither `ip` nor `customer_id` is required alone, but one of them is.
    let unban = &doc["paths"]["/v3.6/configuration/action/unban_customer"]["post"];
    assert_eq!(unban["requestBody"]["required"], true);
}

#[test]
fn a_stale_or_stray_document_is_named() {
    let dir = std::env::temp_dir().join(format!("livechat-config-openapi-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("spec")).unwrap();
    fs::create_dir_all(dir.join("sdk")).unwrap();
    fs::copy(root().join(xtask::SPEC), dir.join(xtask::SPEC)).unwrap();
    fs::copy(root().join("sdk/Cargo.toml"), dir.join("sdk/Cargo.toml")).unwrap();
    let written = xtask::gen(&dir).unwrap();
    assert!(written.contains(&"emulator/openapi/configuration-v3.6.json".to_string()));
    assert!(xtask::stale(&dir).unwrap().is_empty());
    let path = dir.join(xtask::OPENAPI).join("configuration-v3.6.json");
    let edited = fs::read_to_string(&path)
        .unwrap()
        .replace("Agent", "Person");
    fs::write(&path, edited).unwrap();
    fs::write(
        dir.join(xtask::OPENAPI).join("configuration-v9.9.json"),
        "{}",
    )
    .unwrap();
    assert_eq!(
        xtask::stale(&dir).unwrap(),
        [
            "emulator/openapi/configuration-v3.6.json is stale",
            "emulator/openapi/configuration-v9.9.json is not produced by the spec",
        ]
    );
    assert_eq!(
        xtask::gen(&dir).unwrap(),
        [
            "emulator/openapi/configuration-v3.6.json",
            "emulator/openapi/configuration-v9.9.json (removed)"
        ]
    );
    assert!(xtask::stale(&dir).unwrap().is_empty());
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn checked_in_documents_are_the_generated_ones() {
    for version in livechat_config::versions::Version::ALL.map(|v| v.as_str()) {
        let checked_in = fs::read_to_string(
            root().join(format!("emulator/openapi/configuration-v{version}.json")),
        )
        .unwrap();
        let text = fs::read_to_string(root().join(format!("spec/configuration-v{version}.json")));
        assert_eq!(
            checked_in,
            codegen::openapi(&load(&text.unwrap())),
            "v{version}"
        );
    }
}
