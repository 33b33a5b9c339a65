//! Tokens from the Accounts API (`https://accounts.livechat.com`): the authorization code grant
//! with PKCE, refreshing, token info and revocation, and [`RefreshingCredentials`], a
//! [`CredentialsProvider`](crate::CredentialsProvider) that keeps a client authorized.
//!
//! A program acting for its own account is simpler with a personal access token
//! ([`Credentials::pat`](crate::Credentials::pat)); this module is for programs that act for
//! whoever signs in. The flow:
//!
//! 1. [`Accounts::authorize`] makes the URL to send the user to, with a random `state` and an
//!    S256 code challenge;
//! 2. the Accounts API redirects the user's browser to the redirect URI with `code` and `state`;
//! 3. [`Authorization::finish`] checks `state` and exchanges the code, with the code verifier,
//!    for a [`TokenSet`] (an access token valid for 8 hours and a refresh token);
//! 4. [`RefreshingCredentials`] hands the access token to a [`Client`](crate::Client) and
//!    refreshes it before it expires and after the API refuses it.
//!
//! ```no_run
//! use livechat_config::auth::{Accounts, App, RefreshingCredentials};
//! use livechat_config::Client;
//!
//! # async fn run(query_of_the_redirect: &str) -> Result<(), Box<dyn std::error::Error>> {
//! let accounts = Accounts::new();
//! let app = App::public("9cbf3a968289727cb3cdfe83ab1d9836");
//! let authorization = accounts.authorize(&app, "http://127.0.0.1:8123/callback")?;
//! println!("open {}", authorization.url());
//! // … the browser comes back to the redirect URI with `?code=…&state=…` …
//! let tokens = authorization.finish(&accounts, query_of_the_redirect).await?;
//! let client = Client::builder(tokens.credentials())
//!     .credentials_provider(RefreshingCredentials::new(accounts, app, tokens)?)
//!     .build()?;
//! let agents = client.list_agents().await?;
//! # Ok(())
//! # }
//! ```

mod accounts;
mod authorization;
mod error;
mod random;
mod refreshing;
mod tokens;

pub use accounts::{Accounts, App, DEFAULT_ACCOUNTS_URL};
pub use authorization::Authorization;
pub use error::{Endpoint, Error, OAuthError};
pub use refreshing::{RefreshFailed, RefreshingCredentials, DEFAULT_REFRESH_MARGIN};
pub use tokens::{TokenInfo, TokenSet};
