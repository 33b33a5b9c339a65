//! What you review is what runs: saved plans and their fingerprint, `--json`, `--target`, and the
//! confirmation on a terminal; on a license of 1,000 agents.

use crate::preflight::{thousand, with_owner, writes};
use crate::support::{against, run, scratch, write};
use serde_json::Value;
use std::process::{Command, Stdio};

const NEW_AGENTS: &str = "\n[[agents]]\nid = \"new1@example.com\"\nname = \"New One\"\n\n[[agents]]\nid = \"new2@example.com\"\nname = \"New Two\"\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_saved_plan_runs_exactly_and_only_on_the_license_it_was_made_from() {
    let emulator = thousand().await;
    let dir = scratch("saved-plan");
    let file = write(&dir, "license.toml", &with_owner(NEW_AGENTS));
    let saved = dir.join("plan.json").to_string_lossy().into_owned();

    let plan = run(against(&emulator), &["plan", &file, "--out", &saved]).await;
    assert_eq!(plan.code, 2, "{}{}", plan.stdout, plan.stderr);
    assert!(plan.stdout.contains("Saved the plan to"), "{}", plan.stdout);
    let json = run(against(&emulator), &["plan", &file, "--json"]).await;
    assert_eq!(json.code, 2, "{}", json.stderr);
    let printed: Value = serde_json::from_str(&json.stdout).unwrap();
    let stored: Value = serde_json::from_slice(&std::fs::read(&saved).unwrap()).unwrap();
    assert_eq!(printed, stored, "--json prints what --out writes");
    assert_eq!(stored["format"], "livechat-config-plan/1");
    assert!(stored["fingerprint"]
        .as_str()
        .unwrap()
        .starts_with("sha256:"));
    let ops = stored["operations"].as_array().unwrap();
    assert_eq!(ops.len(), 2);
    assert!(ops
        .iter()
        .all(|o| o["change"] == "create" && o["kind"] == "agent"));
    assert_eq!(writes(&emulator), Vec::<String>::new());

    // The file changes after review: the saved plan still runs what was reviewed.
    write(&dir, "license.toml", &with_owner(""));
    let applied = run(against(&emulator), &["apply", &saved, "--yes"]).await;
    assert_eq!(applied.code, 0, "{}{}", applied.stdout, applied.stderr);
    let ids: Vec<String> = emulator
        .client()
        .list_agents()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert!(
        ids.contains(&"new1@example.com".to_owned())
            && ids.contains(&"new2@example.com".to_owned())
    );

    // A plan of a license that changed since is refused, and nothing is written.
    let file = write(
        &dir,
        "more.toml",
        &with_owner(&(NEW_AGENTS.to_owned() + "\n[[tags]]\nname = \"later\"\n")),
    );
    let plan = run(against(&emulator), &["plan", &file, "--out", &saved]).await;
    assert_eq!(plan.code, 2, "{}", plan.stderr);
    emulator.client().create_tag("sneaked-in").await.unwrap();
    emulator.clear_requests();
    let refused = run(against(&emulator), &["apply", &saved, "--yes"]).await;
    assert_eq!(refused.code, 1);
    assert!(
        refused.stderr.contains("the license has changed since")
            && refused.stderr.contains("nothing was applied"),
        "{}",
        refused.stderr
    );
    assert_eq!(writes(&emulator), Vec::<String>::new());

    // A plan is for the API it was made against, and carries its own --prune.
    let elsewhere = run(
        {
            let mut c = against(&emulator);
            c.env("LIVECHAT_BASE_URL", "http://127.0.0.1:9");
            c
        },
        &["apply", &saved, "--yes"],
    )
    .await;
    assert_eq!(elsewhere.code, 1);
    assert!(
        elsewhere
            .stderr
            .contains("a plan applies where it was made"),
        "{}",
        elsewhere.stderr
    );
    let pruned = run(against(&emulator), &["apply", &saved, "--prune", "--yes"]).await;
    assert_eq!(pruned.code, 1);
    assert!(
        pruned.stderr.contains("carries its own --prune"),
        "{}",
        pruned.stderr
    );
    let other = write(&dir, "other.json", "{\"format\": \"someone-elses/9\"}");
    let unknown = run(against(&emulator), &["apply", &other, "--yes"]).await;
    assert_eq!(unknown.code, 1);
    assert!(
        unknown
            .stderr
            .contains("this tool applies `livechat-config-plan/1`"),
        "{}",
        unknown.stderr
    );
    assert_eq!(writes(&emulator), Vec::<String>::new());
    emulator.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn targets_limit_plan_and_apply_to_named_resources() {
    let emulator = thousand().await;
    let dir = scratch("targets");
    let file = write(&dir, "license.toml", &with_owner(NEW_AGENTS));
    let plan = run(
        against(&emulator),
        &["plan", &file, "--target", "agent:new2@example.com"],
    )
    .await;
    assert_eq!(plan.code, 2, "{}", plan.stderr);
    assert!(
        plan.stdout.contains("+ create agent `new2@example.com`"),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("new1@example.com"), "{}", plan.stdout);

    let applied = run(
        against(&emulator),
        &[
            "apply",
            &file,
            "--yes",
            "--target",
            "agent:new2@example.com",
        ],
    )
    .await;
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    let ids: Vec<String> = emulator
        .client()
        .list_agents()
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.id)
        .collect();
    assert!(ids.contains(&"new2@example.com".to_owned()));
    assert!(!ids.contains(&"new1@example.com".to_owned()));

    emulator.clear_requests();
    for (target, says) in [
        (
            "agent:nobody@example.com",
            "no such agent in the file or the license",
        ),
        (
            "robot:x",
            "no kind `robot`; the kinds are group, agent, bot",
        ),
        ("agent", "expected KIND:NAME"),
    ] {
        let out = run(
            against(&emulator),
            &["apply", &file, "--yes", "--target", target],
        )
        .await;
        assert_eq!(out.code, 1, "{target}");
        assert!(out.stderr.contains(says), "{target}: {}", out.stderr);
    }
    assert_eq!(writes(&emulator), Vec::<String>::new());
    emulator.stop().await.unwrap();
}

/// Runs `apply FILE` on a terminal (through `script`), answering `answer`.
fn on_a_terminal(command: Command, file: &str, answer: &str) -> (i32, String) {
    // `script` gives the command a terminal; the program and its arguments go as one shell line.
    let program = env!("CARGO_BIN_EXE_livechat-config");
    let shell = format!("'{program}' apply '{file}'");
    let mut child = Command::new("script")
        .args(["-qec", &shell, "/dev/null"])
        .envs(command.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script(1) runs");
    use std::io::Write;
    // Typed once the question is up; `script` passes it to the terminal.
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let _ = child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{answer}\n").as_bytes());
    let output = child.wait_with_output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_apply_names_the_license_and_takes_only_yes() {
    let emulator = thousand().await;
    let dir = scratch("terminal");
    let file = write(&dir, "license.toml", &with_owner(NEW_AGENTS));
    let command = against(&emulator);
    let (code, shown) = tokio::task::spawn_blocking({
        let file = file.clone();
        move || on_a_terminal(command, &file, "y")
    })
    .await
    .unwrap();
    assert_eq!(code, 1, "{shown}");
    assert!(
        shown.contains("The license owned by owner@example.com"),
        "{shown}"
    );
    assert!(
        shown.contains("2 operation(s), of which 0 deletion(s)"),
        "{shown}"
    );
    assert!(shown.contains("Type `yes` to apply"), "{shown}");
    assert!(shown.contains("not applied"), "{shown}");
    assert_eq!(writes(&emulator), Vec::<String>::new());

    let command = against(&emulator);
    let (code, shown) = tokio::task::spawn_blocking(move || on_a_terminal(command, &file, "yes"))
        .await
        .unwrap();
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("Apply complete."), "{shown}");
    assert!(!writes(&emulator).is_empty());
    emulator.stop().await.unwrap();
}
