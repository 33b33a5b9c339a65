//! Bots and bot templates (at most five templates per owner Client ID), their secrets and tokens.
//!
//! A template stands for an application's bot: with `affect_existing_installations` the
//! emulated license, which counts as having the application installed, gets (or loses, or sees
//! updated) the bot with the template's id.

use super::names;
use super::owner_client_id;
use crate::auth::Identity;
use crate::error::Failure;
use crate::state::{avatar_url, BotRecord, State, TemplateRecord};
use livechat_config::{
    Bot, BotField, BotTemplate, CreateBotRequest, CreateBotResponse, CreateBotTemplateRequest,
    CreateBotTemplateResponse, DeleteBotRequest, DeleteBotTemplateRequest, GetBotRequest,
    IssueBotTokenRequest, IssueBotTokenResponse, ListBotTemplatesRequest, ListBotsRequest,
    Priority, ResetBotSecretRequest, ResetBotSecretResponse, ResetBotTemplateSecretRequest,
    ResetBotTemplateSecretResponse, UpdateBotRequest, UpdateBotTemplateRequest,
};

/// Templates one owner Client ID may have.
pub const TEMPLATE_LIMIT: usize = 5;

fn bot_mut<'a>(state: &'a mut State, id: &str) -> Result<&'a mut BotRecord, Failure> {
    state
        .bots
        .get_mut(id)
        .ok_or_else(|| Failure::not_found(format!("bot `{id}` not found")))
}

pub fn create(
    req: CreateBotRequest,
    who: &Identity,
    state: &mut State,
) -> Result<CreateBotResponse, Failure> {
    names::not_blank("name", &req.name)?;
    let owner_client_id = owner_client_id(req.owner_client_id, who)?;
    if let Some(groups) = &req.groups {
        state.check_groups(groups.iter().map(|g| g.id))?;
    }
    let (bots, templates) = (&state.bots, &state.bot_templates);
    let id = state
        .ids
        .unused_hex32(|id| bots.contains_key(id) || templates.iter().any(|t| t.id == id));
    let secret = state.ids.hex32();
    let mut bot = Bot::new(&id, req.name);
    bot.avatar_path = Some(req.avatar.unwrap_or_else(|| avatar_url(&id)));
    bot.default_group_priority = Some(req.default_group_priority.unwrap_or(Priority::First));
    bot.owner_client_id = Some(owner_client_id);
    bot.max_chats_count = Some(req.max_chats_count.unwrap_or(6));
    bot.job_title = req.job_title;
    bot.r#type = Some(req.r#type.unwrap_or_else(|| "chatbot".to_string()));
    bot.timezone = req.work_scheduler.as_ref().and_then(|w| w.timezone.clone());
    bot.work_scheduler = req.work_scheduler;
    state.bots.insert(
        id.clone(),
        BotRecord {
            bot,
            secret: secret.clone(),
            created_with_pat: who.is_pat,
        },
    );
    if let Some(groups) = req.groups {
        state.set_groups(&id, &groups);
    }
    Ok(CreateBotResponse::new(id, secret))
}

pub fn delete(req: DeleteBotRequest, state: &mut State) -> Result<(), Failure> {
    bot_mut(state, &req.id)?;
    state.bots.remove(&req.id);
    state.remove_member(&req.id);
    state.bot_tokens.retain(|_, bot| *bot != req.id);
    Ok(())
}

pub fn update(req: UpdateBotRequest, state: &mut State) -> Result<(), Failure> {
    if let Some(name) = &req.name {
        names::not_blank("name", name)?;
    }
    bot_mut(state, &req.id)?;
    if let Some(groups) = &req.groups {
        state.check_groups(groups.iter().map(|g| g.id))?;
    }
    let bot = &mut bot_mut(state, &req.id)?.bot;
    if let Some(name) = req.name {
        bot.name = name;
    }
    if req.avatar.is_some() {
        bot.avatar_path = req.avatar;
    }
    if req.max_chats_count.is_some() {
        bot.max_chats_count = req.max_chats_count;
    }
    if req.default_group_priority.is_some() {
        bot.default_group_priority = req.default_group_priority;
    }
    if req.job_title.is_some() {
        bot.job_title = req.job_title;
    }
    if req.r#type.is_some() {
        bot.r#type = req.r#type;
    }
    if let Some(scheduler) = req.work_scheduler {
        bot.timezone = scheduler.timezone.clone();
        bot.work_scheduler = Some(scheduler);
    }
    if let Some(groups) = req.groups {
        state.set_groups(&req.id, &groups);
    }
    Ok(())
}

fn render(state: &State, record: &BotRecord, fields: &[BotField]) -> Bot {
    let stored = &record.bot;
    let mut out = Bot::new(&stored.id, &stored.name);
    out.avatar_path = stored.avatar_path.clone();
    out.default_group_priority = stored.default_group_priority.clone();
    out.owner_client_id = stored.owner_client_id.clone();
    out.r#type = stored.r#type.clone();
    for field in fields {
        match field {
            BotField::WorkScheduler => out.work_scheduler = stored.work_scheduler.clone(),
            BotField::Groups => out.groups = Some(state.groups_of(&stored.id)),
            BotField::JobTitle => out.job_title = stored.job_title.clone(),
            BotField::MaxChatsCount => out.max_chats_count = stored.max_chats_count,
            BotField::Timezone => out.timezone = stored.timezone.clone(),
            _ => {}
        }
    }
    out
}

/// `all: false` lists the caller's bots: those of its application, or for a personal access
/// token those made with personal access tokens (footnote 1 of List Bots).
pub fn list(req: ListBotsRequest, who: &Identity, state: &State) -> Result<Vec<Bot>, Failure> {
    let fields = req.fields.unwrap_or_default();
    let mine = |r: &BotRecord| {
        if who.is_pat {
            r.created_with_pat
        } else {
            !r.created_with_pat && r.bot.owner_client_id == who.client_id
        }
    };
    let bots: Vec<Bot> = state
        .bots
        .values()
        .filter(|r| req.all.unwrap_or(false) || mine(r))
        .map(|r| render(state, r, &fields))
        .collect();
    Ok(bots)
}

pub fn get(req: GetBotRequest, state: &State) -> Result<Bot, Failure> {
    let record = state
        .bots
        .get(&req.id)
        .ok_or_else(|| Failure::not_found(format!("bot `{}` not found", req.id)))?;
    Ok(render(state, record, &req.fields.unwrap_or_default()))
}

pub fn issue_token(
    req: IssueBotTokenRequest,
    region: &str,
    state: &mut State,
) -> Result<IssueBotTokenResponse, Failure> {
    let record = state
        .bots
        .get(&req.bot_id)
        .ok_or_else(|| Failure::not_found(format!("bot `{}` not found", req.bot_id)))?;
    if record.bot.owner_client_id.as_deref() != Some(req.client_id.as_str()) {
        return Err(Failure::authorization(
            "the bot is not owned by this Client ID",
        ));
    }
    if record.secret != req.bot_secret {
        return Err(Failure::authorization("invalid bot secret"));
    }
    if req.organization_id != state.organization_id {
        return Err(Failure::authorization(
            "the bot does not belong to this organization",
        ));
    }
    let tokens = &state.bot_tokens;
    let token = format!(
        "{region}:bot-{}",
        state
            .ids
            .unused_hex32(|id| tokens.contains_key(&format!("{region}:bot-{id}")))
    );
    state.bot_tokens.insert(token.clone(), req.bot_id);
    Ok(IssueBotTokenResponse::new(token))
}

pub fn reset_secret(
    req: ResetBotSecretRequest,
    who: &Identity,
    state: &mut State,
) -> Result<ResetBotSecretResponse, Failure> {
    let owner_client_id = owner_client_id(req.owner_client_id, who)?;
    let secret = state.ids.hex32();
    let record = bot_mut(state, &req.id)?;
    if record.bot.owner_client_id.as_deref() != Some(owner_client_id.as_str()) {
        return Err(Failure::not_found(format!(
            "bot `{}` not found for owner `{owner_client_id}`",
            req.id
        )));
    }
    record.secret = secret.clone();
    Ok(ResetBotSecretResponse::new(secret))
}

fn template_at(state: &State, id: &str, owner: &str) -> Result<usize, Failure> {
    state
        .bot_templates
        .iter()
        .position(|t| t.id == id && t.owner_client_id == owner)
        .ok_or_else(|| {
            Failure::not_found(format!("bot template `{id}` not found for owner `{owner}`"))
        })
}

fn bot_of(template: &TemplateRecord) -> BotRecord {
    let mut bot = Bot::new(&template.id, &template.name);
    bot.avatar_path = template.avatar.clone();
    bot.default_group_priority = template.default_group_priority.clone();
    bot.owner_client_id = Some(template.owner_client_id.clone());
    bot.max_chats_count = Some(template.max_chats_count);
    bot.job_title = template.job_title.clone();
    BotRecord {
        bot,
        secret: template.secret.clone(),
        created_with_pat: false,
    }
}

pub fn create_template(
    req: CreateBotTemplateRequest,
    state: &mut State,
) -> Result<CreateBotTemplateResponse, Failure> {
    names::not_blank("name", &req.name)?;
    let owned = state
        .bot_templates
        .iter()
        .filter(|t| t.owner_client_id == req.owner_client_id)
        .count();
    if owned >= TEMPLATE_LIMIT {
        return Err(Failure::limit_reached(format!(
            "Client ID `{}` already has {TEMPLATE_LIMIT} bot templates",
            req.owner_client_id
        )));
    }
    let (bots, templates) = (&state.bots, &state.bot_templates);
    let id = state
        .ids
        .unused_hex32(|id| bots.contains_key(id) || templates.iter().any(|t| t.id == id));
    let template = TemplateRecord {
        id,
        owner_client_id: req.owner_client_id,
        name: req.name,
        avatar: req.avatar,
        max_chats_count: req.max_chats_count.unwrap_or(6),
        default_group_priority: req.default_group_priority,
        job_title: req.job_title,
        secret: state.ids.hex32(),
    };
    if req.affect_existing_installations == Some(true) {
        state.bots.insert(template.id.clone(), bot_of(&template));
    }
    let response = CreateBotTemplateResponse::new(&template.id, &template.secret);
    state.bot_templates.push(template);
    Ok(response)
}

pub fn delete_template(req: DeleteBotTemplateRequest, state: &mut State) -> Result<(), Failure> {
    let at = template_at(state, &req.id, &req.owner_client_id)?;
    state.bot_templates.remove(at);
    if req.affect_existing_installations == Some(true) && state.bots.remove(&req.id).is_some() {
        state.remove_member(&req.id);
    }
    Ok(())
}

pub fn update_template(req: UpdateBotTemplateRequest, state: &mut State) -> Result<(), Failure> {
    if let Some(name) = &req.name {
        names::not_blank("name", name)?;
    }
    let at = template_at(state, &req.id, &req.owner_client_id)?;
    let template = &mut state.bot_templates[at];
    if let Some(name) = req.name {
        template.name = name;
    }
    if req.avatar.is_some() {
        template.avatar = req.avatar;
    }
    if let Some(count) = req.max_chats_count {
        template.max_chats_count = count;
    }
    if req.default_group_priority.is_some() {
        template.default_group_priority = req.default_group_priority;
    }
    if req.job_title.is_some() {
        template.job_title = req.job_title;
    }
    let updated = bot_of(template);
    if req.affect_existing_installations == Some(true) {
        if let Some(record) = state.bots.get_mut(&req.id) {
            record.bot = updated.bot;
        }
    }
    Ok(())
}

pub fn list_templates(
    req: ListBotTemplatesRequest,
    state: &State,
) -> Result<Vec<BotTemplate>, Failure> {
    let templates: Vec<BotTemplate> = state
        .bot_templates
        .iter()
        .filter(|t| t.owner_client_id == req.owner_client_id)
        .map(|t| {
            let mut out = BotTemplate::new(&t.id, &t.name);
            out.avatar_path = t.avatar.clone();
            out
        })
        .collect();
    Ok(templates)
}

pub fn reset_template_secret(
    req: ResetBotTemplateSecretRequest,
    state: &mut State,
) -> Result<ResetBotTemplateSecretResponse, Failure> {
    let at = template_at(state, &req.id, &req.owner_client_id)?;
    let secret = state.ids.hex32();
    state.bot_templates[at].secret = secret.clone();
    if req.affect_existing_installations == Some(true) {
        if let Some(record) = state.bots.get_mut(&req.id) {
            record.secret = secret.clone();
        }
    }
    Ok(ResetBotTemplateSecretResponse::new(secret))
}
