//! Project tasks: `gen` writes the generated part of the sdk and the OpenAPI documents from the
//! specs, `check` proves the checked-in output is what the specs produce.

pub mod diff;

use std::fs;
use std::path::{Path, PathBuf};

/// The version the crate root re-exports.
pub const STABLE: &str = "3.6";
/// The stable version's spec.
pub const SPEC: &str = "spec/configuration-v3.6.json";
pub const OUT: &str = "sdk/src/generated";
/// Where each version's OpenAPI document goes: `emulator/openapi/configuration-v<X.Y>.json`, shipped in the emulator crate that serves it.
pub const OPENAPI: &str = "emulator/openapi";
const SPEC_DIR: &str = "spec";
const SDK_MANIFEST: &str = "sdk/Cargo.toml";
/// The sdk feature that turns on every version, for the programs that speak them all.
pub const EVERY_VERSION: &str = "every-version";
/// The spec crate's list of embedded spec documents.
const SPEC_DOCUMENTS: &str = "spec/src/documents.rs";
/// The emulator's list of embedded OpenAPI documents.
const OPENAPI_DOCUMENTS: &str = "emulator/openapi/documents.rs";

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// The versions with a spec `spec/configuration-v<X.Y>.json`, in version order, with their paths.
pub fn specs(root: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let dir = root.join(SPEC_DIR);
    let entries = fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut specs: Vec<(Vec<u64>, String, PathBuf)> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let version = name
                .strip_prefix("configuration-v")?
                .strip_suffix(".json")?
                .to_string();
            let key: Option<Vec<u64>> = version.split('.').map(|p| p.parse().ok()).collect();
            Some((key?, version, entry.path()))
        })
        .collect();
    specs.sort();
    Ok(specs.into_iter().map(|(_, v, p)| (v, p)).collect())
}

/// What the specs produce: each file's path relative to `OUT` (`v3_6/agents.rs`, `mod.rs`) and
/// its contents.
pub fn expected(root: &Path) -> Result<Vec<codegen::File>, String> {
    let specs = specs(root)?;
    let mut loaded = Vec::new();
    for (version, path) in &specs {
        let shown = path
            .strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string();
        let json = fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
        let spec = codegen::load(&json).map_err(|e| format!("{shown} is invalid:\n{e}"))?;
        if spec.version != *version {
            return Err(format!(
                "{shown} says it is version {}, its name says {version}",
                spec.version
            ));
        }
        loaded.push(spec);
    }
    if !loaded.iter().any(|s| s.version == STABLE) {
        return Err(format!(
            "{SPEC} is missing: the crate root needs the stable version"
        ));
    }
    codegen::generate_all(&loaded, STABLE)
}

/// What the specs produce outside `OUT` and `OPENAPI`, each with its path from the root: the
/// lists of spec and OpenAPI documents the spec crate and the emulator embed, and the sdk's
/// `every-version` feature.
pub fn listings(root: &Path) -> Result<Vec<(String, String)>, String> {
    let versions: Vec<String> = specs(root)?.into_iter().map(|(v, _)| v).collect();
    let header = codegen::HEADER;
    let n = versions.len();
    let mut spec_docs = format!(
        "{header}\n/// Every version's spec document as `(version, JSON)`, in version order, embedded so that the\n\
         /// programs that read a spec at run time carry the very text the sdk was generated from.\n\
         pub const DOCUMENTS: [(&str, &str); {n}] = [\n"
    );
    let mut openapi_docs = format!(
        "{header}\n/// Each version's OpenAPI document and where the emulator serves it, as `cargo xtask gen`\n\
         /// wrote them.\n\
         pub const DOCUMENTS: [(&str, &str); {n}] = [\n"
    );
    for v in &versions {
        spec_docs.push_str(&format!(
            "    (\"{v}\", include_str!(\"../configuration-v{v}.json\")),\n"
        ));
        openapi_docs.push_str(&format!(
            "    (\n        \"/emulator/openapi/v{v}.json\",\n        include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/openapi/configuration-v{v}.json\")),\n    ),\n"
        ));
    }
    spec_docs.push_str("];\n");
    openapi_docs.push_str("];\n");
    let manifest_path = root.join(SDK_MANIFEST);
    let mut listed = vec![
        (SPEC_DOCUMENTS.to_string(), spec_docs),
        (OPENAPI_DOCUMENTS.to_string(), openapi_docs),
    ];
    // A workspace copy without the sdk (some tests make one) has no feature to keep.
    let Ok(manifest) = fs::read_to_string(&manifest_path) else {
        return Ok(listed);
    };
    let features: Vec<String> = versions
        .iter()
        .map(|v| format!("\"{}\"", codegen::module_name(v)))
        .collect();
    let line = format!("{EVERY_VERSION} = [{}]", features.join(", "));
    let mut found = false;
    let mut lines: Vec<&str> = manifest
        .lines()
        .map(|l| {
            if l.starts_with(&format!("{EVERY_VERSION} = ")) {
                found = true;
                line.as_str()
            } else {
                l
            }
        })
        .collect();
    if !found {
        if let Some(at) = lines.iter().position(|l| *l == "[features]") {
            lines.insert(at + 1, &line);
        }
    }
    let mut new_manifest = lines.join("\n");
    new_manifest.push('\n');
    listed.push((SDK_MANIFEST.to_string(), new_manifest));
    Ok(listed)
}

/// Each version's OpenAPI document: its path relative to `OPENAPI` and its contents.
pub fn documents(root: &Path) -> Result<Vec<codegen::File>, String> {
    let mut files = Vec::new();
    for (version, path) in specs(root)? {
        let json = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let spec =
            codegen::load(&json).map_err(|e| format!("{} is invalid:\n{e}", path.display()))?;
        files.push(codegen::File {
            path: format!("configuration-v{version}.json"),
            contents: codegen::openapi(&spec),
        });
    }
    Ok(files)
}

/// The `.json` files under `dir`, sorted.
fn checked_in_documents(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".json"))
        .collect();
    names.sort();
    names
}

/// Every `.rs` file under `out`, relative to it, `/`-separated, sorted.
fn checked_in(out: &Path) -> Vec<String> {
    fn walk(dir: &Path, prefix: &str, names: &mut Vec<String>) {
        for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if path.is_dir() {
                walk(&path, &format!("{prefix}{name}/"), names);
            } else if name.ends_with(".rs") {
                names.push(format!("{prefix}{name}"));
            }
        }
    }
    let mut names = Vec::new();
    walk(out, "", &mut names);
    names.sort();
    names
}

/// The versions whose cargo feature `sdk/Cargo.toml` lacks.
fn missing_features(root: &Path, files: &[codegen::File]) -> Vec<String> {
    let manifest = fs::read_to_string(root.join(SDK_MANIFEST)).unwrap_or_default();
    let mut missing: Vec<String> = files
        .iter()
        .filter_map(|f| f.path.split_once('/').map(|(module, _)| module.to_string()))
        .filter(|module| {
            !manifest
                .lines()
                .any(|l| l.starts_with(&format!("{module} = ")))
        })
        .collect();
    missing.dedup();
    missing
}

/// Writes the generated files, touching only those that changed and removing ones the specs no
/// longer produce. Returns the paths it wrote or removed.
pub fn gen(root: &Path) -> Result<Vec<String>, String> {
    let files = expected(root)?;
    let out = root.join(OUT);
    let mut changed = Vec::new();
    for file in &files {
        let path = out.join(&file.path);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        if fs::read_to_string(&path).ok().as_deref() != Some(file.contents.as_str()) {
            fs::write(&path, &file.contents).map_err(|e| format!("{}: {e}", path.display()))?;
            changed.push(format!("{OUT}/{}", file.path));
        }
    }
    for name in checked_in(&out) {
        if !files.iter().any(|f| f.path == name) {
            let path = out.join(&name);
            fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            changed.push(format!("{OUT}/{name} (removed)"));
            if let Some(dir) = path.parent().filter(|d| *d != out) {
                // Only succeeds once the directory is empty: a version whose spec is gone.
                let _ = fs::remove_dir(dir);
            }
        }
    }
    let dir = root.join(OPENAPI);
    let documents = documents(root)?;
    fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for file in &documents {
        let path = dir.join(&file.path);
        if fs::read_to_string(&path).ok().as_deref() != Some(file.contents.as_str()) {
            fs::write(&path, &file.contents).map_err(|e| format!("{}: {e}", path.display()))?;
            changed.push(format!("{OPENAPI}/{}", file.path));
        }
    }
    for name in checked_in_documents(&dir) {
        if !documents.iter().any(|f| f.path == name) {
            let path = dir.join(&name);
            fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            changed.push(format!("{OPENAPI}/{name} (removed)"));
        }
    }
    for (path, contents) in listings(root)? {
        let at = root.join(&path);
        if fs::read_to_string(&at).ok().as_deref() != Some(contents.as_str()) {
            if let Some(dir) = at.parent() {
                fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            fs::write(&at, &contents).map_err(|e| format!("{}: {e}", at.display()))?;
            changed.push(path);
        }
    }
    for module in missing_features(root, &files) {
        changed.push(format!(
            "{SDK_MANIFEST} needs a feature `{module} = []` for the generated module"
        ));
    }
    Ok(changed)
}

/// Every way the checked-in output differs from what the specs produce, one line per file.
pub fn stale(root: &Path) -> Result<Vec<String>, String> {
    let files = expected(root)?;
    let out = root.join(OUT);
    let mut problems = Vec::new();
    for file in &files {
        match fs::read_to_string(out.join(&file.path)) {
            Ok(text) if text == file.contents => {}
            Ok(_) => problems.push(format!("{OUT}/{} is stale", file.path)),
            Err(_) => problems.push(format!("{OUT}/{} is missing", file.path)),
        }
    }
    for name in checked_in(&out) {
        if !files.iter().any(|f| f.path == name) {
            problems.push(format!("{OUT}/{name} is not produced by the spec"));
        }
    }
    let dir = root.join(OPENAPI);
    let documents = documents(root)?;
    for file in &documents {
        match fs::read_to_string(dir.join(&file.path)) {
            Ok(text) if text == file.contents => {}
            Ok(_) => problems.push(format!("{OPENAPI}/{} is stale", file.path)),
            Err(_) => problems.push(format!("{OPENAPI}/{} is missing", file.path)),
        }
    }
    for name in checked_in_documents(&dir) {
        if !documents.iter().any(|f| f.path == name) {
            problems.push(format!("{OPENAPI}/{name} is not produced by the spec"));
        }
    }
    for (path, contents) in listings(root)? {
        match fs::read_to_string(root.join(&path)) {
            Ok(text) if text == contents => {}
            Ok(_) => problems.push(format!("{path} is stale")),
            Err(_) => problems.push(format!("{path} is missing")),
        }
    }
    for module in missing_features(root, &files) {
        problems.push(format!("{SDK_MANIFEST} has no feature `{module}`"));
    }
    Ok(problems)
}
