//! What `apply` would do: the differences between a file and the license, in apply order.

use crate::document::{Document, Located};
use crate::kinds::{self, Entry, Kind};
use crate::live::Live;
use crate::shown::shown;
use crate::target::Version;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub old: Option<Value>,
    pub new: Value,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    Create,
    Update {
        fields: Vec<FieldChange>,
    },
    /// No action changes it in place: removed, then made again.
    Replace {
        fields: Vec<FieldChange>,
    },
    Delete,
    /// An auto access rule moved to come right before another (`None`: at the end).
    Move {
        before: Option<String>,
    },
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Op {
    pub kind: Kind,
    pub key: String,
    #[serde(flatten)]
    pub change: Change,
    /// The file's form of the resource (creates and updates), or the license's (deletes).
    pub desired: Option<Entry>,
    /// The id the API knows it by (updates, deletes, moves).
    pub id: Option<Value>,
}

#[derive(Debug, Default)]
pub struct Plan {
    pub ops: Vec<Op>,
    /// Differences no action can make (a field the update action does not take).
    pub warnings: Vec<String>,
}

impl Plan {
    /// No operation to run (there may still be differences no action can make).
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The license matches the file: nothing to run and nothing that differs.
    pub fn matches(&self) -> bool {
        self.ops.is_empty() && self.warnings.is_empty()
    }
}

/// Compares the file's resources with the license's. Sections the file leaves out are not
/// managed; with `prune`, resources of a managed section that the file does not hold are removed.
/// `rotated` answers whether a webhook's secret (the file's entry, the license's id) has changed
/// since this machine set it.
pub fn diff(
    doc: &Document,
    desired: &[Entry],
    live: &Live,
    version: Version,
    prune: bool,
    rotated: &dyn Fn(&Entry, &Value) -> bool,
) -> Result<Plan, Vec<Located>> {
    let spec = version.spec();
    let (live_entries, _) = kinds::entries(&live.root);
    let file_groups: BTreeSet<&str> = desired
        .iter()
        .filter(|e| e.kind == Kind::Group)
        .map(|e| e.key.as_str())
        .collect();
    let mut problems = Vec::new();
    for entry in desired {
        for (path, name) in kinds::group_refs(entry) {
            if !file_groups.contains(name.as_str()) && !live.groups.contains_key(&name) {
                problems.push(doc.locate(
                    &path,
                    false,
                    format!("no group named `{name}` in the file or the license"),
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    let mut plan = Plan::default();
    for kind in Kind::ALL {
        if !doc.root.contains_key(kind.section()) {
            continue;
        }
        let wanted: Vec<&Entry> = desired.iter().filter(|e| e.kind == kind).collect();
        let have: BTreeMap<&str, &Entry> = live_entries
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| (e.key.as_str(), e))
            .collect();
        let id_of = |key: &str| live.ids.get(&(kind, key.to_owned())).cloned();
        let update_params: Vec<&str> = kind
            .update_action()
            .and_then(|a| spec.action(a))
            .map(|a| a.params.iter().map(|p| p.name.as_str()).collect())
            .unwrap_or_default();
        for entry in &wanted {
            let Some(current) = have.get(entry.key.as_str()) else {
                plan.ops.push(Op {
                    kind,
                    key: entry.key.clone(),
                    change: Change::Create,
                    desired: Some((*entry).clone()),
                    id: None,
                });
                continue;
            };
            let mut changes: Vec<FieldChange> = entry
                .body
                .iter()
                .filter(|(field, _)| !(kind == Kind::Webhook && *field == "secret_key"))
                .filter(|(field, value)| current.body.get(*field) != Some(value))
                .map(|(field, value)| FieldChange {
                    field: field.clone(),
                    old: current.body.get(field).cloned(),
                    new: value.clone(),
                })
                .collect();
            if kind == Kind::Webhook && id_of(&entry.key).is_some_and(|id| rotated(entry, &id)) {
                // Neither value is shown: both are secrets.
                changes.push(FieldChange {
                    field: "secret_key".into(),
                    old: Some(Value::from("(hidden)")),
                    new: Value::from("(hidden: changed in the environment)"),
                });
            }
            if changes.is_empty() {
                continue;
            }
            let in_place = |c: &FieldChange| match kind {
                Kind::LicenseProperty | Kind::GroupProperty => true,
                Kind::PropertyDefinition => c.field == "public_access",
                Kind::Tag => c.field == "groups",
                _ => update_params.contains(&c.field.as_str()),
            };
            let (doable, stuck): (Vec<_>, Vec<_>) = changes
                .into_iter()
                .partition(|c| kind == Kind::Webhook || in_place(c));
            for c in &stuck {
                plan.warnings.push(format!(
                    "{} `{}`: `{}` cannot be changed in place (remove and re-create it to change it)",
                    kind.noun(), entry.key, c.field
                ));
            }
            if doable.is_empty() {
                continue;
            }
            let change = if kind == Kind::Webhook {
                Change::Replace { fields: doable }
            } else {
                Change::Update { fields: doable }
            };
            plan.ops.push(Op {
                kind,
                key: entry.key.clone(),
                change,
                desired: Some((*entry).clone()),
                id: id_of(&entry.key),
            });
        }
        let wanted_keys: BTreeSet<&str> = wanted.iter().map(|e| e.key.as_str()).collect();
        let mut kept: Vec<&str> = Vec::new();
        for current in live_entries.iter().filter(|e| e.kind == kind) {
            if wanted_keys.contains(current.key.as_str()) {
                kept.push(&current.key);
                continue;
            }
            let protected = (kind == Kind::Group && id_of(&current.key) == Some(Value::from(0)))
                || (kind == Kind::Agent
                    && current.body.get("role").and_then(Value::as_str) == Some("owner"));
            if prune && !protected {
                // A removal carries the license's form: some actions need its owner.
                plan.ops.push(Op {
                    kind,
                    key: current.key.clone(),
                    change: Change::Delete,
                    desired: Some(current.clone()),
                    id: id_of(&current.key),
                });
            } else {
                kept.push(&current.key);
            }
        }
        if kind == Kind::AutoAccess {
            let order: Vec<&str> = wanted.iter().map(|e| e.key.as_str()).collect();
            let mut current: Vec<&str> = kept;
            current.extend(order.iter().filter(|k| !have.contains_key(**k)));
            for (key, before) in moves(&order, &mut current) {
                plan.ops.push(Op {
                    kind,
                    key: key.to_owned(),
                    change: Change::Move {
                        before: before.map(str::to_owned),
                    },
                    desired: None,
                    id: id_of(key),
                });
            }
        }
    }
    Ok(plan)
}

/// The moves that put `order`'s rules in that order within `current` (which also holds rules the
/// file does not manage), each "right before" a rule or at the end; `current` ends in the new order.
fn moves<'a>(order: &[&'a str], current: &mut Vec<&'a str>) -> Vec<(&'a str, Option<&'a str>)> {
    let mut out = Vec::new();
    let managed = |list: &Vec<&'a str>| -> Vec<&'a str> {
        list.iter().copied().filter(|k| order.contains(k)).collect()
    };
    if managed(current) == order {
        return out;
    }
    for i in (0..order.len()).rev() {
        let key = order[i];
        let Some(at) = current.iter().position(|k| *k == key) else {
            continue;
        };
        let before = order.get(i + 1).copied();
        let in_place = match before {
            Some(next) => current.get(at + 1) == Some(&next),
            None => managed(current).last() == Some(&key),
        };
        if in_place {
            continue;
        }
        current.remove(at);
        match before.and_then(|next| current.iter().position(|k| *k == next)) {
            Some(to) => current.insert(to, key),
            None => current.push(key),
        }
        out.push((key, before));
    }
    out
}

/// The plan as text: `+` creates, `~` updates field by field, `-` deletes, `-/+` replaces, `↕` moves.
pub fn render(plan: &Plan, colour: bool) -> String {
    let paint = |code: &str, text: &str| {
        if colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    };
    let mut out = String::new();
    let show = |v: &Value| shown(&serde_json::to_string(v).unwrap_or_default()).into_owned();
    for op in &plan.ops {
        let name = format!("{} `{}`", op.kind.noun(), shown(&op.key));
        match &op.change {
            Change::Create => {
                let _ = writeln!(out, "{}", paint("32", &format!("+ create {name}")));
            }
            Change::Delete => {
                let _ = writeln!(out, "{}", paint("31", &format!("- delete {name}")));
            }
            Change::Update { fields } | Change::Replace { fields } => {
                let (code, verb) = match op.change {
                    Change::Replace { .. } => ("35", "-/+ replace"),
                    _ => ("33", "~ update"),
                };
                let _ = writeln!(out, "{}", paint(code, &format!("{verb} {name}")));
                for c in fields {
                    let old = c.old.as_ref().map_or("(none)".to_owned(), show);
                    let _ = writeln!(out, "    {}: {} → {}", shown(&c.field), old, show(&c.new));
                }
            }
            Change::Move { before } => {
                let place = before.as_ref().map_or("to the end".to_owned(), |b| {
                    format!("before `{}`", shown(b))
                });
                let _ = writeln!(out, "{}", paint("36", &format!("↕ move {name} {place}")));
            }
        }
    }
    if !plan.warnings.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            paint(
                "33",
                "Differences no action can make (the license keeps them):"
            )
        );
    }
    for warning in &plan.warnings {
        let _ = writeln!(out, "{}", paint("33", &format!("! {}", shown(warning))));
    }
    let count = |f: fn(&Change) -> bool| plan.ops.iter().filter(|o| f(&o.change)).count();
    let _ = writeln!(
        out,
        "Plan: {} to create, {} to update, {} to replace, {} to delete, {} to move{}.",
        count(|c| matches!(c, Change::Create)),
        count(|c| matches!(c, Change::Update { .. })),
        count(|c| matches!(c, Change::Replace { .. })),
        count(|c| matches!(c, Change::Delete)),
        count(|c| matches!(c, Change::Move { .. })),
        match plan.warnings.len() {
            0 => String::new(),
            n => format!("; {n} difference(s) no action can make"),
        }
    );
    if plan.matches() {
        out = "No changes: the license matches the file.\n".to_owned() + &out;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{moves, render, Change, FieldChange, Op, Plan};
    use crate::kinds::Kind;
    use serde_json::json;

    #[test]
    fn colour_only_when_asked() {
        let plan = Plan {
            ops: vec![Op {
                kind: Kind::Tag,
                key: "vip".into(),
                change: Change::Update {
                    fields: vec![FieldChange {
                        field: "groups".into(),
                        old: Some(json!(["General"])),
                        new: json!(["Support"]),
                    }],
                },
                desired: None,
                id: None,
            }],
            warnings: vec![],
        };
        let plain = render(&plan, false);
        assert!(
            plain.starts_with("~ update tag `vip`\n    groups: [\"General\"] → [\"Support\"]\n"),
            "{plain}"
        );
        let coloured = render(&plan, true);
        assert!(
            coloured.starts_with("\x1b[33m~ update tag `vip`\x1b[0m\n"),
            "{coloured}"
        );
    }

    #[test]
    fn moves_reorder_with_few_calls_and_keep_unmanaged_rules() {
        let mut current = vec!["c", "b", "a"];
        let done = moves(&["a", "b", "c"], &mut current);
        assert_eq!(current, ["a", "b", "c"]);
        assert_eq!(done, [("c", None), ("b", Some("c"))]);

        let mut current = vec!["a", "x", "b"];
        assert!(moves(&["a", "b"], &mut current).is_empty());

        let mut current = vec!["b", "x", "a"];
        let done = moves(&["a", "b"], &mut current);
        assert_eq!(
            current.iter().filter(|k| **k != "x").collect::<Vec<_>>(),
            [&"a", &"b"]
        );
        assert_eq!(done.len(), 1);
    }
}
