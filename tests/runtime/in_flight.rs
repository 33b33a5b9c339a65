//! A burst of calls far larger than the process's descriptor limit: each call holds a
//! connection, so the client's bound on calls in flight is what keeps them all working.

use livechat_config::{Client, Credentials};
use livechat_config_emulator::Emulator;
use std::process::Command;

/// Set in the child process that runs the burst under a lowered descriptor limit.
const CHILD: &str = "LIVECHAT_CONFIG_TEST_BURST_CHILD";
const CALLS: usize = 10_000;

#[cfg(target_os = "linux")]
#[test]
fn ten_thousand_calls_at_once_under_1024_descriptors_all_succeed() {
    if std::env::var_os(CHILD).is_some() {
        return burst();
    }
    // The limit is the process's, so the burst runs in a child of its own with `ulimit -n`.
    let out = Command::new("bash")
        .arg("-c")
        .arg(r#"ulimit -n 1024 && exec "$0" "$@""#)
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "in_flight::ten_thousand_calls_at_once_under_1024_descriptors_all_succeed",
            "--nocapture",
        ])
        .env(CHILD, "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!(
            "{CALLS} of {CALLS} calls succeeded under 1024 descriptors"
        )),
        "{stdout}\n{stderr}"
    );
}

fn burst() {
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap();
    let open_files = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap();
    assert_eq!(
        open_files.split_whitespace().nth(3),
        Some("1024"),
        "{open_files}"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let emulator = Emulator::start().await.unwrap();
        let client = Client::builder(Credentials::bearer("dal:emulator-token"))
            .base_url(emulator.base_url())
            .build()
            .unwrap();
        let mut calls = tokio::task::JoinSet::new();
        for _ in 0..CALLS {
            let client = client.clone();
            calls.spawn(async move { client.list_tags().await });
        }
        let mut succeeded = 0;
        let mut first_error = None;
        while let Some(joined) = calls.join_next().await {
            match joined.unwrap() {
                Ok(tags) => {
                    assert!(tags.is_empty(), "{tags:?}");
                    succeeded += 1;
                }
                Err(e) => {
                    first_error.get_or_insert_with(|| format!("{e:?}"));
                }
            }
        }
        assert_eq!(succeeded, CALLS, "first error: {first_error:?}");
        println!("{succeeded} of {CALLS} calls succeeded under 1024 descriptors");
    });
}
