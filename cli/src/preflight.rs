//! What `plan`, and `apply` before its first call, refuse: everything that can be known wrong
//! without a write. With any of it, `apply` changes nothing.

use crate::document::{Document, Located};
use crate::kinds::{self, Entry, Kind};
use crate::live::Live;
use crate::plan::{Change, Plan};
use crate::target::{Target, Version};
use serde_json::Value;
use std::collections::BTreeMap;

/// The environment variables the tool itself reads (credentials, where to send, which Client
/// IDs): a file may not name them, or an untrusted file could send the operator's token to a
/// URL of its choosing.
pub fn own_variables() -> Vec<String> {
    use clap::Args;
    Target::augment_args(clap::Command::new("target"))
        .get_arguments()
        .filter_map(|arg| arg.get_env())
        .map(|name| name.to_string_lossy().into_owned())
        .collect()
}

pub fn check(
    doc: &Document,
    entries: &[Entry],
    plan: &Plan,
    live: &Live,
    version: Version,
    prune: bool,
) -> Result<(), Vec<Located>> {
    let mut problems = Vec::new();
    environment(entries, &mut |path, message| {
        problems.push(doc.locate(path, false, message))
    });
    owner(doc, entries, live, prune, &mut |path, message| {
        problems.push(doc.locate(path, false, message))
    });
    // Group names stand for ids in requests: the license's, and any id for one the plan makes.
    let mut groups: BTreeMap<String, u64> = live.groups.clone();
    for entry in entries.iter().filter(|e| e.kind == Kind::Group) {
        groups.entry(entry.key.clone()).or_insert(0);
    }
    for op in &plan.ops {
        let (Change::Create | Change::Update { .. }) = op.change else {
            continue;
        };
        // Property values go out gathered per group, not one request per entry; their values
        // are checked against their definitions by the API alone.
        if matches!(op.kind, Kind::LicenseProperty | Kind::GroupProperty) {
            continue;
        }
        let Some(entry) = &op.desired else { continue };
        if entry.body.get("role").and_then(Value::as_str) == Some("owner") {
            continue; // `owner` has said what is wrong with it
        }
        let (action, body) = match crate::apply::body_of(op.kind, op, &groups) {
            Ok(request) => request,
            Err(message) => {
                problems.push(doc.locate(&entry.path, false, message));
                continue;
            }
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        if let Err(e) = version.check_request(&action, &bytes) {
            let field = kinds::file_path(op.kind, &e.path);
            let path = if field.is_empty()
                || field == "."
                || !entry
                    .body
                    .contains_key(field.split(['.', '[']).next().unwrap_or_default())
            {
                entry.path.clone()
            } else {
                format!("{}.{field}", entry.path)
            };
            problems.push(doc.locate(&path, false, format!("`{action}`: {}", e.message)));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        problems.sort_by_key(|l| (l.line, l.column));
        Err(problems)
    }
}

/// Every `{ env = "NAME" }` names a variable meant for the file, and one that is set.
pub fn environment(entries: &[Entry], problem: &mut dyn FnMut(&str, String)) {
    let own = own_variables();
    for entry in entries.iter().filter(|e| e.kind == Kind::Webhook) {
        let Some(name) = entry
            .body
            .get("secret_key")
            .and_then(|s| s.get("env"))
            .and_then(Value::as_str)
        else {
            continue;
        };
        let path = format!("{}.secret_key", entry.path);
        if own.iter().any(|o| o == name) {
            problem(
                &path,
                format!(
                    "`{name}` is one of the tool's own variables (credentials and settings); a \
                     file may name only variables meant for it"
                ),
            );
        } else if std::env::var_os(name).is_none_or(|v| v.is_empty()) {
            problem(
                &path,
                format!("the environment variable `{name}` (the webhook's secret key) is not set"),
            );
        }
    }
}

/// The license has one owner, whose role no request changes and whom no request removes.
fn owner(
    doc: &Document,
    entries: &[Entry],
    live: &Live,
    prune: bool,
    problem: &mut dyn FnMut(&str, String),
) {
    let (live_entries, _) = kinds::entries(&live.root);
    let owner = live_entries
        .iter()
        .find(|e| {
            e.kind == Kind::Agent && e.body.get("role").and_then(Value::as_str) == Some("owner")
        })
        .map(|e| e.key.clone());
    let agents: Vec<&Entry> = entries.iter().filter(|e| e.kind == Kind::Agent).collect();
    for entry in &agents {
        let role = entry.body.get("role").and_then(Value::as_str);
        let is_owner = owner.as_deref() == Some(entry.key.as_str());
        let path = format!("{}.role", entry.path);
        match role {
            Some(role) if is_owner && role != "owner" => problem(
                &path,
                format!(
                    "`{}` is the license's owner: no request changes the owner's role (to `{role}`)",
                    entry.key
                ),
            ),
            Some("owner") if !is_owner => problem(
                &path,
                format!(
                    "the license has one owner{}; no request makes another",
                    owner
                        .as_deref()
                        .map(|o| format!(" (`{o}`)"))
                        .unwrap_or_default()
                ),
            ),
            _ => {}
        }
    }
    if let Some(owner) = owner {
        let listed = agents.iter().any(|e| e.key == owner);
        if prune && doc.root.contains_key(Kind::Agent.section()) && !listed {
            problem(
                Kind::Agent.section(),
                format!(
                    "the license's owner `{owner}` is not in the file: with --prune that means \
                     removing the owner, which no request does; list the owner"
                ),
            );
        }
    }
}
