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
    let tree = default_tree(&[]);
    assert!(tree.iter().all(|n| !n.contains("openssl")));
    // The client speaks HTTP/1.1 only, so HTTP/2 is not compiled either.
    assert!(!tree.iter().any(|n| n == "h2"), "{tree:?}");
    let native = default_tree(&["--no-default-features", "--features", "native-tls"]);
    assert!(native.iter().any(|n| n == "openssl"), "{native:?}");
    assert!(native.iter().all(|n| n != "rustls"), "{native:?}");
}

/// What a registry serves; the rest of the workspace is for the project's maintainers.
const PUBLISHED: [&str; 4] = [
    "livechat-config",
    "livechat-config-emulator",
    "livechat-config-cli",
    "livechat-config-spec",
];

fn package<'a>(metadata: &'a Value, name: &str) -> &'a Value {
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no package {name}"))
}

#[test]
fn registry_metadata_is_complete() {
    let metadata = metadata();
    let root = livechat_config_tests::root();
    for name in PUBLISHED {
        let package = package(&metadata, name);
        for key in [
            "description",
            "license",
            "repository",
            "readme",
            "rust_version",
        ] {
            assert!(
                package[key].as_str().is_some_and(|v| !v.is_empty()),
                "{name}: {key}"
            );
        }
        assert!(
            !package["keywords"].as_array().unwrap().is_empty(),
            "{name}"
        );
        assert!(
            !package["categories"].as_array().unwrap().is_empty(),
            "{name}"
        );
        // `publish = false` shows as an empty list of registries.
        assert_eq!(package["publish"], Value::Null, "{name} is publishable");
        // A registry page is the crate's own README, not the workspace's.
        let manifest = std::path::Path::new(package["manifest_path"].as_str().unwrap());
        let readme = manifest
            .parent()
            .unwrap()
            .join(package["readme"].as_str().unwrap());
        assert_eq!(
            readme.parent(),
            manifest.parent(),
            "{name}: {}",
            readme.display()
        );
        assert!(readme.is_file(), "{name}: {}", readme.display());
        // Every workspace crate it needs is published too, and named with a version.
        for dep in package["dependencies"].as_array().unwrap() {
            if dep["path"].is_string() && dep["kind"] != "dev" {
                let dep_name = dep["name"].as_str().unwrap();
                assert!(PUBLISHED.contains(&dep_name), "{name} needs {dep_name}");
                assert_ne!(dep["req"], "*", "{name}: {dep_name} has no version");
            }
        }
    }
    for package in metadata["packages"].as_array().unwrap() {
        let name = package["name"].as_str().unwrap();
        let local = package["source"].is_null();
        if local && !PUBLISHED.contains(&name) {
            assert_eq!(
                package["publish"],
                serde_json::json!([]),
                "{name} is for maintainers"
            );
        }
    }
    assert!(root.join("LICENSE-MIT").is_file() && root.join("LICENSE-APACHE").is_file());
    let sdk = sdk(&metadata);
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

/// The Markdown pages of the repository a reader follows links between.
fn markdown_pages() -> Vec<std::path::PathBuf> {
    let root = livechat_config_tests::root();
    let mut pages: Vec<_> = [
        "README.md",
        "CONTRIBUTING.md",
        "sdk/README.md",
        "emulator/README.md",
        "cli/README.md",
        "spec/README.md",
    ]
    .iter()
    .map(|page| root.join(page))
    .collect();
    for entry in std::fs::read_dir(root.join("docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            pages.push(path);
        }
    }
    pages.sort();
    pages
}

/// The READMEs a registry shows as a crate's page, where a relative link leads nowhere.
const REGISTRY_PAGES: [&str; 4] = [
    "sdk/README.md",
    "emulator/README.md",
    "cli/README.md",
    "spec/README.md",
];

/// `text` without its fenced code blocks, line by line (a fenced line reads as empty, so line
/// numbers stay right).
fn prose_lines(text: &str) -> Vec<&str> {
    let mut fence: Option<&str> = None;
    text.lines()
        .map(|line| {
            let trimmed = line.trim_start();
            let marker = ["```", "~~~"].into_iter().find(|m| trimmed.starts_with(m));
            match (fence, marker) {
                (None, Some(m)) => {
                    fence = Some(m);
                    ""
                }
                (Some(open), Some(m)) if open == m => {
                    fence = None;
                    ""
                }
                (Some(_), _) => "",
                (None, None) => line,
            }
        })
        .collect()
}

/// A line without its inline code spans, which may hold `](` that is no link.
fn without_code_spans(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        out.push_str(&rest[..start]);
        let ticks = rest[start..].len() - rest[start..].trim_start_matches('`').len();
        let after = &rest[start + ticks..];
        match after.find(&"`".repeat(ticks)) {
            Some(end) => rest = &after[end + ticks..],
            // An unclosed span is a literal backtick.
            None => {
                out.push_str(&rest[start..start + ticks]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The link targets of a page, with their line numbers: inline `[text](target "title")` and
/// reference definitions `[label]: target`, outside code.
fn link_targets(text: &str) -> Vec<(usize, String)> {
    let mut targets = Vec::new();
    for (index, line) in prose_lines(text).into_iter().enumerate() {
        let line = without_code_spans(line);
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            if let Some((_, target)) = trimmed.split_once("]: ") {
                if let Some(target) = target.split_whitespace().next() {
                    targets.push((index + 1, target.to_string()));
                }
            }
        }
        let mut rest = line.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            // The target ends at the parenthesis that closes the one opened.
            let mut depth = 0usize;
            let end = after
                .char_indices()
                .find(|&(_, c)| match c {
                    '(' => {
                        depth += 1;
                        false
                    }
                    ')' if depth == 0 => true,
                    ')' => {
                        depth -= 1;
                        false
                    }
                    _ => false,
                })
                .map_or(after.len(), |(i, _)| i);
            let inner = after[..end].trim();
            let target = inner.split_whitespace().next().unwrap_or("");
            let target = target.trim_start_matches('<').trim_end_matches('>');
            targets.push((index + 1, target.to_string()));
            rest = &after[end..];
        }
    }
    targets
}

fn is_external(target: &str) -> bool {
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| target.starts_with(scheme))
}

/// The anchors GitHub gives a page's headings: lower case, spaces as hyphens, other punctuation
/// dropped; a repeated heading gets `-1`, `-2`, ….
fn heading_anchors(text: &str) -> Vec<String> {
    let mut anchors: Vec<String> = Vec::new();
    for line in prose_lines(text) {
        let Some(heading) = line.strip_prefix('#') else {
            continue;
        };
        let heading = heading.trim_start_matches('#');
        if !heading.starts_with(' ') {
            continue;
        }
        let slug: String = heading
            .trim()
            .chars()
            .filter(|&c| c == ' ' || c == '-' || c == '_' || c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let repeats = anchors
            .iter()
            .filter(|a| {
                **a == slug
                    || a.strip_prefix(&format!("{slug}-"))
                        .is_some_and(|n| n.parse::<u32>().is_ok())
            })
            .count();
        anchors.push(if repeats == 0 {
            slug
        } else {
            format!("{slug}-{repeats}")
        });
    }
    anchors
}

/// What is wrong with one relative link of `page`, if anything.
fn broken(page: &std::path::Path, target: &str) -> Option<String> {
    let (path, anchor) = match target.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (target, None),
    };
    if path.is_empty() && anchor.is_none() {
        return Some("an empty link".into());
    }
    let file = if path.is_empty() {
        page.to_path_buf()
    } else {
        page.parent().unwrap().join(path)
    };
    if !file.exists() {
        return Some(format!("{} does not exist", file.display()));
    }
    let anchor = anchor.filter(|a| !a.is_empty())?;
    if file.extension().is_some_and(|e| e == "md") {
        let text = std::fs::read_to_string(&file).unwrap();
        let anchors = heading_anchors(&text);
        if !anchors.iter().any(|a| a == anchor) {
            return Some(format!(
                "{} has no heading `#{anchor}`; it has {anchors:?}",
                file.display()
            ));
        }
    }
    None
}

#[test]
fn markdown_links_resolve_to_files_and_headings() {
    let root = livechat_config_tests::root();
    let mut problems = Vec::new();
    let mut checked = 0;
    for page in markdown_pages() {
        let text =
            std::fs::read_to_string(&page).unwrap_or_else(|e| panic!("{}: {e}", page.display()));
        let name = page.strip_prefix(&root).unwrap().display().to_string();
        for (line, target) in link_targets(&text) {
            if is_external(&target) {
                continue;
            }
            if REGISTRY_PAGES.contains(&name.as_str()) {
                problems.push(format!(
                    "{name}:{line}: `{target}` is relative, and a registry page cannot follow it; link to the repository instead"
                ));
                continue;
            }
            checked += 1;
            if let Some(problem) = broken(&page, &target) {
                problems.push(format!("{name}:{line}: `{target}`: {problem}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The front door and the guides link to each other: far more than a handful of links.
    assert!(checked > 30, "only {checked} relative links found");
}

#[test]
fn the_links_check_catches_broken_links_and_anchors() {
    let text = "# Title\n## A `code` heading, here\n## Title\n\
                see [a](docs/x.md#part \"t\") and [b](<y.md>)\n\
                `[not](a link)` ```\n```rust\nlet x = [a](b);\n```\n[ref]: z.md\n";
    let targets: Vec<String> = link_targets(text).into_iter().map(|(_, t)| t).collect();
    assert_eq!(targets, ["docs/x.md#part", "y.md", "z.md"]);
    assert_eq!(
        heading_anchors(text),
        ["title", "a-code-heading-here", "title-1"]
    );
    let readme = livechat_config_tests::root().join("README.md");
    assert!(broken(&readme, "docs/sdk.md").is_none());
    assert!(broken(&readme, "docs/no-such-guide.md").is_some());
    assert!(broken(&readme, "docs/sdk.md#errors").is_none());
    assert!(broken(&readme, "docs/sdk.md#no-such-heading").is_some());
    assert!(broken(&readme, "#set-up").is_none());
}

#[test]
fn the_readme_is_one_screen_with_the_set_up_commands() {
    let text = std::fs::read_to_string(livechat_config_tests::root().join("README.md")).unwrap();
    let lines = text.lines().count();
    assert!(
        lines <= 150,
        "README.md has {lines} lines; the rest belongs in docs/"
    );
    // CI and users run these two exactly as written.
    for command in [
        "cargo run --example quickstart   # main job: start the emulator in-process and walk a realistic flow through the sdk",
        "cargo test --workspace           # all tests: generator snapshots, spec checks, end-to-end over loopback HTTP",
    ] {
        assert!(
            text.lines().any(|l| l == command),
            "README.md lacks `{command}`"
        );
    }
}

/// `cargo run --example quickstart` compiles the emulator without what only its binary and its
/// state file use.
#[test]
fn the_quickstart_compiles_no_sqlite_and_no_command_line_parser() {
    let tree = cargo(&[
        "tree",
        "-p",
        "livechat-config-examples",
        "-e",
        "normal",
        "--prefix",
        "none",
        "--format",
        "{p}",
        "--locked",
    ]);
    let names: Vec<&str> = tree
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(names.contains(&"livechat-config-emulator"), "{names:?}");
    for unused in ["rusqlite", "libsqlite3-sys", "clap"] {
        assert!(!names.contains(&unused), "{unused} in {names:?}");
    }
}
