//! Adding an API version is a spec file and its feature line. In a scratch copy of the workspace:
//! `spec/configuration-v3.8.json` (v3.7 renamed) and `v3_8 = ["v3_7"]` in `sdk/Cargo.toml`, then
//! `cargo xtask gen`, and nothing else. The copy's emulator then serves `/v3.8/…`, its command-line
//! tool calls v3.8, its OpenAPI document exists, `cargo xtask check` passes, and its tests that
//! read the versions from the registry cover v3.8.
//!
//! The copy builds in a target directory of its own under `target/`: one shared with this
//! workspace would see the copy's crates as this workspace's (cargo hashes path crates by their
//! place in the workspace) and write over them.

use livechat_config_tests::root;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const TOKEN: &str = "dal:new-version";

/// Every file of the workspace but build output and version control.
fn copy_workspace(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        let (source, dest) = (entry.path(), to.join(&name));
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_workspace(&source, &dest);
        } else {
            std::fs::copy(&source, &dest).unwrap();
        }
    }
}

fn cargo(workspace: &Path, target: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "cargo {args:?}:\n{stderr}");
    String::from_utf8(out.stdout).unwrap()
}

/// The copy's emulator binary, and its base URL from the line it prints at start.
struct Emulator(Child, String);

impl Emulator {
    fn start(binary: &Path) -> Emulator {
        let mut child = Command::new(binary)
            .args(["--listen", "127.0.0.1:0", "--token", TOKEN])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let banner = lines.next().unwrap().unwrap();
        let url = banner.rsplit(" at ").next().unwrap().trim().to_string();
        assert!(banner.contains("v3.8"), "{banner}");
        // The rest of what it prints is read away so that it never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Emulator(child, url)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A POST with the token over a connection of its own: the status and the JSON answer.
fn post(base_url: &str, path: &str, body: &str) -> (u16, Value) {
    use std::io::{Read, Write};
    let host = base_url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer[9..12].parse().unwrap();
    let (_, payload) = answer.split_once("\r\n\r\n").unwrap();
    (status, serde_json::from_str(payload).unwrap_or(Value::Null))
}

#[test]
fn a_spec_file_and_its_feature_line_make_a_version_everywhere() {
    let scratch = root().join("target/new-version");
    let workspace = scratch.join("workspace");
    let target: PathBuf = scratch.join("target");
    let _ = std::fs::remove_dir_all(&workspace);
    std::fs::create_dir_all(&workspace).unwrap();
    copy_workspace(&root(), &workspace);

    let preview = std::fs::read_to_string(workspace.join("spec/configuration-v3.7.json")).unwrap();
    let mut spec: Value = serde_json::from_str(&preview).unwrap();
    spec["version"] = json!("3.8");
    spec["path"] = json!("/v3.8/configuration/action/{action}");
    std::fs::write(
        workspace.join("spec/configuration-v3.8.json"),
        serde_json::to_string_pretty(&spec).unwrap(),
    )
    .unwrap();
    let manifest_path = workspace.join("sdk/Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path).unwrap();
    let feature = "v3_7 = [\"v3_6\"]\n";
    assert!(manifest.contains(feature));
    std::fs::write(
        &manifest_path,
        manifest.replace(feature, &format!("{feature}v3_8 = [\"v3_7\"]\n")),
    )
    .unwrap();

    let written = cargo(&workspace, &target, &["xtask", "gen"]);
    for path in [
        "sdk/src/generated/v3_8/agents.rs",
        "sdk/src/generated/v3_8/bridge.rs",
        "sdk/src/generated/versions.rs",
        "emulator/openapi/configuration-v3.8.json",
        "emulator/openapi/documents.rs",
        "spec/src/documents.rs",
        "sdk/Cargo.toml",
    ] {
        assert!(
            written.contains(path),
            "gen did not write {path}:\n{written}"
        );
    }
    cargo(&workspace, &target, &["xtask", "check"]);
    let document: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace.join("emulator/openapi/configuration-v3.8.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(document["info"]["version"], "3.8");
    // v3.8 repeats v3.7, so a server of v3.7 serves it whole: nothing of its own to write.
    let bridge =
        std::fs::read_to_string(workspace.join("sdk/src/generated/v3_8/bridge.rs")).unwrap();
    assert!(bridge.contains("pub trait OwnHandlers: crate::v3_7::Handlers {}"));

    cargo(
        &workspace,
        &target,
        &[
            "build",
            "-p",
            "livechat-config-emulator",
            "--bin",
            "livechat-config-emulator",
            "-p",
            "livechat-config-cli",
            "--bin",
            "livechat-config",
        ],
    );
    let emulator = Emulator::start(&target.join("debug/livechat-config-emulator"));
    let called = Command::new(target.join("debug/livechat-config"))
        .args(["--base-url", &emulator.1, "--token", TOKEN])
        .args(["--api-version", "3.8", "call", "list_agents"])
        .env_remove("LIVECHAT_PAT")
        .env_remove("LIVECHAT_ACCOUNT_ID")
        .output()
        .unwrap();
    assert!(
        called.status.success(),
        "{}",
        String::from_utf8_lossy(&called.stderr)
    );
    let agents: Value = serde_json::from_slice(&called.stdout).unwrap();
    assert!(!agents.as_array().unwrap().is_empty(), "{agents}");

    // Every action of v3.8, batch endpoints included, is served at its path: answered, or refused
    // as a request of that version.
    let mut names: Vec<String> = Vec::new();
    for action in spec["actions"].as_array().unwrap() {
        names.push(action["name"].as_str().unwrap().to_string());
        if let Some(batch) = action["batch_endpoint"].as_str() {
            names.push(batch.to_string());
        }
    }
    assert_eq!(names.len(), livechat_config::v3_7::Action::ALL.len());
    for name in &names {
        let path = format!("/v3.8/configuration/action/{name}");
        let (status, reply) = post(&emulator.1, &path, "{}");
        assert!(
            status == 200
                || (status == 400 || status == 404)
                    && reply["error"]["type"] != "unsupported_version",
            "{name}: {status} {reply}"
        );
    }
    let (status, domains) = post(
        &emulator.1,
        "/v3.8/configuration/action/add_allowed_domain",
        r#"{"domain": "v3-8.example.com"}"#,
    );
    assert_eq!(status, 200, "{domains}");
    let (_, listed) = post(
        &emulator.1,
        "/v3.7/configuration/action/list_allowed_domains",
        "{}",
    );
    assert!(listed.to_string().contains("v3-8.example.com"), "{listed}");

    // The copy's own tests that read the versions from the registry run over v3.8 too.
    let tested = Command::new(env!("CARGO"))
        .args([
            "test",
            "-p",
            "livechat-config-emulator",
            "--test",
            "every_version",
        ])
        .current_dir(&workspace)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&tested.stdout);
    assert!(
        tested.status.success(),
        "{report}\n{}",
        String::from_utf8_lossy(&tested.stderr)
    );
    assert!(report.contains("test result: ok. 5 passed"), "{report}");
}
