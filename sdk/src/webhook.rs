//! Webhook deliveries: the bodies LiveChat POSTs to a registered webhook's `url`.
//!
//! A delivery carries the `secret_key` given to `register_webhook`; [`verify`] parses a body and
//! accepts it only when that key matches, comparing in constant time. Bad input is an error,
//! never a panic, and no error or `Debug` output contains the key.
//!
//! ```
//! use livechat_config::webhook::{self, WebhookError};
//! use livechat_config::WebhookAction;
//!
//! let body = br#"{
//!     "webhook_id": "pqi8oasdjahuakndw9nsad9na",
//!     "secret_key": "laudla991lamda0pnoaa0",
//!     "action": "incoming_chat",
//!     "organization_id": "1a8a9ec7-bd5d-4400-9204-3826740981e0",
//!     "payload": {"chat": {"id": "PJ0MRSHTDG"}},
//!     "additional_data": {"chat_presence_user_ids": ["smith@example.com"]}
//! }"#;
//!
//! let delivery = webhook::verify(body, "laudla991lamda0pnoaa0")?;
//! assert_eq!(delivery.action, WebhookAction::IncomingChat);
//! assert_eq!(delivery.payload["chat"]["id"], "PJ0MRSHTDG");
//! assert!(!format!("{delivery:?}").contains("laudla991lamda0pnoaa0"));
//!
//! assert_eq!(webhook::verify(body, "another key"), Err(WebhookError::WrongSecret));
//! assert!(matches!(webhook::verify(&body[..40], "laudla991lamda0pnoaa0"), Err(WebhookError::Truncated)));
//! # Ok::<(), WebhookError>(())
//! ```

use crate::WebhookEnvelope;
use std::hint::black_box;

/// A webhook delivery in the reference's general webhook format: `webhook_id`, `secret_key`,
/// `action` (a [`WebhookAction`](crate::WebhookAction), `Other` for actions this crate does not
/// know), `organization_id`, `payload` and the optional `additional_data`. Its `Debug` masks
/// `secret_key`.
pub type Delivery = WebhookEnvelope;

/// Why a body was not accepted as a delivery.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The body is empty or only whitespace.
    #[error("the webhook body is empty")]
    Empty,
    /// The body ends before its JSON does.
    #[error("the webhook body is cut short")]
    Truncated,
    /// The body is not JSON.
    #[error("the webhook body is not JSON: {message}")]
    NotJson {
        /// What the JSON parser reported, with line and column.
        message: String,
    },
    /// The body is JSON but not a delivery: a field is missing or has the wrong type.
    #[error("the webhook body is not a delivery{}: {message}", at(.path))]
    NotADelivery {
        /// Path of the offending field (`additional_data.chat_presence_user_ids`); empty for
        /// the whole body.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The delivery's `secret_key` is not the registered one.
    #[error("the webhook's secret_key does not match")]
    WrongSecret,
    /// The secret to verify against is empty: it would accept deliveries sent without a key.
    #[error("no secret to verify the webhook against")]
    NoSecret,
}

fn at(path: &str) -> String {
    if path.is_empty() || path == "." {
        String::new()
    } else {
        format!(" at `{path}`")
    }
}

/// Parses a delivery and checks its `secret_key` against `secret`, the key given to
/// `register_webhook`.
pub fn verify(body: &[u8], secret: &str) -> Result<Delivery, WebhookError> {
    if secret.is_empty() {
        return Err(WebhookError::NoSecret);
    }
    let delivery = parse(body)?;
    if delivery.secret_matches(secret) {
        Ok(delivery)
    } else {
        Err(WebhookError::WrongSecret)
    }
}

/// Parses a delivery without checking its secret, for receivers that pick the secret by
/// `webhook_id` first; follow it with [`WebhookEnvelope::secret_matches`].
pub fn parse(body: &[u8]) -> Result<Delivery, WebhookError> {
    if body.trim_ascii().is_empty() {
        return Err(WebhookError::Empty);
    }
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|err| match err.classify() {
            serde_json::error::Category::Eof => WebhookError::Truncated,
            _ => WebhookError::NotJson {
                message: err.to_string(),
            },
        })?;
    // Serde would also read a struct from a JSON array of its fields in order; a delivery is
    // only ever an object.
    if !value.is_object() {
        return Err(WebhookError::NotADelivery {
            path: String::new(),
            message: "expected a JSON object".to_string(),
        });
    }
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        WebhookError::NotADelivery {
            path: if path == "." { String::new() } else { path },
            message: err.into_inner().to_string(),
        }
    })
}

impl WebhookEnvelope {
    /// `true` when `secret_key` equals `secret`. The comparison takes the same time wherever
    /// the two differ, so response timing does not reveal how much of a guess was right.
    pub fn secret_matches(&self, secret: &str) -> bool {
        !secret.is_empty() && constant_time_eq(self.secret_key.as_bytes(), secret.as_bytes())
    }
}

/// Visits every position up to the longer length whatever the content, so the time taken
/// depends on the lengths only; a missing byte counts as a difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = u8::from(a.len() != b.len());
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        // black_box keeps the optimizer from ending the loop early once a difference is known.
        diff = black_box(diff | (x ^ y));
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn compares_content_and_length() {
        assert!(constant_time_eq(b"", b""));
        assert!(constant_time_eq(b"key", b"key"));
        assert!(!constant_time_eq(b"key", b"kez"));
        assert!(!constant_time_eq(b"key", b"key\0"));
        assert!(!constant_time_eq(b"key\0", b"key"));
        assert!(!constant_time_eq(b"", b"k"));
    }
}
