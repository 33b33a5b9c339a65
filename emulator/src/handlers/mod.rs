//! From a decoded request to an answer: one module per section of the reference, and the batch
//! endpoints, which run each item as its plain action and answer item by item.

mod agents;
mod auto_access;
mod bots;
mod groups;
mod other;
mod properties;
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

/// What a handler needs besides the state: who calls, and the region bot tokens are issued in.
pub struct Ctx<'a> {
    pub who: &'a Identity,
    pub region: &'a str,
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

        R::CreateBotTemplate(r) => bots::create_template(r, state),
        R::CreateBot(r) => bots::create(r, who, state),
        R::DeleteBotTemplate(r) => bots::delete_template(r, state),
        R::DeleteBot(r) => bots::delete(r, state),
        R::UpdateBotTemplate(r) => bots::update_template(r, state),
        R::UpdateBot(r) => bots::update(r, state),
        R::ListBotTemplates(r) => bots::list_templates(r, state),
        R::ListBots(r) => bots::list(r, who, state),
        R::GetBot(r) => bots::get(r, state),
        R::IssueBotToken(r) => bots::issue_token(r, ctx.region, state),
        R::ResetBotTemplateSecret(r) => bots::reset_template_secret(r, state),
        R::ResetBotSecret(r) => bots::reset_secret(r, who, state),

        R::CreateGroup(r) => groups::create(r, state),
        R::UpdateGroup(r) => groups::update(r, state),
        R::DeleteGroup(r) => groups::delete(r, state),
        R::ListGroups(r) => groups::list(r, state),
        R::GetGroup(r) => groups::get(r, state),

        R::RegisterProperty(r) => properties::register(r, state),
        R::UnregisterProperty(r) => properties::unregister(r, state),
        R::PublishProperty(r) => properties::publish(r, state),
        R::ListProperties(r) => properties::list(r, state),
        R::UpdateLicenseProperties(r) => properties::update_license(r, who, state),
        R::ListLicenseProperties(r) => properties::list_license(r, who, state),
        R::DeleteLicenseProperties(r) => properties::delete_license(r, who, state),
        R::UpdateGroupProperties(r) => properties::update_group(r, who, state),
        R::ListGroupsProperties(r) => properties::list_groups(r, who, state),
        R::DeleteGroupProperties(r) => properties::delete_group(r, who, state),

        R::CreateTag(r) => tags::create(r, who, state),
        R::DeleteTag(r) => tags::delete(r, state),
        R::ListTags(r) => tags::list(r, state),
        R::UpdateTag(r) => tags::update(r, state),

        R::RegisterWebhook(r) => webhooks::register(r, state),
        R::ListWebhooks(r) => webhooks::list(r, state),
        R::UnregisterWebhook(r) => webhooks::unregister(r, state),
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
