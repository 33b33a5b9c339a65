use crate::license::{self, HOOK_ENV, HOOK_SECRET};
use crate::support::{against, run, scratch, write, Run};
use livechat_config::Action;
use livechat_config_emulator::{Emulator, DEFAULT_CLIENT_ID};
use serde_json::Value;

fn with_secret(emulator: &Emulator) -> std::process::Command {
    let mut command = against(emulator);
    command.env(HOOK_ENV, HOOK_SECRET);
    command
}

async fn export(emulator: &Emulator) -> Run {
    let exported = run(against(emulator), &["export"]).await;
    assert_eq!(exported.code, 0, "{}", exported.stderr);
    exported
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_apply_export_gives_the_same_file_and_an_empty_plan() {
    let dir = scratch("round_trip");
    let source = Emulator::start().await.unwrap();
    let base = write(&dir, "base.toml", &license::base());
    let applied = run(with_secret(&source), &["apply", &base, "--yes"]).await;
    assert_eq!(applied.code, 0, "{}\n{}", applied.stdout, applied.stderr);
    assert!(applied.stdout.contains("Apply complete."));

    let first = export(&source).await.stdout;
    assert!(!first.contains(HOOK_SECRET));
    assert!(first.contains(&format!("env = \"{}\"", "LIVECHAT_WEBHOOK_SECRET")));
    assert!(first.contains("name = \"Anna\""));
    let exported = dir.join("exported.toml").to_string_lossy().into_owned();
    let written = run(against(&source), &["export", "-o", &exported]).await;
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert_eq!(std::fs::read_to_string(&exported).unwrap(), first);

    let target = Emulator::start().await.unwrap();
    let mut command = against(&target);
    command.env("LIVECHAT_WEBHOOK_SECRET", HOOK_SECRET);
    let applied = run(command, &["apply", &exported, "--yes"]).await;
    assert_eq!(applied.code, 0, "{}\n{}", applied.stdout, applied.stderr);
    assert!(!applied.stdout.contains(HOOK_SECRET) && !applied.stderr.contains(HOOK_SECRET));

    let second = export(&target).await.stdout;
    assert_eq!(first, second);

    let mut command = against(&target);
    command.env("LIVECHAT_WEBHOOK_SECRET", HOOK_SECRET);
    let plan = run(command, &["plan", &exported]).await;
    assert_eq!(plan.code, 0, "{}\n{}", plan.stdout, plan.stderr);
    assert!(plan.stdout.starts_with("No changes"), "{}", plan.stdout);

    // A second apply sends no write.
    let writes_before = target.served_total();
    let again = run(against(&target), &["apply", &exported, "--yes"]).await;
    assert_eq!(again.code, 0, "{}", again.stderr);
    let reads = target.served_total() - writes_before;
    let second_export_reads = 13; // the calls one reading of the license makes
    assert!(reads <= second_export_reads, "{reads} calls");
    assert_eq!(
        target.served(Action::CreateAgent) + target.served(Action::BatchCreateAgents),
        1
    );

    // The webhook got the secret from the environment.
    assert!(target.state_json().to_string().contains(HOOK_SECRET));

    let json_export = run(against(&target), &["export", "--format", "json"]).await;
    let parsed: Value = serde_json::from_str(&json_export.stdout).unwrap();
    assert_eq!(parsed["groups"][1]["name"], "Support");
    let as_json = write(&dir, "exported.json", &json_export.stdout);
    let plan = run(against(&target), &["plan", &as_json]).await;
    assert_eq!(plan.code, 0, "{}\n{}", plan.stdout, plan.stderr);
    source.stop().await.unwrap();
    target.stop().await.unwrap();
}

/// The base file with new agents and a new group, a changed role and schedule, the `spam` tag
/// gone and the auto access rules swapped.
fn changed() -> String {
    let base = license::base();
    let rules_at = base.find("[[auto_access]]").unwrap();
    let greetings_at = base.find("[[greetings]]").unwrap();
    let rules = &base[rules_at..greetings_at];
    let second = rules.rfind("[[auto_access]]").unwrap();
    let swapped = format!("{}\n{}", &rules[second..].trim_end(), &rules[..second]);
    let mut text = format!("{}{}{}", &base[..rules_at], swapped, &base[greetings_at..]);
    text = text.replace("[[tags]]\nname = \"spam\"\ngroups = [\"General\"]\n\n", "");
    text = text.replace("role = \"administrator\"", "role = \"viceowner\"");
    text = text.replace(
        "start = \"08:00\", end = \"16:00\"",
        "start = \"09:00\", end = \"17:00\"",
    );
    text.replace(
        "[[agents]]\nid = \"ben@example.com\"",
        "[[groups]]\nname = \"Sales\"\n\n\
         [[agents]]\nid = \"cara@example.com\"\nname = \"Cara\"\ngroups = [{ group = \"Sales\", priority = \"first\" }]\n\n\
         [[agents]]\nid = \"dan@example.com\"\nname = \"Dan\"\n\n\
         [[agents]]\nid = \"ben@example.com\"",
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_set_plans_and_applies_as_expected() {
    let dir = scratch("change_set");
    let emulator = Emulator::start().await.unwrap();
    let base = write(&dir, "base.toml", &license::base());
    let applied = run(with_secret(&emulator), &["apply", &base, "--yes"]).await;
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    let changed = write(&dir, "changed.toml", &changed());

    let plan = run(against(&emulator), &["plan", &changed]).await;
    assert_eq!(plan.code, 2, "{}\n{}", plan.stdout, plan.stderr);
    let expected = [
        "+ create group `Sales`",
        "+ create agent `cara@example.com`",
        "+ create agent `dan@example.com`",
        "~ update agent `anna@example.com`",
        "    role: \"administrator\" → \"viceowner\"",
        "↕ move auto access `German` to the end",
    ];
    for line in expected {
        assert!(
            plan.stdout.lines().any(|l| l == line),
            "missing {line:?} in\n{}",
            plan.stdout
        );
    }
    assert!(
        plan.stdout.contains("    work_scheduler: "),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("\"start\":\"09:00\""),
        "{}",
        plan.stdout
    );
    // Without --prune nothing outside the file is deleted.
    assert!(!plan.stdout.contains("- delete"), "{}", plan.stdout);
    assert!(
        !plan.stdout.contains('\x1b'),
        "plain when not on a terminal"
    );

    let pruned = run(against(&emulator), &["plan", &changed, "--prune"]).await;
    assert!(
        pruned.stdout.lines().any(|l| l == "- delete tag `spam`"),
        "{}",
        pruned.stdout
    );
    assert!(
        pruned
            .stdout
            .contains("Plan: 3 to create, 1 to update, 0 to replace, 1 to delete, 1 to move."),
        "{}",
        pruned.stdout
    );

    let dry = run(
        against(&emulator),
        &["apply", &changed, "--prune", "--dry-run"],
    )
    .await;
    assert_eq!(dry.code, 2, "a dry run exits as plan does");
    let untouched = run(against(&emulator), &["plan", &changed, "--prune"]).await;
    assert_eq!(untouched.stdout, pruned.stdout, "a dry run changes nothing");

    let refused = run(against(&emulator), &["apply", &changed, "--prune"]).await;
    assert_eq!(refused.code, 1);
    assert!(refused.stderr.contains("--yes"), "{}", refused.stderr);

    let applied = run(against(&emulator), &["apply", &changed, "--prune", "--yes"]).await;
    assert_eq!(applied.code, 0, "{}\n{}", applied.stdout, applied.stderr);

    let client = emulator.client();
    let tags = client.list_tags().await.unwrap();
    assert_eq!(
        tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["vip"]
    );
    let rules = client.list_auto_accesses().await.unwrap();
    let order: Vec<_> = rules
        .iter()
        .map(|r| r.description.clone().unwrap_or_default())
        .collect();
    assert_eq!(order, ["Everyone else", "German"]);
    let anna = client
        .get_agent("anna@example.com")
        .fields([livechat_config::AgentField::WorkScheduler])
        .await
        .unwrap();
    assert_eq!(anna.role, Some(livechat_config::Role::Viceowner));
    let schedule = anna.work_scheduler.unwrap().schedule;
    assert_eq!(
        (schedule[0].start.as_str(), schedule[0].end.as_str()),
        ("09:00", "17:00")
    );
    let groups = client.list_groups().await.unwrap();
    let sales = groups
        .iter()
        .find(|g| g.name == "Sales")
        .expect("Sales made");
    let cara = client
        .get_agent("cara@example.com")
        .fields([livechat_config::AgentField::Groups])
        .await
        .unwrap();
    assert_eq!(cara.groups.unwrap()[0].id, sales.id);

    let after = run(against(&emulator), &["plan", &changed, "--prune"]).await;
    assert_eq!(after.code, 0, "{}", after.stdout);
    emulator.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_section_updates_and_prunes() {
    let dir = scratch("every_section");
    let emulator = Emulator::start().await.unwrap();
    let base = write(&dir, "base.toml", &license::base());
    let applied = run(with_secret(&emulator), &["apply", &base, "--yes"]).await;
    assert_eq!(applied.code, 0, "{}", applied.stderr);

    let text = license::base()
        .replace(
            "groups = [{ group = \"Support\", priority = \"normal\" }]\n\n[[bot_templates]]",
            "groups = [{ group = \"Support\", priority = \"normal\" }]\njob_title = \"Assistant\"\n\n[[bot_templates]]",
        )
        .replace("name = \"vip\"\ngroups = [\"Support\"]", "name = \"vip\"\ngroups = [\"Support\", \"General\"]")
        .replace("active = true", "active = false")
        .replace("tier = \"gold\"", "tier = \"platinum\"")
        .replace("tier = \"silver\"", "tier = \"bronze\"")
        .replace("type = \"license\"\n", "type = \"license\"\ndescription = \"New agents\"\n")
        .replace("description = \"Support tier\"", "description = \"Support tier\"\npublic_access = [\"read\"]")
        // Removed with --prune: Ben, the greeter template and the second rule.
        .replace("[[agents]]\nid = \"ben@example.com\"\nname = \"Ben\"\ngroups = [{ group = \"Support\", priority = \"normal\" }]\n\n", "")
        .replace(&format!("[[bot_templates]]\nname = \"Greeter\"\nowner_client_id = \"{DEFAULT_CLIENT_ID}\"\n\n"), "");
    let rule = text
        .find("[[auto_access]]\ndescription = \"Everyone else\"")
        .unwrap();
    let greetings = text.find("[[greetings]]").unwrap();
    // An empty list keeps the section managed, so --prune empties it.
    let text = format!(
        "bot_templates = []\n\n{}{}",
        &text[..rule],
        &text[greetings..]
    );
    let file = write(&dir, "changed.toml", &text);

    let plan = run(against(&emulator), &["plan", &file, "--prune"]).await;
    assert_eq!(plan.code, 2, "{}\n{}", plan.stdout, plan.stderr);
    for line in [
        "~ update bot `Helper`",
        "    job_title: (none) → \"Assistant\"",
        "~ update tag `vip`",
        "~ update greeting `Hello in Support`",
        "    active: true → false",
        "~ update property definition `0805e283233042b37f460ed8fbf22160.tier`",
        "~ update license property `0805e283233042b37f460ed8fbf22160.tier`",
        "~ update group property `Support: 0805e283233042b37f460ed8fbf22160.tier`",
        "-/+ replace webhook `license agent_created → https://hooks.example.com/agents`",
        "- delete agent `ben@example.com`",
        "- delete bot template `Greeter`",
        "- delete auto access `Everyone else`",
    ] {
        assert!(
            plan.stdout.lines().any(|l| l == line),
            "missing {line:?} in\n{}",
            plan.stdout
        );
    }
    let applied = run(
        with_secret(&emulator),
        &["apply", &file, "--prune", "--yes"],
    )
    .await;
    assert_eq!(applied.code, 0, "{}\n{}", applied.stdout, applied.stderr);
    assert!(
        applied
            .stderr
            .contains("agents (removals): 0 created, 0 updated, 1 deleted, 0 failed (1 call)"),
        "{}",
        applied.stderr
    );
    assert!(
        applied
            .stderr
            .contains("bots: 0 created, 1 updated, 0 deleted, 0 failed (1 call)"),
        "{}",
        applied.stderr
    );

    let after = run(against(&emulator), &["plan", &file, "--prune"]).await;
    assert_eq!(after.code, 0, "{}", after.stdout);
    assert_eq!(emulator.served(Action::BatchUpdateBots), 1);
    assert_eq!(emulator.served(Action::BatchDeleteAgents), 1);
    let exported = export(&emulator).await.stdout;
    assert!(exported.contains("description = \"New agents\""));
    assert!(exported.contains("tier = \"platinum\""));
    assert!(!exported.contains("Everyone else"));
    emulator.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_ids_a_file_names_are_read_without_being_given() {
    let dir = scratch("client_ids_from_file");
    let emulator = Emulator::start().await.unwrap();
    let base = write(&dir, "base.toml", &license::base());
    let applied = run(with_secret(&emulator), &["apply", &base, "--yes"]).await;
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    let mut command = against(&emulator);
    command.env_remove("LIVECHAT_CLIENT_ID");
    let plan = run(command, &["plan", &base]).await;
    assert_eq!(
        plan.code, 0,
        "the webhook and template are found, not planned again: {}",
        plan.stdout
    );

    let mut command = against(&emulator);
    command.env_remove("LIVECHAT_CLIENT_ID");
    let exported = run(command, &["export"]).await;
    assert!(
        exported.stderr.contains("no --client-id"),
        "{}",
        exported.stderr
    );
    assert!(
        !exported.stdout.contains("webhooks"),
        "unread sections are left out, so not managed"
    );
    emulator.stop().await.unwrap();
}
