//! `cargo xtask diff`: what one spec changes against another, on two small fixture specs that
//! exercise every kind of change and on the real spec.

use livechat_config_tests::root;
use std::fs;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    root()
        .join("tests/fixtures/diff")
        .join(format!("{name}.json"))
}

fn load(path: &PathBuf) -> codegen::Spec {
    let text = fs::read_to_string(path).unwrap();
    codegen::load(&text).unwrap_or_else(|e| panic!("{} does not load:\n{e}", path.display()))
}

fn fixture_diff() -> String {
    codegen::diff::diff(&load(&fixture("old")), &load(&fixture("new"))).render()
}

fn lines(text: &str) -> Vec<&str> {
    text.lines().map(str::trim).collect()
}

#[test]
fn fixture_rendering_matches_snapshot() {
    insta::assert_snapshot!("fixture", fixture_diff());
}

#[test]
fn actions_added_removed_and_moved_show_in_their_new_section() {
    let text = fixture_diff();
    let headings: Vec<&str> = text.lines().filter(|l| l.starts_with("## ")).collect();
    // New spec order, then the section the new spec dropped, then types and errors.
    assert_eq!(
        headings,
        [
            "## agents",
            "## greetings",
            "## allowed_domains",
            "## legacy",
            "## Types",
            "## Errors"
        ]
    );
    let greetings = text.split("## greetings").nth(1).unwrap();
    let greetings = greetings.split("## allowed_domains").next().unwrap();
    assert!(greetings.contains("~ check_health\n    ~ section: agents → greetings\n"));
    let agents = text.split("## greetings").next().unwrap();
    assert!(!agents.contains("check_health"), "{agents}");
    let domains = text.split("## allowed_domains").nth(1).unwrap();
    assert!(domains.starts_with(
        "\n+ add_allowed_domain\n+ list_allowed_domains\n\n## legacy\n- legacy_ping\n"
    ));
    assert!(agents.contains("\n- approve_agent\n"));
}

#[test]
fn parameter_and_response_field_changes_name_their_path() {
    let text = fixture_diff();
    let lines = lines(&text);
    for expected in [
        "+ CreateAgentRequest.nickname: string, optional, limits {max_length 50}",
        "- CreateAgentRequest.avatar",
        "~ CreateAgentRequest.login: required yes → when \"authorizing via PATs\"",
        "~ CreateAgentRequest.max_chats_count: default 6 → 5",
        "~ CreateAgentRequest.max_chats_count: limits {max 100} → {max 200}",
        "~ CreateAgentRequest.job_title: type string → string[]",
        "~ CreateAgentRequest.role: type string → Role",
        "~ CreateAgentRequest.role: required no → yes",
        "~ CreateAgentRequest.role: request_values none → [normal, administrator]",
        "~ CreateAgentRequest.email: format none → email",
        "CreateAgentRequest constraints: + at_least_one_of(nickname, email)",
        "+ CreateAgentResponse.created_at: string, required, format date-time",
        "- CreateAgentResponse.legacy_id",
        "+ CreateGreetingRequest.rich_message: RichMessage, optional",
        "~ CreateGreetingRequest.webhook_secret: secret false → true",
        "~ response: empty → Greeting",
    ] {
        assert!(
            lines.contains(&expected),
            "missing `{expected}` in:\n{text}"
        );
    }
}

#[test]
fn scopes_batch_and_read_only_changes_are_listed() {
    let text = fixture_diff();
    let lines = lines(&text);
    for expected in [
        "batch: gained (batch_create_agents)",
        "batch: lost (batch_delete_agents)",
        "scopes: + agents--all:rw",
        "scopes: - agents--my:rw",
        "~ read_only: false → true",
    ] {
        assert!(
            lines.contains(&expected),
            "missing `{expected}` in:\n{text}"
        );
    }
}

#[test]
fn a_renamed_object_type_is_compared_field_by_field_under_its_path() {
    let text = fixture_diff();
    let lines = lines(&text);
    for expected in [
        "~ Greeting.rules: type OldRule[] → GreetingRule[]",
        "~ Greeting.rules[].type: type string → GreetingRuleType",
        "~ CreateGreetingRequest.rules[].type: type string → GreetingRuleType",
        "~ response: type Agent[] → AgentSummary[]",
        "+ response[].suspended: bool, required",
        "- response[].name",
    ] {
        assert!(
            lines.contains(&expected),
            "missing `{expected}` in:\n{text}"
        );
    }
}

#[test]
fn a_renamed_recursive_type_is_compared_once_along_its_path() {
    // Node and Tree hold lists of themselves; descending into children again would never end.
    let text = fixture_diff();
    let tree: Vec<&str> = lines(&text)
        .into_iter()
        .filter(|l| l.contains("Greeting.tree"))
        .collect();
    assert_eq!(
        tree,
        [
            "~ Greeting.tree: type Node → Tree",
            "+ Greeting.tree.depth: uint, optional",
            "~ Greeting.tree.children: type Node[] → Tree[]",
        ]
    );
}

#[test]
fn type_changes_list_types_fields_enum_values_and_kinds() {
    let text = fixture_diff();
    let types = text.split("## Types\n").nth(1).unwrap();
    let types = types.split("\n## Errors").next().unwrap();
    assert_eq!(
        types,
        "\
+ AgentSummary (object)
+ GreetingRule (object)
+ RichMessage (object)
+ Role (enum: normal, administrator, owner)
+ Tree (object)
- OldRule
- Node
~ GreetingRuleType
    GreetingRuleType: + url_match_page_view_number
    GreetingRuleType: - url_regex
~ Greeting
    ~ Greeting.rules: type OldRule[] → GreetingRule[]
    ~ Greeting.rules[].type: type string → GreetingRuleType
    ~ Greeting.translations: type map<OldRule> → map<GreetingRule>
    ~ Greeting.translations{}.type: type string → GreetingRuleType
    ~ Greeting.tree: type Node → Tree
    + Greeting.tree.depth: uint, optional
    ~ Greeting.tree.children: type Node[] → Tree[]
    Greeting constraints: - at_most_one_of(subject, body)
~ Level
    ~ Level: kind object → enum
~ Event
    ~ Event.chat_started: available_filters [url] → [url, group]
"
    );
    assert!(text.ends_with("## Errors\n+ too_many_requests\n- legacy_error\n"));
}

#[test]
fn prose_notes_and_examples_are_not_compared() {
    // get_agent differs only in its description, notes, examples and a parameter's description;
    // Agent.id only in its description.
    let text = fixture_diff();
    assert!(!text.contains("get_agent"), "{text}");
    assert!(!text.contains("Agent.id"), "{text}");
    assert!(!text.contains("GetAgent"), "{text}");
}

#[test]
fn swapping_the_specs_swaps_additions_and_removals() {
    let text = codegen::diff::diff(&load(&fixture("new")), &load(&fixture("old"))).render();
    let lines = lines(&text);
    for expected in [
        "- add_allowed_domain",
        "+ approve_agent",
        "+ legacy_ping",
        "GreetingRuleType: - url_match_page_view_number",
        "batch: lost (batch_create_agents)",
        "~ response: Greeting → empty",
    ] {
        assert!(
            lines.contains(&expected),
            "missing `{expected}` in:\n{text}"
        );
    }
}

#[test]
fn real_spec_against_itself_is_no_changes() {
    let spec = load(&root().join(xtask::SPEC));
    let diff = codegen::diff::diff(&spec, &spec);
    assert!(diff.is_empty());
    assert_eq!(diff.render(), "no changes\n");
    // The command resolves a version to its spec file.
    assert_eq!(
        xtask::diff::diff(&root(), "3.6", "v3.6").unwrap(),
        "no changes\n"
    );
}

#[test]
fn command_on_fixture_paths_prints_the_rendering() {
    let old = fixture("old");
    let new = fixture("new");
    let text = xtask::diff::diff(&root(), old.to_str().unwrap(), new.to_str().unwrap()).unwrap();
    assert_eq!(text, fixture_diff());
}

#[test]
fn command_names_a_missing_version_file() {
    let err = xtask::diff::diff(&root(), "3.6", "9.9").unwrap_err();
    assert!(err.starts_with("no spec for version 9.9: "), "{err}");
    assert!(
        err.ends_with("spec/configuration-v9.9.json does not exist"),
        "{err}"
    );
    let missing = root().join("tests/fixtures/diff/absent.json");
    let err = xtask::diff::diff(&root(), missing.to_str().unwrap(), "3.6").unwrap_err();
    assert!(
        err.starts_with(&format!("{}: ", missing.display())),
        "{err}"
    );
}

#[test]
fn command_reports_an_invalid_spec_with_its_errors() {
    let dir = std::env::temp_dir().join(format!("diff-invalid-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.json");
    fs::write(&broken, "{\"name\": ").unwrap();
    let text = fs::read_to_string(fixture("new")).unwrap();
    let unknown = dir.join("unknown_type.json");
    fs::write(
        &unknown,
        text.replace("\"type\": \"RichMessage\"", "\"type\": \"NoSuchType\""),
    )
    .unwrap();
    let err = xtask::diff::diff(&root(), broken.to_str().unwrap(), "3.6").unwrap_err();
    assert!(
        err.starts_with(&format!("{} is invalid:\n", broken.display())),
        "{err}"
    );
    assert!(err.contains("line 1"), "{err}");
    let err = xtask::diff::diff(&root(), "3.6", unknown.to_str().unwrap()).unwrap_err();
    assert!(
        err.starts_with(&format!("{} is invalid:\n", unknown.display())),
        "{err}"
    );
    assert!(err.contains("NoSuchType"), "{err}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn paging_changes_are_listed() {
    let text = fs::read_to_string(root().join(xtask::SPEC)).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let actions = json["actions"].as_array_mut().unwrap();
    let list_greetings = actions
        .iter_mut()
        .find(|a| a["name"] == "list_greetings")
        .unwrap();
    list_greetings.as_object_mut().unwrap().remove("paging");
    let unpaged = codegen::load(&json.to_string()).unwrap();
    let paged = codegen::load(&text).unwrap();
    let rendered = codegen::diff::diff(&unpaged, &paged).render();
    assert_eq!(
        rendered,
        "## greetings\n~ list_greetings\n    ~ paging: none → {page_id page_id, limit limit, \
         items greetings, next_page_id next_page_id, excluded_by_page_id [groups, limit]}\n"
    );
}

#[test]
fn typed_webhooks_added_removed_and_reshaped_are_listed() {
    let text = fs::read_to_string(root().join("tests/fixtures/webhooks.json")).unwrap();
    let old = codegen::load(&text).unwrap();
    let mut spec: serde_json::Value = serde_json::from_str(&text).unwrap();
    let events = spec["webhooks"]["events"].as_array_mut().unwrap();
    events.retain(|e| e["action"] != "things_moved");
    events[0]["payload"] = serde_json::json!({"partial": "Thing", "required": ["id", "name"]});
    events.push(serde_json::json!({
        "action": "chat_started", "section": "Chats", "description": "A chat started.",
        "payload": {"fields": [{"name": "chat_id", "type": "string", "required": true}]}
    }));
    let new = codegen::load(&spec.to_string()).unwrap();
    let rendered = codegen::diff::diff(&old, &new).render();
    assert_eq!(
        rendered,
        "## Webhooks\n+ chat_started\n- things_moved\n~ thing_created\n    \
         ~ thing_created: payload Thing → Thing, only id, name required\n"
    );
    // The real specs' webhooks are the same in both versions.
    let real = |v: &str| load(&root().join(format!("spec/configuration-v{v}.json")));
    let versions = codegen::diff::diff(&real("3.6"), &real("3.7")).render();
    assert!(!versions.contains("## Webhooks"), "{versions}");
}
