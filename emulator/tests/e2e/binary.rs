//! The `livechat-config-emulator` binary: it prints what it accepts, serves, keeps its state
//! file across a hard kill and stops on SIGINT; it refuses a state file another one holds, and a
//! change it cannot save (a full disk, here a file-size limit) leaves nothing behind.

use crate::persistence::temp_dir;
use livechat_config::{
    AccessType, Client, Credentials, ErrorKind, LocationAccess, PropertyAccess, PropertyType,
};
use livechat_config_emulator::{
    DEFAULT_CLIENT_ID, DEFAULT_PAT, DEFAULT_PAT_ACCOUNT, DEFAULT_TOKEN, TEST_NAMESPACE,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The command that runs the binary on a free port with this state file.
pub fn command(state: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_livechat-config-emulator"));
    command
        .args(["--listen", "127.0.0.1:0", "--state"])
        .arg(state)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// A resource limit to run the binary under.
#[derive(Clone, Copy)]
pub enum Limit {
    /// RLIMIT_FSIZE, in bytes.
    FileSize(u64),
    /// RLIMIT_NOFILE.
    Descriptors(u64),
}

/// Runs the binary with a resource limit set before it starts.
pub fn limited(mut command: Command, limit: Limit) -> Command {
    // SAFETY: setrlimit is async-signal-safe and touches nothing of the parent's memory.
    unsafe {
        command.pre_exec(move || {
            let (resource, value) = match limit {
                Limit::FileSize(bytes) => (libc::RLIMIT_FSIZE, bytes),
                Limit::Descriptors(count) => (libc::RLIMIT_NOFILE, count),
            };
            let value = value as libc::rlim_t;
            let limit = libc::rlimit {
                rlim_cur: value,
                rlim_max: value,
            };
            if libc::setrlimit(resource, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    command
}

/// A running binary, killed when dropped so a failing test leaves no process behind.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the binary and reads its banner up to the base URL.
pub fn start(mut command: Command) -> (Running, String, Vec<String>) {
    let mut child = Running(command.spawn().unwrap());
    let child_process = &mut child.0;
    let stdout = child_process.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let mut banner = Vec::new();
    loop {
        let Some(line) = lines.next() else {
            let mut stderr = String::new();
            let _ = child_process.wait();
            let _ = child_process
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr);
            panic!("the emulator exited early: {banner:?} {stderr}");
        };
        let line = line.unwrap();
        let done = line.contains("Ctrl-C");
        banner.push(line);
        if done {
            break;
        }
    }
    let url = banner[0].rsplit(' ').next().unwrap().to_string();
    (child, url, banner)
}

fn spawn(state: &Path) -> (Running, String, Vec<String>) {
    start(command(state))
}

pub fn client(url: &str) -> Client {
    Client::builder(Credentials::bearer(DEFAULT_TOKEN))
        .base_url(url)
        .build()
        .unwrap()
}

fn kill(child: Running) {
    drop(child);
}

#[tokio::test]
async fn serves_prints_tokens_and_keeps_state_across_a_kill() {
    let dir = temp_dir("binary");
    let state = dir.join("state.json");
    let (child, url, banner) = spawn(&state);
    assert!(url.starts_with("http://127.0.0.1:"), "{banner:?}");
    let text = banner.join("\n");
    assert!(text.contains("Bearer dal:emulator-token"), "{text}");
    assert!(text.contains("Bearer fra:emulator-token"), "{text}");
    assert!(text.contains("PAT account"), "{text}");

    client(&url).create_tag("survivor").await.unwrap();
    kill(child);

    let (mut running, url, _) = spawn(&state);
    let child = &mut running.0;
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

#[tokio::test]
async fn a_second_emulator_on_the_same_state_file_refuses_to_start() {
    let dir = temp_dir("binary-twice");
    let state = dir.join("state.json");
    let (first, url, _) = spawn(&state);
    client(&url).create_tag("first").await.unwrap();

    let mut second = Running(command(&state).spawn().unwrap());
    assert!(
        eventually(Duration::from_secs(10), || matches!(
            second.0.try_wait(),
            Ok(Some(_))
        )),
        "the second one must exit, not serve"
    );
    let status = second.0.wait().unwrap();
    assert!(!status.success(), "{status:?}");
    let mut stderr = String::new();
    let mut stdout = String::new();
    second
        .0
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    second
        .0
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    assert!(
        stderr.contains("cannot start") && stderr.contains("in use by another emulator"),
        "{stderr}"
    );
    assert!(stdout.is_empty(), "it never served: {stdout}");

    // The first one keeps serving and saving; a kill -9 does not leave the file locked.
    client(&url).create_tag("still first").await.unwrap();
    kill(first);
    let (child, url, _) = spawn(&state);
    let names: Vec<String> = client(&url)
        .list_tags()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["first", "still first"]);
    kill(child);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn string_property(value: Value) -> [(&'static str, BTreeMap<String, Value>); 1] {
    [(
        TEST_NAMESPACE,
        BTreeMap::from([("string_property".to_string(), value)]),
    )]
}

#[tokio::test]
async fn a_change_that_cannot_be_saved_is_refused_and_leaves_nothing_behind() {
    let dir = temp_dir("binary-fsize");
    let state = dir.join("state.db");
    let (child, _, _) = spawn(&state);
    kill(child);
    let largest = ["state.db", "state.db-wal"]
        .iter()
        .filter_map(|name| std::fs::metadata(dir.join(name)).ok())
        .map(|m| m.len())
        .max()
        .unwrap();

    // Room for small changes, not for a 64 KiB value.
    let (child, url, _) = start(limited(
        command(&state),
        Limit::FileSize(largest + 48 * 1024),
    ));
    let client = client(&url);
    client.create_tag("small").await.unwrap();
    client
        .update_license_properties(string_property(json!("kept")))
        .await
        .unwrap();

    let big = "x".repeat(64 * 1024);
    let refused = client
        .update_license_properties(string_property(json!(big)))
        .await;
    match refused {
        Err(livechat_config::Error::Api(e)) => {
            assert_eq!(e.kind, ErrorKind::Internal);
            assert!(e.message.contains("cannot save the state"), "{}", e.message);
        }
        other => panic!("a change that cannot be saved is refused: {other:?}"),
    }
    let listed = client
        .list_license_properties()
        .namespace(TEST_NAMESPACE)
        .await
        .unwrap();
    // Compared without printing: the refused value is 64 KiB.
    assert!(
        listed[TEST_NAMESPACE]["string_property"] == json!("kept"),
        "the refused value is not served"
    );

    // The next change that fits is saved without the refused one riding along.
    client.create_tag("after").await.unwrap();
    kill(child);

    let (child, url, _) = spawn(&state);
    let client = self::client(&url);
    let names: Vec<String> = client
        .list_tags()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert_eq!(names, ["small", "after"]);
    let listed = client
        .list_license_properties()
        .namespace(TEST_NAMESPACE)
        .await
        .unwrap();
    assert!(listed[TEST_NAMESPACE]["string_property"] == json!("kept"));
    kill(child);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Waits until `check` holds, for at most `limit`.
pub fn eventually(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

#[tokio::test]
async fn organization_client_ids_from_the_command_line() {
    let dir = temp_dir("binary-organization");
    let mut command = command(&dir.join("state.json"));
    command.args(["--organization-client-id", "partner-app"]);
    let (child, url, banner) = start(command);
    let text = banner.join("\n");
    assert!(
        text.contains(&format!(
            "organization client ids: {DEFAULT_CLIENT_ID}, partner-app"
        )),
        "{text}"
    );
    let pat = Client::builder(Credentials::pat(DEFAULT_PAT_ACCOUNT, DEFAULT_PAT))
        .base_url(&url)
        .build()
        .unwrap();
    let access = || PropertyAccess::new().license(LocationAccess::new().agent([AccessType::Read]));
    pat.register_property("tier", "partner-app", PropertyType::String, access())
        .await
        .unwrap();
    match pat
        .register_property("tier", "elsewhere", PropertyType::String, access())
        .await
    {
        Err(livechat_config::Error::Api(e)) => assert_eq!(e.kind, ErrorKind::Validation),
        other => panic!("only the organization's Client IDs: {other:?}"),
    }
    kill(child);
    std::fs::remove_dir_all(&dir).unwrap();
}
