//! What `login` keeps between runs: the Accounts API it signed in with, the application, and
//! the tokens, in a file only the user can read (`$XDG_CONFIG_HOME/livechat-config/login.json`).

use livechat_config::auth::{Accounts, App, RefreshingCredentials, TokenSet};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The most a login file may hold: a few hundred bytes are normal.
const MAX_FILE: u64 = 64 * 1024;

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stored {
    pub accounts_url: String,
    pub client_id: String,
    pub access_token: String,
    /// When it was issued, in seconds since the Unix epoch.
    pub issued_at: u64,
    /// Its lifetime in seconds (`expires_in` as issued).
    pub expires_in: u64,
    pub refresh_token: String,
}

impl std::fmt::Debug for Stored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stored")
            .field("accounts_url", &self.accounts_url)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl Stored {
    pub fn new(accounts: &Accounts, app: &App, tokens: &TokenSet) -> Result<Self, String> {
        let refresh_token = tokens
            .refresh_token()
            .ok_or("the Accounts API gave no refresh token")?;
        Ok(Self {
            accounts_url: accounts.base_url().to_owned(),
            client_id: app.client_id().to_owned(),
            access_token: tokens.access_token().to_owned(),
            issued_at: unix(tokens.issued_at()),
            expires_in: tokens.lifetime().as_secs(),
            refresh_token: refresh_token.to_owned(),
        })
    }

    /// The tokens after a refresh: a public application's refresh token rotates.
    pub fn refreshed(&self, tokens: &TokenSet) -> Self {
        Self {
            access_token: tokens.access_token().to_owned(),
            issued_at: unix(tokens.issued_at()),
            expires_in: tokens.lifetime().as_secs(),
            refresh_token: tokens
                .refresh_token()
                .unwrap_or(&self.refresh_token)
                .to_owned(),
            ..self.clone()
        }
    }

    pub fn tokens(&self) -> TokenSet {
        TokenSet::from_stored(
            &self.access_token,
            Some(self.refresh_token.clone()),
            UNIX_EPOCH + Duration::from_secs(self.issued_at),
            Duration::from_secs(self.expires_in),
        )
    }

    pub fn accounts(&self, target: &crate::target::Target) -> Result<Accounts, String> {
        target.accounts(&self.accounts_url)
    }

    /// A provider that refreshes these tokens and writes each refresh back to `path`.
    pub fn provider(
        &self,
        path: PathBuf,
        target: &crate::target::Target,
    ) -> Result<RefreshingCredentials, String> {
        let app = App::public(&self.client_id);
        let base = self.clone();
        let provider = RefreshingCredentials::new(self.accounts(target)?, app, self.tokens())
            .map_err(|e| e.to_string())?
            .on_refresh(move |tokens| {
                // The old refresh token no longer works: losing the new one means signing in
                // again, so a failure to keep it is said at once.
                if let Err(e) = base.refreshed(tokens).save(&path) {
                    eprintln!("warning: could not store the refreshed login: {e}");
                }
            });
        Ok(provider)
    }

    /// `None` when there is no login file.
    pub fn load(path: &Path) -> Result<Option<Self>, String> {
        use std::io::Read;
        let file = match std::fs::File::open(path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("reading {}: {e}", path.display())),
        };
        let mut text = String::new();
        file.take(MAX_FILE)
            .read_to_string(&mut text)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        // serde_json's messages quote input, which here is a token: only the position is told.
        serde_json::from_str(&text).map(Some).map_err(|e| {
            format!(
                "{} is not a login file (line {}, column {}): run `livechat-config login` again",
                path.display(),
                e.line(),
                e.column()
            )
        })
    }

    /// Writes the file readable by its owner only, whole or not at all.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let text = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        write_private(path, &text)
    }
}

/// Writes `bytes` to `path`, readable by its owner only (its directory too), whole or not at all:
/// a new file renamed over the old one.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let dir = path.parent().ok_or("the file has no directory")?;
    create_private_dir(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = dir.join(format!(".{name}.{}", std::process::id()));
    // A file left by a run that died is removed, not reused: a new one gets the mode.
    let _ = std::fs::remove_file(&temporary);
    let written = (|| {
        let mut file = private_file(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    written.map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        format!("writing {}: {e}", path.display())
    })
}

/// Where the login is kept: `$XDG_CONFIG_HOME/livechat-config/login.json`, else under
/// `$HOME/.config`.
pub fn path() -> Result<PathBuf, String> {
    let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let config = match (non_empty("XDG_CONFIG_HOME"), non_empty("HOME")) {
        (Some(config), _) => PathBuf::from(config),
        (None, Some(home)) => PathBuf::from(home).join(".config"),
        (None, None) => return Err("neither XDG_CONFIG_HOME nor HOME is set".into()),
    };
    Ok(config.join("livechat-config").join("login.json"))
}

fn unix(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

#[cfg(unix)]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::create_new(path)
}
