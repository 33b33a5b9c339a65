use crate::support::{against, run, scratch, write};
use livechat_config_emulator::Emulator;

/// Plans `text` and answers its error output; nothing may be sent when `offline`.
async fn errors_of(test: &str, name: &str, text: &str, offline: bool) -> String {
    let dir = scratch(&format!("bad_{test}"));
    let emulator = Emulator::start().await.unwrap();
    let file = write(&dir, name, text);
    let planned = run(against(&emulator), &["plan", &file]).await;
    assert_eq!(planned.code, 1, "{}", planned.stdout);
    assert!(planned.stdout.is_empty(), "{}", planned.stdout);
    if offline {
        assert_eq!(emulator.served_total(), 0, "a call was made");
    }
    let applied = run(against(&emulator), &["apply", &file, "--yes"]).await;
    assert_eq!(applied.code, 1);
    assert_eq!(applied.stderr, planned.stderr);
    emulator.stop().await.unwrap();
    planned.stderr.replace(&format!("{}/", dir.display()), "")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_toml_is_located() {
    let errors = errors_of(
        "malformed_toml_is_located",
        "a.toml",
        "[[agents]\nid = \"a@example.com\"\n",
        true,
    )
    .await;
    assert!(
        errors.starts_with("error: a.toml:1:10: not valid TOML: "),
        "{errors}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_fields_name_the_expected_ones() {
    let text = "[[agents]]\nid = \"a@example.com\"\nname = \"A\"\nrol = \"normal\"\n\n\
                [[agents]]\nid = \"b@example.com\"\nname = \"B\"\n\
                work_scheduler = { timezone = \"UTC\", schedule = [{ dayy = \"monday\", enabled = true, start = \"1\", end = \"2\" }] }\n\n\
                [[tagz]]\nname = \"x\"\n";
    let errors = errors_of(
        "unknown_fields_name_the_expected_ones",
        "a.toml",
        text,
        true,
    )
    .await;
    let lines: Vec<&str> = errors.lines().collect();
    assert_eq!(
        lines,
        [
            "error: a.toml:4:1: agents[0].rol: unknown field `rol`; expected one of id, name, role, login_status, job_title, mobile, max_chats_count, groups, notifications, email_subscriptions, work_scheduler",
            "error: a.toml:9:52: agents[1].work_scheduler.schedule[0].dayy: unknown field `dayy`; expected one of day, enabled, start, end",
            "error: a.toml:11:3: tagz: unknown section `tagz`; expected one of groups, agents, bots, bot_templates, tags, auto_access, greetings, property_definitions, license_properties, group_properties, webhooks",
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enum_values_and_limits_are_checked_as_the_api_checks_them() {
    let text = "[[agents]]\nid = \"a@example.com\"\nname = \"A\"\nrole = \"boss\"\n\n\
                [[agents]]\nid = \"b@example.com\"\nname = \"B\"\nmax_chats_count = 500\n\n\
                [[agents]]\nid = \"c@example.com\"\nname = \"C\"\ngroups = [{ group = \"General\", priority = \"top\" }]\n\n\
                [[groups]]\nname = \"\"\n";
    let errors = errors_of(
        "enum_values_and_limits_are_checked_as_the_api_checks_them",
        "a.toml",
        text,
        true,
    )
    .await;
    let lines: Vec<&str> = errors.lines().collect();
    assert_eq!(
        lines,
        [
            "error: a.toml:4:8: agents[0].role: `boss` is not a documented value; expected one of `viceowner`, `administrator`, `normal`",
            "error: a.toml:9:19: agents[1].max_chats_count: must be at most 20, got 500",
            "error: a.toml:14:43: agents[2].groups[0].priority: unknown Priority value `top`; expected one of `first`, `normal`, `last`, `supervisor`",
            "error: a.toml:16:1: groups[0]: a group needs a non-empty `name`",
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_in_the_file_is_refused_without_echoing_it() {
    let text = "[[webhooks]]\nurl = \"https://hooks.example.com\"\naction = \"agent_created\"\n\
                type = \"license\"\nowner_client_id = \"x\"\nsecret_key = \"literal-secret\"\n";
    let errors = errors_of(
        "a_secret_in_the_file_is_refused_without_echoing_it",
        "a.toml",
        text,
        true,
    )
    .await;
    assert!(
        errors.starts_with(
            "error: a.toml:6:14: webhooks[0].secret_key: must be `{ env = \"NAME\" }`"
        ),
        "{errors}"
    );
    assert!(!errors.contains("literal-secret"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_group_is_located_before_any_change() {
    let text = "[[agents]]\nid = \"a@example.com\"\nname = \"A\"\ngroups = [{ group = \"Nope\", priority = \"first\" }]\n";
    let errors = errors_of(
        "an_unknown_group_is_located_before_any_change",
        "a.toml",
        text,
        false,
    )
    .await;
    assert_eq!(errors, "error: a.toml:4:21: agents[0].groups[0].group: no group named `Nope` in the file or the license\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_files_are_located_too() {
    let text =
        "{\n  \"agents\": [\n    {\"id\": \"x@example.com\", \"name\": \"A\", \"rol\": 1},\n    \
                {\"id\": \"y@example.com\", \"name\": 5}\n  ],\n  \"tags\": {}\n}";
    let errors = errors_of("json_files_are_located_too", "a.json", text, true).await;
    let lines: Vec<&str> = errors.lines().collect();
    assert_eq!(
        lines,
        [
            "error: a.json:3:42: agents[0].rol: unknown field `rol`; expected one of id, name, role, login_status, job_title, mobile, max_chats_count, groups, notifications, email_subscriptions, work_scheduler",
            "error: a.json:4:37: agents[1].name: invalid type: integer `5`, expected a string",
            "error: a.json:6:11: tags: `tags` must be a list (`[[tags]]`)",
        ]
    );
    let broken = errors_of("json_syntax", "b.json", "{\"agents\": [}", true).await;
    assert!(
        broken.starts_with("error: b.json:1:13: not valid JSON: "),
        "{broken}"
    );
}
