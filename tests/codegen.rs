//! The generator: snapshots of its output for small fixture specs, spec
//! validation errors that name their spot, and the checked-in code being fresh.

use livechat_config_tests::root;
use serde_json::{json, Value};
use std::fs;

fn load(json: &str) -> codegen::Spec {
    codegen::load(json).unwrap_or_else(|e| panic!("spec does not load:\n{e}"))
}

fn generated(spec: &codegen::Spec) -> String {
    let files = codegen::generate(spec);
    let mut out = String::new();
    for file in files {
        out.push_str(&format!("===== {} =====\n{}\n", file.path, file.contents));
    }
    out
}

fn fixture(name: &str) -> String {
    fs::read_to_string(root().join("tests/fixtures").join(format!("{name}.json"))).unwrap()
}

/// The real spec's output is checked byte for byte against `sdk/src/generated/` by
/// `checked_in_generated_code_is_fresh`; here only its shape.
#[test]
fn real_spec_produces_one_file_per_section() {
    let text = fs::read_to_string(root().join(xtask::SPEC)).unwrap();
    let files = codegen::generate(&load(&text));
    let names: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        names,
        [
            "types.rs",
            "agents.rs",
            "auto_access.rs",
            "bots.rs",
            "customer_bans.rs",
            "greetings.rs",
            "groups.rs",
            "properties.rs",
            "tags.rs",
            "webhooks.rs",
            "other.rs",
            "webhook_events.rs",
            "action.rs",
            "server.rs",
            "mod.rs"
        ]
    );
    for file in files {
        assert!(file.contents.starts_with(codegen::HEADER));
    }
}

const FIXTURES: [&str; 14] = [
    "enum",
    "nested_object",
    "optional_array",
    "map",
    "batch_action",
    "empty_response",
    "constraints",
    "available_filters",
    "formats",
    "secrets",
    "lenient_lists",
    "paging",
    "webhooks",
    "unions",
];

#[test]
fn fixture_outputs_match_snapshots() {
    for name in FIXTURES {
        insta::assert_snapshot!(format!("fixture__{name}"), generated(&load(&fixture(name))));
    }
}

/// The fixture specs' output, compiled for real: a scratch copy of the sdk (its hand-written
/// runtime and the real stable version) gets every fixture as one more, non-stable version module,
/// and one `cargo check` (feature `server` on) compiles them all. It shares the workspace's
/// `Cargo.lock` and `target/`, so only the copy itself is compiled.
#[test]
fn fixture_outputs_compile() {
    let root = root();
    let scratch = root.join("target/fixture-check");
    let _ = fs::remove_dir_all(&scratch);
    let src = scratch.join("sdk/src");
    copy_dir(&root.join("sdk/src"), &src);
    let manifest = fs::read_to_string(root.join("sdk/Cargo.toml")).unwrap();
    let manifest = manifest.split("[dev-dependencies]").next().unwrap();
    fs::write(scratch.join("sdk/Cargo.toml"), manifest).unwrap();
    let workspace = fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let members = workspace
        .lines()
        .find(|l| l.starts_with("members = "))
        .unwrap();
    let default_members = workspace
        .lines()
        .find(|l| l.starts_with("default-members = "))
        .unwrap_or_default();
    fs::write(
        scratch.join("Cargo.toml"),
        workspace
            .replace(members, "members = [\"sdk\"]")
            .replace(default_members, ""),
    )
    .unwrap();
    fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).unwrap();

    let mut glue = fs::read_to_string(src.join("generated/mod.rs")).unwrap();
    for name in FIXTURES {
        let module = format!("fixture_{name}");
        let dir = src.join("generated").join(&module);
        fs::create_dir_all(&dir).unwrap();
        for file in codegen::generate_version(&load(&fixture(name)), false) {
            fs::write(dir.join(&file.path), file.contents).unwrap();
        }
        glue.push_str(&format!(
            "/// `{name}`.\n#[allow(dead_code)]\npub mod {module};\n"
        ));
    }
    fs::write(src.join("generated/mod.rs"), glue).unwrap();

    // A client's build leaves some serde impls to `server`, and the chat webhooks to
    // `chat-webhooks`; both builds must compile.
    for features in [&["--features", "server,chat-webhooks"][..], &[]] {
        let out = std::process::Command::new(env!("CARGO"))
            .args(["check", "--lib", "--offline"])
            .args(features)
            .arg("--manifest-path")
            .arg(scratch.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", root.join("target"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "the fixtures' output does not compile with {features:?}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// What a struct derives, and what it derives only with the `server` feature.
fn derives(file: &str, name: &str) -> (String, String) {
    let at = file
        .find(&format!("pub struct {name} {{"))
        .unwrap_or_else(|| panic!("no struct {name}"));
    let before = &file[..at];
    let start = before.rfind("#[derive(").unwrap();
    let attrs = &before[start..];
    let always = attrs[..attrs.find(")]").unwrap()].to_string();
    let server = attrs
        .find("#[cfg_attr(feature = \"server\"")
        .map(|i| attrs[i..].lines().next().unwrap().to_string())
        .unwrap_or_default();
    (always, server)
}

#[test]
fn a_client_build_derives_serde_only_the_way_each_struct_travels() {
    let text = fs::read_to_string(root().join(xtask::SPEC)).unwrap();
    let files = codegen::generate(&load(&text));
    let file = |path: &str| {
        files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("no {path}"))
            .contents
            .clone()
    };
    let (agents, types) = (file("agents.rs"), file("types.rs"));
    let ser = "::serde::Serialize";
    let de = "::serde::Deserialize";
    // A request is only ever sent by a client, an action's answer only decoded.
    let (always, server) = derives(&agents, "CreateAgentRequest");
    assert!(always.contains(ser) && !always.contains(de), "{always}");
    assert!(server.contains(de), "{server}");
    let (always, server) = derives(&agents, "CreateAgentResponse");
    assert!(always.contains(de) && !always.contains(ser), "{always}");
    assert!(server.contains(ser), "{server}");
    // Named types are resources users store and print: both ways in every build, even `Agent`,
    // which only answers carry.
    for name in ["Agent", "WorkScheduler", "AgentFilters"] {
        let (always, server) = derives(&types, name);
        assert!(
            always.contains(ser) && always.contains(de),
            "{name}: {always}"
        );
        assert!(server.is_empty(), "{name}: {server}");
    }
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_dir(&path, &to.join(entry.file_name()));
        } else {
            fs::copy(&path, to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn output_is_identical_on_every_run() {
    let text = fs::read_to_string(root().join(xtask::SPEC)).unwrap();
    assert_eq!(generated(&load(&text)), generated(&load(&text)));
}

#[test]
fn checked_in_generated_code_is_fresh() {
    let stale = xtask::stale(&root()).unwrap();
    assert!(
        stale.is_empty(),
        "run `cargo xtask gen`:\n{}",
        stale.join("\n")
    );
}

#[test]
fn stale_detection_names_the_file() {
    // A copy of the workspace's spec, sdk manifest and output in a scratch dir, then edits.
    let dir = std::env::temp_dir().join(format!("livechat-config-stale-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("spec")).unwrap();
    fs::create_dir_all(dir.join("sdk")).unwrap();
    fs::copy(root().join(xtask::SPEC), dir.join(xtask::SPEC)).unwrap();
    fs::copy(root().join("sdk/Cargo.toml"), dir.join("sdk/Cargo.toml")).unwrap();
    // 15 files of v3_6, the versions glue and registry, the OpenAPI document, the lists of
    // spec and OpenAPI documents, and the sdk's `every-version` feature (v3_6 alone here).
    assert_eq!(xtask::gen(&dir).unwrap().len(), 21);
    assert!(
        xtask::gen(&dir).unwrap().is_empty(),
        "a second gen changes nothing"
    );
    assert!(xtask::stale(&dir).unwrap().is_empty());

    let tags = dir.join(xtask::OUT).join("v3_6/tags.rs");
    let edited = fs::read_to_string(&tags).unwrap().replace("Tag", "Label");
    fs::write(&tags, edited).unwrap();
    fs::write(dir.join(xtask::OUT).join("v3_6/extra.rs"), "// stray").unwrap();
    fs::write(dir.join(xtask::OUT).join("stray.rs"), "// stray").unwrap();
    assert_eq!(
        xtask::stale(&dir).unwrap(),
        [
            "sdk/src/generated/v3_6/tags.rs is stale",
            "sdk/src/generated/stray.rs is not produced by the spec",
            "sdk/src/generated/v3_6/extra.rs is not produced by the spec",
        ]
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// Every `spec/configuration-v<X.Y>.json` becomes a module of its own, in version order, with
/// the versions glue naming each behind its feature.
#[test]
fn every_spec_file_becomes_a_version_module() {
    let dir = std::env::temp_dir().join(format!("livechat-config-versions-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("spec")).unwrap();
    fs::create_dir_all(dir.join("sdk")).unwrap();
    let text = fs::read_to_string(root().join(xtask::SPEC)).unwrap();
    fs::write(dir.join(xtask::SPEC), &text).unwrap();
    let mut preview: Value = serde_json::from_str(&text).unwrap();
    preview["version"] = json!("3.10");
    preview["path"] = json!("/v3.10/configuration/action/{action}");
    fs::write(
        dir.join("spec/configuration-v3.10.json"),
        preview.to_string(),
    )
    .unwrap();
    fs::copy(root().join("sdk/Cargo.toml"), dir.join("sdk/Cargo.toml")).unwrap();
    let versions: Vec<String> = xtask::specs(&dir)
        .unwrap()
        .into_iter()
        .map(|(v, _)| v)
        .collect();
    assert_eq!(versions, ["3.6", "3.10"], "sorted as versions, not as text");

    let written = xtask::gen(&dir).unwrap();
    assert!(written.contains(&"sdk/src/generated/v3_10/agents.rs".to_string()));
    assert!(
        written.contains(
            &"sdk/Cargo.toml needs a feature `v3_10 = []` for the generated module".to_string()
        ),
        "{written:?}"
    );
    assert_eq!(
        xtask::stale(&dir).unwrap(),
        ["sdk/Cargo.toml has no feature `v3_10`"]
    );
    let glue = fs::read_to_string(dir.join(xtask::OUT).join("mod.rs")).unwrap();
    let v3_6 = glue.find("pub mod v3_6;").unwrap();
    let v3_10 = glue.find("pub mod v3_10;").unwrap();
    assert!(v3_6 < v3_10, "{glue}");
    assert!(glue.contains("#[cfg(feature = \"v3_10\")]"), "{glue}");
    assert!(glue.contains("pub use v3_6::*;"), "{glue}");

    // The preview's calls go to its own path, on a client of its own over the crate's.
    let action = fs::read_to_string(dir.join(xtask::OUT).join("v3_10/action.rs")).unwrap();
    assert!(action.contains("pub const ACTION_PATH: &str = \"/v3.10/configuration/action/\";"));
    let module = fs::read_to_string(dir.join(xtask::OUT).join("v3_10/mod.rs")).unwrap();
    assert!(
        module.contains("pub struct Client(crate::Client);"),
        "{module}"
    );
    assert!(
        module.contains("impl From<crate::Client> for Client"),
        "{module}"
    );
    let agents = fs::read_to_string(dir.join(xtask::OUT).join("v3_10/agents.rs")).unwrap();
    assert!(agents.contains("impl Client {"));
    assert!(agents.contains("crate::Call::new(&self.0, CreateAgentRequest::new(id, name))"));
    assert!(!agents.contains("impl crate::Client"));
    // A batch helper's doc links the single call of its own version, not the crate root's.
    assert!(agents.contains("(see [`Client::update_agent`](Client::update_agent))"));
    assert!(!agents.contains("(crate::Client::update_agent)"));
    let stable = fs::read_to_string(dir.join(xtask::OUT).join("v3_6/mod.rs")).unwrap();
    assert!(stable.contains("pub use crate::Client;"), "{stable}");
    fs::remove_dir_all(&dir).unwrap();
}

/// A valid fixture, changed by `edit`, must be rejected with exactly this message.
fn rejected(base: &str, edit: impl FnOnce(&mut Value), expected: &str) {
    let mut spec: Value = serde_json::from_str(&fixture(base)).unwrap();
    edit(&mut spec);
    let err = codegen::load(&spec.to_string()).expect_err("the broken spec must be rejected");
    assert!(
        err.to_string().contains(expected),
        "expected `{expected}` in:\n{err}"
    );
}

#[test]
fn broken_webhooks_are_rejected_naming_the_spot() {
    rejected(
        "webhooks",
        |s| s["webhooks"]["envelope"] = json!("Thing"),
        "webhooks, envelope `Thing`: needs an always-required secret string field `secret_key`",
    );
    rejected(
        "webhooks",
        |s| s["types"][2]["fields"][1]["secret"] = json!(false),
        "envelope `Hook`: needs an always-required secret string field `secret_key`",
    );
    rejected(
        "webhooks",
        |s| s["types"][2]["fields"][3]["type"] = json!("Thing"),
        "envelope `Hook`: needs an always-required `json` field `payload`",
    );
    rejected(
        "webhooks",
        |s| s["types"][2]["fields"][2]["type"] = json!("string"),
        "envelope `Hook`: needs an always-required field `action` of an enum type",
    );
    rejected(
        "webhooks",
        |s| s["webhooks"]["events"][1]["action"] = json!("thing_renamed"),
        "webhook `thing_renamed`: `thing_renamed` is not a value of the envelope's `action`",
    );
    rejected(
        "webhooks",
        |s| s["webhooks"]["events"][2]["action"] = json!("thing_created"),
        "webhook `thing_created`: defined twice",
    );
    rejected(
        "webhooks",
        |s| s["webhooks"]["events"][0]["payload"] = json!({"type": "Thingy"}),
        "webhook `thing_created`, payload: unknown type `Thingy`",
    );
    rejected(
        "webhooks",
        |s| s["webhooks"]["events"][1]["payload"]["required"] = json!(["uid"]),
        "webhook `thing_updated`, payload: `uid` is not a field of `Thing`",
    );
    rejected(
        "webhooks",
        |s| s["webhooks"]["events"][1]["payload"]["partial"] = json!("HookAction"),
        "webhook `thing_updated`, payload: `HookAction` is not an object type",
    );
    rejected(
        "webhooks",
        |s| s["webhooks"]["events"][2]["payload"]["fields"][0]["type"] = json!("unit"),
        "webhook `thing_deleted`, payload field `id`: `unit` is not a type expression",
    );
    rejected(
        "webhooks",
        |s| s["webhooks"]["events"][0]["examples"][0]["webhook"]["action"] = json!("thing_deleted"),
        "webhook `thing_created`: example \"Sample webhook\" names another action",
    );
    rejected(
        "webhooks",
        |s| {
            s["types"].as_array_mut().unwrap().push(json!({
                "name": "ThingDeletedPayload", "kind": "object", "fields": []
            }))
        },
        "webhook `thing_deleted`: its Rust name `ThingDeletedPayload` is already taken",
    );
    rejected(
        "webhooks",
        |s| s["sections"][0]["name"] = json!("webhook_events"),
        "section `webhook_events`: its module name is taken by the generated code",
    );
}

#[test]
fn broken_unions_are_rejected_naming_the_spot() {
    rejected(
        "unions",
        |s| s["types"][0]["variants"][1]["type"] = json!("Drawing2"),
        "type `Shape`, variant `square`: `Drawing2` is not an object type",
    );
    rejected(
        "unions",
        |s| s["types"][0]["variants"][1]["value"] = json!("circle"),
        "type `Shape`, variant `circle`: tag values must be non-empty and listed once",
    );
    rejected(
        "unions",
        |s| s["types"][0]["variants"][1]["value"] = json!("other"),
        "type `Shape`, variant `other`: variant `Other` is taken",
    );
    rejected(
        "unions",
        |s| s["types"][1]["fields"][0]["name"] = json!("kind"),
        "type `Shape`, variant `circle`: `Circle` has a field `kind`: the union writes its tag itself",
    );
    rejected(
        "unions",
        |s| s["types"][0]["variants"] = json!([]),
        "type `Shape`: has no variants",
    );
    rejected(
        "unions",
        |s| s["types"][1]["fields"][0]["limits"] = json!({"max": 5}),
        "`min`/`max` limits need an int or uint type",
    );
}

#[test]
fn broken_specs_are_rejected_naming_the_spot() {
    rejected(
        "nested_object",
        |s| s["actions"][0]["params"][0]["type"] = json!("Shedule"),
        "action `set_schedule`, parameter `schedule`: unknown type `Shedule`",
    );
    rejected(
        "nested_object",
        |s| s["types"][1]["fields"][0]["type"] = json!("Weekday"),
        "type `Entry`, field `day`: unknown type `Weekday`",
    );
    rejected(
        "enum",
        |s| s["types"][0]["values"][1]["value"] = json!(" "),
        "type `Color`, value ` `: enum values must be non-empty",
    );
    rejected(
        "enum",
        |s| s["types"][0]["values"] = json!([]),
        "type `Color`: has no values",
    );
    rejected(
        "enum",
        |s| s["types"][0]["values"][1]["value"] = json!("Red"),
        "type `Color`, value `Red`: variant `Red` is taken",
    );
    rejected(
        "optional_array",
        |s| {
            let first = s["actions"][0]["params"][0].clone();
            s["actions"][0]["params"]
                .as_array_mut()
                .unwrap()
                .push(first);
        },
        "action `tag_thing`, parameter `id`: defined twice",
    );
    rejected(
        "optional_array",
        |s| s["actions"][0]["params"][1]["type"] = json!("map<string"),
        "action `tag_thing`, parameter `tags`: `map<string` is not a type expression",
    );
    rejected(
        "optional_array",
        |s| s["actions"][0]["params"][0]["limits"] = json!({"max_length": 3}),
        "action `tag_thing`, parameter `id`: `max_length` needs a string type",
    );
    rejected(
        "batch_action",
        |s| {
            s["actions"][0]
                .as_object_mut()
                .unwrap()
                .remove("batch_endpoint");
        },
        "action `delete_thing`: `batch` is true but `batch_endpoint` is missing",
    );
    rejected(
        "batch_action",
        |s| s["actions"][0]["scope_notes"] = json!({"other:rw": "?"}),
        "action `delete_thing`: scope note for `other:rw`, which is not among its scopes",
    );
    rejected(
        "empty_response",
        |s| {
            let first = s["actions"][0].clone();
            s["actions"].as_array_mut().unwrap().push(first);
        },
        "action `ping`: defined twice",
    );
    rejected(
        "empty_response",
        |s| s["actions"][1]["section"] = json!("stuff"),
        "action `list_things`: unknown section `stuff`",
    );
    rejected(
        "map",
        |s| s["types"][0]["name"] = json!("CreateTeamRequest"),
        "its Rust name `CreateTeamRequest` is already taken by type `CreateTeamRequest`",
    );
    for root in ["Error", "Client", "Region", "Result"] {
        rejected(
            "map",
            |s| s["types"][0]["name"] = json!(root),
            &format!("type `{root}`: its name is taken by the sdk's own `{root}`"),
        );
    }
    rejected(
        "constraints",
        |s| s["actions"][0]["constraints"][0]["fields"][1] = json!("path"),
        "action `add_rule`, constraint AtLeastOneOf: unknown field `path`",
    );
    rejected(
        "available_filters",
        |s| s["actions"][0]["params"][2]["secret"] = json!(true),
        "action `add_hook`, parameter `filters`: `secret` needs a string type",
    );
    rejected(
        "available_filters",
        |s| s["actions"][0]["constraints"][0]["selector"] = json!("key"),
        "action `add_hook`, constraint AvailableFilters: selector `key` must be an always-required field of an enum type",
    );
    rejected(
        "available_filters",
        |s| s["actions"][0]["params"][0]["required"] = json!(false),
        "selector `trigger` must be an always-required field of an enum type",
    );
    rejected(
        "available_filters",
        |s| s["actions"][0]["constraints"][0]["fields"] = json!(["key"]),
        "constraint AvailableFilters: `fields` must name one field of an object type",
    );
    rejected(
        "available_filters",
        |s| {
            s["actions"][0]["constraints"][0]
                .as_object_mut()
                .unwrap()
                .remove("selector");
        },
        "constraint AvailableFilters: `selector` is missing",
    );
    rejected(
        "available_filters",
        |s| s["types"][0]["values"][0]["available_filters"][0] = json!("athor"),
        "constraint AvailableFilters: filter `author` is in no `available_filters` of `trigger`",
    );
    rejected(
        "constraints",
        |s| s["actions"][0]["constraints"][0]["selector"] = json!("url"),
        "constraint AtLeastOneOf: `selector` is only for `available_filters`",
    );
    rejected(
        "map",
        |s| s["actions"][0]["params"][0]["requried"] = json!(true),
        "unknown field `requried`",
    );
    rejected(
        "formats",
        |s| s["actions"][0]["params"][5]["format"] = json!("email"),
        "action `invite_member`, parameter `seats`: `format` needs a string type",
    );
    rejected(
        "formats",
        |s| s["actions"][0]["params"][0]["format"] = json!("phone"),
        "unknown variant `phone`",
    );
    rejected(
        "formats",
        |s| s["actions"][0]["params"][2]["request_values"] = json!(["admin", "guest"]),
        "parameter `role`: request value `guest` is not a value of `MemberRole`",
    );
    rejected(
        "formats",
        |s| s["actions"][0]["params"][1]["request_values"] = json!(["admin"]),
        "parameter `name`: `request_values` needs an enum type",
    );
    rejected(
        "formats",
        |s| s["actions"][0]["params"][5]["limits"] = json!({"min_length": 1}),
        "parameter `seats`: `min_length` needs a string type",
    );
    rejected(
        "lenient_lists",
        |s| s["types"][0]["constraints"][0]["selector"] = json!("timezone"),
        "type `Hours`, constraint RequiredIfNonEmpty: selector `timezone` must be an array or map field",
    );
    rejected(
        "lenient_lists",
        |s| s["types"][0]["constraints"][0]["fields"] = json!(["entries"]),
        "field `entries` is always required, so the rule is void",
    );
    rejected(
        "lenient_lists",
        |s| s["actions"][1]["params"][0]["may_omit"] = json!(["timezone"]),
        "action `set_bot_hours`, parameter `hours`: `may_omit`: `timezone` is not a required list or map of `Hours`",
    );
    rejected(
        "lenient_lists",
        |s| s["actions"][1]["params"][1]["may_omit"] = json!(["entries"]),
        "parameter `staff`: `may_omit` needs an object type",
    );
}

/// Adding an optional field to a shared type changes only that type's file, by a few lines: the
/// field, its setter and its validation, so a spec change stays a small, reviewable diff and no
/// caller's code breaks. The one other file is the `tag_updated` webhook's payload, which is
/// `Tag`'s fields, each optional but `name`.
#[test]
fn adding_an_optional_field_is_a_small_local_diff() {
    let text = fs::read_to_string(root().join(xtask::SPEC)).unwrap();
    let mut spec: Value = serde_json::from_str(&text).unwrap();
    let tag = spec["types"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|t| t["name"] == "Tag")
        .expect("a Tag type");
    tag["fields"].as_array_mut().unwrap().push(json!({
        "name": "color",
        "type": "string",
        "required": false,
        "description": "The tag's color."
    }));
    let before = codegen::generate(&load(&text));
    let after = codegen::generate(&load(&spec.to_string()));
    let mut changed = Vec::new();
    for (old, new) in before.iter().zip(&after) {
        assert_eq!(old.path, new.path);
        if old.contents != new.contents {
            let old_lines: Vec<&str> = old.contents.lines().collect();
            let added: Vec<&str> = new
                .contents
                .lines()
                .filter(|l| !old_lines.contains(l))
                .collect();
            // Another type may have a `color` of its own already, so the field counts once more.
            let more = |needle: &str| {
                new.contents.matches(needle).count() > old.contents.matches(needle).count()
            };
            changed.push((
                new.path.clone(),
                added,
                new.contents.lines().count() - old_lines.len(),
                more("pub color: Option<String>") && more("pub fn color("),
            ));
        }
    }
    let paths: Vec<&str> = changed.iter().map(|(path, ..)| path.as_str()).collect();
    assert_eq!(paths, ["types.rs", "webhook_events.rs"], "{changed:#?}");
    for (_, added, grown, has_field) in &changed {
        assert!(
            *grown <= 12,
            "{grown} lines for one optional field: {added:#?}"
        );
        assert!(has_field, "no field and setter among {added:#?}");
    }
}

/// Every client method's rustdoc names its scopes and batch support and shows an example (the
/// examples are compiled as doctests of the sdk).
#[test]
fn every_method_documents_scopes_batch_support_and_an_example() {
    let text = fs::read_to_string(root().join(xtask::SPEC)).unwrap();
    let files = codegen::generate(&load(&text));
    let all: String = files.iter().map(|f| f.contents.as_str()).collect();
    let count = |needle: &str| all.matches(needle).count();
    assert_eq!(count("/// # Example"), 72);
    assert_eq!(count("/// Batch support: "), 63);
    assert_eq!(count("/// Scopes: "), 72);
    assert_eq!(count("/// ```no_run"), 72);
}

/// Method docs speak to users: how scopes combine and how the client retries the call; the spec's
/// notes on the reference's contradictions stay in the spec.
#[test]
fn method_docs_say_how_scopes_combine_and_when_a_call_is_retried() {
    let text = fs::read_to_string(root().join(xtask::SPEC)).unwrap();
    let spec = load(&text);
    let files = codegen::generate(&spec);
    let all: String = files.iter().map(|f| f.contents.as_str()).collect();
    assert!(!all.contains("Reference note"));
    assert!(!all.contains("as published"));
    let json: Value = serde_json::from_str(&text).unwrap();
    let actions = json["actions"].as_array().unwrap();
    let multi = actions
        .iter()
        .filter(|a| a["scopes"].as_array().unwrap().len() > 1)
        .count();
    let read_only = actions.iter().filter(|a| a["read_only"] == true).count();
    // Batch endpoints repeat their plain action's scopes.
    let multi_batched = actions
        .iter()
        .filter(|a| a["scopes"].as_array().unwrap().len() > 1 && a["batch"] == true)
        .count();
    assert_eq!(
        all.matches("/// Scopes: the token needs any one of these")
            .count(),
        multi + multi_batched
    );
    assert_eq!(
        all.matches("/// It only reads, so the client retries it")
            .count(),
        read_only
    );
    assert_eq!(
        all.matches("/// It changes the license, so the client sends it again only")
            .count(),
        actions.len() - read_only
    );
    let update_agent = all
        .split("pub fn update_agent(")
        .next()
        .and_then(|before| before.rsplit("/// Update Agent: `update_agent`.").next())
        .unwrap();
    assert!(
        update_agent.contains("/// - `agents--all:rw`: to update other agents"),
        "{update_agent}"
    );
}

/// Each section is a public module whose items are the ones re-exported at the crate root.
#[test]
fn section_modules_are_public_and_re_exported() {
    let request: livechat_config::agents::CreateAgentRequest =
        livechat_config::CreateAgentRequest::new("smith@example.com", "Agent Smith");
    let priority: livechat_config::types::Priority = livechat_config::Priority::First;
    let call: fn(&livechat_config::Client) -> livechat_config::Call<'_, _> =
        |client| livechat_config::Client::list_tags(client);
    let _: fn(
        &livechat_config::Client,
    ) -> livechat_config::Call<'_, livechat_config::tags::ListTagsRequest> = call;
    assert_eq!(request.id, "smith@example.com");
    assert_eq!(priority, livechat_config::Priority::First);
}

#[test]
fn generate_never_panics_even_on_a_spec_that_skipped_validation() {
    let text = fs::read_to_string(root().join(xtask::SPEC)).unwrap();
    let mut spec: Value = serde_json::from_str(&text).unwrap();
    spec["actions"][0]["params"][0]["type"] = json!("map<int");
    spec["actions"][1]["response"] = json!({"type": "NoSuchType[]"});
    let spec: codegen::Spec = serde_json::from_value(spec).unwrap();
    assert!(codegen::validate(&spec).is_err());
    let files = codegen::generate(&spec);
    let agents = files.iter().find(|f| f.path == "agents.rs").unwrap();
    assert!(agents.contents.starts_with(codegen::HEADER));
    // The unparsable expression stands in as any JSON value.
    let request = agents
        .contents
        .split("pub struct CreateAgentRequest {")
        .nth(1)
        .unwrap();
    let id = request.lines().find(|l| l.contains("pub id:")).unwrap();
    assert_eq!(id.trim(), "pub id: ::serde_json::Value,");
}

/// A server implements one method per plain action; batch endpoints are dispatched to them.
#[test]
fn the_server_trait_has_a_method_per_plain_action_and_dispatches_every_endpoint() {
    let text = fs::read_to_string(root().join(xtask::SPEC)).unwrap();
    let spec: Value = serde_json::from_str(&text).unwrap();
    let actions = spec["actions"].as_array().unwrap();
    let batch: Vec<&str> = actions
        .iter()
        .filter_map(|a| a["batch_endpoint"].as_str())
        .collect();
    let files = codegen::generate(&load(&text));
    let server = &files
        .iter()
        .find(|f| f.path == "server.rs")
        .unwrap()
        .contents;
    let handlers = server
        .split("pub trait Handlers {")
        .nth(1)
        .unwrap()
        .split("\n}\n")
        .next()
        .unwrap();
    for action in actions {
        let name = action["name"].as_str().unwrap();
        assert!(handlers.contains(&format!("    fn {name}(")), "{name}");
    }
    for endpoint in &batch {
        assert!(!handlers.contains(&format!("fn {endpoint}(")), "{endpoint}");
    }
    // invalid, unserializable, item_error and one per plain action.
    assert_eq!(handlers.matches("    fn ").count(), actions.len() + 3);
    assert_eq!(
        server.matches("run(handlers, request, H::").count(),
        actions.len()
    );
    assert_eq!(
        server.matches("Ok(run_batch(handlers, items, H::").count(),
        batch.len()
    );
    assert!(!server.contains("_ =>"), "no wildcard arm");
}

#[test]
fn broken_paging_is_rejected_naming_the_spot() {
    let at = "action `list_greetings`, paging: ";
    rejected(
        "paging",
        |s| s["actions"][0]["paging"]["page_id"] = json!("cursor"),
        &format!("{at}no parameter `cursor` (page_id)"),
    );
    rejected(
        "paging",
        |s| s["actions"][0]["params"][2]["type"] = json!("uint"),
        &format!("{at}page id parameter `page_id` must be a string"),
    );
    rejected(
        "paging",
        |s| s["actions"][0]["params"][3]["type"] = json!("string"),
        &format!("{at}limit parameter `limit` must be a number"),
    );
    rejected(
        "paging",
        |s| s["actions"][0]["paging"]["items"] = json!("found_greetings"),
        &format!("{at}items field `found_greetings` must be an array"),
    );
    rejected(
        "paging",
        |s| s["actions"][0]["paging"]["next_page_id"] = json!("next"),
        &format!("{at}no response field `next` (next_page_id)"),
    );
    rejected(
        "paging",
        |s| s["actions"][0]["paging"]["excluded_by_page_id"] = json!(["group"]),
        &format!("{at}`group` (excluded_by_page_id) is not a parameter"),
    );
    rejected(
        "paging",
        |s| s["actions"][0]["response"] = json!({"type": "Greeting[]"}),
        &format!("{at}a paged action's response must list its fields"),
    );
}

/// The file `path` of a generated version.
fn file_of<'a>(files: &'a [codegen::File], path: &str) -> &'a str {
    &files.iter().find(|f| f.path == path).unwrap().contents
}

/// The names a generated file re-exports from the stable version's `module`, in order (those
/// behind a feature in a `use` of their own, after the others).
fn reexported(text: &str, module: &str) -> Vec<String> {
    let start = format!("pub use crate::v0_1::{module}::");
    let mut names = Vec::new();
    for (at, _) in text.match_indices(&start) {
        let rest = &text[at + start.len()..];
        let list = match rest.strip_prefix('{') {
            Some(inner) => &inner[..inner.find('}').unwrap()],
            None => &rest[..rest.find(';').unwrap()],
        };
        names.extend(
            list.split(',')
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty()),
        );
    }
    names
}

#[test]
fn a_version_over_the_stable_one_reuses_exactly_what_it_has_unchanged() {
    let base = load(&fixture("webhooks"));
    let mut next: Value = serde_json::from_str(&fixture("webhooks")).unwrap();
    next["version"] = json!("0.2");

    // Unchanged: everything is the base's, and nothing is defined twice.
    let files = codegen::generate_over(&load(&next.to_string()), &base);
    let types = file_of(&files, "types.rs");
    assert_eq!(
        reexported(types, "types"),
        ["ErrorKind", "Thing", "HookAction", "Hook"]
    );
    assert!(!types.contains("pub struct") && !types.contains("pub enum"));
    let events = file_of(&files, "webhook_events.rs");
    assert_eq!(
        reexported(events, "webhook_events"),
        ["ThingUpdatedPayload", "WebhookEvent", "ThingDeletedPayload"]
    );
    assert!(events.contains(
        "#[cfg(feature = \"chat-webhooks\")]\npub use crate::v0_1::webhook_events::ThingDeletedPayload;"
    ));
    assert!(
        !events.contains("impl Hook"),
        "the base's envelope has its impl"
    );

    // A new enum value changes the enum, the envelope naming it and the event naming both,
    // though the envelope's own text is the same.
    next["types"][1]["values"]
        .as_array_mut()
        .unwrap()
        .push(json!({"value": "chat_ended"}));
    let files = codegen::generate_over(&load(&next.to_string()), &base);
    let types = file_of(&files, "types.rs");
    assert_eq!(reexported(types, "types"), ["ErrorKind", "Thing"]);
    assert!(types.contains("pub enum HookAction") && types.contains("pub struct Hook "));
    let events = file_of(&files, "webhook_events.rs");
    assert_eq!(
        reexported(events, "webhook_events"),
        ["ThingUpdatedPayload", "ThingDeletedPayload"]
    );
    assert!(events.contains("pub enum WebhookEvent") && events.contains("impl Hook {"));

    // A changed description is a change too: the payload that copies the fields follows it.
    next["types"][0]["fields"][1]["description"] = json!("The thing's name, described anew.");
    let files = codegen::generate_over(&load(&next.to_string()), &base);
    assert_eq!(
        reexported(file_of(&files, "types.rs"), "types"),
        ["ErrorKind"]
    );
    let events = file_of(&files, "webhook_events.rs");
    assert_eq!(
        reexported(events, "webhook_events"),
        ["ThingDeletedPayload"]
    );

    // The stable version and one generated on its own re-export nothing.
    for files in [
        codegen::generate(&base),
        codegen::generate_version(&base, false),
    ] {
        assert!(files
            .iter()
            .all(|f| !f.contents.contains("pub use crate::v")));
    }
}

/// The names the generator keeps from spec types are every type-namespace name the sdk's root
/// defines by hand: a new one in `sdk/src/lib.rs` must join the list.
#[test]
fn the_generator_knows_every_name_the_sdk_root_defines() {
    let lib = fs::read_to_string(livechat_config_tests::root().join("sdk/src/lib.rs")).unwrap();
    let mut names = Vec::new();
    let mut rest = lib.as_str();
    while let Some(start) = rest.find("\npub use ") {
        rest = &rest[start + "\npub use ".len()..];
        let end = rest.find(';').unwrap();
        let list = &rest[..end];
        let items = match list.find('{') {
            Some(open) => &list[open + 1..list.rfind('}').unwrap()],
            None => list.rsplit("::").next().unwrap(),
        };
        for item in items.split(',').map(str::trim) {
            let name = item.rsplit(" as ").next().unwrap();
            if name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && name.chars().any(|c| c.is_ascii_lowercase())
            {
                names.push(name.to_string());
            }
        }
    }
    assert!(names.len() > 20, "{names:?}");
    for name in &names {
        assert!(
            codegen::ROOT_ITEMS.contains(&name.as_str()),
            "`{name}` is defined at the sdk's root but a spec type may still take its name"
        );
    }
}
