//! Compile cost of the sdk crate alone: dependencies built once in a target directory of its own,
//! then `cargo clean -p livechat-config` and a timed `cargo build -p livechat-config`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

fn cargo(root: &Path, target_dir: &Path, args: &[&str]) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let status = Command::new(&cargo)
        .args(args)
        .arg("--target-dir")
        .arg(target_dir)
        .current_dir(root)
        .env_remove("RUSTFLAGS")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("{cargo}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("cargo {} failed ({status})", args.join(" ")))
    }
}

/// Seconds of each clean debug build of `livechat-config`, its dependencies already built.
pub fn measure(root: &Path, target_dir: &Path, runs: usize) -> Result<Vec<f64>, String> {
    let dir = target_dir.join("bench-compile");
    cargo(root, &dir, &["build", "-p", "livechat-config"])?;
    let mut seconds = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        cargo(root, &dir, &["clean", "-p", "livechat-config"])?;
        let started = Instant::now();
        cargo(root, &dir, &["build", "-p", "livechat-config"])?;
        seconds.push(started.elapsed().as_secs_f64());
    }
    Ok(seconds)
}

/// Lines of the `.rs` files directly in `dir`.
pub fn lines_in(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .map(|text| text.lines().count())
        .sum()
}
