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
    assert_eq!(features["default"], serde_json::json!(["rustls", "v3_6"]));
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
        "src/generated/v3_6/action.rs",
        "src/generated/v3_6/types.rs",
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

/// The generated `.rs` files under `sdk/src/generated/`, with their text.
fn generated_sources() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.display().to_string(), text));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &livechat_config_tests::root().join("sdk/src/generated"),
        &mut out,
    );
    out
}

/// Every line of `text` that declares `item`, with the attributes and docs right above it.
fn declarations<'a>(text: &'a str, item: &str) -> Vec<(Vec<&'a str>, &'a str)> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with(item) {
            let above = lines[..i]
                .iter()
                .rev()
                .take_while(|l| l.starts_with("#[") || l.starts_with("///"))
                .copied()
                .collect();
            found.push((above, *line));
        }
    }
    found
}

const SERVER: &str = "#[cfg(feature = \"server\")]";

#[test]
fn request_decoding_is_compiled_only_with_the_server_feature() {
    let mut gated = 0;
    for (path, text) in generated_sources() {
        for item in [
            "pub fn decode_request(",
            "pub enum AnyRequest",
            "impl AnyRequest",
            "fn check_json(",
            "pub mod server;",
            "pub use server::",
        ] {
            for (above, line) in declarations(&text, item) {
                assert!(
                    above.contains(&SERVER),
                    "{path}: `{line}` is not behind `server`"
                );
                gated += 1;
            }
        }
    }
    // decode_request, the enum and its impl, and the JSON checks of many request types.
    assert!(gated > 20, "only {gated} gated items found");
    let root = livechat_config_tests::root();
    for (file, item) in [
        ("sdk/src/validate.rs", "pub fn strict("),
        ("sdk/src/validate.rs", "fn check_json("),
        ("sdk/src/decode.rs", "pub fn request<"),
        ("sdk/src/decode.rs", "pub fn batch_request<"),
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let found = declarations(&text, item);
        assert!(!found.is_empty(), "{file}: no `{item}`");
        for (above, line) in found {
            assert!(
                above.contains(&SERVER),
                "{file}: `{line}` is not behind `server`"
            );
        }
    }
}

#[test]
fn a_client_with_default_features_builds_without_the_server_feature() {
    let metadata = metadata();
    let features = &sdk(&metadata)["features"];
    assert_eq!(features["server"], serde_json::json!([]));
    let default = features["default"].as_array().unwrap();
    assert!(!default.iter().any(|f| f == "server"), "{default:?}");
    // What cargo actually compiles for `cargo check -p livechat-config`.
    let out = cargo(&[
        "check",
        "-p",
        "livechat-config",
        "--lib",
        "--message-format",
        "json",
        "--locked",
    ]);
    let artifact: Value = out
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "livechat_config")
        .unwrap();
    let built: Vec<&str> = artifact["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(built.contains(&"rustls"), "{built:?}");
    assert!(!built.contains(&"server"), "{built:?}");
    // The emulator is a server: it asks for the feature.
    let emulator = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "livechat-config-emulator")
        .unwrap();
    let dep = emulator["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["name"] == "livechat-config")
        .unwrap();
    assert!(dep["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "server"));
}
