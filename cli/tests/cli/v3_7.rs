use crate::license::{self, HOOK_ENV, HOOK_SECRET};
use crate::support::{against, run, scratch, write};
use livechat_config::v3_7::Action as Preview;
use livechat_config_emulator::Emulator;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_reaches_the_preview_actions_at_their_path() {
    let emulator = Emulator::start().await.unwrap();
    let added = run(
        against(&emulator),
        &[
            "--api-version",
            "3.7",
            "call",
            "add_allowed_domain",
            r#"{"domain": "example.com"}"#,
        ],
    )
    .await;
    assert_eq!(added.code, 0, "{}", added.stderr);
    let listed = run(
        against(&emulator),
        &["--api-version", "3.7", "call", "list_allowed_domains"],
    )
    .await;
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let answer: Value = serde_json::from_str(&listed.stdout).unwrap();
    assert!(answer.to_string().contains("example.com"), "{answer}");
    assert_eq!(emulator.served(Preview::AddAllowedDomain), 1);

    let not_in_3_6 = run(against(&emulator), &["call", "list_allowed_domains"]).await;
    assert_eq!(not_in_3_6.code, 1);
    assert!(
        not_in_3_6
            .stderr
            .contains("not an action of the Configuration API v3.6"),
        "{}",
        not_in_3_6.stderr
    );

    let help = run(
        against(&emulator),
        &["--api-version", "3.7", "call", "ban_customer", "--help"],
    )
    .await;
    assert!(help.stdout.starts_with("ban_customer: "), "{}", help.stdout);
    emulator.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_and_plan_work_through_the_preview_too() {
    let dir = scratch("v3_7_apply");
    let emulator = Emulator::start().await.unwrap();
    let file = write(&dir, "base.toml", &license::base());
    let mut command = against(&emulator);
    command.env(HOOK_ENV, HOOK_SECRET);
    let applied = run(command, &["--api-version", "3.7", "apply", &file, "--yes"]).await;
    assert_eq!(applied.code, 0, "{}\n{}", applied.stdout, applied.stderr);
    assert_eq!(emulator.served(Preview::BatchCreateAgents), 1);

    let plan = run(against(&emulator), &["--api-version", "3.7", "plan", &file]).await;
    assert_eq!(plan.code, 0, "{}", plan.stdout);
    // One license behind both versions: v3.6 sees the same configuration.
    let plan = run(against(&emulator), &["plan", &file]).await;
    assert_eq!(plan.code, 0, "{}", plan.stdout);
    emulator.stop().await.unwrap();
}

/// The request line of the one request a server on loopback gets, answered `[]`.
async fn request_line_of(version: &[&str]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = socket.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
        }
        let reply =
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n[]";
        socket.write_all(reply).await.unwrap();
        let text = String::from_utf8_lossy(&seen).into_owned();
        text.lines().next().unwrap_or_default().to_owned()
    });
    let mut command = crate::support::bare();
    command
        .env("LIVECHAT_TOKEN", "dal:t")
        .env("LIVECHAT_BASE_URL", &base);
    let mut args = version.to_vec();
    args.extend(["call", "list_agents"]);
    let called = run(command, &args).await;
    assert_eq!(called.code, 0, "{}", called.stderr);
    server.await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_action_goes_to_the_chosen_version_path() {
    assert_eq!(
        request_line_of(&[]).await,
        "POST /v3.6/configuration/action/list_agents HTTP/1.1"
    );
    assert_eq!(
        request_line_of(&["--api-version", "3.7"]).await,
        "POST /v3.7/configuration/action/list_agents HTTP/1.1"
    );
}
