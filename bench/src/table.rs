//! The printed result: one row per measurement, with its target and whether it was met.

use std::fmt;

/// Whether a row met its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Met,
    Missed,
    /// No target, or it could not be measured in this run.
    Info,
}

/// One line of the table.
#[derive(Debug, Clone)]
pub struct Row {
    pub name: String,
    pub value: String,
    pub target: String,
    pub verdict: Verdict,
}

impl Row {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Row {
            name: name.into(),
            value: value.into(),
            target: String::new(),
            verdict: Verdict::Info,
        }
    }

    /// Sets the target and whether the measured value met it.
    pub fn target(mut self, target: impl Into<String>, met: bool) -> Self {
        self.target = target.into();
        self.verdict = if met { Verdict::Met } else { Verdict::Missed };
        self
    }
}

/// A Markdown table, so a run pastes straight into BENCHMARKS.md.
pub struct Table<'a>(pub &'a [Row]);

impl fmt::Display for Table<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "| Measurement | Result: median (min–max) | Target | |")?;
        writeln!(f, "|---|---|---|---|")?;
        for row in self.0 {
            let mark = match row.verdict {
                Verdict::Met => "met",
                Verdict::Missed => "MISSED",
                Verdict::Info => "",
            };
            writeln!(
                f,
                "| {} | {} | {} | {} |",
                row.name, row.value, row.target, mark
            )?;
        }
        Ok(())
    }
}
