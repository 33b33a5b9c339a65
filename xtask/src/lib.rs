//! Project tasks: `gen` writes the generated part of the sdk from the spec, `check` proves the
//! checked-in output is what the spec produces.

use std::fs;
use std::path::{Path, PathBuf};

pub const SPEC: &str = "spec/configuration-v3.6.json";
pub const OUT: &str = "sdk/src/generated";

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives inside the workspace")
        .to_path_buf()
}

/// What the spec produces: each file's path relative to `OUT` and its contents.
pub fn expected(root: &Path) -> Result<Vec<codegen::File>, String> {
    let path = root.join(SPEC);
    let json = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let spec = codegen::load(&json).map_err(|e| format!("{SPEC} is invalid:\n{e}"))?;
    Ok(codegen::generate(&spec))
}

fn checked_in(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(out)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".rs"))
        .collect();
    names.sort();
    names
}

/// Writes the generated files, touching only those that changed and removing ones the spec no
/// longer produces. Returns the paths it wrote or removed.
pub fn gen(root: &Path) -> Result<Vec<String>, String> {
    let files = expected(root)?;
    let out = root.join(OUT);
    fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut changed = Vec::new();
    for file in &files {
        let path = out.join(&file.path);
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
        }
    }
    Ok(changed)
}

/// Every way the checked-in output differs from what the spec produces, one line per file.
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
    Ok(problems)
}
