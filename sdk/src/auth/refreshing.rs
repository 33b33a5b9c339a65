//! A credentials provider that refreshes the access token: before it expires, and after the API
//! refuses it. However many calls find it stale at once, one refresh runs and they all wait for
//! it; a refresh that fails fails every call that waited for it, with its error as the cause.

use super::accounts::{Accounts, App};
use super::error::Error;
use super::tokens::TokenSet;
use crate::{BoxError, Credentials, CredentialsFuture, CredentialsProvider};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// The default time before expiry at which a token is refreshed.
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(300);

type OnRefresh = Arc<dyn Fn(&TokenSet) + Send + Sync>;

/// A [`CredentialsProvider`] holding OAuth tokens and refreshing them with the Accounts API.
/// Clones share the tokens. Give it to
/// [`ClientBuilder::credentials_provider`](crate::ClientBuilder::credentials_provider).
///
/// A public application's refresh tokens are single-use: each refresh answers the next one.
/// [`on_refresh`](Self::on_refresh) is where a program stores it, so that a restart resumes
/// with a refresh token that still works.
#[derive(Clone)]
pub struct RefreshingCredentials {
    inner: Arc<Inner>,
}

struct Inner {
    accounts: Accounts,
    app: App,
    /// Milliseconds; set on any clone, it holds for all.
    margin_ms: AtomicU64,
    on_refresh: Mutex<Option<OnRefresh>>,
    current: Mutex<Current>,
    /// Held by the one refresh in flight; the others queue on it.
    refreshing: tokio::sync::Mutex<()>,
    refreshes: AtomicU64,
}

struct Current {
    /// `None` until the first refresh when started from a refresh token alone.
    tokens: Option<TokenSet>,
    refresh_token: String,
    /// Counts refresh outcomes, so that a call that waited knows one happened meanwhile.
    generation: u64,
    /// What the latest refresh failed with, while it is the latest outcome.
    failure: Option<Arc<Error>>,
}

/// What a call that waited for a refresh gets: that refresh's error, with it as the source.
#[derive(Debug, Clone, thiserror::Error)]
#[error("refreshing the access token failed")]
pub struct RefreshFailed(#[source] Arc<Error>);

impl RefreshFailed {
    /// The Accounts API's (or the transport's) error.
    pub fn cause(&self) -> &Error {
        &self.0
    }
}

impl fmt::Debug for RefreshingCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let current = self.inner.lock();
        f.debug_struct("RefreshingCredentials")
            .field("app", &self.inner.app)
            .field("tokens", &current.tokens)
            .field("refresh_margin", &self.inner.margin())
            .finish_non_exhaustive()
    }
}

impl RefreshingCredentials {
    /// Starts from tokens the code grant gave; they must include a refresh token.
    pub fn new(accounts: Accounts, app: App, tokens: TokenSet) -> Result<Self, Error> {
        let refresh_token = tokens.refresh_token().map(str::to_string).ok_or_else(|| {
            Error::Config("the tokens have no refresh token to refresh with".into())
        })?;
        Ok(Self::start(accounts, app, Some(tokens), refresh_token))
    }

    /// Starts from a stored refresh token alone: the first call refreshes.
    pub fn from_refresh_token(
        accounts: Accounts,
        app: App,
        refresh_token: impl Into<String>,
    ) -> Self {
        Self::start(accounts, app, None, refresh_token.into())
    }

    fn start(
        accounts: Accounts,
        app: App,
        tokens: Option<TokenSet>,
        refresh_token: String,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                accounts,
                app,
                margin_ms: AtomicU64::new(DEFAULT_REFRESH_MARGIN.as_millis() as u64),
                on_refresh: Mutex::new(None),
                current: Mutex::new(Current {
                    tokens,
                    refresh_token,
                    generation: 0,
                    failure: None,
                }),
                refreshing: tokio::sync::Mutex::new(()),
                refreshes: AtomicU64::new(0),
            }),
        }
    }

    /// How long before expiry a token is refreshed ([`DEFAULT_REFRESH_MARGIN`]); at most half
    /// a token's lifetime, so that a short-lived token is not refreshed as soon as it arrives.
    /// It holds for every clone.
    pub fn refresh_margin(self, margin: Duration) -> Self {
        let ms = u64::try_from(margin.as_millis()).unwrap_or(u64::MAX);
        self.inner.margin_ms.store(ms, Ordering::Relaxed);
        self
    }

    /// Called with the new tokens after each refresh, before any call uses them: store the
    /// refresh token here. It runs while calls wait, so it should be quick. It replaces any
    /// earlier one, for every clone.
    pub fn on_refresh(self, f: impl Fn(&TokenSet) + Send + Sync + 'static) -> Self {
        *self
            .inner
            .on_refresh
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(f));
        self
    }

    /// The tokens in use, if one was issued yet.
    pub fn tokens(&self) -> Option<TokenSet> {
        self.inner.lock().tokens.clone()
    }

    /// Refreshes made so far.
    pub fn refreshes(&self) -> u64 {
        self.inner.refreshes.load(Ordering::Relaxed)
    }

    /// The current access token if it is not due for refresh; else the generation seen.
    fn fresh(&self) -> Result<Credentials, u64> {
        let current = self.inner.lock();
        match &current.tokens {
            Some(tokens) if !self.inner.due(tokens) => Ok(tokens.credentials()),
            _ => Err(current.generation),
        }
    }

    /// One refresh for every call that saw generation `seen`: the first to get the lock
    /// refreshes, the rest take its outcome.
    async fn refresh(&self, seen: u64) -> Result<Credentials, RefreshFailed> {
        let _turn = self.inner.refreshing.lock().await;
        let refresh_token = {
            let current = self.inner.lock();
            if current.generation != seen {
                if let Some(failure) = &current.failure {
                    return Err(RefreshFailed(failure.clone()));
                }
                if let Some(tokens) = &current.tokens {
                    return Ok(tokens.credentials());
                }
            }
            current.refresh_token.clone()
        };
        let outcome = self
            .inner
            .accounts
            .refresh(&self.inner.app, &refresh_token)
            .await;
        self.inner.refreshes.fetch_add(1, Ordering::Relaxed);
        match outcome {
            Ok(tokens) => {
                let on_refresh = self
                    .inner
                    .on_refresh
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone();
                if let Some(on_refresh) = on_refresh {
                    on_refresh(&tokens);
                }
                let credentials = tokens.credentials();
                let mut current = self.inner.lock();
                if let Some(rotated) = tokens.refresh_token() {
                    current.refresh_token = rotated.to_string();
                }
                current.tokens = Some(tokens);
                current.generation += 1;
                current.failure = None;
                tracing::info!("refreshed the access token");
                Ok(credentials)
            }
            Err(error) => {
                tracing::warn!(%error, "refreshing the access token failed");
                let failure = Arc::new(error);
                let mut current = self.inner.lock();
                current.generation += 1;
                current.failure = Some(failure.clone());
                Err(RefreshFailed(failure))
            }
        }
    }
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, Current> {
        self.current.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn margin(&self) -> Duration {
        Duration::from_millis(self.margin_ms.load(Ordering::Relaxed))
    }

    fn due(&self, tokens: &TokenSet) -> bool {
        let Some(received) = tokens.received() else {
            return true;
        };
        let margin = self.margin().min(tokens.lifetime() / 2);
        received.elapsed() >= tokens.lifetime().saturating_sub(margin)
    }
}

impl CredentialsProvider for RefreshingCredentials {
    fn credentials(&self, refresh: bool) -> CredentialsFuture<'_> {
        let fresh = if refresh {
            Err(self.inner.lock().generation)
        } else {
            self.fresh()
        };
        Box::pin(async move {
            match fresh {
                Ok(credentials) => Ok(credentials),
                Err(seen) => self.refresh(seen).await.map_err(BoxError::from),
            }
        })
    }

    fn refused(&self, refused: &Credentials) -> CredentialsFuture<'_> {
        // Calls refused with the token in use refresh it; a call refused with an older one
        // (another call refreshed meanwhile) takes the newer one.
        let fresh = {
            let current = self.inner.lock();
            match &current.tokens {
                Some(tokens) if tokens.credentials() != *refused => Ok(tokens.credentials()),
                _ => Err(current.generation),
            }
        };
        Box::pin(async move {
            match fresh {
                Ok(credentials) => Ok(credentials),
                Err(seen) => self.refresh(seen).await.map_err(BoxError::from),
            }
        })
    }
}
