//! From a decoded request to an answer: one module per section of the reference, and the batch
//! endpoints, which run each item as its plain action and answer item by item.

mod agents;
mod auto_access;
mod bots;
mod customer_bans;
mod greetings;
mod groups;
mod other;
mod properties;
mod property_values;
mod tags;
mod webhooks;

pub use bots::TEMPLATE_LIMIT;
pub use webhooks::PER_ACTION_LIMIT;

use crate::auth::Identity;
use crate::error::{Failure, Outcome};
use crate::state::State;
use livechat_config::{AnyRequest, DecodeError};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// What a handler needs besides the state: who calls, the region bot tokens are issued in, and
/// the Client IDs of the license's organization.
pub struct Ctx<'a> {
    pub who: &'a Identity,
    pub region: &'a str,
    pub organization_clients: &'a BTreeSet<String>,
}

impl Ctx<'_> {
    /// "Must be owned by your organization": anything else is not a valid `owner_client_id`.
    fn of_organization(&self, owner_client_id: &str) -> Result<(), Failure> {
        if self.organization_clients.contains(owner_client_id) {
            Ok(())
        } else {
            Err(Failure::validation(format!(
                "`owner_client_id`: `{owner_client_id}` is not a Client ID of this license's organization"
            )))
        }
    }
}

fn reply<T: Serialize>(value: T) -> Outcome {
    serde_json::to_value(value).map_err(|e| Failure::internal(e.to_string()))
}

/// "No response payload (200 OK)".
fn done() -> Outcome {
    Ok(json!({}))
}

/// The owner a call acts for: the `owner_client_id` given, else the token's Client ID.
/// Personal access tokens have none, which is why the reference requires the parameter there.
fn owner_client_id(given: Option<String>, who: &Identity) -> Result<String, Failure> {
    given.or_else(|| who.client_id.clone()).ok_or_else(|| {
        Failure::validation(
            "`owner_client_id` is required when authorizing with a personal access token",
        )
    })
}

/// A request's message as a validation error: where, then what.
pub fn validation(e: &DecodeError) -> Failure {
    if e.path.is_empty() || e.path == "." {
        Failure::validation(e.message.clone())
    } else {
        Failure::validation(format!("`{}`: {}", e.path, e.message))
    }
}

/// Each item is its plain action's answer or its own `{"error": …}`, in request order.
fn batch<R>(
    items: Vec<Result<R, DecodeError>>,
    state: &mut State,
    mut run: impl FnMut(R, &mut State) -> Outcome,
) -> Outcome {
    let responses: Vec<Value> = items
        .into_iter()
        .map(
            |item| match item.map_err(|e| validation(&e)).and_then(|r| run(r, state)) {
                Ok(value) => value,
                Err(failure) => failure.body(),
            },
        )
        .collect();
    Ok(json!({ "responses": responses }))
}

/// Runs one request against the state. A handler that fails leaves the state as it found it.
pub fn handle(request: AnyRequest, ctx: &Ctx, state: &mut State) -> Outcome {
    let who = ctx.who;
    let org = |owner_client_id: &str| ctx.of_organization(owner_client_id);
    use AnyRequest as R;
    match request {
        R::CreateAgent(r) => agents::create(r, who, state),
        R::GetAgent(r) => agents::get(r, state),
        R::ListAgents(r) => agents::list(r, state),
        R::UpdateAgent(r) => agents::update(r, who, state),
        R::DeleteAgent(r) => agents::delete(r, state),
        R::SuspendAgent(r) => agents::suspend(r, state),
        R::UnsuspendAgent(r) => agents::unsuspend(r, state),
        R::RequestAgentUnsuspension(_) => agents::request_unsuspension(who, state),
        R::ApproveAgent(r) => agents::approve(r, state),

        R::AddAutoAccess(r) => auto_access::add(r, state),
        R::ListAutoAccesses(_) => auto_access::list(state),
        R::DeleteAutoAccess(r) => auto_access::delete(r, state),
        R::UpdateAutoAccess(r) => auto_access::update(r, state),

        R::CreateBotTemplate(r) => {
            org(&r.owner_client_id).and_then(|()| bots::create_template(r, state))
        }
        R::CreateBot(r) => bots::create(r, who, state),
        R::DeleteBotTemplate(r) => {
            org(&r.owner_client_id).and_then(|()| bots::delete_template(r, state))
        }
        R::DeleteBot(r) => bots::delete(r, state),
        R::UpdateBotTemplate(r) => {
            org(&r.owner_client_id).and_then(|()| bots::update_template(r, state))
        }
        R::UpdateBot(r) => bots::update(r, state),
        R::ListBotTemplates(r) => {
            org(&r.owner_client_id).and_then(|()| bots::list_templates(r, state))
        }
        R::ListBots(r) => bots::list(r, who, state),
        R::GetBot(r) => bots::get(r, state),
        R::IssueBotToken(r) => bots::issue_token(r, ctx.region, state),
        R::ResetBotTemplateSecret(r) => {
            org(&r.owner_client_id).and_then(|()| bots::reset_template_secret(r, state))
        }
        R::ResetBotSecret(r) => bots::reset_secret(r, who, state),

        R::ListCustomerBans(_) => customer_bans::list(state),
        R::UnbanCustomer(r) => customer_bans::unban(r, state),

        R::CreateGreeting(r) => greetings::create(r, state),
        R::UpdateGreeting(r) => greetings::update(r, state),
        R::DeleteGreeting(r) => greetings::delete(r, state),
        R::ListGreetings(r) => greetings::list(r, state),
        R::GetGreeting(r) => greetings::get(r, state),

        R::CreateGroup(r) => groups::create(r, state),
        R::UpdateGroup(r) => groups::update(r, state),
        R::DeleteGroup(r) => groups::delete(r, state),
        R::ListGroups(r) => groups::list(r, state),
        R::GetGroup(r) => groups::get(r, state),

        R::RegisterProperty(r) => {
            org(&r.owner_client_id).and_then(|()| properties::register(r, who, state))
        }
        R::UnregisterProperty(r) => {
            org(&r.owner_client_id).and_then(|()| properties::unregister(r, who, state))
        }
        R::PublishProperty(r) => {
            org(&r.owner_client_id).and_then(|()| properties::publish(r, who, state))
        }
        R::ListProperties(r) => org(&r.owner_client_id).and_then(|()| properties::list(r, state)),
        R::UpdateLicenseProperties(r) => property_values::update_license(r, who, state),
        R::ListLicenseProperties(r) => property_values::list_license(r, who, state),
        R::DeleteLicenseProperties(r) => property_values::delete_license(r, who, state),
        R::UpdateGroupProperties(r) => property_values::update_group(r, who, state),
        R::ListGroupsProperties(r) => property_values::list_groups(r, who, state),
        R::DeleteGroupProperties(r) => property_values::delete_group(r, who, state),

        R::CreateTag(r) => tags::create(r, who, state),
        R::DeleteTag(r) => tags::delete(r, state),
        R::ListTags(r) => tags::list(r, state),
        R::UpdateTag(r) => tags::update(r, state),

        R::RegisterWebhook(r) => {
            org(&r.owner_client_id).and_then(|()| webhooks::register(r, state))
        }
        R::ListWebhooks(r) => org(&r.owner_client_id).and_then(|()| webhooks::list(r, state)),
        R::UnregisterWebhook(r) => {
            org(&r.owner_client_id).and_then(|()| webhooks::unregister(r, state))
        }
        R::ListWebhookNames(r) => webhooks::names(r),
        R::EnableLicenseWebhooks(r) => webhooks::enable(r, who, state),
        R::DisableLicenseWebhooks(r) => webhooks::disable(r, who, state),
        R::GetLicenseWebhooksState(r) => webhooks::get_state(r, who, state),

        R::ListChannels(_) => other::list_channels(state),
        R::CheckProductLimitsForPlan(r) => other::check_limits(r, state),
        R::GetProductSource(_) => other::product_source(),
        R::ReactivateEmail(r) => other::reactivate_email(r, state),
        R::UpdateCompanyDetails(r) => other::update_company(r, state),

        R::BatchCreateAgents(items) => batch(items, state, |r, s| agents::create(r, who, s)),
        R::BatchUpdateAgents(items) => batch(items, state, |r, s| agents::update(r, who, s)),
        R::BatchDeleteAgents(items) => batch(items, state, agents::delete),
        R::BatchSuspendAgents(items) => batch(items, state, agents::suspend),
        R::BatchUnsuspendAgents(items) => batch(items, state, agents::unsuspend),
        R::BatchApproveAgents(items) => batch(items, state, agents::approve),
        R::BatchCreateBots(items) => batch(items, state, |r, s| bots::create(r, who, s)),
        R::BatchDeleteBots(items) => batch(items, state, bots::delete),
        R::BatchUpdateBots(items) => batch(items, state, bots::update),
        other => Err(Failure::internal(format!(
            "`{}` is not served by this emulator",
            other.action()
        ))),
    }
}
