//! `scopes FILE`: the scopes a token needs for `plan` and `apply` of a file, from the actions
//! they call and the scopes the spec lists for each.

use crate::kinds::{Entry, Kind};
use crate::live::{READS, READS_PER_CLIENT};
use crate::target::Version;
use std::collections::BTreeSet;
use std::fmt::Write;

/// The report: what `plan` needs, what `apply` needs, and each action's own list.
pub fn report(
    entries: &[Entry],
    sections: &[Kind],
    managed_clients: bool,
    version: Version,
) -> String {
    let mut reads: Vec<&str> = READS.to_vec();
    if managed_clients {
        reads.extend(READS_PER_CLIENT);
    }
    let mut writes: Vec<String> = Vec::new();
    for &kind in sections {
        let mut actions = vec![kind.create_action(), kind.delete_action()];
        actions.extend(kind.update_action());
        for action in actions {
            writes.push(action.to_owned());
            if let Some(batch) = version
                .spec()
                .action(action)
                .and_then(|a| a.batch_endpoint.clone())
            {
                writes.push(batch);
            }
        }
    }
    writes.sort();
    writes.dedup();
    let plan = chosen(version, reads.iter().copied());
    let apply = chosen(
        version,
        reads
            .iter()
            .copied()
            .chain(writes.iter().map(String::as_str)),
    );
    let mut out = String::new();
    let _ = writeln!(out, "plan:  {}", plan.join(","));
    let _ = writeln!(out, "apply: {}", apply.join(","));
    let _ = writeln!(
        out,
        "\n{} resource(s) in {} section(s). The scopes each action lists (any one will do; \
         `rw` includes `ro`):",
        entries.len(),
        sections.len()
    );
    for action in reads
        .iter()
        .copied()
        .chain(writes.iter().map(String::as_str))
    {
        let _ = writeln!(out, "  {action:<28} {}", version.scopes(action).join(" | "));
    }
    out
}

/// One scope per action (its first `--all` one, else its first), then `x:ro` dropped where
/// `x:rw` is in: the scopes docs say every `rw` scope includes its `ro`.
fn chosen<'a>(version: Version, actions: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut set = BTreeSet::new();
    for action in actions {
        let listed = version.scopes(action);
        if listed.iter().any(|s| set.contains(*s)) {
            continue;
        }
        let pick = listed
            .iter()
            .find(|s| s.contains("--all"))
            .or_else(|| listed.first());
        if let Some(scope) = pick {
            set.insert(scope.to_string());
        }
    }
    let covered: Vec<String> = set
        .iter()
        .filter_map(|s| s.strip_suffix(":ro"))
        .filter(|base| set.contains(&format!("{base}:rw")))
        .map(|base| format!("{base}:ro"))
        .collect();
    for scope in covered {
        set.remove(&scope);
    }
    set.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_the_license_read_calls_is_counted() {
        let source = include_str!("live.rs");
        for call in source.split("api.call(\"").skip(1) {
            let action = call.split('"').next().unwrap();
            assert!(
                READS.contains(&action) || READS_PER_CLIENT.contains(&action),
                "live.rs calls `{action}`, which READS does not list"
            );
        }
    }

    #[test]
    fn reads_are_covered_by_writes_of_the_same_resource() {
        let apply = chosen(Version::STABLE, ["list_tags", "create_tag"].into_iter());
        assert_eq!(apply, ["tags--all:rw"]);
        let plan = chosen(Version::STABLE, ["list_tags", "list_agents"].into_iter());
        assert_eq!(plan, ["agents--all:ro", "tags--all:ro"]);
    }
}
