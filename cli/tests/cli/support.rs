//! Runs the built `livechat-config` binary against an emulator started by the test.

use livechat_config_emulator::{Emulator, DEFAULT_CLIENT_ID, DEFAULT_TOKEN};
use std::path::Path;
use std::process::{Command, Output};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Self {
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// The binary with no credentials or target from the test's own environment.
pub fn bare() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_livechat-config"));
    for name in [
        "LIVECHAT_TOKEN",
        "LIVECHAT_ACCOUNT_ID",
        "LIVECHAT_PAT",
        "LIVECHAT_REGION",
        "LIVECHAT_BASE_URL",
        "LIVECHAT_CLIENT_ID",
        "LIVECHAT_ACCOUNTS_URL",
        "RUST_BACKTRACE",
    ] {
        command.env_remove(name);
    }
    // No login or state of the machine's user is read: directories of the test's own.
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    command
        .env("XDG_CONFIG_HOME", tmp.join("no-login"))
        .env("XDG_STATE_HOME", tmp.join("state-bare"));
    command
}

/// The binary pointed at `emulator` with its default token and Client ID, and the webhook secrets
/// of the shared license and of exports set (a plan refuses a file whose secrets are not).
pub fn against(emulator: &Emulator) -> Command {
    let mut command = bare();
    command
        .env("LIVECHAT_TOKEN", DEFAULT_TOKEN)
        .env("LIVECHAT_BASE_URL", emulator.base_url())
        .env("LIVECHAT_CLIENT_ID", DEFAULT_CLIENT_ID)
        .env(crate::license::HOOK_ENV, crate::license::HOOK_SECRET)
        .env("LIVECHAT_WEBHOOK_SECRET", crate::license::HOOK_SECRET)
        .env(
            "XDG_STATE_HOME",
            Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join(format!("state-{}", emulator.local_addr().port())),
        );
    command
}

/// Runs a command off the async runtime, so the emulator keeps serving meanwhile.
pub async fn run(mut command: Command, args: &[&str]) -> Run {
    command.args(args);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("the command's thread")
        .expect("the binary runs");
    Run::from(output)
}

pub fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a test file");
    path.to_string_lossy().into_owned()
}

/// A fresh directory under the target dir for this test's files.
pub fn scratch(name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}
