//! What a call costs the client in work, counted rather than timed: instructions and
//! first-level cache misses per call under cachegrind, this sdk against bare reqwest +
//! serde_json. The counts are the same on every run of the same binary, whatever else the
//! machine is doing; CPU time on a shared virtual machine moves by a tenth between rounds.

use crate::canned::sibling;
use crate::table::Row;
use std::path::Path;
use std::process::{Command, Stdio};

/// Per-call counts of one client.
#[derive(Debug, Clone, Copy)]
struct PerCall {
    instructions: f64,
    /// Instruction-cache plus data-cache (read and write) misses of the simulated 32 KiB L1s.
    l1_misses: f64,
}

/// The cachegrind row, against the canned server at `base_url`; `calls` sequential calls on
/// a current-thread runtime (the start-up the two runs share is taken out by also running a
/// third as many).
pub fn row(base_url: &str, calls: usize) -> Row {
    let name = format!(
        "Client work per call under cachegrind: {calls} sequential get_agent less {}, current-thread runtime, sdk ÷ bare reqwest+serde_json",
        few(calls)
    );
    match measured(base_url, calls) {
        Ok((sdk, bare)) => Row::new(
            name,
            format!(
                "instructions {:.2}× (sdk {:.0}, bare {:.0}); L1 misses {:.2}× (sdk {:.0}, bare {:.0}); counted, the same on every run",
                sdk.instructions / bare.instructions,
                sdk.instructions,
                bare.instructions,
                sdk.l1_misses / bare.l1_misses,
                sdk.l1_misses,
                bare.l1_misses
            ),
        ),
        Err(e) => Row::new(name, format!("not measured: {e}")),
    }
}

/// The calls of the smaller run, whose counts are taken from the larger's.
fn few(calls: usize) -> usize {
    (calls / 3).max(1)
}

fn measured(base_url: &str, calls: usize) -> Result<(PerCall, PerCall), String> {
    Command::new("valgrind")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .map_err(|_| "valgrind is not installed".to_string())?;
    let probe = sibling("client_probe")?;
    let dir = crate::target_dir().join("cachegrind");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let few = few(calls);
    let per_call = |which: &str| -> Result<PerCall, String> {
        let small = totals(&probe, &dir, which, few, base_url)?;
        let large = totals(&probe, &dir, which, calls, base_url)?;
        let n = calls.saturating_sub(few).max(1) as f64;
        let delta =
            |event: &str| Ok::<f64, String>((large.get(event)? - small.get(event)?) as f64 / n);
        Ok(PerCall {
            instructions: delta("Ir")?,
            l1_misses: delta("I1mr")? + delta("D1mr")? + delta("D1mw")?,
        })
    };
    Ok((per_call("sdk")?, per_call("bare")?))
}

/// The totals of one cachegrind run, by event name.
struct Totals(Vec<(String, u64)>);

impl Totals {
    fn get(&self, event: &str) -> Result<u64, String> {
        self.0
            .iter()
            .find(|(name, _)| name == event)
            .map(|(_, n)| *n)
            .ok_or_else(|| format!("cachegrind counted no `{event}`"))
    }
}

fn totals(
    probe: &Path,
    dir: &Path,
    which: &str,
    calls: usize,
    base_url: &str,
) -> Result<Totals, String> {
    let out = dir.join(format!("{which}.{calls}.out"));
    let run = Command::new("valgrind")
        .arg("--tool=cachegrind")
        .arg("--cache-sim=yes")
        .arg(format!("--cachegrind-out-file={}", out.display()))
        .arg(probe)
        .args([which, &calls.to_string(), base_url])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("valgrind: {e}"))?;
    if !run.status.success() {
        let said = String::from_utf8_lossy(&run.stderr);
        let last = said.lines().last().unwrap_or("").to_string();
        return Err(format!("{which} under cachegrind failed: {last}"));
    }
    let text = std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    parse(&text).ok_or_else(|| format!("{}: no events or summary line", out.display()))
}

/// The `events:` and `summary:` lines of a cachegrind output file.
fn parse(text: &str) -> Option<Totals> {
    let line = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|rest| rest.split_whitespace().collect::<Vec<_>>())
    };
    let events = line("events:")?;
    let summary = line("summary:")?;
    if events.len() != summary.len() {
        return None;
    }
    let counts = events
        .iter()
        .zip(&summary)
        .map(|(e, n)| Some((e.to_string(), n.parse().ok()?)))
        .collect::<Option<Vec<_>>>()?;
    Some(Totals(counts))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn a_cachegrind_file_gives_its_totals_by_event() {
        let text = "desc: I1 cache: 32768 B\ncmd: x\nevents: Ir I1mr D1mr D1mw\nfl=a.rs\n1 2 0 0 0\nsummary: 300 20 5 7\n";
        let totals = parse(text).unwrap();
        assert_eq!(totals.get("Ir").unwrap(), 300);
        assert_eq!(totals.get("D1mw").unwrap(), 7);
        assert!(totals.get("LLmr").is_err());
        assert!(parse("events: Ir I1mr\nsummary: 3\n").is_none());
        assert!(parse("summary: 3\n").is_none());
    }
}
