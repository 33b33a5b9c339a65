//! Property values within the license and within groups.
//!
//! Access follows the scope notes: in the caller's own namespace the `--my` scope is enough;
//! anywhere else the `--all` scope is needed, and only published properties (with the matching
//! public access) are reachable.

use super::properties::{check_value, definition};
use crate::auth::Identity;
use crate::error::Failure;
use crate::state::State;
use livechat_config::{
    AccessType, DeleteGroupPropertiesRequest, DeleteLicensePropertiesRequest, GroupProperties,
    ListGroupsPropertiesRequest, ListLicensePropertiesRequest, LocationAccess, PropertyDefinition,
    UpdateGroupPropertiesRequest, UpdateLicensePropertiesRequest,
};
use serde_json::Value;
use std::collections::BTreeMap;

type Values = BTreeMap<String, BTreeMap<String, Value>>;

#[derive(Clone, Copy, PartialEq)]
enum Location {
    License,
    Group,
}

impl Location {
    fn name(self) -> &'static str {
        match self {
            Location::License => "license",
            Location::Group => "group",
        }
    }

    fn access(self, def: &PropertyDefinition) -> Option<&LocationAccess> {
        match self {
            Location::License => def.access.license.as_ref(),
            Location::Group => def.access.group.as_ref(),
        }
    }

    fn scope(self, all: bool, write: bool) -> String {
        let kind = if all { "all" } else { "my" };
        let mode = if write { "rw" } else { "ro" };
        format!("properties.{}.value--{kind}:{mode}", self.name())
    }
}

/// Whether the caller may read (or write) values of `ns.name` in this location.
fn reachable(
    who: &Identity,
    ns: &str,
    def: &PropertyDefinition,
    location: Location,
    write: bool,
) -> Result<(), String> {
    let all = location.scope(true, write);
    if who.client_id.as_deref() == Some(ns) {
        let my = location.scope(false, write);
        if who.has(&my) || who.has(&all) {
            return Ok(());
        }
        return Err(format!("needs the {my} scope"));
    }
    if !who.has(&all) {
        return Err(format!(
            "is outside the caller's namespace and needs the {all} scope"
        ));
    }
    let wanted = if write {
        AccessType::Write
    } else {
        AccessType::Read
    };
    match &def.public_access {
        Some(public) if public.contains(&wanted) => Ok(()),
        Some(_) => Err(format!("is published without {} access", wanted.as_str())),
        None => Err("is private to its owner Client ID".to_string()),
    }
}

/// Checks every value of an update before any is stored, so an update is all or nothing.
fn check_update(
    who: &Identity,
    state: &State,
    values: &Values,
    location: Location,
) -> Result<(), Failure> {
    for (ns, props) in values {
        for (name, value) in props {
            let def = check_stored(state, ns, name, value, location)?;
            reachable(who, ns, def, location, true)
                .map_err(|e| Failure::authorization(format!("property `{ns}.{name}` {e}")))?;
        }
    }
    Ok(())
}

/// A value of a registered property, available where it is and of the property's type.
fn check_stored<'a>(
    state: &'a State,
    ns: &str,
    name: &str,
    value: &Value,
    location: Location,
) -> Result<&'a PropertyDefinition, Failure> {
    let def = definition(state, ns, name)?;
    if location.access(def).is_none() {
        return Err(Failure::validation(format!(
            "property `{ns}.{name}` is not available in the {} location",
            location.name()
        )));
    }
    check_value(def, value)
        .map_err(|e| Failure::validation(format!("property `{ns}.{name}`: {e}")))?;
    Ok(def)
}

/// Every value a state holds, license-wide and per group, as an update by its owner would be
/// checked: for an imported state.
pub fn check_all_stored(state: &State) -> Result<(), Failure> {
    let located = std::iter::once((Location::License, &state.license_values))
        .chain(state.group_values.values().map(|v| (Location::Group, v)));
    for (location, values) in located {
        for (ns, props) in values {
            for (name, value) in props {
                check_stored(state, ns, name, value, location)?;
            }
        }
    }
    Ok(())
}

fn check_delete(
    who: &Identity,
    state: &State,
    names: &BTreeMap<String, Vec<String>>,
    location: Location,
) -> Result<(), Failure> {
    for (ns, names) in names {
        for name in names {
            let def = definition(state, ns, name)?;
            reachable(who, ns, def, location, true)
                .map_err(|e| Failure::authorization(format!("property `{ns}.{name}` {e}")))?;
        }
    }
    Ok(())
}

fn merge(into: &mut Values, values: Values) {
    for (ns, props) in values {
        into.entry(ns).or_default().extend(props);
    }
}

fn remove(from: &mut Values, names: &BTreeMap<String, Vec<String>>) {
    for (ns, names) in names {
        if let Some(props) = from.get_mut(ns) {
            for name in names {
                props.remove(name);
            }
            if props.is_empty() {
                from.remove(ns);
            }
        }
    }
}

/// The values the caller can see in a location: those set, else the defaults, filtered by
/// namespace and name prefix.
fn visible(
    who: &Identity,
    state: &State,
    set: Option<&Values>,
    location: Location,
    namespace: Option<&str>,
    prefix: Option<&str>,
) -> Values {
    let mut out = Values::new();
    for (ns, props) in &state.properties {
        if namespace.is_some_and(|wanted| wanted != ns) {
            continue;
        }
        for (name, def) in props {
            if prefix.is_some_and(|p| !name.starts_with(p))
                || location.access(def).is_none()
                || reachable(who, ns, def, location, false).is_err()
            {
                continue;
            }
            let value = set
                .and_then(|s| s.get(ns))
                .and_then(|p| p.get(name))
                .or(def.default_value.as_ref());
            if let Some(value) = value {
                out.entry(ns.clone())
                    .or_default()
                    .insert(name.clone(), value.clone());
            }
        }
    }
    out
}

pub fn update_license(
    req: UpdateLicensePropertiesRequest,
    who: &Identity,
    state: &mut State,
) -> Result<(), Failure> {
    check_update(who, state, &req.properties, Location::License)?;
    merge(&mut state.license_values, req.properties);
    Ok(())
}

pub fn list_license(
    req: ListLicensePropertiesRequest,
    who: &Identity,
    state: &State,
) -> Result<BTreeMap<String, BTreeMap<String, Value>>, Failure> {
    Ok(visible(
        who,
        state,
        Some(&state.license_values),
        Location::License,
        req.namespace.as_deref(),
        req.name_prefix.as_deref(),
    ))
}

pub fn delete_license(
    req: DeleteLicensePropertiesRequest,
    who: &Identity,
    state: &mut State,
) -> Result<(), Failure> {
    check_delete(who, state, &req.properties, Location::License)?;
    remove(&mut state.license_values, &req.properties);
    Ok(())
}

pub fn update_group(
    req: UpdateGroupPropertiesRequest,
    who: &Identity,
    state: &mut State,
) -> Result<(), Failure> {
    state.check_group(req.group_id)?;
    check_update(who, state, &req.properties, Location::Group)?;
    merge(
        state.group_values.entry(req.group_id).or_default(),
        req.properties,
    );
    Ok(())
}

/// An empty `group_ids` means every group.
pub fn list_groups(
    req: ListGroupsPropertiesRequest,
    who: &Identity,
    state: &State,
) -> Result<Vec<GroupProperties>, Failure> {
    state.check_groups(req.group_ids.iter().copied())?;
    let ids: Vec<u64> = if req.group_ids.is_empty() {
        state.groups.keys().copied().collect()
    } else {
        req.group_ids
    };
    let groups: Vec<GroupProperties> = ids
        .into_iter()
        .map(|id| {
            let values = visible(
                who,
                state,
                state.group_values.get(&id),
                Location::Group,
                req.namespace.as_deref(),
                req.name_prefix.as_deref(),
            );
            GroupProperties::new(id).properties(values.iter().map(|(k, v)| (k.as_str(), v.clone())))
        })
        .collect();
    Ok(groups)
}

pub fn delete_group(
    req: DeleteGroupPropertiesRequest,
    who: &Identity,
    state: &mut State,
) -> Result<(), Failure> {
    state.check_group(req.id)?;
    check_delete(who, state, &req.properties, Location::Group)?;
    if let Some(values) = state.group_values.get_mut(&req.id) {
        remove(values, &req.properties);
    }
    Ok(())
}
