//! v3.7 over the same state: its new sections. The actions it shares with v3.6 run v3.6's
//! handlers through the sdk's generated bridge.

use super::{allowed_domains, canned_responses, customer_bans, translations, Served};
use crate::error::Failure;
use livechat_config::v3_7::*;

impl OwnHandlers for Served<'_> {
    fn add_allowed_domain(&mut self, r: AddAllowedDomainRequest) -> Result<(), Failure> {
        allowed_domains::add(r, self.write()?)
    }

    fn list_allowed_domains(
        &mut self,
        _request: ListAllowedDomainsRequest,
    ) -> Result<ListAllowedDomainsResponse, Failure> {
        allowed_domains::list(self.read())
    }

    fn delete_allowed_domain(&mut self, r: DeleteAllowedDomainRequest) -> Result<(), Failure> {
        allowed_domains::delete(r, self.write()?)
    }

    fn ban_customer(&mut self, r: BanCustomerRequest) -> Result<(), Failure> {
        customer_bans::ban(r, self.ctx.who, self.write()?)
    }

    fn create_canned_response(
        &mut self,
        r: CreateCannedResponseRequest,
    ) -> Result<CreateCannedResponseResponse, Failure> {
        canned_responses::create(r, self.ctx.who, self.write()?)
    }

    fn update_canned_response(&mut self, r: UpdateCannedResponseRequest) -> Result<(), Failure> {
        canned_responses::update(r, self.ctx.who, self.write()?)
    }

    fn list_canned_responses(
        &mut self,
        r: ListCannedResponsesRequest,
    ) -> Result<ListCannedResponsesResponse, Failure> {
        canned_responses::list(r, self.ctx.who, self.read())
    }

    fn delete_canned_response(&mut self, r: DeleteCannedResponseRequest) -> Result<(), Failure> {
        canned_responses::delete(r, self.ctx.who, self.write()?)
    }

    fn update_translations(&mut self, r: UpdateTranslationsRequest) -> Result<(), Failure> {
        translations::update(r, self.write()?)
    }

    fn list_translations(
        &mut self,
        r: ListTranslationsRequest,
    ) -> Result<ListTranslationsResponse, Failure> {
        translations::list(r, self.read())
    }
}
