//! From a decoded request to an answer: one module per section of the reference, and the batch
//! endpoints, which run each item as its plain action and answer item by item.

mod agents;
mod allowed_domains;
mod auto_access;
mod bots;
mod canned_responses;
mod customer_bans;
mod greetings;
mod groups;
pub mod names;
mod other;
mod page_ids;
mod properties;
pub mod property_values;
mod tags;
mod translations;
mod v3_5;
pub mod v3_7;
mod webhooks;

pub use bots::TEMPLATE_LIMIT;
pub use webhooks::PER_ACTION_LIMIT;

use crate::auth::Identity;
use crate::error::{Failure, Outcome};
use crate::state::State;
use livechat_config::v3_6::*;
use livechat_config::DecodeError;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// What a handler needs besides the state: who calls, the region bot tokens are issued in, and
/// the Client IDs of the license's organization.
pub struct Ctx<'a> {
    pub who: &'a Identity,
    pub region: &'a str,
    pub organization_clients: &'a BTreeSet<String>,
    /// The version the call was made in (its path's), whichever version's handler serves it.
    pub version: livechat_config::versions::Version,
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

/// A call being served: its context and the state it acts on. The generated dispatch calls the
/// method of the request's action, and for a batch endpoint that method once per item, so every
/// action of the spec needs a handler here and batch endpoints need none.
struct Served<'a> {
    ctx: &'a Ctx<'a>,
    state: Access<'a>,
}

/// Lookups are served under a shared lock, so that they do not wait for each other; only
/// changes hold the state exclusively.
pub enum Access<'a> {
    Read(&'a State),
    Write(&'a mut State),
}

impl Served<'_> {
    fn read(&self) -> &State {
        match &self.state {
            Access::Read(state) => state,
            Access::Write(state) => state,
        }
    }

    /// The state to change. A lookup served under the shared lock cannot get it, which is the
    /// emulator's fault: every action that changes the state is served as a change.
    fn write(&mut self) -> Result<&mut State, Failure> {
        match &mut self.state {
            Access::Write(state) => Ok(state),
            Access::Read(_) => Err(Failure::internal(
                "the emulator served a change as a lookup",
            )),
        }
    }
}

/// Runs one v3.6 request against the state. A handler that fails leaves the state as it found it.
pub fn handle(request: AnyRequest, ctx: &Ctx, state: Access) -> Outcome {
    dispatch_request(&mut Served { ctx, state }, request)
}

/// Runs a request of any version against the state: v3.6's through [`Handlers`], another's
/// through its version's handlers, which the sdk builds from v3.6's and the `OwnHandlers` of
/// each version between.
pub fn serve(request: crate::versions::VersionedRequest, ctx: &Ctx, state: Access) -> Outcome {
    request.dispatch(&mut Served { ctx, state })
}

impl Handlers for Served<'_> {
    type Error = Failure;

    fn invalid(&mut self, error: DecodeError) -> Failure {
        validation(&error)
    }

    fn unserializable(&mut self, error: serde_json::Error) -> Failure {
        Failure::internal(error.to_string())
    }

    fn item_error(&mut self, error: Failure) -> Value {
        error.body()
    }

    fn create_agent(&mut self, r: CreateAgentRequest) -> Result<CreateAgentResponse, Failure> {
        agents::create(r, self.ctx.who, self.write()?)
    }

    fn get_agent(&mut self, r: GetAgentRequest) -> Result<Agent, Failure> {
        agents::get(r, self.read())
    }

    fn list_agents(&mut self, r: ListAgentsRequest) -> Result<Vec<Agent>, Failure> {
        agents::list(r, self.read())
    }

    fn update_agent(&mut self, r: UpdateAgentRequest) -> Result<(), Failure> {
        agents::update(r, self.ctx.who, self.write()?)
    }

    fn delete_agent(&mut self, r: DeleteAgentRequest) -> Result<(), Failure> {
        agents::delete(r, self.write()?)
    }

    fn suspend_agent(&mut self, r: SuspendAgentRequest) -> Result<(), Failure> {
        agents::suspend(r, self.write()?)
    }

    fn unsuspend_agent(&mut self, r: UnsuspendAgentRequest) -> Result<(), Failure> {
        agents::unsuspend(r, self.write()?)
    }

    fn request_agent_unsuspension(
        &mut self,
        _request: RequestAgentUnsuspensionRequest,
    ) -> Result<(), Failure> {
        agents::request_unsuspension(self.ctx.who, self.read())
    }

    fn approve_agent(&mut self, r: ApproveAgentRequest) -> Result<(), Failure> {
        agents::approve(r, self.write()?)
    }

    fn add_auto_access(
        &mut self,
        r: AddAutoAccessRequest,
    ) -> Result<AddAutoAccessResponse, Failure> {
        auto_access::add(r, self.write()?)
    }

    fn list_auto_accesses(
        &mut self,
        _request: ListAutoAccessesRequest,
    ) -> Result<Vec<AutoAccess>, Failure> {
        auto_access::list(self.read())
    }

    fn delete_auto_access(&mut self, r: DeleteAutoAccessRequest) -> Result<(), Failure> {
        auto_access::delete(r, self.write()?)
    }

    fn update_auto_access(&mut self, r: UpdateAutoAccessRequest) -> Result<(), Failure> {
        auto_access::update(r, self.write()?)
    }

    fn create_bot_template(
        &mut self,
        r: CreateBotTemplateRequest,
    ) -> Result<CreateBotTemplateResponse, Failure> {
        self.ctx
            .of_organization(&r.owner_client_id)
            .and_then(|()| bots::create_template(r, self.write()?))
    }

    fn create_bot(&mut self, r: CreateBotRequest) -> Result<CreateBotResponse, Failure> {
        bots::create(r, self.ctx.who, self.write()?)
    }

    fn delete_bot_template(&mut self, r: DeleteBotTemplateRequest) -> Result<(), Failure> {
        self.ctx
            .of_organization(&r.owner_client_id)
            .and_then(|()| bots::delete_template(r, self.write()?))
    }

    fn delete_bot(&mut self, r: DeleteBotRequest) -> Result<(), Failure> {
        bots::delete(r, self.write()?)
    }

    fn update_bot_template(&mut self, r: UpdateBotTemplateRequest) -> Result<(), Failure> {
        self.ctx
            .of_organization(&r.owner_client_id)
            .and_then(|()| bots::update_template(r, self.write()?))
    }

    fn update_bot(&mut self, r: UpdateBotRequest) -> Result<(), Failure> {
        bots::update(r, self.write()?)
    }

    fn list_bot_templates(
        &mut self,
        r: ListBotTemplatesRequest,
    ) -> Result<Vec<BotTemplate>, Failure> {
        self.ctx
            .of_organization(&r.owner_client_id)
            .and_then(|()| bots::list_templates(r, self.read()))
    }

    fn list_bots(&mut self, r: ListBotsRequest) -> Result<Vec<Bot>, Failure> {
        bots::list(r, self.ctx.who, self.read())
    }

    fn get_bot(&mut self, r: GetBotRequest) -> Result<Bot, Failure> {
        bots::get(r, self.read())
    }

    fn issue_bot_token(
        &mut self,
        r: IssueBotTokenRequest,
    ) -> Result<IssueBotTokenResponse, Failure> {
        bots::issue_token(r, self.ctx.region, self.write()?)
    }

    fn reset_bot_template_secret(
        &mut self,
        r: ResetBotTemplateSecretRequest,
    ) -> Result<ResetBotTemplateSecretResponse, Failure> {
        self.ctx
            .of_organization(&r.owner_client_id)
            .and_then(|()| bots::reset_template_secret(r, self.write()?))
    }

    fn reset_bot_secret(
        &mut self,
        r: ResetBotSecretRequest,
    ) -> Result<ResetBotSecretResponse, Failure> {
        bots::reset_secret(r, self.ctx.who, self.write()?)
    }

    fn create_group(&mut self, r: CreateGroupRequest) -> Result<CreateGroupResponse, Failure> {
        groups::create(r, self.write()?)
    }

    fn update_group(&mut self, r: UpdateGroupRequest) -> Result<(), Failure> {
        groups::update(r, self.write()?)
    }

    fn delete_group(&mut self, r: DeleteGroupRequest) -> Result<(), Failure> {
        groups::delete(r, self.write()?)
    }

    fn list_groups(&mut self, r: ListGroupsRequest) -> Result<Vec<Group>, Failure> {
        groups::list(r, self.read())
    }

    fn get_group(&mut self, r: GetGroupRequest) -> Result<Group, Failure> {
        groups::get(r, self.read())
    }

    fn register_property(&mut self, r: RegisterPropertyRequest) -> Result<(), Failure> {
        self.ctx
            .of_organization(&r.owner_client_id)
            .and_then(|()| properties::register(r, self.ctx.who, self.write()?))
    }

    fn unregister_property(&mut self, r: UnregisterPropertyRequest) -> Result<(), Failure> {
        self.ctx
            .of_organization(&r.owner_client_id)
            .and_then(|()| properties::unregister(r, self.ctx.who, self.write()?))
    }

    fn publish_property(&mut self, r: PublishPropertyRequest) -> Result<(), Failure> {
        self.ctx
            .of_organization(&r.owner_client_id)
            .and_then(|()| properties::publish(r, self.ctx.who, self.write()?))
    }

    fn list_properties(
        &mut self,
        r: ListPropertiesRequest,
    ) -> Result<BTreeMap<String, PropertyDefinition>, Failure> {
        self.ctx
            .of_organization(&r.owner_client_id)
            .and_then(|()| properties::list(r, self.read()))
    }

    fn update_license_properties(
        &mut self,
        r: UpdateLicensePropertiesRequest,
    ) -> Result<(), Failure> {
        property_values::update_license(r, self.ctx.who, self.write()?)
    }

    fn list_license_properties(
        &mut self,
        r: ListLicensePropertiesRequest,
    ) -> Result<BTreeMap<String, BTreeMap<String, Value>>, Failure> {
        property_values::list_license(r, self.ctx.who, self.read())
    }

    fn delete_license_properties(
        &mut self,
        r: DeleteLicensePropertiesRequest,
    ) -> Result<(), Failure> {
        property_values::delete_license(r, self.ctx.who, self.write()?)
    }

    fn update_group_properties(&mut self, r: UpdateGroupPropertiesRequest) -> Result<(), Failure> {
        property_values::update_group(r, self.ctx.who, self.write()?)
    }

    fn list_groups_properties(
        &mut self,
        r: ListGroupsPropertiesRequest,
    ) -> Result<Vec<GroupProperties>, Failure> {
        property_values::list_groups(r, self.ctx.who, self.read())
    }

    fn delete_group_properties(&mut self, r: DeleteGroupPropertiesRequest) -> Result<(), Failure> {
        property_values::delete_group(r, self.ctx.who, self.write()?)
    }

    fn create_tag(&mut self, r: CreateTagRequest) -> Result<(), Failure> {
        tags::create(r, self.ctx.who, self.write()?)
    }

    fn delete_tag(&mut self, r: DeleteTagRequest) -> Result<(), Failure> {
        tags::delete(r, self.write()?)
    }

    fn list_tags(&mut self, r: ListTagsRequest) -> Result<Vec<Tag>, Failure> {
        tags::list(r, self.read())
    }

    fn update_tag(&mut self, r: UpdateTagRequest) -> Result<(), Failure> {
        tags::update(r, self.write()?)
    }

    fn register_webhook(
        &mut self,
        r: RegisterWebhookRequest,
    ) -> Result<RegisterWebhookResponse, Failure> {
        self.ctx
            .of_organization(&r.owner_client_id)
            .and_then(|()| webhooks::register(r, self.write()?))
    }

    fn list_webhooks(&mut self, r: ListWebhooksRequest) -> Result<Vec<Webhook>, Failure> {
        self.ctx
            .of_organization(&r.owner_client_id)
            .and_then(|()| webhooks::list(r, self.read()))
    }

    fn unregister_webhook(&mut self, r: UnregisterWebhookRequest) -> Result<(), Failure> {
        self.ctx
            .of_organization(&r.owner_client_id)
            .and_then(|()| webhooks::unregister(r, self.write()?))
    }

    fn list_webhook_names(
        &mut self,
        r: ListWebhookNamesRequest,
    ) -> Result<Vec<WebhookName>, Failure> {
        webhooks::names(r, self.ctx.version)
    }

    fn enable_license_webhooks(&mut self, r: EnableLicenseWebhooksRequest) -> Result<(), Failure> {
        webhooks::enable(r, self.ctx.who, self.write()?)
    }

    fn disable_license_webhooks(
        &mut self,
        r: DisableLicenseWebhooksRequest,
    ) -> Result<(), Failure> {
        webhooks::disable(r, self.ctx.who, self.write()?)
    }

    fn get_license_webhooks_state(
        &mut self,
        r: GetLicenseWebhooksStateRequest,
    ) -> Result<GetLicenseWebhooksStateResponse, Failure> {
        webhooks::get_state(r, self.ctx.who, self.read())
    }

    fn list_channels(&mut self, _request: ListChannelsRequest) -> Result<Vec<Channel>, Failure> {
        other::list_channels(self.read())
    }

    fn check_product_limits_for_plan(
        &mut self,
        r: CheckProductLimitsForPlanRequest,
    ) -> Result<Vec<LimitBalance>, Failure> {
        other::check_limits(r, self.read())
    }

    fn get_product_source(
        &mut self,
        _request: GetProductSourceRequest,
    ) -> Result<ProductSource, Failure> {
        other::product_source()
    }

    fn reactivate_email(&mut self, r: ReactivateEmailRequest) -> Result<(), Failure> {
        other::reactivate_email(r, self.read())
    }

    fn update_company_details(&mut self, r: UpdateCompanyDetailsRequest) -> Result<(), Failure> {
        other::update_company(r, self.write()?)
    }

    fn list_customer_bans(
        &mut self,
        _: ListCustomerBansRequest,
    ) -> Result<Vec<CustomerBan>, Failure> {
        customer_bans::list(self.read())
    }

    fn unban_customer(&mut self, r: UnbanCustomerRequest) -> Result<(), Failure> {
        customer_bans::unban(r, self.write()?)
    }

    fn create_greeting(
        &mut self,
        r: CreateGreetingRequest,
    ) -> Result<CreateGreetingResponse, Failure> {
        greetings::create(r, self.write()?)
    }

    fn update_greeting(&mut self, r: UpdateGreetingRequest) -> Result<(), Failure> {
        greetings::update(r, self.write()?)
    }

    fn delete_greeting(&mut self, r: DeleteGreetingRequest) -> Result<(), Failure> {
        greetings::delete(r, self.write()?)
    }

    fn list_greetings(
        &mut self,
        r: ListGreetingsRequest,
    ) -> Result<ListGreetingsResponse, Failure> {
        greetings::list(r, self.read())
    }

    fn get_greeting(&mut self, r: GetGreetingRequest) -> Result<Greeting, Failure> {
        greetings::get(r, self.read())
    }
}
