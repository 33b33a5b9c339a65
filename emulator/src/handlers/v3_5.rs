//! v3.5 over the same state: the three actions whose v3.5 requests say what v3.6's cannot (an
//! agent's `avatar`, a new `name` on update, webhooks for `incoming_customer`). They run v3.6's
//! section handlers and then do the rest; every other v3.5 action is v3.6's through the sdk's
//! generated bridge.

use super::{agents, names, webhooks, Served};
use crate::error::Failure;
use livechat_config::v3_5::*;
use livechat_config::v3_6;

impl OwnHandlers for Served<'_> {
    fn create_agent(&mut self, r: CreateAgentRequest) -> Result<CreateAgentResponse, Failure> {
        let CreateAgentRequest {
            id,
            name,
            role,
            avatar,
            login_status,
            job_title,
            mobile,
            max_chats_count,
            awaiting_approval,
            groups,
            notifications,
            email_subscriptions,
            work_scheduler,
            ..
        } = r;
        let mut request = v3_6::CreateAgentRequest::new(id, name);
        request.role = role;
        request.login_status = login_status;
        request.job_title = job_title;
        request.mobile = mobile;
        request.max_chats_count = max_chats_count;
        request.awaiting_approval = awaiting_approval;
        request.groups = groups;
        request.notifications = notifications;
        request.email_subscriptions = email_subscriptions;
        request.work_scheduler = work_scheduler;
        let who = self.ctx.who;
        let state = self.write()?;
        let created = agents::create(request, who, state)?;
        if let (Some(avatar), Some(agent)) = (avatar, state.agents.get_mut(&created.id)) {
            agent.avatar = Some(avatar);
        }
        Ok(CreateAgentResponse::new(created.id))
    }

    fn update_agent(&mut self, r: UpdateAgentRequest) -> Result<(), Failure> {
        let UpdateAgentRequest {
            id,
            name,
            role,
            avatar,
            login_status,
            job_title,
            mobile,
            max_chats_count,
            groups,
            notifications,
            email_subscriptions,
            work_scheduler,
            ..
        } = r;
        if let Some(name) = &name {
            names::not_blank("name", name)?;
        }
        let mut request = v3_6::UpdateAgentRequest::new(id.clone());
        request.role = role;
        request.login_status = login_status;
        request.job_title = job_title;
        request.mobile = mobile;
        request.max_chats_count = max_chats_count;
        request.groups = groups;
        request.notifications = notifications;
        request.email_subscriptions = email_subscriptions;
        request.work_scheduler = work_scheduler;
        let who = self.ctx.who;
        let state = self.write()?;
        agents::update(request, who, state)?;
        if let Some(agent) = state.agents.get_mut(&id) {
            if let Some(name) = name {
                agent.name = name;
            }
            if avatar.is_some() {
                agent.avatar = avatar;
            }
        }
        Ok(())
    }

    fn register_webhook(
        &mut self,
        r: RegisterWebhookRequest,
    ) -> Result<RegisterWebhookResponse, Failure> {
        self.ctx.of_organization(&r.owner_client_id)?;
        // v3.5's own table of filters and additional data, for its own actions.
        let available = r.action.available_filters();
        let takes_data = webhooks::takes_additional_data(r.action.as_str());
        let action = v3_6::WebhookAction::from(r.action.as_str());
        let mut request = v3_6::RegisterWebhookRequest::new(
            action,
            r.secret_key,
            r.url,
            r.owner_client_id,
            r.r#type,
        );
        request.description = r.description;
        request.filters = r.filters.map(Into::into);
        request.additional_data = r.additional_data.map(|data| {
            data.iter()
                .map(|d| v3_6::WebhookAdditionalData::from(d.as_str()))
                .collect()
        });
        let registered = webhooks::register_as(request, available, takes_data, self.write()?)?;
        Ok(RegisterWebhookResponse::new(registered.id))
    }
}
