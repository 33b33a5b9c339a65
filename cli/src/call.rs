//! `call`: any action by name, and its documentation, from the spec.

use crate::spec::{named_in, Action, Field, Spec, TypeDef};
use crate::target::{Target, Version};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// The list of actions of a version, one line each.
pub fn list(version: Version) -> String {
    let spec = version.spec();
    let mut out = format!("Actions of the Configuration API v{}:\n", spec.version);
    for name in version.action_names() {
        let (title, section) = match (spec.action(name), spec.batched(name)) {
            (Some(a), _) => (a.title.clone(), a.section.as_str()),
            (None, Some(a)) => (format!("{} (batch)", a.title), a.section.as_str()),
            (None, None) => (String::new(), ""),
        };
        let _ = writeln!(out, "  {name:<36} {section:<16} {title}");
    }
    out.push_str("\n`livechat-config call ACTION --help` describes an action's parameters.\n");
    out
}

/// The help of one action: description, scopes, parameters with their types, limits and enum
/// values, and the types they use.
pub fn help(version: Version, name: &str) -> Result<String, String> {
    let spec = version.spec();
    let (action, batch) = match (spec.action(name), spec.batched(name)) {
        (Some(a), _) => (a, false),
        (None, Some(a)) => (a, true),
        _ => return Err(unknown(version, name)),
    };
    let mut out = String::new();
    if batch {
        let _ = writeln!(
            out,
            "{name}: {} in a batch (v{})\n",
            action.title, spec.version
        );
        let _ = writeln!(
            out,
            "Runs `{}` once per item of `requests`, answering `responses` in the same order.\n",
            action.name
        );
    } else {
        let _ = writeln!(
            out,
            "{name}: {} (v{}, {})\n",
            action.title, spec.version, action.section
        );
        let _ = writeln!(out, "{}\n", action.description.trim());
    }
    scopes(&mut out, version, name, action);
    if let Some(endpoint) = action.batch_endpoint.as_ref().filter(|_| !batch) {
        let _ = writeln!(out, "Batch endpoint: {endpoint}");
    }
    let _ = writeln!(
        out,
        "{}",
        if action.read_only {
            "Reads only (retried after any failure)."
        } else {
            "Changes state."
        }
    );
    out.push('\n');
    if batch {
        out.push_str("Body: {\"requests\": [ITEM, ...]}; each ITEM has the parameters:\n");
    } else if action.params.is_empty() {
        out.push_str("Parameters: none (the body is `{}`).\n");
    } else {
        out.push_str("Parameters:\n");
    }
    for field in &action.params {
        describe_field(&mut out, field, "  ");
    }
    let mut seen = BTreeSet::new();
    for field in &action.params {
        collect_types(spec, &field.ty, &mut seen);
    }
    if !seen.is_empty() {
        out.push_str("\nTypes:\n");
        for name in &seen {
            describe_type(&mut out, spec, name);
        }
    }
    if let Some(request) = &action.examples.request {
        let body = serde_json::to_string(request).unwrap_or_default();
        let body = if batch {
            format!("{{\"requests\": [{body}]}}")
        } else {
            body
        };
        let _ = writeln!(out, "\nExample:\n  livechat-config call {name} '{body}'");
    }
    Ok(out)
}

fn scopes(out: &mut String, version: Version, name: &str, action: &Action) {
    let scopes = version.scopes(name);
    if scopes.is_empty() {
        out.push_str("Scopes: none.\n");
        return;
    }
    out.push_str("Scopes (any one of):\n");
    for scope in scopes {
        match action.scope_notes.get(*scope) {
            Some(note) => {
                let _ = writeln!(out, "  {scope}: {note}");
            }
            None => {
                let _ = writeln!(out, "  {scope}");
            }
        }
    }
}

fn describe_field(out: &mut String, field: &Field, indent: &str) {
    let need = match (&field.required_when, field.required) {
        (Some(when), _) => format!("required when {when}"),
        (None, true) => "required".into(),
        (None, false) => "optional".into(),
    };
    let _ = write!(out, "{indent}{:<24} {:<24} {need}", field.name, field.ty);
    let mut facts = Vec::new();
    if let Some(default) = &field.default {
        facts.push(format!("default {default}"));
    }
    let mut limits: Vec<_> = field.limits.iter().flat_map(|l| l.entries()).collect();
    limits.sort_by_key(|(key, _)| *key);
    for (limit, value) in limits {
        facts.push(format!("{} {value}", limit.replace('_', " ")));
    }
    if let Some(format) = field.format {
        facts.push(format!("format {}", format.name()));
    }
    if let Some(values) = &field.request_values {
        facts.push(format!("one of {}", values.join(", ")));
    }
    if field.secret {
        facts.push("secret".into());
    }
    if !facts.is_empty() {
        let _ = write!(out, "; {}", facts.join("; "));
    }
    out.push('\n');
    let description = field.description.trim();
    if !description.is_empty() {
        let _ = writeln!(out, "{indent}    {description}");
    }
}

fn collect_types(spec: &Spec, ty: &str, seen: &mut BTreeSet<String>) {
    let Some(name) = named_in(ty) else { return };
    if !seen.insert(name.clone()) {
        return;
    }
    match spec.named_type(&name) {
        Some(TypeDef::Union { variants, .. }) => {
            for variant in variants {
                collect_types(spec, &variant.ty, seen);
            }
        }
        Some(t) => {
            for field in t.fields() {
                collect_types(spec, &field.ty, seen);
            }
        }
        None => {}
    }
}

fn describe_type(out: &mut String, spec: &Spec, name: &str) {
    let Some(t) = spec.named_type(name) else {
        return;
    };
    match t {
        TypeDef::Enum { values, .. } => {
            let values: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
            let _ = writeln!(out, "  {name}: one of {}", values.join(" | "));
        }
        TypeDef::Object { fields, .. } => {
            let _ = writeln!(out, "  {name}:");
            for field in fields {
                describe_field(out, field, "    ");
            }
        }
        TypeDef::Union { tag, variants, .. } => {
            let kinds: Vec<String> = variants
                .iter()
                .map(|v| format!("{} ({tag}: {})", v.ty, v.value))
                .collect();
            let _ = writeln!(out, "  {name}: one of {}", kinds.join(" | "));
        }
    }
}

fn unknown(version: Version, name: &str) -> String {
    use clap::ValueEnum;
    let shown = crate::shown::shown(name);
    let elsewhere: Vec<&str> = Version::value_variants()
        .iter()
        .filter(|other| **other != version && other.action(name).is_some())
        .map(|other| other.as_str())
        .collect();
    if !elsewhere.is_empty() {
        return format!(
            "`{shown}` is not an action of the Configuration API v{}; it is one of v{} \
             (`--api-version {}`)",
            version.as_str(),
            elsewhere.join(", v"),
            elsewhere[0]
        );
    }
    let closest = version
        .action_names()
        .into_iter()
        .map(|candidate| (distance(name, candidate), candidate))
        .min();
    let hint = match closest {
        // Close enough to be a slip: at most a third of the name differs.
        Some((d, candidate)) if d * 3 <= name.chars().count().max(3) => {
            format!("did you mean `{candidate}`? ")
        }
        _ => String::new(),
    };
    format!(
        "`{shown}` is not an action of the Configuration API v{}; {hint}`livechat-config call \
         --list` lists them",
        version.as_str()
    )
}

/// The edit distance between two names (insertions, deletions, substitutions).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// The body argument: inline JSON, `@file`, `-` for standard input, or nothing for `{}`.
pub fn read_body(arg: Option<&str>) -> Result<Vec<u8>, String> {
    match arg {
        None => Ok(b"{}".to_vec()),
        Some("-") => {
            crate::document::read_bounded("-").map_err(|e| format!("reading standard input: {e}"))
        }
        Some(path) if path.starts_with('@') => crate::document::read_bounded(&path[1..])
            .map_err(|e| format!("reading {}: {e}", &path[1..])),
        Some(text) => Ok(text.as_bytes().to_vec()),
    }
}

/// Checks the body against the spec, sends it, and answers the pretty JSON of the response.
pub async fn run(target: &Target, name: &str, body: &[u8]) -> Result<String, String> {
    let version = target.api_version;
    let action = version.action(name).ok_or_else(|| unknown(version, name))?;
    let json: Value = serde_json::from_slice(if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    })
    .map_err(|e| format!("the body is not JSON: {e}"))?;
    if !json.is_object() {
        return Err("the body must be a JSON object".into());
    }
    let bytes = serde_json::to_vec(&json).map_err(|e| e.to_string())?;
    version
        .check_request(name, &bytes)
        .map_err(|e| format!("not sent: {e}"))?;
    let client = target.client()?;
    let answer = client
        .call_action(action, json)
        .await
        .map_err(|e| crate::report::report(&e))?;
    serde_json::to_string_pretty(&answer).map_err(|e| e.to_string())
}
