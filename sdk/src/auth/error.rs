//! How the Accounts API's endpoints fail.

use crate::TransportError;
use std::fmt;

/// The endpoint a request went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Endpoint {
    /// `POST /v2/token` with `grant_type=authorization_code`.
    ExchangeCode,
    /// `POST /v2/token` with `grant_type=refresh_token`.
    Refresh,
    /// `GET /v2/info`.
    Info,
    /// `DELETE /v2/token`.
    Revoke,
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Endpoint::ExchangeCode => "code exchange (POST /v2/token)",
            Endpoint::Refresh => "token refresh (POST /v2/token)",
            Endpoint::Info => "token info (GET /v2/info)",
            Endpoint::Revoke => "revocation (DELETE /v2/token)",
        })
    }
}

/// Why getting, checking or revoking a token failed. No variant holds a token or a secret.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The Accounts API refused the request: its error code and description.
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    /// The request did not complete; why is this error's source.
    #[error("{endpoint}: transport failed")]
    Transport {
        /// Where the request went.
        endpoint: Endpoint,
        /// What went wrong below HTTP.
        #[source]
        source: TransportError,
    },
    /// A successful answer that is not what the endpoint returns.
    #[error("{endpoint}: unexpected answer: {message}")]
    Decode {
        /// Where the request went.
        endpoint: Endpoint,
        /// What was wrong with it.
        message: String,
    },
    /// The redirect back from the authorization page does not complete the flow: it carries
    /// an error, no code, or a `state` other than the one sent (a forged redirect).
    #[error("authorization failed: {0}")]
    Authorization(String),
    /// A setting or argument cannot be used (an unparsable URL, a token with a line break).
    #[error("invalid Accounts API configuration: {0}")]
    Config(String),
}

/// An error answer of the Accounts API: `{"error": "...", "error_description": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    endpoint: Endpoint,
    status: u16,
    code: String,
    description: Option<String>,
}

impl OAuthError {
    /// Where the request went.
    pub fn endpoint(&self) -> Endpoint {
        self.endpoint
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The OAuth error code: `invalid_grant`, `unauthorized_client`, `invalid_request`, … (the
    /// Accounts API's troubleshooting page lists them); `http_<status>` when the answer had none.
    pub fn code(&self) -> &str {
        &self.code
    }

    /// The server's explanation, if it gave one.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Whether the grant itself is gone (a code used or expired, a refresh token revoked or
    /// expired, the application's access withdrawn): trying again cannot help, the user has to
    /// authorize again.
    pub fn needs_new_authorization(&self) -> bool {
        matches!(
            self.code.as_str(),
            "invalid_grant"
                | "unauthorized_client"
                | "invalid_client"
                | "unauthorized"
                | "access_denied"
                | "missing_grant"
                | "resource_not_found"
        )
    }

    /// Whether a later attempt may succeed (`429`, `5xx`, `temporarily_unavailable`).
    pub fn is_transient(&self) -> bool {
        self.status == 429
            || self.status >= 500
            || matches!(
                self.code.as_str(),
                "temporarily_unavailable" | "server_error"
            )
    }
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: refused with `{}` (HTTP {})",
            self.endpoint, self.code, self.status
        )?;
        match &self.description {
            Some(description) => write!(f, ": {description}"),
            None => Ok(()),
        }
    }
}

impl std::error::Error for OAuthError {}

/// The most of a server's description an error keeps.
const DESCRIPTION_CHARS: usize = 300;

impl Error {
    /// The error a non-2xx answer stands for.
    pub(super) fn refused(endpoint: Endpoint, status: u16, body: &[u8]) -> Self {
        #[derive(serde::Deserialize)]
        struct Wire {
            error: Option<String>,
            error_description: Option<String>,
        }
        let wire = serde_json::from_slice::<Wire>(body).ok();
        let shown = |text: String| -> String {
            text.chars()
                .filter(|c| !c.is_control())
                .take(DESCRIPTION_CHARS)
                .collect()
        };
        let code = wire
            .as_ref()
            .and_then(|w| w.error.clone())
            .filter(|code| {
                !code.is_empty()
                    && code.len() <= 64
                    && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            })
            .unwrap_or_else(|| format!("http_{status}"));
        let description = wire
            .and_then(|w| w.error_description)
            .map(shown)
            .filter(|d| !d.is_empty());
        Error::OAuth(OAuthError {
            endpoint,
            status,
            code,
            description,
        })
    }

    /// The Accounts API's refusal, if that is what this is.
    pub fn oauth(&self) -> Option<&OAuthError> {
        match self {
            Error::OAuth(e) => Some(e),
            _ => None,
        }
    }

    /// Whether the user has to authorize again: see [`OAuthError::needs_new_authorization`].
    pub fn needs_new_authorization(&self) -> bool {
        self.oauth()
            .is_some_and(OAuthError::needs_new_authorization)
    }
}
