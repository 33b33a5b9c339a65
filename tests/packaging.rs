//! The sdk crate as a registry user meets it: declared MSRV, metadata, TLS features.

use serde_json::Value;
use std::process::Command;

fn cargo(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO"))
        .args(args)
        .current_dir(livechat_config_tests::root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn version(text: &str) -> Vec<u64> {
    text.split('.').map(|p| p.parse().unwrap()).collect()
}

fn metadata() -> Value {
    serde_json::from_str(&cargo(&["metadata", "--format-version", "1", "--locked"])).unwrap()
}

fn sdk(metadata: &Value) -> &Value {
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "livechat-config")
        .unwrap()
}

/// The default dependency tree, as package names.
fn default_tree(extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "tree",
        "-p",
        "livechat-config",
        "-e",
        "normal",
        "--prefix",
        "none",
        "--format",
        "{p}",
        "--locked",
    ];
    args.extend_from_slice(extra);
    cargo(&args)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn the_declared_msrv_covers_every_locked_dependency() {
    let metadata = metadata();
    let declared = version(sdk(&metadata)["rust_version"].as_str().unwrap());
    let tree = default_tree(&[]);
    for package in metadata["packages"].as_array().unwrap() {
        let name = package["name"].as_str().unwrap();
        if let (true, Some(needed)) = (
            tree.iter().any(|n| n == name),
            package["rust_version"].as_str(),
        ) {
            assert!(
                version(needed) <= declared,
                "{name} needs Rust {needed}, more than the declared {declared:?}"
            );
        }
    }
}

#[test]
fn the_default_tree_has_no_openssl_and_native_tls_brings_it() {
    assert!(default_tree(&[]).iter().all(|n| !n.contains("openssl")));
    let native = default_tree(&["--no-default-features", "--features", "native-tls"]);
    assert!(native.iter().any(|n| n == "openssl"), "{native:?}");
    assert!(native.iter().all(|n| n != "rustls"), "{native:?}");
}

#[test]
fn registry_metadata_is_complete() {
    let metadata = metadata();
    let sdk = sdk(&metadata);
    for key in [
        "description",
        "license",
        "repository",
        "readme",
        "rust_version",
    ] {
        assert!(sdk[key].as_str().is_some_and(|v| !v.is_empty()), "{key}");
    }
    assert!(!sdk["keywords"].as_array().unwrap().is_empty());
    assert!(!sdk["categories"].as_array().unwrap().is_empty());
    let features = sdk["features"].as_object().unwrap();
    assert_eq!(features["default"], serde_json::json!(["rustls"]));
    assert!(features.contains_key("native-tls"));
}

#[test]
fn the_package_ships_the_generated_code_and_the_readme() {
    let files = cargo(&[
        "package",
        "-p",
        "livechat-config",
        "--list",
        "--allow-dirty",
    ]);
    let files: Vec<&str> = files.lines().collect();
    for expected in [
        "README.md",
        "src/lib.rs",
        "src/generated/mod.rs",
        "src/generated/action.rs",
        "src/generated/types.rs",
    ] {
        assert!(
            files.contains(&expected),
            "{expected} missing from {files:?}"
        );
    }
    assert!(
        !files.iter().any(|f| f.ends_with("build.rs")),
        "nothing is generated at build time"
    );
}
