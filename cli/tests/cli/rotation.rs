//! A webhook secret rotated in the environment reaches the license: `plan` shows the webhook
//! replaced (neither secret printed), and `apply` registers it with the new secret.

use crate::license::{self, HOOK_ENV, HOOK_SECRET};
use crate::support::{against, run, scratch, write};
use livechat_config_emulator::Emulator;

fn secret_of_the_webhook(emulator: &Emulator) -> String {
    let state = emulator.state_json();
    let hooks = state["webhooks"].as_array().expect("webhooks in the state");
    let hook = hooks
        .iter()
        .find(|w| w["url"] == "https://hooks.example.com/agents")
        .expect("the license's webhook");
    hook["secret_key"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_secret_replaces_the_webhook() {
    let emulator = Emulator::start().await.unwrap();
    let dir = scratch("rotation");
    let file = write(&dir, "base.toml", &license::base());
    let applied = run(against(&emulator), &["apply", &file, "--yes"]).await;
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    assert_eq!(secret_of_the_webhook(&emulator), HOOK_SECRET);

    let same = run(against(&emulator), &["plan", &file]).await;
    assert_eq!(same.code, 0, "{}", same.stdout);

    let rotated = "rotated-secret-never-printed";
    let with_new = || {
        let mut command = against(&emulator);
        command.env(HOOK_ENV, rotated);
        command
    };
    let plan = run(with_new(), &["plan", &file]).await;
    assert_eq!(plan.code, 2, "{}{}", plan.stdout, plan.stderr);
    assert!(
        plan.stdout.contains(
            "-/+ replace webhook `license agent_created → https://hooks.example.com/agents`"
        ),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("secret_key: \"(hidden)\" → \"(hidden: changed in the environment)\""),
        "{}",
        plan.stdout
    );
    for secret in [HOOK_SECRET, rotated] {
        assert!(!plan.stdout.contains(secret) && !plan.stderr.contains(secret));
    }

    let applied = run(with_new(), &["apply", &file, "--yes"]).await;
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    assert!(!applied.stdout.contains(rotated) && !applied.stderr.contains(rotated));
    assert_eq!(secret_of_the_webhook(&emulator), rotated);
    let after = run(with_new(), &["plan", &file]).await;
    assert_eq!(
        after.code, 0,
        "the new secret is the one recorded: {}",
        after.stdout
    );
    emulator.stop().await.unwrap();
}
