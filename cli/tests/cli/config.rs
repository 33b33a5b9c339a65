use crate::license::{self, HOOK_ENV, HOOK_SECRET};
use crate::support::{against, run, scratch, write, Run};
use livechat_config::Action;
use livechat_config_emulator::Emulator;
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
    let exported = write(&dir, "exported.toml", &first);

    let target = Emulator::start().await.unwrap();
    let mut command = against(&target);
    command.env("LIVECHAT_WEBHOOK_SECRET", HOOK_SECRET);
    let applied = run(command, &["apply", &exported, "--yes"]).await;
    assert_eq!(applied.code, 0, "{}\n{}", applied.stdout, applied.stderr);
    assert!(!applied.stdout.contains(HOOK_SECRET) && !applied.stderr.contains(HOOK_SECRET));

    let second = export(&target).await.stdout;
    assert_eq!(first, second);

    let plan = run(against(&target), &["plan", &exported]).await;
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
