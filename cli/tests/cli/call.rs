use crate::support::{against, bare, run};
use livechat_config::Action;
use livechat_config_emulator::{Emulator, DEFAULT_PAT, DEFAULT_PAT_ACCOUNT, OWNER_ID};
use serde_json::Value;

#[tokio::test]
async fn list_names_every_action_of_the_version_with_its_title() {
    let listed = run(bare(), &["call", "--list"]).await;
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    for action in Action::ALL {
        assert!(
            listed
                .stdout
                .lines()
                .any(|l| l.trim_start().starts_with(action.name())),
            "{} missing",
            action.name()
        );
    }
    assert!(listed.stdout.contains("Create Agent"));
    assert!(listed.stdout.contains("batch_create_agents"));
    assert!(!listed.stdout.contains("list_canned_responses"));

    let preview = run(bare(), &["--api-version", "3.7", "call", "--list"]).await;
    assert_eq!(preview.code, 0, "{}", preview.stderr);
    assert!(preview.stdout.contains("list_canned_responses"));
    assert!(preview.stdout.contains("v3.7"));
}

#[tokio::test]
async fn action_help_shows_scopes_required_parameters_enums_and_limits() {
    let help = run(bare(), &["call", "create_agent", "--help"]).await;
    assert_eq!(help.code, 0, "{}", help.stderr);
    let text = help.stdout;
    assert!(
        text.starts_with("create_agent: Create Agent (v3.6, agents)"),
        "{text}"
    );
    for scope in Action::CreateAgent.scopes() {
        assert!(text.contains(scope), "scope {scope}");
    }
    let line = |name: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(&format!("{name} ")))
            .unwrap_or_else(|| panic!("no line for {name} in\n{text}"))
            .to_owned()
    };
    assert!(line("id").contains("required; format email"));
    assert!(line("max_chats_count").contains("max 20"));
    assert!(line("role").contains("one of viceowner, administrator, normal"));
    assert!(text.contains("Priority: one of first | normal | last | supervisor"));
    assert!(text.contains("Batch endpoint: batch_create_agents"));

    let batch = run(bare(), &["call", "batch_update_bots", "-h"]).await;
    assert!(
        batch.stdout.contains("Runs `update_bot` once per item"),
        "{}",
        batch.stdout
    );

    let unknown = run(bare(), &["call", "create_agents", "--help"]).await;
    assert_eq!(unknown.code, 1);
    assert!(unknown.stderr.contains("`create_agents` is not an action"));
}

#[tokio::test]
async fn call_sends_the_body_and_prints_the_answer_as_json() {
    let emulator = Emulator::start().await.unwrap();
    let created = run(
        against(&emulator),
        &[
            "call",
            "create_group",
            r#"{"name": "Sales", "agent_priorities": {}}"#,
        ],
    )
    .await;
    assert_eq!(created.code, 0, "{}", created.stderr);
    let answer: Value = serde_json::from_str(&created.stdout).unwrap();
    let id = answer["id"].as_u64().expect("a group id");
    assert!(
        created.stdout.contains("\n  \"id\""),
        "pretty: {}",
        created.stdout
    );

    let dir = crate::support::scratch("call_body_file");
    let body = crate::support::write(&dir, "get.json", &format!(r#"{{"id": {id}}}"#));
    let got = run(
        against(&emulator),
        &["call", "get_group", &format!("@{body}")],
    )
    .await;
    assert_eq!(got.code, 0, "{}", got.stderr);
    let group: Value = serde_json::from_str(&got.stdout).unwrap();
    assert_eq!(group["name"], "Sales");
    emulator.stop().await.unwrap();
}

#[tokio::test]
async fn a_personal_access_token_works_too() {
    let emulator = Emulator::start().await.unwrap();
    let mut command = bare();
    command
        .env("LIVECHAT_BASE_URL", emulator.base_url())
        .env("LIVECHAT_ACCOUNT_ID", DEFAULT_PAT_ACCOUNT)
        .env("LIVECHAT_PAT", DEFAULT_PAT);
    let listed = run(command, &["call", "list_agents"]).await;
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let agents: Value = serde_json::from_str(&listed.stdout).unwrap();
    assert_eq!(agents[0]["id"], OWNER_ID);
    emulator.stop().await.unwrap();
}

#[tokio::test]
async fn an_invalid_body_is_refused_before_sending() {
    let emulator = Emulator::start().await.unwrap();
    let refused = run(
        against(&emulator),
        &[
            "call",
            "create_agent",
            r#"{"id": "a@example.com", "name": "A", "role": "boss"}"#,
        ],
    )
    .await;
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("not sent"), "{}", refused.stderr);
    assert!(refused.stderr.contains("role"), "{}", refused.stderr);
    assert_eq!(emulator.served(Action::CreateAgent), 0);

    let not_json = run(against(&emulator), &["call", "list_agents", "{"]).await;
    assert_eq!(not_json.code, 1);
    assert!(not_json.stderr.contains("not JSON"), "{}", not_json.stderr);
    emulator.stop().await.unwrap();
}

#[tokio::test]
async fn errors_are_typed_and_never_show_the_token() {
    let emulator = Emulator::start().await.unwrap();
    let mut command = bare();
    command
        .env("LIVECHAT_BASE_URL", emulator.base_url())
        .env("LIVECHAT_TOKEN", "dal:wrong-secret-token");
    let refused = run(command, &["call", "list_agents"]).await;
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("authentication"),
        "{}",
        refused.stderr
    );
    assert!(!refused.stderr.contains("wrong-secret-token"));
    assert!(!refused.stdout.contains("wrong-secret-token"));

    let missing = run(
        against(&emulator),
        &["call", "get_agent", r#"{"id": "nobody@example.com"}"#],
    )
    .await;
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("not_found"), "{}", missing.stderr);

    let no_credentials = run(bare(), &["call", "list_agents"]).await;
    assert_eq!(no_credentials.code, 1);
    assert!(no_credentials.stderr.contains("LIVECHAT_TOKEN"));
    let base_url = emulator.base_url().to_string();
    emulator.stop().await.unwrap();

    // Nothing listens there any more: the error says why, its causes once each, on one line.
    let mut command = bare();
    command
        .env("LIVECHAT_BASE_URL", &base_url)
        .env("LIVECHAT_TOKEN", "dal:wrong-secret-token");
    let unreachable = run(command, &["call", "list_agents"]).await;
    assert_eq!(unreachable.code, 1);
    let line = unreachable.stderr.trim();
    assert!(
        line.starts_with("error: `list_agents`: transport failed: error sending request"),
        "{line}"
    );
    assert!(
        line.ends_with("Connection refused (os error 111)"),
        "{line}"
    );
    assert_eq!(line.matches("Connection refused").count(), 1, "{line}");
    assert_eq!(line.lines().count(), 1, "{line}");
}

#[tokio::test]
async fn every_command_has_help() {
    for command in [
        &["--help"][..],
        &["call"],
        &["export", "--help"],
        &["plan", "--help"],
        &["apply", "--help"],
    ] {
        let help = run(bare(), command).await;
        assert_eq!(help.code, 0, "{command:?}: {}", help.stderr);
        assert!(
            help.stdout.contains("Usage: livechat-config"),
            "{command:?}: {}",
            help.stdout
        );
    }
    let apply = run(bare(), &["apply", "--help"]).await.stdout;
    for flag in [
        "--yes",
        "--prune",
        "--dry-run",
        "--api-version",
        "--client-id",
    ] {
        assert!(apply.contains(flag), "{flag}");
    }
    let usage = run(bare(), &["plan"]).await;
    assert_eq!(usage.code, 1, "a usage error is not the plan's 2");
}

/// Every version the sdk has is a value of `--api-version`, calling that version's path, with
/// its actions listed and described from its spec.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_version_of_the_sdk_is_an_api_version_to_call() {
    let emulator = livechat_config_emulator::Emulator::start().await.unwrap();
    for (i, version) in livechat_config::versions::Version::ALL
        .into_iter()
        .enumerate()
    {
        let v = version.as_str();
        let listed = run(
            against(&emulator),
            &["--api-version", v, "call", "list_agents"],
        )
        .await;
        assert_eq!(listed.code, 0, "v{v}: {}", listed.stderr);
        let agents: serde_json::Value = serde_json::from_str(&listed.stdout).unwrap();
        assert!(
            agents.as_array().is_some_and(|a| !a.is_empty()),
            "v{v}: {agents}"
        );
        let action = version.action("list_agents").unwrap();
        // The emulator counts calls by action name, whatever the version.
        assert_eq!(emulator.served(action), i as u64 + 1, "v{v}");

        let names = run(bare(), &["--api-version", v, "call", "--list"]).await;
        assert_eq!(names.code, 0, "v{v}: {}", names.stderr);
        for action in version.actions() {
            assert!(
                names.stdout.contains(action.name()),
                "v{v}: {}",
                action.name()
            );
        }
    }
}
