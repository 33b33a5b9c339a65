//! Webhooks: at most three per action per owner Client ID, filters checked against what the
//! reference lists for each action, and the per-owner license webhooks state.

use super::owner_client_id;
use crate::auth::Identity;
use crate::error::Failure;
use crate::state::State;
use crate::version_list::SERVED as VERSIONS;
use livechat_config::{
    DisableLicenseWebhooksRequest, EnableLicenseWebhooksRequest, GetLicenseWebhooksStateRequest,
    GetLicenseWebhooksStateResponse, ListWebhookNamesRequest, ListWebhooksRequest,
    RegisterWebhookRequest, RegisterWebhookResponse, UnregisterWebhookRequest, Webhook,
    WebhookAction, WebhookAdditionalData,
};

/// Webhooks one owner Client ID may register for one action.
pub const PER_ACTION_LIMIT: usize = 3;

/// Actions whose webhooks carry no additional data (the reference's `additional_data` row:
/// every action but `agent_status_changed`, `agent_deleted` and v3.5's `incoming_customer`).
pub fn takes_additional_data(action: &str) -> bool {
    !matches!(
        action,
        "agent_status_changed" | "agent_deleted" | "incoming_customer"
    )
}

pub fn register(
    req: RegisterWebhookRequest,
    state: &mut State,
) -> Result<RegisterWebhookResponse, Failure> {
    let available = req.action.available_filters();
    let takes_data = takes_additional_data(req.action.as_str());
    register_as(req, available, takes_data, state)
}

/// Registers a webhook whose action's filters and additional data another version's table
/// decides (v3.5's `incoming_customer`, which v3.6 no longer has).
pub fn register_as(
    req: RegisterWebhookRequest,
    available: &[&str],
    takes_data: bool,
    state: &mut State,
) -> Result<RegisterWebhookResponse, Failure> {
    let action = &req.action;
    if let Some(filters) = &req.filters {
        let used = [
            ("author_type", filters.author_type.is_some()),
            ("only_my_chats", filters.only_my_chats.is_some()),
            ("chat_presence", filters.chat_presence.is_some()),
            ("source_type", filters.source_type.is_some()),
        ];
        if let Some((name, _)) = used
            .iter()
            .find(|(name, set)| *set && !available.contains(name))
        {
            return Err(Failure::validation(format!(
                "filter `{name}` is not available for action `{}`",
                action.as_str()
            )));
        }
    }
    if req.additional_data.as_ref().is_some_and(|d| !d.is_empty()) && !takes_data {
        return Err(Failure::validation(format!(
            "action `{}` takes no additional data",
            action.as_str()
        )));
    }
    let registered = state
        .webhooks
        .iter()
        .filter(|w| w.owner_client_id == req.owner_client_id && w.action == *action)
        .count();
    if registered >= PER_ACTION_LIMIT {
        return Err(Failure::limit_reached(format!(
            "Client ID `{}` already has {PER_ACTION_LIMIT} webhooks for `{}`",
            req.owner_client_id,
            action.as_str()
        )));
    }
    let webhooks = &state.webhooks;
    let id = state
        .ids
        .unused_hex32(|id| webhooks.iter().any(|w| w.id == id));
    let mut webhook = Webhook::new(&id, req.url, req.action, req.owner_client_id, req.r#type);
    webhook.description = req.description;
    webhook.filters = req.filters;
    webhook.additional_data = req.additional_data;
    webhook.secret_key = Some(req.secret_key);
    state.webhooks.push(webhook);
    Ok(RegisterWebhookResponse::new(id))
}

/// The secret key stays with the emulator, as in the reference's List Webhooks example.
pub fn list(req: ListWebhooksRequest, state: &State) -> Result<Vec<Webhook>, Failure> {
    let webhooks: Vec<Webhook> = state
        .webhooks
        .iter()
        .filter(|w| w.owner_client_id == req.owner_client_id)
        .map(|w| {
            let mut shown = w.clone();
            shown.secret_key = None;
            shown
        })
        .collect();
    Ok(webhooks)
}

pub fn unregister(req: UnregisterWebhookRequest, state: &mut State) -> Result<(), Failure> {
    let at = state
        .webhooks
        .iter()
        .position(|w| w.id == req.id && w.owner_client_id == req.owner_client_id)
        .ok_or_else(|| {
            Failure::not_found(format!(
                "webhook `{}` not found for owner `{}`",
                req.id, req.owner_client_id
            ))
        })?;
    state.webhooks.remove(at);
    Ok(())
}

/// The webhook actions of the version asked for, each with its filters; a version the emulator
/// does not serve is refused. The reference's default, "the current stable API version", is
/// taken as the version of the call: each version's page says it of itself, and a v3.5 answer
/// naming v3.6's webhooks would break v3.5's own list of them.
pub fn names(
    req: ListWebhookNamesRequest,
    called: livechat_config::versions::Version,
) -> Result<Vec<livechat_config::WebhookName>, Failure> {
    let version = req.version.as_deref().unwrap_or(called.as_str());
    let Some(served) = livechat_config::versions::Version::from_name(version) else {
        return Err(Failure::new(
            livechat_config::ErrorKind::UnsupportedVersion,
            format!(
                "webhook names are known for versions {} only, not {version}",
                VERSIONS.join(", ")
            ),
        ));
    };
    let names = served
        .webhook_actions()
        .into_iter()
        .map(|(action, filters)| {
            let mut name = livechat_config::WebhookName::new(WebhookAction::from(action));
            name.filters = Some(filters.iter().map(|f| f.to_string()).collect());
            if takes_additional_data(action) {
                name.additional_data = Some(vec![
                    WebhookAdditionalData::ChatProperties,
                    WebhookAdditionalData::ChatPresenceUserIds,
                ]);
            }
            name
        })
        .collect();
    Ok(names)
}

pub fn enable(
    req: EnableLicenseWebhooksRequest,
    who: &Identity,
    state: &mut State,
) -> Result<(), Failure> {
    let owner = owner_client_id(req.owner_client_id, who)?;
    state.disabled_webhooks.remove(&owner);
    Ok(())
}

pub fn disable(
    req: DisableLicenseWebhooksRequest,
    who: &Identity,
    state: &mut State,
) -> Result<(), Failure> {
    let owner = owner_client_id(req.owner_client_id, who)?;
    state.disabled_webhooks.insert(owner);
    Ok(())
}

pub fn get_state(
    req: GetLicenseWebhooksStateRequest,
    who: &Identity,
    state: &State,
) -> Result<GetLicenseWebhooksStateResponse, Failure> {
    let owner = owner_client_id(req.owner_client_id, who)?;
    Ok(GetLicenseWebhooksStateResponse::new(
        !state.disabled_webhooks.contains(&owner),
    ))
}
