//! Properties: definitions per namespace (the owner Client ID), and their values within the
//! license and within groups.
//!
//! Access follows the scope notes: in the caller's own namespace the `--my` scope is enough;
//! anywhere else the `--all` scope is needed, and only published properties (with the matching
//! public access) are reachable.

use super::{done, reply};
use crate::auth::Identity;
use crate::error::{Failure, Outcome};
use crate::state::State;
use livechat_config::{
    AccessType, DeleteGroupPropertiesRequest, DeleteLicensePropertiesRequest, GroupProperties,
    ListGroupsPropertiesRequest, ListLicensePropertiesRequest, ListPropertiesRequest,
    LocationAccess, PropertyDefinition, PropertyType, PublishPropertyRequest,
    RegisterPropertyRequest, UnregisterPropertyRequest, UpdateGroupPropertiesRequest,
    UpdateLicensePropertiesRequest,
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

fn definition<'a>(
    state: &'a State,
    ns: &str,
    name: &str,
) -> Result<&'a PropertyDefinition, Failure> {
    state
        .properties
        .get(ns)
        .and_then(|props| props.get(name))
        .ok_or_else(|| Failure::not_found(format!("property `{ns}.{name}` not found")))
}

/// Whether `value` is of the property's type and within its domain or range.
fn check_value(def: &PropertyDefinition, value: &Value) -> Result<(), String> {
    let typed = match def.r#type {
        PropertyType::Int => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        PropertyType::Bool => value.is_boolean(),
        PropertyType::String | PropertyType::TokenizedString => value.is_string(),
        _ => false,
    };
    if !typed {
        return Err(format!(
            "{value} is not a value of type {}",
            def.r#type.as_str()
        ));
    }
    if let Some(domain) = &def.domain {
        if !domain.contains(value) {
            return Err(format!("{value} is not in the property's domain"));
        }
    }
    if let (Some(range), Some(n)) = (&def.range, value.as_i64()) {
        if range.from.is_some_and(|from| n < from) || range.to.is_some_and(|to| n > to) {
            return Err(format!("{value} is outside the property's range"));
        }
    }
    Ok(())
}

pub fn register(req: RegisterPropertyRequest, state: &mut State) -> Outcome {
    let ns = &req.owner_client_id;
    if state
        .properties
        .get(ns)
        .is_some_and(|p| p.contains_key(&req.name))
    {
        return Err(Failure::already_exists(format!(
            "property `{ns}.{}` already exists",
            req.name
        )));
    }
    let access = &req.access;
    let locations = [
        &access.chat,
        &access.thread,
        &access.event,
        &access.license,
        &access.group,
    ];
    if locations.iter().all(|l| l.is_none()) {
        return Err(Failure::validation("`access` needs at least one location"));
    }
    if locations
        .iter()
        .flat_map(|l| l.iter())
        .any(|l| l.agent.is_none() && l.customer.is_none())
    {
        return Err(Failure::validation(
            "every location in `access` needs at least one user",
        ));
    }
    // "Property domain can be configured in two ways": a set of values or a range, not both.
    if req.domain.is_some() && req.range.is_some() {
        return Err(Failure::validation(
            "a property has either a `domain` or a `range`, not both",
        ));
    }
    if req.range.is_some() && req.r#type != PropertyType::Int {
        return Err(Failure::validation("`range` works only for numeric types"));
    }
    if let Some(range) = &req.range {
        if let (Some(from), Some(to)) = (range.from, range.to) {
            if from > to {
                return Err(Failure::validation(
                    "`range.from` is greater than `range.to`",
                ));
            }
        }
    }
    let mut def = PropertyDefinition::new(req.r#type.clone(), req.access.clone())
        .description(req.description.unwrap_or_default());
    if let Some(domain) = req.domain {
        let untyped = PropertyDefinition::new(req.r#type.clone(), req.access.clone());
        for value in &domain {
            check_value(&untyped, value)
                .map_err(|e| Failure::validation(format!("`domain`: {e}")))?;
        }
        def.domain = Some(domain);
    }
    def.range = req.range;
    if let Some(default) = req.default_value {
        if access.license.is_none() && access.group.is_none() {
            return Err(Failure::validation(
                "`default_value` needs the license or group location in `access`",
            ));
        }
        check_value(&def, &default)
            .map_err(|e| Failure::validation(format!("`default_value`: {e}")))?;
        def.default_value = Some(default);
    }
    state
        .properties
        .entry(req.owner_client_id)
        .or_default()
        .insert(req.name, def);
    done()
}

pub fn unregister(req: UnregisterPropertyRequest, state: &mut State) -> Outcome {
    let ns = &req.owner_client_id;
    if definition(state, ns, &req.name)?.public_access.is_some() {
        return Err(Failure::validation(format!(
            "property `{ns}.{}` is published; published properties cannot be unregistered",
            req.name
        )));
    }
    if let Some(props) = state.properties.get_mut(ns) {
        props.remove(&req.name);
        if props.is_empty() {
            state.properties.remove(ns);
        }
    }
    if let Some(values) = state.license_values.get_mut(ns) {
        values.remove(&req.name);
    }
    for groups in state.group_values.values_mut() {
        if let Some(values) = groups.get_mut(ns) {
            values.remove(&req.name);
        }
    }
    done()
}

pub fn publish(req: PublishPropertyRequest, state: &mut State) -> Outcome {
    definition(state, &req.owner_client_id, &req.name)?;
    if let Some(def) = state
        .properties
        .get_mut(&req.owner_client_id)
        .and_then(|p| p.get_mut(&req.name))
    {
        def.public_access = Some(req.access_type);
    }
    done()
}

pub fn list(req: ListPropertiesRequest, state: &State) -> Outcome {
    reply(
        state
            .properties
            .get(&req.owner_client_id)
            .cloned()
            .unwrap_or_default(),
    )
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
            let def = definition(state, ns, name)?;
            if location.access(def).is_none() {
                return Err(Failure::validation(format!(
                    "property `{ns}.{name}` is not available in the {} location",
                    location.name()
                )));
            }
            reachable(who, ns, def, location, true)
                .map_err(|e| Failure::authorization(format!("property `{ns}.{name}` {e}")))?;
            check_value(def, value)
                .map_err(|e| Failure::validation(format!("property `{ns}.{name}`: {e}")))?;
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
) -> Outcome {
    check_update(who, state, &req.properties, Location::License)?;
    merge(&mut state.license_values, req.properties);
    done()
}

pub fn list_license(req: ListLicensePropertiesRequest, who: &Identity, state: &State) -> Outcome {
    reply(visible(
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
) -> Outcome {
    check_delete(who, state, &req.properties, Location::License)?;
    remove(&mut state.license_values, &req.properties);
    done()
}

pub fn update_group(
    req: UpdateGroupPropertiesRequest,
    who: &Identity,
    state: &mut State,
) -> Outcome {
    state.check_group(req.group_id)?;
    check_update(who, state, &req.properties, Location::Group)?;
    merge(
        state.group_values.entry(req.group_id).or_default(),
        req.properties,
    );
    done()
}

/// An empty `group_ids` means every group.
pub fn list_groups(req: ListGroupsPropertiesRequest, who: &Identity, state: &State) -> Outcome {
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
            GroupProperties::new(id).properties(values)
        })
        .collect();
    reply(groups)
}

pub fn delete_group(
    req: DeleteGroupPropertiesRequest,
    who: &Identity,
    state: &mut State,
) -> Outcome {
    state.check_group(req.id)?;
    check_delete(who, state, &req.properties, Location::Group)?;
    if let Some(values) = state.group_values.get_mut(&req.id) {
        remove(values, &req.properties);
    }
    done()
}
