//! Numbers for livechat-config, measured against the emulator on loopback: the sdk's overhead
//! over hand-written calls, throughput next to the official Python SDK, the batch helpers'
//! speed-up, the generator's and the compiler's cost, and behaviour under load and fuzzing.
//!
//! `cargo run -p livechat-config-bench --release` prints the table; `BENCHMARKS.md` records a run.

pub mod cachegrind_rows;
pub mod canned;
pub mod cli_apply;
pub mod client_rows;
pub mod compile;
pub mod delivery_rows;
pub mod fuzz;
pub mod generator;
pub mod load;
pub mod probe;
pub mod python;
pub mod raw_client;
pub mod rng;
pub mod rows;
pub mod state_rows;
pub mod stats;
pub mod table;
pub mod version_rows;
pub mod workload;

use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// Where cargo puts its output: `CARGO_TARGET_DIR`, else `target/` at the root.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
}
