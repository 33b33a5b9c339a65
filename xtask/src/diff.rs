//! `cargo xtask diff <old> <new>`: what one API version changes against another.

use std::fs;
use std::path::{Path, PathBuf};

/// Where a spec lives: a version (`3.7`, `v3.7`) names `spec/configuration-v<version>.json` under
/// `root`; anything else (`None`) is a path to a spec file.
fn version_path(root: &Path, arg: &str) -> Option<PathBuf> {
    let version = arg.strip_prefix('v').unwrap_or(arg);
    let is_version = !version.is_empty()
        && version.split('.').count() == 2
        && version
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    is_version.then(|| root.join(format!("spec/configuration-v{version}.json")))
}

fn load(root: &Path, arg: &str) -> Result<codegen::Spec, String> {
    let version = version_path(root, arg);
    let path = version.clone().unwrap_or_else(|| PathBuf::from(arg));
    let json = fs::read_to_string(&path).map_err(|e| {
        if version.is_some() && e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "no spec for version {arg}: {} does not exist",
                path.display()
            )
        } else {
            format!("{}: {e}", path.display())
        }
    })?;
    codegen::load(&json).map_err(|e| format!("{} is invalid:\n{e}", path.display()))
}

/// The rendering of what the spec `new` changes against `old` (each a version or a path).
pub fn diff(root: &Path, old: &str, new: &str) -> Result<String, String> {
    let old = load(root, old)?;
    let new = load(root, new)?;
    Ok(codegen::diff::diff(&old, &new).render())
}
