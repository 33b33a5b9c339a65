//! Everything the emulated license holds. Stored values are the sdk's own types wherever one
//! fits, so what is served is what the sdk decodes. Group membership is kept in one place, the
//! groups' `agent_priorities`; an agent's or bot's `groups` is derived from it, so the two views
//! can never disagree.

use crate::clock::now_rfc3339;
use crate::error::Failure;
use livechat_config::v3_7::CannedResponse;
use livechat_config::{
    AccessType, Agent, AutoAccess, Bot, CustomerBan, EmailSubscription, Greeting, GroupAssignment,
    LocationAccess, LoginStatus, Notification, Priority, PropertyAccess, PropertyDefinition,
    PropertyType, Role, Tag, Webhook,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The agent every fresh license has: its owner, in the General group.
pub const OWNER_ID: &str = "owner@example.com";
/// The organization of the emulated license (needed by `issue_bot_token`).
pub const ORGANIZATION_ID: &str = "1a8a9ec7-bd5d-4400-9204-3826740981e0";
/// The namespace of the test properties every license has.
pub const TEST_NAMESPACE: &str = "test";

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub organization_id: String,
    pub created_at: String,
    pub next_group_id: u64,
    pub ids: IdSource,
    /// Stored without `groups`: see the module note.
    pub agents: BTreeMap<String, Agent>,
    pub groups: BTreeMap<u64, GroupRecord>,
    pub bots: BTreeMap<String, BotRecord>,
    pub bot_templates: Vec<TemplateRecord>,
    pub tags: Vec<Tag>,
    /// In list order; `next_id` is derived from the order when listed.
    pub auto_accesses: Vec<AutoAccess>,
    /// namespace (owner client id) → property name → definition; published when
    /// `public_access` is set.
    pub properties: BTreeMap<String, BTreeMap<String, PropertyDefinition>>,
    pub license_values: BTreeMap<String, BTreeMap<String, Value>>,
    pub group_values: BTreeMap<u64, BTreeMap<String, BTreeMap<String, Value>>>,
    pub webhooks: Vec<Webhook>,
    /// Owner client ids whose license webhooks are disabled; enabled is the default.
    pub disabled_webhooks: BTreeSet<String>,
    pub company: BTreeMap<String, Value>,
    /// Bot tokens issued by `issue_bot_token`: token → bot id.
    pub bot_tokens: BTreeMap<String, String>,
    /// Bans are made through another API, so they arrive from the emulator's builder.
    /// State files written before bans and greetings existed load with none.
    #[serde(default)]
    pub customer_bans: Vec<CustomerBan>,
    #[serde(default)]
    pub greetings: BTreeMap<u64, Greeting>,
    /// Greeting ids are never reused, even after a delete.
    #[serde(default = "first_greeting_id")]
    pub next_greeting_id: u64,
    /// What only v3.7 reaches; state files written before it existed load with none.
    #[serde(default)]
    pub allowed_domains: BTreeSet<String>,
    #[serde(default)]
    pub canned_responses: BTreeMap<u64, CannedResponse>,
    /// Canned response ids are never reused, even after a delete.
    #[serde(default = "first_greeting_id")]
    pub next_canned_response_id: u64,
    /// group → language → phrase key → text.
    #[serde(default)]
    pub translations: BTreeMap<u64, BTreeMap<String, BTreeMap<String, String>>>,
}

/// Greetings and canned responses are numbered from 1.
fn first_greeting_id() -> u64 {
    1
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupRecord {
    pub name: String,
    pub language_code: String,
    pub agent_priorities: BTreeMap<String, Priority>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BotRecord {
    /// Stored without `groups`, like agents.
    pub bot: Bot,
    pub secret: String,
    /// Bots made with a personal access token are listed to PAT callers (List Bots, `all: false`).
    pub created_with_pat: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TemplateRecord {
    pub id: String,
    pub owner_client_id: String,
    pub name: String,
    pub avatar: Option<String>,
    pub max_chats_count: i64,
    pub default_group_priority: Option<Priority>,
    pub job_title: Option<String>,
    pub secret: String,
}

/// Random-looking ids that never repeat: a counter run through a mixing function, seeded once
/// per license so two licenses differ and a seeded one is reproducible.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdSource {
    seed: u64,
    counter: u64,
}

impl IdSource {
    pub fn new(seed: u64) -> Self {
        Self { seed, counter: 0 }
    }

    fn next_u64(&mut self) -> u64 {
        self.counter += 1;
        splitmix64(self.seed ^ splitmix64(self.counter))
    }

    /// A [`hex32`](Self::hex32) that `taken` does not refuse: an imported state may hold ids
    /// this source would make again.
    pub fn unused_hex32(&mut self, taken: impl Fn(&str) -> bool) -> String {
        loop {
            let id = self.hex32();
            if !taken(&id) {
                return id;
            }
        }
    }

    /// 32 lowercase hex digits, the shape of the reference's ids and secrets.
    pub fn hex32(&mut self) -> String {
        format!("{:016x}{:016x}", self.next_u64(), self.next_u64())
    }

    pub fn uuid(&mut self) -> String {
        let h = self.hex32();
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }
}

pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl State {
    /// A fresh license: the General group, its owner, and the test properties.
    pub fn fresh(seed: u64) -> Self {
        let mut state = State {
            organization_id: ORGANIZATION_ID.to_string(),
            created_at: now_rfc3339(),
            next_group_id: 1,
            ids: IdSource::new(seed),
            agents: BTreeMap::new(),
            groups: BTreeMap::new(),
            bots: BTreeMap::new(),
            bot_templates: Vec::new(),
            tags: Vec::new(),
            auto_accesses: Vec::new(),
            properties: BTreeMap::new(),
            license_values: BTreeMap::new(),
            group_values: BTreeMap::new(),
            webhooks: Vec::new(),
            disabled_webhooks: BTreeSet::new(),
            company: BTreeMap::new(),
            bot_tokens: BTreeMap::new(),
            customer_bans: Vec::new(),
            greetings: BTreeMap::new(),
            next_greeting_id: first_greeting_id(),
            allowed_domains: BTreeSet::new(),
            canned_responses: BTreeMap::new(),
            next_canned_response_id: first_greeting_id(),
            translations: BTreeMap::new(),
        };
        state.groups.insert(
            0,
            GroupRecord {
                name: "General".to_string(),
                language_code: "en".to_string(),
                agent_priorities: BTreeMap::from([(OWNER_ID.to_string(), Priority::Normal)]),
            },
        );
        let mut owner = Agent::new(OWNER_ID, "License Owner");
        owner.account_id = Some(state.ids.uuid());
        owner.avatar = Some(avatar_url(OWNER_ID));
        owner.role = Some(Role::Owner);
        owner.login_status = Some(LoginStatus::NotAcceptingChats);
        owner.max_chats_count = Some(6);
        owner.notifications = Some(vec![Notification::NewVisitor, Notification::IncomingChat]);
        owner.email_subscriptions = Some(vec![EmailSubscription::WeeklySummary]);
        owner.suspended = Some(false);
        owner.awaiting_approval = Some(false);
        state.agents.insert(OWNER_ID.to_string(), owner);
        state
            .properties
            .insert(TEST_NAMESPACE.to_string(), test_properties());
        state
    }

    pub fn member_exists(&self, id: &str) -> bool {
        self.agents.contains_key(id) || self.bots.contains_key(id)
    }

    pub fn check_group(&self, id: u64) -> Result<(), Failure> {
        if self.groups.contains_key(&id) {
            Ok(())
        } else {
            Err(Failure::group_not_found(id))
        }
    }

    pub fn check_groups(&self, ids: impl IntoIterator<Item = u64>) -> Result<(), Failure> {
        ids.into_iter().try_for_each(|id| self.check_group(id))
    }

    /// The groups an agent or bot is in, by group id.
    pub fn groups_of(&self, member: &str) -> Vec<GroupAssignment> {
        self.groups
            .iter()
            .filter_map(|(id, group)| {
                let priority = group.agent_priorities.get(member)?;
                Some(GroupAssignment::new(*id, priority.clone()))
            })
            .collect()
    }

    pub fn remove_member(&mut self, member: &str) {
        for group in self.groups.values_mut() {
            group.agent_priorities.remove(member);
        }
    }

    /// Makes `member` belong to exactly these groups. Groups must have been checked.
    pub fn set_groups(&mut self, member: &str, groups: &[GroupAssignment]) {
        self.remove_member(member);
        for assignment in groups {
            if let Some(group) = self.groups.get_mut(&assignment.id) {
                group
                    .agent_priorities
                    .insert(member.to_string(), assignment.priority.clone());
            }
        }
    }
}

pub fn avatar_url(id: &str) -> String {
    let mut hash = 0u64;
    for b in id.bytes() {
        hash = splitmix64(hash ^ u64::from(b));
    }
    format!(
        "https://cdn.livechatinc.com/avatars/{:08x}.png",
        hash as u32
    )
}

/// The reference's "Test properties": four public properties, read-write for everyone everywhere.
fn test_properties() -> BTreeMap<String, PropertyDefinition> {
    let rw = || {
        LocationAccess::new()
            .agent([AccessType::Read, AccessType::Write])
            .customer([AccessType::Read, AccessType::Write])
    };
    let access = PropertyAccess::new()
        .chat(rw())
        .thread(rw())
        .event(rw())
        .license(rw())
        .group(rw());
    [
        ("bool_property", PropertyType::Bool),
        ("int_property", PropertyType::Int),
        ("string_property", PropertyType::String),
        ("tokenized_string_property", PropertyType::TokenizedString),
    ]
    .into_iter()
    .map(|(name, kind)| {
        let definition = PropertyDefinition::new(kind, access.clone())
            .description(format!("Test {name}"))
            .public_access([AccessType::Read, AccessType::Write]);
        (name.to_string(), definition)
    })
    .collect()
}
