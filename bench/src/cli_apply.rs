//! The `livechat-config` command-line tool applying a file of agents in groups, against making
//! the same groups and agents with one `create_agent` call per agent, both with latency on every
//! request.

use crate::rows::Sizes;
use crate::stats::Spread;
use crate::table::Row;
use livechat_config::{GroupAssignment, Priority};
use livechat_config_emulator::{Emulator, DEFAULT_TOKEN};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LATENCY: Duration = Duration::from_millis(20);
const GROUPS: usize = 10;

/// The release binary, built (or found up to date) in the bench's target directory.
fn binary() -> Result<PathBuf, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let target = crate::target_dir();
    let status = Command::new(&cargo)
        .args([
            "build",
            "--release",
            "-p",
            "livechat-config-cli",
            "--target-dir",
        ])
        .arg(&target)
        .current_dir(crate::root())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("{cargo}: {e}"))?;
    if !status.success() {
        return Err(format!("building livechat-config failed ({status})"));
    }
    Ok(target.join("release").join("livechat-config"))
}

fn file(agents: usize) -> String {
    let mut text = String::new();
    for g in 0..GROUPS {
        let _ = writeln!(text, "[[groups]]\nname = \"Team {g}\"\n");
    }
    for i in 0..agents {
        let _ = writeln!(
            text,
            "[[agents]]\nid = \"agent{i}@bench.example.com\"\nname = \"Agent {i}\"\n\
             groups = [{{ group = \"Team {}\", priority = \"normal\" }}]\n",
            i % GROUPS
        );
    }
    text
}

fn apply(binary: &Path, file: &Path, emulator: &Emulator) -> Result<(), String> {
    let output = Command::new(binary)
        .args(["apply", "--yes"])
        .arg(file)
        .env("LIVECHAT_TOKEN", DEFAULT_TOKEN)
        .env("LIVECHAT_BASE_URL", emulator.base_url())
        .env_remove("LIVECHAT_CLIENT_ID")
        .output()
        .map_err(|e| e.to_string())?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "apply failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

async fn one_by_one(emulator: &Emulator, agents: usize) -> Result<(), String> {
    let client = emulator.client();
    let mut ids = Vec::new();
    for g in 0..GROUPS {
        let group = client
            .create_group(format!("Team {g}"), [])
            .await
            .map_err(|e| e.to_string())?;
        ids.push(group.id);
    }
    for i in 0..agents {
        client
            .create_agent(format!("agent{i}@bench.example.com"), format!("Agent {i}"))
            .groups([GroupAssignment::new(ids[i % GROUPS], Priority::Normal)])
            .await
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Runs the row: each round applies the file to a fresh emulator, then makes the same groups
/// and agents one call at a time on another.
pub async fn row(sizes: &Sizes) -> Result<Row, String> {
    let binary = tokio::task::spawn_blocking(binary)
        .await
        .map_err(|e| e.to_string())??;
    let agents = sizes.bulk_agents;
    let dir = crate::target_dir().join("bench-cli");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join("agents.toml");
    std::fs::write(&path, file(agents)).map_err(|e| e.to_string())?;
    let (mut ratios, mut applied_ms, mut single_ms) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..sizes.bulk_rounds {
        let emulator = Emulator::builder()
            .latency(LATENCY)
            .start()
            .await
            .map_err(|e| e.to_string())?;
        let started = Instant::now();
        let (binary, path) = (binary.clone(), path.clone());
        let emulator = tokio::task::spawn_blocking(move || {
            apply(&binary, &path, &emulator).map(|()| emulator)
        })
        .await
        .map_err(|e| e.to_string())??;
        let cli = started.elapsed().as_secs_f64();
        let made = emulator
            .client()
            .list_agents()
            .await
            .map_err(|e| e.to_string())?;
        if made.len() != agents + 1 {
            return Err(format!(
                "apply made {} agents, not {agents}",
                made.len() - 1
            ));
        }
        emulator.stop().await.map_err(|e| e.to_string())?;

        let emulator = Emulator::builder()
            .latency(LATENCY)
            .start()
            .await
            .map_err(|e| e.to_string())?;
        let started = Instant::now();
        one_by_one(&emulator, agents).await?;
        let single = started.elapsed().as_secs_f64();
        emulator.stop().await.map_err(|e| e.to_string())?;

        ratios.push(single / cli);
        applied_ms.push(cli * 1000.0);
        single_ms.push(single * 1000.0);
    }
    let nan = Spread {
        median: f64::NAN,
        min: f64::NAN,
        max: f64::NAN,
    };
    let ratio = Spread::of(&ratios).unwrap_or(nan);
    Ok(Row::new(
        format!(
            "CLI: `livechat-config apply` of {agents} agents in {GROUPS} groups, {} ms latency per request, \
             ÷ one create_agent per agent",
            LATENCY.as_millis()
        ),
        format!(
            "{} faster; apply {} (process start, reading the license and planning included), one by one {}",
            ratio.ratio(1),
            Spread::of(&applied_ms).unwrap_or(nan).with_unit(0, "ms"),
            Spread::of(&single_ms).unwrap_or(nan).with_unit(0, "ms"),
        ),
    )
    .target("≥ 20×", ratio.median >= 20.0))
}
