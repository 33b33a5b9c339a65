//! The codes and tokens issued so far, and the bounds on them: codes expire and at most
//! [`MAX_CODES`] are outstanding (the oldest dropped); each client holds at most
//! [`TOKENS_PER_CLIENT`] access and as many refresh tokens (the oldest revoked). Every token is
//! the license owner's, so "per client per account" is per client here.
//!
//! A refresh token and the access tokens answered with it are one grant: revoking the refresh
//! token (`DELETE /v2/token`, or by the limit) revokes them all, and a public client's rotation
//! hands the whole grant to the new refresh token.

use super::error::OAuthError;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Codes outstanding at most; more drop the oldest.
pub const MAX_CODES: usize = 10_000;
/// Access tokens, and refresh tokens, a client holds at most, as the reference limits them.
pub const TOKENS_PER_CLIENT: usize = 25;

/// How a code was bound to its verifier (PKCE).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Challenge {
    Plain(String),
    S256(String),
}

impl Challenge {
    /// Plain: the verifier is the challenge. S256: base64url-no-pad(SHA-256(verifier)) is.
    pub fn verifies(&self, verifier: &str) -> bool {
        match self {
            Self::Plain(challenge) => same(challenge, verifier),
            Self::S256(challenge) => {
                use sha2::Digest;
                let digest = sha2::Sha256::digest(verifier.as_bytes());
                same(&URL_SAFE_NO_PAD.encode(digest), challenge)
            }
        }
    }
}

/// Compares in time that depends on the lengths only.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What an authorization request granted, until its code is exchanged.
#[derive(Debug, Clone)]
pub struct CodeGrant {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Arc<BTreeSet<String>>,
    pub challenge: Option<Challenge>,
    expires_at: Duration,
    seq: u64,
}

impl CodeGrant {
    pub fn new(
        client_id: &str,
        redirect_uri: &str,
        scopes: BTreeSet<String>,
        challenge: Option<Challenge>,
        expires_at: Duration,
    ) -> Self {
        Self {
            client_id: client_id.to_string(),
            redirect_uri: redirect_uri.to_string(),
            scopes: Arc::new(scopes),
            challenge,
            expires_at,
            seq: 0,
        }
    }
}

#[derive(Debug)]
pub struct Access {
    pub client_id: String,
    pub scopes: Arc<BTreeSet<String>>,
    pub expires_at: Duration,
    /// The refresh token of its grant, while there is one.
    pub refresh: Option<String>,
}

#[derive(Debug)]
struct Refresh {
    client_id: String,
    scopes: Arc<BTreeSet<String>>,
    /// The access tokens of its grant still held.
    access: Vec<String>,
}

/// A client's tokens, oldest first.
#[derive(Debug, Default)]
struct Held {
    access: VecDeque<String>,
    refresh: VecDeque<String>,
}

/// What happens to the refresh token when tokens are issued.
pub enum RefreshPlan<'a> {
    /// A code was exchanged: a new grant.
    New,
    /// A confidential client refreshed: the same refresh token is answered again.
    Keep(&'a str),
    /// A public client refreshed: the old refresh token stops working.
    Rotate(&'a str),
}

/// The tokens of one answer.
pub struct Pair {
    pub access_token: String,
    pub refresh_token: String,
    pub scopes: Arc<BTreeSet<String>>,
}

/// What a refresh token stands for, to check before it is used.
pub struct RefreshInfo {
    pub client_id: String,
    pub scopes: Arc<BTreeSet<String>>,
}

#[derive(Debug, Default)]
pub struct Grants {
    codes: HashMap<String, CodeGrant>,
    /// Issue order of the outstanding codes, for expiry and the bound.
    code_order: BTreeMap<u64, String>,
    next_seq: u64,
    access: HashMap<String, Access>,
    refresh: HashMap<String, Refresh>,
    held: HashMap<String, Held>,
}

impl Grants {
    /// Keeps the grant and answers its code, `<region>:<random>`. Codes all live as long, so the
    /// oldest is also the first to expire.
    pub fn add_code(&mut self, mut grant: CodeGrant, region: &str, now: Duration) -> String {
        while let Some((_, oldest)) = self.code_order.first_key_value() {
            let expired = self.codes.get(oldest).is_none_or(|g| g.expires_at <= now);
            if !expired && self.codes.len() < MAX_CODES {
                break;
            }
            if let Some((_, oldest)) = self.code_order.pop_first() {
                self.codes.remove(&oldest);
            }
        }
        self.next_seq += 1;
        grant.seq = self.next_seq;
        let code = unique(
            |candidate| !self.codes.contains_key(candidate),
            Some(region),
        );
        self.code_order.insert(grant.seq, code.clone());
        self.codes.insert(code.clone(), grant);
        code
    }

    /// Takes the code when `check` accepts its grant; a refused exchange leaves it usable, so a
    /// request with a wrong verifier cannot spend the rightful client's code.
    pub fn redeem(
        &mut self,
        code: &str,
        now: Duration,
        check: impl FnOnce(&CodeGrant) -> Result<(), OAuthError>,
    ) -> Result<CodeGrant, OAuthError> {
        let refused = || OAuthError::invalid_grant("the code is invalid, expired or already used");
        let grant = self.codes.get(code).ok_or_else(refused)?;
        if grant.expires_at <= now {
            self.forget_code(code);
            return Err(refused());
        }
        check(grant)?;
        self.forget_code(code).ok_or_else(refused)
    }

    fn forget_code(&mut self, code: &str) -> Option<CodeGrant> {
        let grant = self.codes.remove(code)?;
        self.code_order.remove(&grant.seq);
        Some(grant)
    }

    pub fn refresh_info(&self, token: &str) -> Option<RefreshInfo> {
        self.refresh.get(token).map(|refresh| RefreshInfo {
            client_id: refresh.client_id.clone(),
            scopes: refresh.scopes.clone(),
        })
    }

    /// A live access token.
    pub fn access(&self, token: &str, now: Duration) -> Option<&Access> {
        self.access.get(token).filter(|a| a.expires_at > now)
    }

    /// Issues an access token (and a refresh token, as `plan` says) to `client_id`, revoking
    /// the client's oldest past the limits.
    pub fn issue(
        &mut self,
        client_id: &str,
        scopes: Arc<BTreeSet<String>>,
        plan: RefreshPlan<'_>,
        region: &str,
        now: Duration,
        expires_at: Duration,
    ) -> Pair {
        let access = &self.access;
        let expired: Vec<String> = self
            .held
            .get(client_id)
            .into_iter()
            .flat_map(|held| &held.access)
            .filter(|token| access.get(*token).is_none_or(|a| a.expires_at <= now))
            .cloned()
            .collect();
        for token in expired {
            self.forget_access(&token);
        }
        let refresh_token = match plan {
            RefreshPlan::Keep(token) => token.to_string(),
            RefreshPlan::New => {
                let token = unique(|t| !self.refresh.contains_key(t), None);
                let grant = Refresh {
                    client_id: client_id.to_string(),
                    scopes: scopes.clone(),
                    access: Vec::new(),
                };
                self.refresh.insert(token.clone(), grant);
                self.hold_refresh(client_id, &token);
                token
            }
            RefreshPlan::Rotate(old) => {
                let token = unique(|t| !self.refresh.contains_key(t), None);
                let grant = self.refresh.remove(old).unwrap_or_else(|| Refresh {
                    client_id: client_id.to_string(),
                    scopes: scopes.clone(),
                    access: Vec::new(),
                });
                for access in &grant.access {
                    if let Some(access) = self.access.get_mut(access) {
                        access.refresh = Some(token.clone());
                    }
                }
                self.refresh.insert(token.clone(), grant);
                self.held(client_id).refresh.retain(|t| t != old);
                self.hold_refresh(client_id, &token);
                token
            }
        };
        let access_token = unique(|t| !self.access.contains_key(t), Some(region));
        self.access.insert(
            access_token.clone(),
            Access {
                client_id: client_id.to_string(),
                scopes: scopes.clone(),
                expires_at,
                refresh: Some(refresh_token.clone()),
            },
        );
        if let Some(refresh) = self.refresh.get_mut(&refresh_token) {
            refresh.access.push(access_token.clone());
        }
        self.held(client_id).access.push_back(access_token.clone());
        while self.held(client_id).access.len() > TOKENS_PER_CLIENT {
            if let Some(oldest) = self.held(client_id).access.pop_front() {
                self.forget_access(&oldest);
            }
        }
        Pair {
            access_token,
            refresh_token,
            scopes,
        }
    }

    fn held(&mut self, client_id: &str) -> &mut Held {
        self.held.entry(client_id.to_string()).or_default()
    }

    fn hold_refresh(&mut self, client_id: &str, token: &str) {
        self.held(client_id).refresh.push_back(token.to_string());
        while self.held(client_id).refresh.len() > TOKENS_PER_CLIENT {
            if let Some(oldest) = self.held(client_id).refresh.pop_front() {
                self.forget_refresh(&oldest);
            }
        }
    }

    /// Revokes an access token with its grant, or a refresh token with the access tokens of its
    /// grant. `false` when the token is not known.
    pub fn revoke(&mut self, token: &str) -> bool {
        if let Some(access) = self.access.get(token) {
            match access.refresh.clone() {
                Some(refresh) => self.forget_refresh(&refresh),
                None => self.forget_access(token),
            }
            return true;
        }
        if self.refresh.contains_key(token) {
            self.forget_refresh(token);
            return true;
        }
        false
    }

    fn forget_access(&mut self, token: &str) {
        let Some(access) = self.access.remove(token) else {
            return;
        };
        if let Some(refresh) = access.refresh.and_then(|r| self.refresh.get_mut(&r)) {
            refresh.access.retain(|t| t != token);
        }
        if let Some(held) = self.held.get_mut(&access.client_id) {
            held.access.retain(|t| t != token);
        }
    }

    fn forget_refresh(&mut self, token: &str) {
        let Some(refresh) = self.refresh.remove(token) else {
            return;
        };
        for access in &refresh.access {
            self.forget_access(access);
        }
        if let Some(held) = self.held.get_mut(&refresh.client_id) {
            held.refresh.retain(|t| t != token);
        }
    }
}

/// A random secret no other in use equals: 192 bits, base64url, after `<region>:` for codes and
/// access tokens (refresh tokens carry no region, as the reference notes).
fn unique(free: impl Fn(&str) -> bool, region: Option<&str>) -> String {
    loop {
        let random = random_base64(24);
        let candidate = match region {
            Some(region) => format!("{region}:{random}"),
            None => random,
        };
        if free(&candidate) {
            return candidate;
        }
    }
}

/// The standard library's hasher keys come from the operating system's randomness: keyed
/// SipHash over a counter is unpredictable to anyone without the keys, which is enough for
/// credentials that only guard loopback and saves a dependency.
fn random_base64(len: usize) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut bytes = Vec::with_capacity(len + 8);
    while bytes.len() < len {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        bytes.extend_from_slice(&hasher.finish().to_le_bytes());
    }
    bytes.truncate(len);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scopes() -> Arc<BTreeSet<String>> {
        Arc::new(BTreeSet::from(["agents--all:ro".to_string()]))
    }

    /// The challenge as Python's `hashlib` and `base64.urlsafe_b64encode` compute it.
    #[test]
    fn s256_matches_an_independent_computation() {
        let verifier = "dBjftJeZ4CVP-mJ92K1qW3k2HyvDAdjvZCJodxcPl0w";
        let challenge = Challenge::S256("zkv-m6BPsGvyd17A94uQT9BGqPxXOXTStCk0MrhUjss".into());
        assert!(challenge.verifies(verifier));
        assert!(!challenge.verifies("dBjftJeZ4CVP-mJ92K1qW3k2HyvDAdjvZCJodxcPl0x"));
        assert!(Challenge::Plain(verifier.into()).verifies(verifier));
    }

    #[test]
    fn codes_expire_and_stay_bounded() {
        let mut grants = Grants::default();
        let at = |s| Duration::from_secs(s);
        let grant = |expires| {
            CodeGrant::new(
                "app",
                "http://localhost/",
                BTreeSet::new(),
                None,
                at(expires),
            )
        };
        let first = grants.add_code(grant(100), "dal", at(0));
        assert!(first.starts_with("dal:"));
        for _ in 0..MAX_CODES {
            grants.add_code(grant(100), "dal", at(0));
        }
        assert_eq!(grants.codes.len(), MAX_CODES);
        assert_eq!(grants.code_order.len(), MAX_CODES);
        assert!(grants.redeem(&first, at(1), |_| Ok(())).is_err());
        let late = grants.add_code(grant(200), "dal", at(150));
        assert_eq!(grants.codes.len(), 1, "the expired ones went first");
        assert!(grants.redeem(&late, at(150), |_| Ok(())).is_ok());
        assert!(grants.redeem(&late, at(150), |_| Ok(())).is_err());
        assert!(grants.code_order.is_empty());
    }

    #[test]
    fn limits_rotation_and_revocation_keep_the_maps_consistent() {
        let mut grants = Grants::default();
        let now = Duration::ZERO;
        let later = Duration::from_secs(60);
        let first = grants.issue("app", scopes(), RefreshPlan::New, "dal", now, later);
        assert!(!first.refresh_token.contains(':'));
        for _ in 0..TOKENS_PER_CLIENT {
            grants.issue("app", scopes(), RefreshPlan::New, "dal", now, later);
        }
        assert!(grants.refresh_info(&first.refresh_token).is_none());
        assert!(grants.access(&first.access_token, now).is_none());
        assert_eq!(grants.refresh.len(), TOKENS_PER_CLIENT);
        assert_eq!(grants.access.len(), TOKENS_PER_CLIENT);

        let held = grants.held["app"].refresh.back().cloned().unwrap();
        let rotated = grants.issue(
            "app",
            scopes(),
            RefreshPlan::Rotate(&held),
            "dal",
            now,
            later,
        );
        assert!(grants.refresh_info(&held).is_none());
        let grant = &grants.refresh[&rotated.refresh_token];
        assert_eq!(
            grant.access.len(),
            2,
            "the grant moved to the new refresh token"
        );
        assert!(grants.revoke(&rotated.refresh_token));
        assert!(grants.access(&rotated.access_token, now).is_none());
        assert!(!grants.revoke(&rotated.refresh_token));
        let total_held: usize = grants.held.values().map(|h| h.access.len()).sum();
        assert_eq!(total_held, grants.access.len());
        assert_eq!(grants.access.len(), TOKENS_PER_CLIENT - 2);
    }
}
