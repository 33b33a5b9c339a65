//! lc-sdk-python, the official Python SDK, in a throwaway virtualenv under the target directory,
//! running the same workload against the same emulator.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const PACKAGE: &str = "lc-sdk-python==0.4.2";
/// Imported by the SDK's modules but missing from its declared requirements.
const UNDECLARED: &str = "loguru";
const SCRIPT: &str = include_str!("../python/lc_bench.py");

/// A virtualenv with the Python SDK installed, and the workload script beside it.
pub struct PythonSdk {
    python: PathBuf,
    script: PathBuf,
}

/// Seconds one run of the script took for its sequential and its thread-pool part, in wall
/// time and in the interpreter process's CPU time.
#[derive(Debug, Clone, Copy)]
pub struct PythonRun {
    pub sequential_s: f64,
    pub concurrent_s: f64,
    pub sequential_cpu_s: f64,
    pub concurrent_cpu_s: f64,
}

/// Which calls the script makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mix {
    /// `get_agent` and `list_agents` in turn.
    ReadsInTurn,
    /// Only `get_agent`.
    GetAgent,
}

fn run(command: &mut Command) -> Result<String, String> {
    let program = command.get_program().to_string_lossy();
    let first = command.get_args().next().map(|a| a.to_string_lossy());
    let shown = format!("{program} {}", first.unwrap_or_default());
    let output = command.output().map_err(|e| format!("{shown}: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().last().unwrap_or("").trim().to_string();
        Err(format!("{shown} failed: {last}"))
    }
}

impl PythonSdk {
    /// Creates the virtualenv and installs the SDK unless an earlier run did.
    pub fn install(target_dir: &Path) -> Result<Self, String> {
        let venv = target_dir.join("bench-venv-lc-sdk-python-0.4.2");
        let python = venv.join("bin").join("python");
        let installed = python.exists()
            && run(Command::new(&python).args(["-c", "import livechat.configuration.base"]))
                .is_ok();
        if !installed {
            run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
            run(Command::new(&python).args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                PACKAGE,
                UNDECLARED,
            ]))?;
        }
        let script = venv.join("lc_bench.py");
        std::fs::write(&script, SCRIPT).map_err(|e| format!("{}: {e}", script.display()))?;
        Ok(PythonSdk { python, script })
    }

    /// One run of the workload: `calls` calls sequentially, then `calls` from `threads` threads.
    pub fn run(
        &self,
        base_url: &str,
        token: &str,
        calls: usize,
        threads: usize,
        ids: &[String],
    ) -> Result<PythonRun, String> {
        self.run_mix(base_url, token, calls, threads, ids, Mix::ReadsInTurn)
    }

    /// Like [`run`](Self::run), with the calls of `mix`.
    pub fn run_mix(
        &self,
        base_url: &str,
        token: &str,
        calls: usize,
        threads: usize,
        ids: &[String],
        mix: Mix,
    ) -> Result<PythonRun, String> {
        let mix = match mix {
            Mix::ReadsInTurn => "mixed",
            Mix::GetAgent => "get_agent",
        };
        let stdout = run(Command::new(&self.python).arg(&self.script).args([
            base_url,
            token,
            &calls.to_string(),
            &threads.to_string(),
            &ids.join(","),
            mix,
        ]))?;
        let report: Value = serde_json::from_str(stdout.trim())
            .map_err(|e| format!("unexpected output {stdout:?}: {e}"))?;
        let seconds = |key: &str| {
            report[key]
                .as_f64()
                .filter(|s| *s > 0.0)
                .ok_or_else(|| format!("no `{key}` in {stdout:?}"))
        };
        Ok(PythonRun {
            sequential_s: seconds("sequential_s")?,
            concurrent_s: seconds("concurrent_s")?,
            sequential_cpu_s: seconds("sequential_cpu_s")?,
            concurrent_cpu_s: seconds("concurrent_cpu_s")?,
        })
    }
}
