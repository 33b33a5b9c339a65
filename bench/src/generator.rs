//! The generator's cost: what `cargo xtask gen` computes (spec → Rust source), timed in-process,
//! and whether it produces the same bytes every time and the bytes checked in.

use std::path::Path;
use std::time::Instant;

pub struct GeneratorRun {
    /// Wall time of each run, in milliseconds.
    pub millis: Vec<f64>,
    /// Every run produced the same files, byte for byte.
    pub identical: bool,
    /// The checked-in `sdk/src/generated/` is what the spec produces.
    pub matches_checked_in: bool,
    pub files: usize,
    pub lines: usize,
}

pub fn measure(root: &Path, runs: usize) -> Result<GeneratorRun, String> {
    let mut millis = Vec::with_capacity(runs);
    let mut first: Option<Vec<(String, String)>> = None;
    let mut identical = true;
    for _ in 0..runs.max(2) {
        let started = Instant::now();
        let files = xtask::expected(root)?;
        millis.push(started.elapsed().as_secs_f64() * 1000.0);
        let files: Vec<(String, String)> =
            files.into_iter().map(|f| (f.path, f.contents)).collect();
        match &first {
            None => first = Some(files),
            Some(first) => identical &= *first == files,
        }
    }
    let files = first.unwrap_or_default();
    Ok(GeneratorRun {
        millis,
        identical,
        matches_checked_in: xtask::stale(root)?.is_empty(),
        files: files.len(),
        lines: files.iter().map(|(_, text)| text.lines().count()).sum(),
    })
}
