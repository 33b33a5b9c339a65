//! The `livechat-config-emulator` binary: it prints what it accepts, serves, keeps its state
//! file across a hard kill and stops on SIGINT.

use crate::persistence::temp_dir;
use livechat_config::{Client, Credentials};
use livechat_config_emulator::DEFAULT_TOKEN;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Starts the binary on a free port and reads its banner up to the base URL.
fn spawn(state: &Path) -> (Child, String, Vec<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_livechat-config-emulator"))
        .args(["--listen", "127.0.0.1:0", "--state"])
        .arg(state)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut banner = Vec::new();
    loop {
        let line = lines.next().expect("the emulator exited early").unwrap();
        let done = line.contains("Ctrl-C");
        banner.push(line);
        if done {
            break;
        }
    }
    let url = banner[0].rsplit(' ').next().unwrap().to_string();
    (child, url, banner)
}

fn client(url: &str) -> Client {
    Client::builder(Credentials::bearer(DEFAULT_TOKEN))
        .base_url(url)
        .build()
        .unwrap()
}

#[tokio::test]
async fn serves_prints_tokens_and_keeps_state_across_a_kill() {
    let dir = temp_dir("binary");
    let state = dir.join("state.json");
    let (mut child, url, banner) = spawn(&state);
    assert!(url.starts_with("http://127.0.0.1:"), "{banner:?}");
    let text = banner.join("\n");
    assert!(text.contains("Bearer dal:emulator-token"), "{text}");
    assert!(text.contains("Bearer fra:emulator-token"), "{text}");
    assert!(text.contains("PAT account"), "{text}");

    client(&url).create_tag("survivor").await.unwrap();
    child.kill().unwrap();
    child.wait().unwrap();

    let (mut child, url, _) = spawn(&state);
    let tags = client(&url).list_tags().await.unwrap();
    assert_eq!(tags.len(), 1);
    assert_eq!(tags[0].name, "survivor");

    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert!(exit.success(), "Ctrl-C stops it cleanly: {exit:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}
