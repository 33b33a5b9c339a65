//! The Accounts API's answers about tokens. `Debug` shows neither token.

use crate::{Credentials, Region};
use std::fmt;
use std::time::{Duration, Instant, SystemTime};

/// The JSON both token endpoints and `/v2/info` answer with; what each requires is checked by
/// the type made from it.
#[derive(serde::Deserialize)]
pub(super) struct Wire {
    access_token: Option<String>,
    account_id: Option<String>,
    client_id: Option<String>,
    expires_in: Option<u64>,
    organization_id: Option<String>,
    refresh_token: Option<String>,
    scope: Option<String>,
    token_type: Option<String>,
}

impl Wire {
    fn checked(&self) -> Result<(String, u64), String> {
        if let Some(kind) = &self.token_type {
            if !kind.eq_ignore_ascii_case("bearer") {
                return Err("`token_type` is not `Bearer`".into());
            }
        }
        let access_token = self
            .access_token
            .clone()
            .filter(|t| !t.is_empty())
            .ok_or("no `access_token`")?;
        let expires_in = self.expires_in.ok_or("no `expires_in`")?;
        Ok((access_token, expires_in))
    }
}

fn scopes(scope: Option<String>) -> Vec<String> {
    scope
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Tokens the Accounts API issued: an access token (8 hours by default) and, from the code
/// grant, a refresh token to get the next one with.
#[derive(Clone)]
pub struct TokenSet {
    access_token: String,
    refresh_token: Option<String>,
    account_id: String,
    organization_id: String,
    scopes: Vec<String>,
    lifetime: Duration,
    /// `None` for stored tokens older than the monotonic clock reaches back: expired.
    received: Option<Instant>,
    received_at: SystemTime,
}

impl TokenSet {
    pub(super) fn from_wire(wire: Wire) -> Result<Self, String> {
        let (access_token, expires_in) = wire.checked()?;
        Ok(Self {
            access_token,
            refresh_token: wire.refresh_token.filter(|t| !t.is_empty()),
            account_id: wire.account_id.unwrap_or_default(),
            organization_id: wire.organization_id.unwrap_or_default(),
            scopes: scopes(wire.scope),
            lifetime: Duration::from_secs(expires_in),
            received: Some(Instant::now()),
            received_at: SystemTime::now(),
        })
    }

    /// Tokens kept from an earlier run: the access token, the refresh token that came with it,
    /// when they were issued ([`issued_at`](Self::issued_at)) and the access token's
    /// [`lifetime`](Self::lifetime). What they grant is not known until asked
    /// ([`Accounts::info`](super::Accounts::info)).
    pub fn from_stored(
        access_token: impl Into<String>,
        refresh_token: Option<String>,
        issued_at: SystemTime,
        lifetime: Duration,
    ) -> Self {
        let age = SystemTime::now()
            .duration_since(issued_at)
            .unwrap_or_default();
        Self {
            access_token: access_token.into(),
            refresh_token,
            account_id: String::new(),
            organization_id: String::new(),
            scopes: Vec::new(),
            lifetime,
            received: Instant::now().checked_sub(age),
            received_at: issued_at,
        }
    }

    /// The access token (`dal:…`, `fra-a:…`: its prefix names its data center).
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The refresh token, when the grant gave one (the code grant does).
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }

    /// The account the tokens act for.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The organization of that account.
    pub fn organization_id(&self) -> &str {
        &self.organization_id
    }

    /// The scopes granted.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// How long the access token was valid for when issued (`expires_in`).
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// When the tokens were issued (received), by the wall clock.
    pub fn issued_at(&self) -> SystemTime {
        self.received_at
    }

    /// When the access token expires, by the wall clock.
    pub fn expires_at(&self) -> SystemTime {
        self.received_at + self.lifetime
    }

    /// The time the access token has left (zero once expired), by the monotonic clock.
    pub fn expires_in(&self) -> Duration {
        self.received.map_or(Duration::ZERO, |received| {
            self.lifetime.saturating_sub(received.elapsed())
        })
    }

    pub(super) fn received(&self) -> Option<Instant> {
        self.received
    }

    /// The data center the access token's prefix names.
    pub fn region(&self) -> Option<Region> {
        Region::of_token(&self.access_token)
    }

    /// The access token as credentials for a [`Client`](crate::Client).
    pub fn credentials(&self) -> Credentials {
        Credentials::bearer(&self.access_token)
    }
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &self.credentials())
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "****"),
            )
            .field("account_id", &self.account_id)
            .field("organization_id", &self.organization_id)
            .field("scopes", &self.scopes)
            .field("expires_in", &self.expires_in())
            .finish()
    }
}

/// What the Accounts API knows of an access token (`GET /v2/info`).
#[derive(Clone)]
pub struct TokenInfo {
    access_token: String,
    refresh_token: Option<String>,
    account_id: String,
    client_id: String,
    organization_id: String,
    scopes: Vec<String>,
    expires_in: Duration,
}

impl TokenInfo {
    pub(super) fn from_wire(wire: Wire) -> Result<Self, String> {
        let (access_token, expires_in) = wire.checked()?;
        Ok(Self {
            access_token,
            refresh_token: wire.refresh_token.filter(|t| !t.is_empty()),
            account_id: wire.account_id.unwrap_or_default(),
            client_id: wire.client_id.unwrap_or_default(),
            organization_id: wire.organization_id.unwrap_or_default(),
            scopes: scopes(wire.scope),
            expires_in: Duration::from_secs(expires_in),
        })
    }

    /// The token asked about.
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// The refresh token paired with it, when the Accounts API tells.
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref()
    }

    /// The account it acts for.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The application it was issued to.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The organization of the account.
    pub fn organization_id(&self) -> &str {
        &self.organization_id
    }

    /// The scopes granted.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The time it had left when answered.
    pub fn expires_in(&self) -> Duration {
        self.expires_in
    }

    /// The data center its prefix names.
    pub fn region(&self) -> Option<Region> {
        Region::of_token(&self.access_token)
    }
}

impl fmt::Debug for TokenInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenInfo")
            .field("access_token", &Credentials::bearer(&self.access_token))
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "****"),
            )
            .field("account_id", &self.account_id)
            .field("client_id", &self.client_id)
            .field("organization_id", &self.organization_id)
            .field("scopes", &self.scopes)
            .field("expires_in", &self.expires_in)
            .finish()
    }
}
