use crate::license::{self, HOOK_ENV, HOOK_SECRET};
use crate::support::{against, run, scratch, write};
use livechat_config::Action;
use livechat_config_emulator::{Emulator, Faults};
use std::fmt::Write as _;

/// 1,000 agents spread over 10 groups.
pub fn thousand_agents() -> String {
    let mut text = String::new();
    for g in 0..10 {
        let _ = writeln!(text, "[[groups]]\nname = \"Team {g}\"\n");
    }
    for i in 0..1000 {
        let _ = writeln!(
            text,
            "[[agents]]\nid = \"agent{i}@example.com\"\nname = \"Agent {i}\"\ngroups = [{{ group = \"Team {}\", priority = \"normal\" }}]\n",
            i % 10
        );
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_agents_go_in_batches_with_one_line_per_stage() {
    let dir = scratch("thousand");
    let emulator = Emulator::start().await.unwrap();
    let file = write(&dir, "agents.toml", &thousand_agents());
    let applied = run(against(&emulator), &["apply", &file, "--yes"]).await;
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    assert_eq!(emulator.served(Action::BatchCreateAgents), 20);
    assert_eq!(emulator.served(Action::CreateAgent), 0);
    assert_eq!(emulator.served(Action::CreateGroup), 10);
    let lines: Vec<&str> = applied.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "groups: 10 created, 0 updated, 0 deleted, 0 failed (10 calls)",
            "agents: 1000 created, 0 updated, 0 deleted, 0 failed (20 calls)",
        ]
    );
    assert!(
        !applied.stderr.contains('\r'),
        "no progress bar off a terminal"
    );
    let agents = emulator.client().list_agents().await.unwrap();
    assert_eq!(agents.len(), 1001);

    let plan = run(against(&emulator), &["plan", &file]).await;
    assert_eq!(plan.code, 0, "{}", plan.stdout);
    emulator.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_faulty_emulator_still_converges() {
    let dir = scratch("faulty");
    let emulator = Emulator::builder()
        .rate_limited_share(0.2)
        .server_error_share(0.15)
        .seed(11)
        .start()
        .await
        .unwrap();
    let file = write(&dir, "base.toml", &license::base());
    let mut runs = Vec::new();
    for _ in 0..10 {
        let mut command = against(&emulator);
        command.env(HOOK_ENV, HOOK_SECRET);
        let applied = run(command, &["apply", &file, "--yes"]).await;
        runs.push(applied.code);
        if applied.code == 0 {
            break;
        }
        assert_eq!(applied.code, 1);
        assert!(
            applied
                .stderr
                .contains("running apply again continues from where this one stopped"),
            "{}",
            applied.stderr
        );
    }
    assert_eq!(runs.last(), Some(&0), "runs: {runs:?}");
    assert!(
        runs.len() > 1,
        "the faults made the first run fail: {runs:?}"
    );
    assert!(emulator.served_total() > 0);
    emulator.set_faults(Faults::default());
    let plan = run(against(&emulator), &["plan", &file]).await;
    assert_eq!(plan.code, 0, "after {runs:?}: {}", plan.stdout);
    emulator.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_are_reported_the_rest_applied_and_a_rerun_finishes() {
    let dir = scratch("forced_failure");
    let emulator = Emulator::start().await.unwrap();
    // No group access in the definition: the API refuses the group's value.
    let broken = license::base().replace(", group = { agent = [\"read\", \"write\"] }", "");
    let file = write(&dir, "base.toml", &broken);
    let hooked = || {
        let mut command = against(&emulator);
        command.env(HOOK_ENV, HOOK_SECRET);
        command
    };
    let first = run(hooked(), &["apply", &file, "--yes"]).await;
    assert_eq!(first.code, 1, "{}", first.stderr);
    assert!(
        first.stderr.contains("failed: group property `Support: "),
        "{}",
        first.stderr
    );
    assert!(
        first
            .stderr
            .contains("(update_group_properties): `update_group_properties`: validation: "),
        "{}",
        first.stderr
    );
    // A refusal is not something a re-run cures, and the tool does not say it is.
    assert!(
        first
            .stderr
            .contains("1 operation(s) refused by the API: running apply again repeats the refusal"),
        "{}",
        first.stderr
    );
    assert!(!first.stderr.contains("continues"), "{}", first.stderr);
    assert!(
        first.stderr.contains("agents: 2 created"),
        "{}",
        first.stderr
    );

    let plan = run(hooked(), &["plan", &file]).await;
    assert_eq!(plan.code, 2, "{}{}", plan.stdout, plan.stderr);
    let left: Vec<&str> = plan
        .stdout
        .lines()
        .filter(|l| l.starts_with(['+', '~', '-']))
        .collect();
    assert_eq!(
        left.len(),
        1,
        "only the refused value is left: {}",
        plan.stdout
    );

    let fixed = write(
        &dir,
        "fixed.toml",
        &broken
            .replace(
                "[[group_properties]]\ngroup = \"Support\"",
                "[[group_properties]]\ngroup = \"General\"",
            )
            .replace(
                &format!(
                    "properties = {{ \"{}\" = {{ tier = \"silver\" }} }}",
                    livechat_config_emulator::DEFAULT_CLIENT_ID
                ),
                "properties = {}",
            ),
    );
    let rerun = run(hooked(), &["apply", &fixed, "--yes"]).await;
    assert_eq!(rerun.code, 0, "{}\n{}", rerun.stdout, rerun.stderr);
    let plan = run(hooked(), &["plan", &fixed]).await;
    assert_eq!(plan.code, 0, "{}", plan.stdout);
    emulator.stop().await.unwrap();
}
