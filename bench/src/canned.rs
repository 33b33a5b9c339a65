//! The `canned` server binary of this crate, started as a child process for the client rows.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A running canned server; dropping it stops the process.
pub struct CannedServer {
    child: Child,
    base_url: String,
}

/// The binary `name` of this crate beside the running one (`target/<profile>/`, or one level
/// up from a test's `deps/`), built first when it is not there.
pub fn sibling(name: &str) -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let candidates: Vec<PathBuf> = exe
        .ancestors()
        .skip(1)
        .take(2)
        .map(|dir| dir.join(name))
        .collect();
    if let Some(found) = candidates.iter().find(|p| p.is_file()) {
        return Ok(found.clone());
    }
    let mut build = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    build.current_dir(crate::root()).args([
        "build",
        "-q",
        "-p",
        "livechat-config-bench",
        "--bin",
        name,
    ]);
    if !cfg!(debug_assertions) {
        build.arg("--release");
    }
    let status = build.status().map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build --bin {name} failed"));
    }
    candidates
        .into_iter()
        .find(|p| p.is_file())
        .ok_or_else(|| format!("{name} was built but is not beside this binary"))
}

impl CannedServer {
    /// Starts the server, pinned to `core` when given.
    pub fn start(core: Option<usize>) -> Result<Self, String> {
        let mut command = Command::new(sibling("canned")?);
        if let Some(core) = core {
            command.args(["--core", &core.to_string()]);
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("canned: {e}"))?;
        let mut line = String::new();
        let read = child
            .stdout
            .take()
            .map(|out| BufReader::new(out).read_line(&mut line));
        let base_url = line.trim().to_string();
        if !matches!(read, Some(Ok(n)) if n > 0) || !base_url.starts_with("http://") {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "canned did not say its address (said {base_url:?})"
            ));
        }
        Ok(CannedServer { child, base_url })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

impl Drop for CannedServer {
    fn drop(&mut self) {
        // Closing its standard input ends the server; waiting reaps it.
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}
