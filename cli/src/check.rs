//! Checks a configuration file before anything is sent: its sections and fields against the spec
//! (unknown fields with the ones expected), and each resource as the API would check the request
//! that makes it (types, enum values, limits, rules between fields).

use crate::document::{Document, Located};
use crate::kinds::{self, Entry, Kind};
use crate::spec::{named_in, Field, Spec, TypeDef};
use crate::target::Version;
use serde_json::{Map, Value};

/// The file's resources, or every problem found, located.
pub fn check(doc: &Document, version: Version) -> Result<Vec<Entry>, Vec<Located>> {
    let spec = version.spec();
    let (entries, problems) = kinds::entries(&doc.root);
    let mut located: Vec<Located> = problems
        .into_iter()
        .map(|(path, at_key, message)| doc.locate(&path, at_key, message))
        .collect();
    for entry in &entries {
        if let Some(problem) = check_entry(spec, version, entry) {
            let (path, at_key, message) = problem;
            located.push(doc.locate(&path, at_key, message));
        }
    }
    if located.is_empty() {
        Ok(entries)
    } else {
        located.sort_by_key(|l| (l.line, l.column));
        Err(located)
    }
}

fn check_entry(spec: &Spec, version: Version, entry: &Entry) -> Option<(String, bool, String)> {
    let kind = entry.kind;
    if matches!(kind, Kind::LicenseProperty | Kind::GroupProperty) {
        return None;
    }
    let action = spec.action(kind.create_action())?;
    let file_only = kind.extra_fields();
    for field in entry.body.keys() {
        let known = action
            .params
            .iter()
            .any(|p| &p.name == field && !kind.hidden_fields().contains(&field.as_str()))
            || file_only.contains(&field.as_str())
            || (kind == Kind::Tag && field == "groups");
        if !known {
            let mut expected: Vec<&str> = action
                .params
                .iter()
                .map(|p| p.name.as_str())
                .filter(|p| {
                    !(kind.hidden_fields().contains(p) || kind == Kind::Tag && *p == "group_ids")
                })
                .chain(file_only.iter().copied())
                .collect();
            if kind == Kind::Tag {
                expected.push("groups");
            }
            return Some((
                format!("{}.{field}", entry.path),
                true,
                format!(
                    "unknown field `{field}`; expected one of {}",
                    expected.join(", ")
                ),
            ));
        }
    }
    if kind == Kind::Webhook {
        if let Some(secret) = entry.body.get("secret_key") {
            if secret.get("env").and_then(Value::as_str).is_none()
                || secret.as_object().is_some_and(|o| o.len() != 1)
            {
                return Some((
                    format!("{}.secret_key", entry.path),
                    false,
                    "must be `{ env = \"NAME\" }`: the secret comes from that environment variable, never from the file".into(),
                ));
            }
        }
    }
    // Group names are resolved against the license when planning; any id stands in for them here.
    let mut body = match kinds::to_api(kind, &entry.body, &|_| Some(0), &|_| {
        Ok("secret-from-the-environment".into())
    }) {
        Ok(body) => body,
        Err(message) => return Some((entry.path.clone(), false, message)),
    };
    if let Some(problem) = unknown_nested(spec, kind, &action.params, &body, "") {
        let (api_path, message) = problem;
        return Some((
            format!("{}.{}", entry.path, kinds::file_path(kind, &api_path)),
            true,
            message,
        ));
    }
    // The owner's role is read from the license but no request may carry it.
    if kind == Kind::Agent && body.get("role").and_then(Value::as_str) == Some("owner") {
        body.remove("role");
    }
    if kind == Kind::Group {
        body.insert("agent_priorities".into(), Value::Object(Map::new()));
    }
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    match version.check_request(action.name.as_str(), &bytes) {
        Ok(()) => None,
        Err(e) => {
            let path = kinds::file_path(kind, &e.path);
            let path = if path.is_empty() || path == "." {
                entry.path.clone()
            } else {
                format!("{}.{path}", entry.path)
            };
            Some((path, false, e.message))
        }
    }
}

/// The first field of a nested object the spec does not know.
fn unknown_nested(
    spec: &Spec,
    kind: Kind,
    params: &[Field],
    body: &Map<String, Value>,
    path: &str,
) -> Option<(String, String)> {
    for param in params {
        if let Some(value) = body.get(&param.name) {
            let here = if path.is_empty() {
                param.name.clone()
            } else {
                format!("{path}.{}", param.name)
            };
            if let Some(found) = walk(spec, kind, &param.ty, value, &here) {
                return Some(found);
            }
        }
    }
    None
}

fn walk(spec: &Spec, kind: Kind, ty: &str, value: &Value, path: &str) -> Option<(String, String)> {
    if let Some(item) = ty.strip_suffix("[]") {
        for (i, v) in value.as_array().into_iter().flatten().enumerate() {
            if let Some(found) = walk(spec, kind, item, v, &format!("{path}[{i}]")) {
                return Some(found);
            }
        }
        return None;
    }
    if let Some(inner) = ty.strip_prefix("map<").and_then(|t| t.strip_suffix('>')) {
        for (k, v) in value.as_object().into_iter().flatten() {
            if let Some(found) = walk(spec, kind, inner, v, &format!("{path}.{k}")) {
                return Some(found);
            }
        }
        return None;
    }
    let TypeDef::Object { fields, .. } = spec.named_type(&named_in(ty)?)? else {
        return None;
    };
    let object = value.as_object()?;
    for key in object.keys() {
        if !fields.iter().any(|f| &f.name == key) {
            let expected: Vec<String> = fields
                .iter()
                .map(|f| {
                    kinds::file_path(kind, &format!("{path}.{}", f.name))
                        .rsplit('.')
                        .next()
                        .unwrap_or_default()
                        .to_owned()
                })
                .collect();
            return Some((
                format!("{path}.{key}"),
                format!(
                    "unknown field `{key}`; expected one of {}",
                    expected.join(", ")
                ),
            ));
        }
    }
    unknown_nested(spec, kind, fields, object, path)
}
