//! A plan as JSON (`plan --out PLAN`, `plan --json`): the operations `apply PLAN` runs, and a
//! fingerprint of the license state they were computed from, so that what runs is what was
//! reviewed. Webhook secrets appear as their `{ env = … }` references only.

use crate::kinds::Kind;
use crate::live::Live;
use crate::plan::{Op, Plan};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `format` of a plan file; another is refused.
pub const FORMAT: &str = "livechat-config-plan/1";

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    pub format: String,
    /// The API version it was computed with (`3.6`).
    pub api_version: String,
    /// The API it was computed against (without credentials).
    pub base_url: String,
    /// The configuration file it came from.
    pub file: String,
    pub prune: bool,
    /// The Client IDs whose sections were read.
    pub client_ids: Vec<String>,
    /// `--target`s it was limited to; empty for all.
    pub targets: Vec<String>,
    /// SHA-256 of everything the plan read from the license.
    pub fingerprint: String,
    pub operations: Vec<Op>,
    /// Differences no action can make.
    pub differences: Vec<String>,
}

impl PlanFile {
    pub fn plan(&self) -> Plan {
        Plan {
            ops: self.operations.clone(),
            warnings: self.differences.clone(),
        }
    }

    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The plan file at `path`, or `None` when the file is not one (a configuration file).
    pub fn read(path: &str) -> Result<Option<Self>, String> {
        // What cannot be read as one is left to the configuration reader, which says why.
        let Ok(bytes) = crate::document::read_bounded(path) else {
            return Ok(None);
        };
        let Ok(text) = String::from_utf8(bytes) else {
            return Ok(None);
        };
        let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
            return Ok(None);
        };
        match value.get("format").and_then(serde_json::Value::as_str) {
            None => Ok(None),
            Some(FORMAT) => serde_json::from_value(value)
                .map(Some)
                .map_err(|e| format!("{path}: not a plan this tool can apply: {e}")),
            Some(other) => Err(format!(
                "{path}: a plan of format `{}`; this tool applies `{FORMAT}`",
                crate::shown::shown(other)
            )),
        }
    }
}

/// SHA-256 of what the plan read from the license: the file form of every managed section and
/// the ids the API knows each resource by.
pub fn fingerprint(live: &Live) -> String {
    let ids: Vec<(Kind, &String, &serde_json::Value)> = live
        .ids
        .iter()
        .map(|((kind, key), id)| (*kind, key, id))
        .collect();
    let read = serde_json::json!({ "root": live.root, "ids": ids, "groups": live.groups });
    let digest = Sha256::digest(serde_json::to_vec(&read).unwrap_or_default());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}
