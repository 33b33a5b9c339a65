//! v3.7 over the same state: the actions it shares with v3.6 run v3.6's handlers (the two specs
//! agree on them, which `cargo xtask diff 3.6 3.7` shows), and its new sections have their own.

use super::{allowed_domains, canned_responses, customer_bans, empty, translations, typed};
use super::{validation, Access, Ctx, Served};
use crate::error::{Failure, Outcome};
use livechat_config::v3_7::{self as v37, *};
use livechat_config::DecodeError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Runs one v3.7 request against the state. A handler that fails leaves the state as it found it.
pub fn handle(request: AnyRequest, ctx: &Ctx, state: Access) -> Outcome {
    dispatch_request(&mut Served { ctx, state }, request)
}

/// A value of one version as the same value of the other.
fn convert<A: Serialize, B: DeserializeOwned>(value: A) -> Result<B, Failure> {
    serde_json::to_value(value)
        .and_then(serde_json::from_value)
        .map_err(|e| Failure::internal(format!("v3.6 and v3.7 disagree on a shared action: {e}")))
}

/// The v3.7 request as v3.6's, run by v3.6's handler, its answer as v3.7's.
fn as_in_v3_6<A, B, C, D>(
    request: A,
    run: impl FnOnce(B) -> Result<C, Failure>,
) -> Result<D, Failure>
where
    A: Serialize,
    B: DeserializeOwned,
    C: Serialize,
    D: DeserializeOwned,
{
    convert(run(convert(request)?)?)
}

macro_rules! shared_with_v3_6 {
    ($($action:ident($request:ident) -> $response:ty;)*) => {$(
        fn $action(&mut self, r: v37::$request) -> Result<$response, Failure> {
            as_in_v3_6(r, |r| livechat_config::v3_6::Handlers::$action(self, r))
        }
    )*};
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

    fn add_allowed_domain(&mut self, r: AddAllowedDomainRequest) -> Result<(), Failure> {
        empty(allowed_domains::add(r, self.write()?))
    }

    fn list_allowed_domains(
        &mut self,
        _request: ListAllowedDomainsRequest,
    ) -> Result<ListAllowedDomainsResponse, Failure> {
        typed(allowed_domains::list(self.read()))
    }

    fn delete_allowed_domain(&mut self, r: DeleteAllowedDomainRequest) -> Result<(), Failure> {
        empty(allowed_domains::delete(r, self.write()?))
    }

    fn ban_customer(&mut self, r: BanCustomerRequest) -> Result<(), Failure> {
        empty(customer_bans::ban(r, self.ctx.who, self.write()?))
    }

    fn create_canned_response(
        &mut self,
        r: CreateCannedResponseRequest,
    ) -> Result<CreateCannedResponseResponse, Failure> {
        typed(canned_responses::create(r, self.ctx.who, self.write()?))
    }

    fn update_canned_response(&mut self, r: UpdateCannedResponseRequest) -> Result<(), Failure> {
        empty(canned_responses::update(r, self.ctx.who, self.write()?))
    }

    fn list_canned_responses(
        &mut self,
        r: ListCannedResponsesRequest,
    ) -> Result<ListCannedResponsesResponse, Failure> {
        typed(canned_responses::list(r, self.ctx.who, self.read()))
    }

    fn delete_canned_response(&mut self, r: DeleteCannedResponseRequest) -> Result<(), Failure> {
        empty(canned_responses::delete(r, self.ctx.who, self.write()?))
    }

    fn update_translations(&mut self, r: UpdateTranslationsRequest) -> Result<(), Failure> {
        empty(translations::update(r, self.write()?))
    }

    fn list_translations(
        &mut self,
        r: ListTranslationsRequest,
    ) -> Result<ListTranslationsResponse, Failure> {
        typed(translations::list(r, self.read()))
    }

    shared_with_v3_6! {
        create_agent(CreateAgentRequest) -> v37::CreateAgentResponse;
        get_agent(GetAgentRequest) -> v37::Agent;
        list_agents(ListAgentsRequest) -> Vec<v37::Agent>;
        update_agent(UpdateAgentRequest) -> ();
        delete_agent(DeleteAgentRequest) -> ();
        suspend_agent(SuspendAgentRequest) -> ();
        unsuspend_agent(UnsuspendAgentRequest) -> ();
        request_agent_unsuspension(RequestAgentUnsuspensionRequest) -> ();
        approve_agent(ApproveAgentRequest) -> ();
        add_auto_access(AddAutoAccessRequest) -> v37::AddAutoAccessResponse;
        list_auto_accesses(ListAutoAccessesRequest) -> Vec<v37::AutoAccess>;
        delete_auto_access(DeleteAutoAccessRequest) -> ();
        update_auto_access(UpdateAutoAccessRequest) -> ();
        create_bot_template(CreateBotTemplateRequest) -> v37::CreateBotTemplateResponse;
        create_bot(CreateBotRequest) -> v37::CreateBotResponse;
        delete_bot_template(DeleteBotTemplateRequest) -> ();
        delete_bot(DeleteBotRequest) -> ();
        update_bot_template(UpdateBotTemplateRequest) -> ();
        update_bot(UpdateBotRequest) -> ();
        list_bot_templates(ListBotTemplatesRequest) -> Vec<v37::BotTemplate>;
        list_bots(ListBotsRequest) -> Vec<v37::Bot>;
        get_bot(GetBotRequest) -> v37::Bot;
        issue_bot_token(IssueBotTokenRequest) -> v37::IssueBotTokenResponse;
        reset_bot_template_secret(ResetBotTemplateSecretRequest) -> v37::ResetBotTemplateSecretResponse;
        reset_bot_secret(ResetBotSecretRequest) -> v37::ResetBotSecretResponse;
        list_customer_bans(ListCustomerBansRequest) -> Vec<v37::CustomerBan>;
        unban_customer(UnbanCustomerRequest) -> ();
        create_greeting(CreateGreetingRequest) -> v37::CreateGreetingResponse;
        update_greeting(UpdateGreetingRequest) -> ();
        delete_greeting(DeleteGreetingRequest) -> ();
        list_greetings(ListGreetingsRequest) -> v37::ListGreetingsResponse;
        get_greeting(GetGreetingRequest) -> v37::Greeting;
        create_group(CreateGroupRequest) -> v37::CreateGroupResponse;
        update_group(UpdateGroupRequest) -> ();
        delete_group(DeleteGroupRequest) -> ();
        list_groups(ListGroupsRequest) -> Vec<v37::Group>;
        get_group(GetGroupRequest) -> v37::Group;
        register_property(RegisterPropertyRequest) -> ();
        unregister_property(UnregisterPropertyRequest) -> ();
        publish_property(PublishPropertyRequest) -> ();
        list_properties(ListPropertiesRequest) -> BTreeMap<String, v37::PropertyDefinition>;
        update_license_properties(UpdateLicensePropertiesRequest) -> ();
        list_license_properties(ListLicensePropertiesRequest) -> BTreeMap<String, BTreeMap<String, Value>>;
        delete_license_properties(DeleteLicensePropertiesRequest) -> ();
        update_group_properties(UpdateGroupPropertiesRequest) -> ();
        list_groups_properties(ListGroupsPropertiesRequest) -> Vec<v37::GroupProperties>;
        delete_group_properties(DeleteGroupPropertiesRequest) -> ();
        create_tag(CreateTagRequest) -> ();
        delete_tag(DeleteTagRequest) -> ();
        list_tags(ListTagsRequest) -> Vec<v37::Tag>;
        update_tag(UpdateTagRequest) -> ();
        register_webhook(RegisterWebhookRequest) -> v37::RegisterWebhookResponse;
        list_webhooks(ListWebhooksRequest) -> Vec<v37::Webhook>;
        unregister_webhook(UnregisterWebhookRequest) -> ();
        list_webhook_names(ListWebhookNamesRequest) -> Vec<v37::WebhookName>;
        enable_license_webhooks(EnableLicenseWebhooksRequest) -> ();
        disable_license_webhooks(DisableLicenseWebhooksRequest) -> ();
        get_license_webhooks_state(GetLicenseWebhooksStateRequest) -> v37::GetLicenseWebhooksStateResponse;
        list_channels(ListChannelsRequest) -> Vec<v37::Channel>;
        check_product_limits_for_plan(CheckProductLimitsForPlanRequest) -> Vec<v37::LimitBalance>;
        get_product_source(GetProductSourceRequest) -> v37::ProductSource;
        reactivate_email(ReactivateEmailRequest) -> ();
        update_company_details(UpdateCompanyDetailsRequest) -> ();
    }
}
