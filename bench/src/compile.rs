//! Compile cost of the sdk crate alone, per feature set: dependencies built once in a target
//! directory of its own, then `cargo clean -p livechat-config` and a timed
//! `cargo build -p livechat-config` with that feature set.

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

/// A set of the sdk's cargo features to build with: the defaults plus `extra`.
#[derive(Debug, Clone, Copy)]
pub struct FeatureSet {
    pub label: &'static str,
    /// Features added to the defaults; empty for the defaults alone.
    pub extra: &'static [&'static str],
}

/// The feature sets the compile rows report, the defaults first: the other rows compare with it.
pub const FEATURE_SETS: [FeatureSet; 3] = [
    FeatureSet {
        label: "default",
        extra: &[],
    },
    FeatureSet {
        label: "default + server",
        extra: &["server"],
    },
    FeatureSet {
        label: "default + v3_7",
        extra: &["v3_7"],
    },
];

/// Names declared in the `[features]` table of a Cargo.toml.
pub fn declared_features(manifest: &str) -> Vec<String> {
    let mut in_features = false;
    let mut names = Vec::new();
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_features = line == "[features]";
        } else if in_features && !line.starts_with('#') {
            if let Some((name, _)) = line.split_once('=') {
                names.push(name.trim().trim_matches('"').to_string());
            }
        }
    }
    names
}

/// The features of `set` that the sdk's Cargo.toml does not declare (yet).
pub fn absent_features(root: &Path, set: &FeatureSet) -> Result<Vec<&'static str>, String> {
    let path = root.join("sdk/Cargo.toml");
    let manifest =
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let declared = declared_features(&manifest);
    Ok(set
        .extra
        .iter()
        .copied()
        .filter(|f| !declared.iter().any(|d| d == f))
        .collect())
}

/// Wall and CPU seconds of one clean build.
#[derive(Debug, Clone, Copy)]
pub struct BuildTime {
    pub wall: f64,
    /// User + system time of cargo and rustc: what the build costs whatever else the machine
    /// is doing, which the wall time on a shared machine does not show.
    pub cpu: f64,
}

/// CPU seconds used so far by this process's finished children and the children they waited
/// for: cargo and every rustc it ran.
fn children_cpu() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) } != 0 {
        return f64::NAN;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(usage.ru_utime) + secs(usage.ru_stime)
}

/// Each clean debug build of `livechat-config` with `set`, its dependencies already built.
pub fn measure(
    root: &Path,
    target_dir: &Path,
    set: &FeatureSet,
    runs: usize,
) -> Result<Vec<BuildTime>, String> {
    let dir = target_dir.join("bench-compile");
    let features = set.extra.join(",");
    let mut build = vec!["build", "-p", "livechat-config"];
    if !features.is_empty() {
        build.extend(["--features", &features]);
    }
    cargo(root, &dir, &build)?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        cargo(root, &dir, &["clean", "-p", "livechat-config"])?;
        let cpu = children_cpu();
        let started = Instant::now();
        cargo(root, &dir, &build)?;
        times.push(BuildTime {
            wall: started.elapsed().as_secs_f64(),
            cpu: children_cpu() - cpu,
        });
    }
    Ok(times)
}

/// The commit the default build's CPU is compared with, side by side in the same run: the one
/// before the work that made the public API fit for 0.1, whose goal is 20 % less.
pub const BASELINE: &str = "9379bb1";

/// The tree of `rev` of the repository at `root`, written under `target_dir` (once).
pub fn checkout(root: &Path, target_dir: &Path, rev: &str) -> Result<std::path::PathBuf, String> {
    let dir = target_dir.join(format!("bench-compile-{rev}"));
    if dir.join("Cargo.toml").is_file() {
        return Ok(dir);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let archive = Command::new("git")
        .args(["archive", "--format=tar", rev])
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("git: {e}"))?;
    let unpacked = Command::new("tar")
        .arg("-x")
        .current_dir(&dir)
        .stdin(archive.stdout.ok_or("git archive gave no output")?)
        .status()
        .map_err(|e| format!("tar: {e}"))?;
    if !unpacked.success() || !dir.join("Cargo.toml").is_file() {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(format!(
            "cannot unpack commit {rev} (is it in this clone's history?)"
        ));
    }
    Ok(dir)
}

/// Clean default builds of the sdk now and at `baseline`, taking turns so that the machine's
/// state weighs on both alike: one `(now, baseline)` pair per run.
pub fn measure_against(
    root: &Path,
    target_dir: &Path,
    baseline: &Path,
    runs: usize,
) -> Result<Vec<(BuildTime, BuildTime)>, String> {
    let now_dir = target_dir.join("bench-compile");
    let then_dir = target_dir.join("bench-compile-baseline-target");
    let build = ["build", "-p", "livechat-config"];
    cargo(root, &now_dir, &build)?;
    cargo(baseline, &then_dir, &build)?;
    let mut pairs = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let one = |tree: &Path, dir: &Path| -> Result<BuildTime, String> {
            cargo(tree, dir, &["clean", "-p", "livechat-config"])?;
            let cpu = children_cpu();
            let started = Instant::now();
            cargo(tree, dir, &build)?;
            Ok(BuildTime {
                wall: started.elapsed().as_secs_f64(),
                cpu: children_cpu() - cpu,
            })
        };
        let now = one(root, &now_dir)?;
        let then = one(baseline, &then_dir)?;
        pairs.push((now, then));
    }
    Ok(pairs)
}

/// Cold runs of `cargo run --example quickstart` (what a new user's first command costs: every
/// dependency compiled, their sources already downloaded), now and at `baseline`, in turns: one
/// `(now, baseline)` pair per run. Each run starts without a target directory.
pub fn quickstart_against(
    root: &Path,
    target_dir: &Path,
    baseline: &Path,
    runs: usize,
) -> Result<Vec<(BuildTime, BuildTime)>, String> {
    let scratch = target_dir.join("bench-quickstart-target");
    let run = ["run", "--example", "quickstart"];
    let one = |tree: &Path| -> Result<BuildTime, String> {
        let _ = std::fs::remove_dir_all(&scratch);
        let cpu = children_cpu();
        let started = Instant::now();
        cargo(tree, &scratch, &run)?;
        let time = BuildTime {
            wall: started.elapsed().as_secs_f64(),
            cpu: children_cpu() - cpu,
        };
        let _ = std::fs::remove_dir_all(&scratch);
        Ok(time)
    };
    let mut pairs = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        pairs.push((one(root)?, one(baseline)?));
    }
    Ok(pairs)
}

/// Lines of the `.rs` files in `dir` and the directories under it.
pub fn lines_in(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .map(|path| {
            if path.is_dir() {
                lines_in(&path)
            } else if path.extension().is_some_and(|x| x == "rs") {
                std::fs::read_to_string(&path)
                    .map(|text| text.lines().count())
                    .unwrap_or(0)
            } else {
                0
            }
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_features_reads_only_the_features_table() {
        let manifest = "[package]\nname = \"x\"\n\n[features]\ndefault = [\"a\"]\n## doc\na = []\n\"b\" = [\"dep/c\"]\n\n[dependencies]\nserde = \"1\"\n";
        assert_eq!(declared_features(manifest), ["default", "a", "b"]);
    }

    #[test]
    fn the_sdk_declares_server_and_an_absent_feature_is_reported() {
        let root = crate::root();
        let server = absent_features(&root, &FEATURE_SETS[1]).unwrap();
        assert!(server.is_empty(), "{server:?}");
        let missing = FeatureSet {
            label: "x",
            extra: &["server", "no_such_feature"],
        };
        assert_eq!(
            absent_features(&root, &missing).unwrap(),
            ["no_such_feature"]
        );
    }
}
