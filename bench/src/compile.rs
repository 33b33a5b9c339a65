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

/// Wall and CPU seconds of one clean build.
#[derive(Debug, Clone, Copy)]
pub struct BuildTime {
    pub wall: f64,
    /// User + system time of cargo and rustc: what the build costs whatever else the machine
    /// is doing, which the wall time on a shared machine does not show.
    pub cpu: f64,
}

/// CPU seconds used so far by this process's finished children.
fn children_cpu() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) } != 0 {
        return f64::NAN;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// Each clean debug build of `livechat-config`, its dependencies already built.
pub fn measure(root: &Path, target_dir: &Path, runs: usize) -> Result<Vec<BuildTime>, String> {
    let dir = target_dir.join("bench-compile");
    cargo(root, &dir, &["build", "-p", "livechat-config"])?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        cargo(root, &dir, &["clean", "-p", "livechat-config"])?;
        let cpu = children_cpu();
        let started = Instant::now();
        cargo(root, &dir, &["build", "-p", "livechat-config"])?;
        times.push(BuildTime {
            wall: started.elapsed().as_secs_f64(),
            cpu: children_cpu() - cpu,
        });
    }
    Ok(times)
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
