//! Property definitions: register, unregister, publish and list them, per namespace (the owner
//! Client ID), and the type, domain and range rules their values follow.
//!
//! "Unpublished (private) properties can be accessed only with a token belonging to the owner
//! Client Id": a token issued to a Client ID registers, unregisters and publishes properties in
//! that Client ID's namespace only. A personal access token belongs to an agent of the
//! organization, not to a Client ID, and configures properties for any Client ID the
//! organization owns, as the reference's "for a Client Id owned by your organization" allows.

use crate::auth::Identity;
use crate::error::Failure;
use crate::state::State;
use livechat_config::{
    ListPropertiesRequest, PropertyDefinition, PropertyType, PublishPropertyRequest,
    RegisterPropertyRequest, UnregisterPropertyRequest,
};
use serde_json::Value;

pub(super) fn definition<'a>(
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
pub(super) fn check_value(def: &PropertyDefinition, value: &Value) -> Result<(), String> {
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

/// Whether the caller may change the definitions of `owner_client_id`'s namespace.
fn configures(who: &Identity, owner_client_id: &str) -> Result<(), Failure> {
    match who.client_id.as_deref() {
        Some(own) if own != owner_client_id => Err(Failure::authorization(format!(
            "the properties of `{owner_client_id}` are configured with its own tokens, not those of `{own}`"
        ))),
        _ => Ok(()),
    }
}

pub fn register(
    req: RegisterPropertyRequest,
    who: &Identity,
    state: &mut State,
) -> Result<(), Failure> {
    let ns = &req.owner_client_id;
    configures(who, ns)?;
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
    Ok(())
}

pub fn unregister(
    req: UnregisterPropertyRequest,
    who: &Identity,
    state: &mut State,
) -> Result<(), Failure> {
    let ns = &req.owner_client_id;
    configures(who, ns)?;
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
    Ok(())
}

pub fn publish(
    req: PublishPropertyRequest,
    who: &Identity,
    state: &mut State,
) -> Result<(), Failure> {
    configures(who, &req.owner_client_id)?;
    definition(state, &req.owner_client_id, &req.name)?;
    if let Some(def) = state
        .properties
        .get_mut(&req.owner_client_id)
        .and_then(|p| p.get_mut(&req.name))
    {
        def.public_access = Some(req.access_type);
    }
    Ok(())
}

pub fn list(
    req: ListPropertiesRequest,
    state: &State,
) -> Result<std::collections::BTreeMap<String, PropertyDefinition>, Failure> {
    Ok(state
        .properties
        .get(&req.owner_client_id)
        .cloned()
        .unwrap_or_default())
}
