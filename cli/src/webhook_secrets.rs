//! What this machine set each webhook's secret to, as a keyed fingerprint: the API never reads a
//! secret back, so this is how `plan` sees that a secret changed in the environment and the
//! webhook must be replaced for the new one to reach the license. Kept in
//! `$XDG_STATE_HOME/livechat-config/webhook-secrets.json` (else `~/.local/state/…`), readable by
//! the user only; a webhook this machine never registered has no fingerprint, and a rotation of
//! its secret is seen only once this tool has set it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The most fingerprints kept; beyond it the oldest go (a removed webhook's stay until then).
const MAX_KEPT: usize = 10_000;
const MAX_FILE: u64 = 4 << 20;

#[derive(Serialize, Deserialize)]
pub struct Known {
    /// The HMAC key, hex: a fingerprint alone does not let anyone test guesses of a secret.
    key: String,
    /// `base_url owner_client_id webhook_id` → fingerprint, in the order they were set.
    fingerprints: Vec<(String, String)>,
    #[serde(skip)]
    path: Option<PathBuf>,
}

impl std::fmt::Debug for Known {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Known({} fingerprints)", self.fingerprints.len())
    }
}

/// Where a webhook lives, as fingerprints are keyed.
pub fn scope(base_url: &str, owner_client_id: &str, webhook_id: &str) -> String {
    format!("{base_url} {owner_client_id} {webhook_id}")
}

/// The key and the secret of the file's webhook `entry` registered as `webhook_id`; none when
/// the id is not a string or the secret's variable is unset.
pub fn of_entry(
    base_url: &str,
    entry: &crate::kinds::Entry,
    webhook_id: &serde_json::Value,
) -> Option<(String, String)> {
    let owner = entry
        .body
        .get("owner_client_id")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    let secret = entry
        .body
        .get("secret_key")
        .and_then(|s| crate::kinds::secret_from_env(s).ok())?;
    Some((scope(base_url, owner, webhook_id.as_str()?), secret))
}

impl Known {
    /// The file's fingerprints; none (and a new key) when it is missing or unreadable.
    pub fn load() -> Self {
        let path = path();
        let read = path.as_deref().and_then(|p| {
            use std::io::Read;
            let mut text = String::new();
            std::fs::File::open(p)
                .ok()?
                .take(MAX_FILE)
                .read_to_string(&mut text)
                .ok()?;
            serde_json::from_str::<Known>(&text).ok()
        });
        let mut known = read.filter(|k| k.key.len() == 64).unwrap_or_else(|| Known {
            key: new_key(),
            fingerprints: Vec::new(),
            path: None,
        });
        known.path = path;
        known
    }

    fn fingerprint(&self, scope: &str, secret: &str) -> String {
        let key: Vec<u8> = (0..self.key.len() / 2)
            .filter_map(|i| u8::from_str_radix(&self.key[2 * i..2 * i + 2], 16).ok())
            .collect();
        hex(&hmac(&key, format!("{scope}\n{secret}").as_bytes()))
    }

    /// `Some(true)` when the secret set for `scope` is not `secret`; `None` when none is known.
    pub fn changed(&self, scope: &str, secret: &str) -> Option<bool> {
        let mine = self.fingerprint(scope, secret);
        self.fingerprints
            .iter()
            .rev()
            .find(|(s, _)| s == scope)
            .map(|(_, known)| *known != mine)
    }

    pub fn set(&mut self, scope: &str, secret: &str) {
        let fingerprint = self.fingerprint(scope, secret);
        self.fingerprints.retain(|(s, _)| s != scope);
        self.fingerprints.push((scope.to_owned(), fingerprint));
        let over = self.fingerprints.len().saturating_sub(MAX_KEPT);
        self.fingerprints.drain(..over);
    }

    /// Writes the file whole (a new one renamed over the old), readable by the user only.
    pub fn save(&self) -> Result<(), String> {
        let Some(path) = &self.path else {
            return Err("neither XDG_STATE_HOME nor HOME is set".into());
        };
        let text = serde_json::to_vec(self).map_err(|e| e.to_string())?;
        crate::stored::write_private(path, &text)
    }
}

fn path() -> Option<PathBuf> {
    let non_empty = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let state = match (non_empty("XDG_STATE_HOME"), non_empty("HOME")) {
        (Some(state), _) => PathBuf::from(state),
        (None, Some(home)) => Path::new(&home).join(".local").join("state"),
        (None, None) => return None,
    };
    Some(state.join("livechat-config").join("webhook-secrets.json"))
}

fn new_key() -> String {
    let mut key = [0u8; 32];
    // Without the system's randomness, a key from the clock and the process still keeps
    // fingerprints apart between machines; it only weakens them against guessing.
    if getrandom::getrandom(&mut key).is_err() {
        let seed = format!("{:?} {}", std::time::SystemTime::now(), std::process::id());
        key.copy_from_slice(&Sha256::digest(seed.as_bytes()));
    }
    hex(&key)
}

/// HMAC-SHA256 (RFC 2104).
fn hmac(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_is_rfc_4231s_test_case_2() {
        let mac = hmac(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex(&mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn a_changed_secret_is_seen_and_an_unknown_one_is_not_guessed() {
        let mut known = Known {
            key: new_key(),
            fingerprints: Vec::new(),
            path: None,
        };
        let at = scope("http://x", "client", "hook1");
        assert_eq!(known.changed(&at, "s1"), None);
        known.set(&at, "s1");
        assert_eq!(known.changed(&at, "s1"), Some(false));
        assert_eq!(known.changed(&at, "s2"), Some(true));
        assert!(!serde_json::to_string(&known).unwrap().contains("s1"));
    }
}
