//! Who is calling: tokens the emulator accepts, the identity each stands for, and the checks of
//! the `Authorization` header, the data center and the scopes.
//!
//! Scopes: the reference lists several scopes for many actions, and its notes show they are
//! alternatives (`agents--my:rw` or `agents--all:rw`) or unlock extra powers
//! (`accounts.roles.lc--all:rw` "to create an agent with role higher than normal"). So a token
//! needs **any one** of an action's listed scopes to call it; the handlers then check the
//! conditional ones where the reference names the condition (roles, approval, property
//! namespaces).

use crate::error::Failure;
use axum::http::HeaderMap;
use base64::Engine;
use livechat_config::{v3_6, v3_7, Credentials, ErrorKind};
use serde_json::json;
use std::collections::BTreeSet;
use std::hash::{BuildHasher, Hasher};

/// The bearer token a default emulator accepts, with every scope, in the `dal` data center.
pub const DEFAULT_TOKEN: &str = "dal:emulator-token";
/// The same in the `fra` data center: it needs the `X-Region: fra` header.
pub const FRA_TOKEN: &str = "fra:emulator-token";
/// The personal access token a default emulator accepts: account id and token.
pub const DEFAULT_PAT_ACCOUNT: &str = "d24fa41e-bc16-41b8-a15b-9ca45ff7e0cf";
/// The token part of the personal access token a default emulator accepts.
pub const DEFAULT_PAT: &str = "emulator-pat";
/// The Client ID (application) default bearer tokens belong to.
pub const DEFAULT_CLIENT_ID: &str = "0805e283233042b37f460ed8fbf22160";

/// The scopes a bot token from `issue_bot_token` carries, as the reference lists them.
pub const BOT_TOKEN_SCOPES: [&str; 3] = ["chats--access:rw", "agents-bot--my:rw", "customers:rw"];

/// Every scope any action of any version served lists.
pub fn all_scopes() -> BTreeSet<String> {
    let v3_6 = v3_6::Action::ALL.iter().flat_map(|a| a.scopes());
    let v3_7 = v3_7::Action::ALL.iter().flat_map(|a| a.scopes());
    v3_6.chain(v3_7).map(|s| s.to_string()).collect()
}

/// Who a token stands for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    pub scopes: BTreeSet<String>,
    /// The application the token was issued to; personal access tokens have none.
    pub client_id: Option<String>,
    /// The agent (or bot) the token belongs to.
    pub agent_id: String,
    pub is_pat: bool,
    /// The data center the token belongs to.
    pub region: String,
}

impl Identity {
    pub fn has(&self, scope: &str) -> bool {
        self.scopes.contains(scope)
    }

    /// Nobody: for the one action that needs no authorization.
    pub fn anonymous(region: &str) -> Self {
        Self {
            scopes: BTreeSet::new(),
            client_id: None,
            agent_id: String::new(),
            is_pat: false,
            region: region.to_string(),
        }
    }
}

#[derive(Clone, PartialEq, Eq)]
enum Secret {
    Bearer(String),
    Pat { account_id: String, pat: String },
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The sdk's credentials print themselves masked.
        match self {
            Secret::Bearer(token) => write!(f, "{:?}", Credentials::bearer(token)),
            Secret::Pat { account_id, pat } => {
                write!(f, "{:?}", Credentials::pat(account_id, pat))
            }
        }
    }
}

/// A token the emulator accepts and the identity it stands for. Built with every scope, the
/// default Client ID and the license owner as its agent; narrow it with the setters. `Debug`
/// shows the token masked, as the sdk's credentials do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    secret: Secret,
    identity: Identity,
}

impl Token {
    /// An OAuth access token (`Authorization: Bearer …`); its prefix (`dal:`, `fra:`,
    /// `fra-a:`, …) is its region, `dal` without one.
    pub fn bearer(token: impl Into<String>) -> Self {
        let token = token.into();
        let region = livechat_config::Region::of_token(&token)
            .map_or_else(|| "dal".to_string(), |region| region.as_str().to_string());
        Self {
            identity: Identity {
                scopes: all_scopes(),
                client_id: Some(DEFAULT_CLIENT_ID.to_string()),
                agent_id: crate::state::OWNER_ID.to_string(),
                is_pat: false,
                region,
            },
            secret: Secret::Bearer(token),
        }
    }

    /// A personal access token (`Authorization: Basic base64(account_id:pat)`).
    pub fn pat(account_id: impl Into<String>, pat: impl Into<String>) -> Self {
        Self {
            identity: Identity {
                scopes: all_scopes(),
                client_id: None,
                agent_id: crate::state::OWNER_ID.to_string(),
                is_pat: true,
                region: "dal".to_string(),
            },
            secret: Secret::Pat {
                account_id: account_id.into(),
                pat: pat.into(),
            },
        }
    }

    /// Replaces the token's scopes.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.identity.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The Client ID the token was issued to (bearer tokens only make use of it).
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.identity.client_id = Some(client_id.into());
        self
    }

    /// The agent the token belongs to (author of tags, requester of unsuspension).
    pub fn agent_id(mut self, agent_id: impl Into<String>) -> Self {
        self.identity.agent_id = agent_id.into();
        self
    }

    /// The data center the token belongs to.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.identity.region = region.into();
        self
    }

    /// Whose token it is: account, organization, region, scopes.
    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// Credentials for the sdk's client.
    pub fn credentials(&self) -> Credentials {
        match &self.secret {
            Secret::Bearer(token) => Credentials::bearer(token),
            Secret::Pat { account_id, pat } => Credentials::pat(account_id, pat),
        }
    }

    /// One line for a terminal: how to send it, its region and scopes.
    pub fn describe(&self) -> String {
        let how = match &self.secret {
            Secret::Bearer(token) => format!("Bearer {token}"),
            Secret::Pat { account_id, pat } => format!("PAT account {account_id}, token {pat}"),
        };
        let scopes = if self.identity.scopes == all_scopes() {
            "all scopes".to_string()
        } else {
            let list: Vec<&str> = self.identity.scopes.iter().map(String::as_str).collect();
            list.join(" ")
        };
        format!("{how}  (region {}; {scopes})", self.identity.region)
    }

    /// `true` when `Bearer <token>` would authenticate as this token.
    pub fn is_bearer(&self, token: &str) -> bool {
        matches!(&self.secret, Secret::Bearer(mine) if mine == token)
    }

    /// Compares in time that depends on the lengths only, as the admin token is compared.
    fn matches(&self, presented: &Secret) -> bool {
        fn same(a: &str, b: &str) -> bool {
            let (a, b) = (a.as_bytes(), b.as_bytes());
            a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
        }
        match (&self.secret, presented) {
            (Secret::Bearer(mine), Secret::Bearer(theirs)) => same(mine, theirs),
            (
                Secret::Pat { account_id, pat },
                Secret::Pat {
                    account_id: their_account,
                    pat: their_pat,
                },
            ) => same(account_id, their_account) & same(pat, their_pat),
            _ => false,
        }
    }

    /// The token a bot gets from `issue_bot_token`.
    pub fn for_bot(token: &str, bot_id: &str, owner_client_id: Option<&str>) -> Self {
        let mut bot = Token::bearer(token)
            .scopes(BOT_TOKEN_SCOPES)
            .agent_id(bot_id);
        bot.identity.client_id = owner_client_id.map(str::to_string);
        bot
    }
}

fn authentication(message: &str) -> Failure {
    Failure::new(ErrorKind::Authentication, message)
}

/// The secret in an `Authorization` header.
fn presented(headers: &HeaderMap) -> Result<Secret, Failure> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)
        .ok_or_else(|| authentication("missing Authorization header"))?
        .to_str()
        .map_err(|_| authentication("malformed Authorization header"))?;
    let (scheme, rest) = value
        .split_once(' ')
        .ok_or_else(|| authentication("malformed Authorization header"))?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Ok(Secret::Bearer(rest.to_string()));
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(rest)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(|| authentication("malformed Basic credentials"))?;
        let (account_id, pat) = decoded
            .split_once(':')
            .ok_or_else(|| authentication("malformed Basic credentials"))?;
        return Ok(Secret::Pat {
            account_id: account_id.to_string(),
            pat: pat.to_string(),
        });
    }
    Err(authentication("unsupported Authorization scheme"))
}

/// The identity behind the request's credentials, among the configured tokens and those issued
/// so far (bot tokens, OAuth access tokens), which `issued` looks up.
pub fn authenticate<'a>(
    headers: &HeaderMap,
    tokens: impl IntoIterator<Item = &'a Token>,
    issued: impl Fn(&str) -> Option<Token>,
) -> Result<Identity, Failure> {
    let secret = presented(headers)?;
    if let Some(token) = tokens.into_iter().find(|t| t.matches(&secret)) {
        return Ok(token.identity.clone());
    }
    if let Secret::Bearer(token) = &secret {
        if let Some(issued) = issued(token) {
            return Ok(issued.identity);
        }
    }
    Err(authentication("invalid or expired access token"))
}

/// A token of one data center called without naming it gets pointed there, as the real API does.
pub fn check_region(
    headers: &HeaderMap,
    default_region: &str,
    who: &Identity,
) -> Result<(), Failure> {
    let requested = headers
        .get("x-region")
        .and_then(|v| v.to_str().ok())
        .unwrap_or(default_region);
    if requested == who.region {
        Ok(())
    } else {
        Err(Failure::new(ErrorKind::MisdirectedRequest, "Wrong region")
            .with_data(json!({ "region": who.region })))
    }
}

/// Any one of the action's listed scopes will do (see the module note).
pub fn check_scopes(action: &str, listed: &[&str], who: &Identity) -> Result<(), Failure> {
    if listed.is_empty() || listed.iter().any(|s| who.has(s)) {
        return Ok(());
    }
    Err(Failure::authorization(format!(
        "`{action}` needs one of the scopes: {}",
        listed.join(", ")
    )))
}

/// A conditional scope the reference names for part of an action.
pub fn require(who: &Identity, scope: &str, why: &str) -> Result<(), Failure> {
    if who.has(scope) {
        Ok(())
    } else {
        Err(Failure::authorization(format!(
            "{why} needs the {scope} scope"
        )))
    }
}

/// The admin token. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct AdminToken(String);

impl std::fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AdminToken(****)")
    }
}

impl AdminToken {
    pub fn new(token: impl Into<String>) -> Self {
        Self(token.into())
    }

    /// 128 random bits: the standard library's hasher keys come from the operating system's
    /// randomness, so no dependency is needed for a token that only guards loopback.
    pub fn random() -> Self {
        let word = || {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u64(0);
            hasher.finish()
        };
        Self(format!("emu-admin-{:016x}{:016x}", word(), word()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Compares in time that depends on the lengths only.
    pub(crate) fn matches(&self, presented: &str) -> bool {
        let (a, b) = (self.0.as_bytes(), presented.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}
