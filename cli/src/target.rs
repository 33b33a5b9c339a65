//! Which API, version and credentials the commands talk to.

use crate::spec::{self, Spec};
use clap::{Args, ValueEnum};
use livechat_config::{versions, ActionName, Client, Credentials, DecodeError, Region};

/// An API version this tool speaks: every version the sdk has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version(versions::Version);

impl Version {
    /// Every version, oldest first.
    const ALL: [Version; versions::Version::ALL.len()] = {
        let mut all = [Version(versions::Version::STABLE); versions::Version::ALL.len()];
        let mut i = 0;
        while i < all.len() {
            all[i] = Version(versions::Version::ALL[i]);
            i += 1;
        }
        all
    };

    /// The stable version, the default.
    pub const STABLE: Version = Version(versions::Version::STABLE);

    pub fn spec(self) -> &'static Spec {
        spec::of(self.as_str())
    }

    pub fn as_str(self) -> &'static str {
        self.0.as_str()
    }

    /// Every action of the version, batch endpoints included, in the sdk's order.
    pub fn action_names(self) -> Vec<&'static str> {
        self.0.actions().into_iter().map(|a| a.name()).collect()
    }

    pub fn action(self, name: &str) -> Option<ActionName> {
        self.0.action(name).map(Into::into)
    }

    pub fn scopes(self, name: &str) -> &'static [&'static str] {
        self.0.action(name).map_or(&[], |a| a.scopes())
    }

    /// Checks a request body as the API would: types, required fields, enum values, limits and
    /// the rules between fields, with the path of what is wrong.
    pub fn check_request(self, name: &str, body: &[u8]) -> Result<(), DecodeError> {
        match self.0.action(name) {
            Some(action) => action.decode_request(body).map(drop),
            None => Ok(()),
        }
    }
}

impl ValueEnum for Version {
    fn value_variants<'a>() -> &'a [Self] {
        &Self::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let value = clap::builder::PossibleValue::new(self.as_str());
        Some(if *self == Self::STABLE {
            value.help("The stable version.")
        } else {
            value
        })
    }
}

/// Credentials and where to send calls: flags, or the environment.
#[derive(Debug, Clone, Args)]
pub struct Target {
    /// OAuth access token (its prefix, `dal:`, `fra:`, `fra-a:`…, names the region).
    #[arg(long, env = "LIVECHAT_TOKEN", hide_env_values = true, global = true)]
    token: Option<Secret>,
    /// Account ID that goes with a personal access token.
    #[arg(long, env = "LIVECHAT_ACCOUNT_ID", global = true)]
    account_id: Option<String>,
    /// Personal access token (with --account-id).
    #[arg(long, env = "LIVECHAT_PAT", hide_env_values = true, global = true)]
    pat: Option<Secret>,
    /// Data center (`dal`, `fra`, `fra-a`, …); by default the token's prefix, or `dal`.
    #[arg(long, env = "LIVECHAT_REGION", global = true)]
    region: Option<String>,
    /// API base URL, e.g. an emulator's `http://127.0.0.1:8080`.
    #[arg(long, env = "LIVECHAT_BASE_URL", global = true)]
    base_url: Option<String>,
    /// Accounts API base URL (login, logout, whoami, refreshing a login); an emulator serves
    /// it on its own port. Default: https://accounts.livechat.com, or where `login` signed in.
    #[arg(long, env = "LIVECHAT_ACCOUNTS_URL", global = true)]
    accounts_url: Option<String>,
    /// Allows a plain `http://` base URL or Accounts URL to a host that is not loopback (an
    /// emulator in another container): credentials then travel unencrypted.
    #[arg(long, global = true)]
    pub allow_insecure_http: bool,
    /// API version.
    #[arg(long, value_enum, default_value = livechat_config::API_VERSION, global = true)]
    pub api_version: Version,
    /// Client ID whose bot templates, webhooks and property definitions are managed
    /// (repeatable); without one those sections are left alone.
    #[arg(
        long = "client-id",
        env = "LIVECHAT_CLIENT_ID",
        global = true,
        value_delimiter = ','
    )]
    pub client_ids: Vec<String>,
}

/// What to do when no credentials are given.
pub fn no_credentials() -> String {
    "no credentials: set LIVECHAT_TOKEN, or LIVECHAT_ACCOUNT_ID and LIVECHAT_PAT (or --token, \
     --account-id and --pat), or run `livechat-config login --client-id ID`"
        .into()
}

impl Target {
    /// The OAuth access token given, if any.
    pub fn token(&self) -> Option<&str> {
        self.token.as_ref().map(|t| t.0.as_str())
    }

    /// The account of the personal access token given, if both halves are.
    pub fn pat_account(&self) -> Option<&str> {
        match (&self.account_id, &self.pat) {
            (Some(account), Some(_)) => Some(account),
            _ => None,
        }
    }

    pub fn region_name(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The Accounts API to use: the flag, else where a login signed in, else production.
    pub fn accounts_url(&self, logged_in_with: Option<&str>) -> String {
        self.accounts_url
            .clone()
            .or_else(|| logged_in_with.map(str::to_owned))
            .unwrap_or_else(|| livechat_config::auth::DEFAULT_ACCOUNTS_URL.to_owned())
    }

    /// The Accounts API at `url`, allowing plain http off loopback only when told to.
    pub fn accounts(&self, url: &str) -> Result<livechat_config::auth::Accounts, String> {
        let made = if self.allow_insecure_http {
            livechat_config::auth::Accounts::with_insecure_base_url(url)
        } else {
            livechat_config::auth::Accounts::with_base_url(url)
        };
        made.map_err(|e| e.to_string())
    }

    /// A client with the credentials given (a token, else a personal access token), else those
    /// `login` stored, refreshed as they expire.
    pub fn client(&self) -> Result<Client, String> {
        let mut provider = None;
        let credentials = match (&self.token, &self.account_id, &self.pat) {
            (Some(token), _, _) => Credentials::bearer(token.0.clone()),
            (None, Some(account), Some(pat)) => Credentials::pat(account.clone(), pat.0.clone()),
            _ => {
                let path = crate::stored::path()?;
                let mut stored = crate::stored::Stored::load(&path)?.ok_or_else(no_credentials)?;
                if let Some(url) = &self.accounts_url {
                    stored.accounts_url = url.clone();
                }
                provider = Some(stored.provider(path, self)?);
                stored.tokens().credentials()
            }
        };
        let mut builder = Client::builder(credentials)
            .user_agent(concat!("livechat-config-cli/", env!("CARGO_PKG_VERSION")));
        if let Some(provider) = provider {
            builder = builder.credentials_provider(provider);
        }
        if self.allow_insecure_http {
            builder = builder.allow_insecure_http();
        }
        if let Some(url) = &self.base_url {
            builder = builder.base_url(url.trim_end_matches('/'));
        }
        if let Some(region) = &self.region {
            if !Region::is_plausible_name(region) {
                return Err(format!("`{region}` is not a region name (e.g. dal, fra)"));
            }
            builder = builder.region(Region::from(region.as_str()));
        }
        builder.build().map_err(|e| crate::report::report(&e))
    }
}

/// A token or PAT as given: its `Debug` never shows it.
#[derive(Clone)]
pub struct Secret(String);

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_owned()))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("\"****\"")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Only {
        #[command(flatten)]
        target: Target,
    }

    #[test]
    fn debug_never_shows_a_token_or_pat() {
        let parsed =
            Only::try_parse_from(["x", "--token", "dal:very-secret", "--pat", "pat-secret"])
                .unwrap();
        let shown = format!("{parsed:?}");
        assert!(
            !shown.contains("very-secret") && !shown.contains("pat-secret"),
            "{shown}"
        );
        assert!(shown.contains("****"));
    }
}
