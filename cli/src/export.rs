//! What `export` writes: the license in file form without the server's defaults, in the order
//! and with the secrets' variable names of the file it replaces, in the compact style a person
//! writes (one table per resource, its nested values inline), so that an export diffs cleanly.

use crate::document::Document;
use crate::kinds::{self, Kind};
use crate::target::Version;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The license's file form, shaped for writing over `previous` (the file at the output path,
/// when there is one).
pub fn shape(
    root: &Map<String, Value>,
    previous: Option<&Document>,
    version: Version,
) -> Map<String, Value> {
    let mut root = root.clone();
    for kind in Kind::ALL {
        if let Some(Value::Array(items)) = root.get_mut(kind.section()) {
            for item in items.iter_mut() {
                if let Value::Object(body) = item {
                    without_defaults(kind, body, version);
                }
            }
        }
    }
    if let Some(previous) = previous {
        follow(&mut root, previous);
    }
    root
}

/// Leaves out optional fields whose value is what the server has without them: the create
/// action's documented default, or an empty list or object.
fn without_defaults(kind: Kind, body: &mut Map<String, Value>, version: Version) {
    let Some(action) = version.spec().action(kind.create_action()) else {
        return;
    };
    body.retain(|field, value| {
        let Some(param) = action.params.iter().find(|p| &p.name == field) else {
            return true;
        };
        if param.required {
            return true;
        }
        let empty = match value {
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            _ => false,
        };
        let default = param.default.as_ref();
        let as_default = default == Some(value) || (empty && default.is_none());
        !as_default
    });
}

/// Keeps the previous file's order of resources (new ones after, in the license's order) and
/// the variable each webhook's secret is read from. Auto access rules keep the license's
/// order: it is what decides which rule wins.
fn follow(root: &mut Map<String, Value>, previous: &Document) {
    let (before, _) = kinds::entries(&previous.root);
    for kind in Kind::ALL {
        if kind == Kind::AutoAccess {
            continue;
        }
        let Some(Value::Array(items)) = root.get(kind.section()).cloned() else {
            continue;
        };
        let place: BTreeMap<&str, usize> = before
            .iter()
            .filter(|e| e.kind == kind)
            .enumerate()
            .map(|(i, e)| (e.key.as_str(), i))
            .collect();
        let secrets: BTreeMap<&str, &Value> = before
            .iter()
            .filter(|e| e.kind == kind)
            .filter_map(|e| e.body.get("secret_key").map(|s| (e.key.as_str(), s)))
            .collect();
        let single = |item: &Value| {
            let mut one = Map::new();
            one.insert(kind.section().into(), Value::Array(vec![item.clone()]));
            kinds::entries(&one).0.into_iter().next().map(|e| e.key)
        };
        let mut keyed: Vec<(usize, usize, Value)> = items
            .into_iter()
            .enumerate()
            .map(|(i, mut item)| {
                let key = single(&item);
                let at = key
                    .as_deref()
                    .and_then(|k| place.get(k).copied())
                    .unwrap_or(usize::MAX);
                if let (Some(key), Value::Object(body)) = (&key, &mut item) {
                    if let Some(secret) = secrets.get(key.as_str()) {
                        body.insert("secret_key".into(), (*secret).clone());
                    }
                }
                (at, i, item)
            })
            .collect();
        keyed.sort_by_key(|(at, i, _)| (*at, *i));
        root.insert(
            kind.section().into(),
            Value::Array(keyed.into_iter().map(|(_, _, v)| v).collect()),
        );
    }
}

/// TOML in the style of a hand-written file: sections in apply order, each resource a
/// `[[section]]` table of `key = value` lines, nested values inline.
pub fn toml(root: &Map<String, Value>) -> String {
    let mut out = String::new();
    let mut sections: Vec<&String> = root.keys().collect();
    let order = |name: &str| {
        Kind::ALL
            .iter()
            .position(|k| k.section() == name)
            .unwrap_or(usize::MAX)
    };
    sections.sort_by_key(|s| (order(s), s.as_str()));
    for section in sections {
        match &root[section] {
            Value::Array(items) => {
                for item in items {
                    let _ = writeln!(out, "[[{}]]", key(section));
                    if let Value::Object(body) = item {
                        lines(&mut out, body);
                    }
                    out.push('\n');
                }
            }
            Value::Object(tables) => {
                for (name, table) in tables {
                    let _ = writeln!(out, "[{}.{}]", key(section), key(name));
                    if let Value::Object(body) = table {
                        lines(&mut out, body);
                    }
                    out.push('\n');
                }
            }
            Value::Null => {}
            other => {
                let _ = writeln!(out, "{} = {}\n", key(section), inline(other));
            }
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn lines(out: &mut String, body: &Map<String, Value>) {
    for (field, value) in body {
        if !value.is_null() {
            let _ = writeln!(out, "{} = {}", key(field), inline(value));
        }
    }
}

fn inline(value: &Value) -> String {
    match value {
        Value::Null => "\"\"".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) if f.is_finite() && f.fract() == 0.0 => format!("{f:.1}"),
            (_, _, Some(f)) => f.to_string(),
            _ => n.to_string(),
        },
        Value::String(s) => string(s),
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter(|v| !v.is_null()).map(inline).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| format!("{} = {}", key(k), inline(v)))
                .collect();
            if parts.is_empty() {
                "{}".into()
            } else {
                format!("{{ {} }}", parts.join(", "))
            }
        }
    }
}

/// A key bare where TOML allows it, else quoted.
fn key(name: &str) -> String {
    let bare = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if bare {
        name.to_owned()
    } else {
        string(name)
    }
}

/// A TOML basic string.
fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_compact_style_reads_back_as_the_same_values() {
        let root = json!({
            "tags": [{ "name": "vip", "groups": ["Support", "Ünïcode \"q\"\n\u{1b}"] }],
            "agents": [{
                "id": "anna@example.com",
                "name": "Anna",
                "groups": [{ "group": "Support", "priority": "first" }],
                "work_scheduler": { "timezone": "Europe/Berlin", "schedule": [] },
                "max_chats_count": 8,
                "ratio": 1.5,
                "whole": 2.0
            }],
            "license_properties": { "0805e2.x": { "tier": "gold", "a b": true } }
        });
        let text = toml(root.as_object().unwrap());
        assert!(
            text.starts_with("[[agents]]\n"),
            "sections go in apply order: {text}"
        );
        assert!(
            text.contains("groups = [{ group = \"Support\", priority = \"first\" }]\n"),
            "{text}"
        );
        let back: toml::Value = toml::from_str(&text).unwrap();
        let back: Value = serde_json::to_value(back).unwrap();
        assert_eq!(back, root);
    }
}
