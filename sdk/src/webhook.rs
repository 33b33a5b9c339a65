//! Webhook deliveries: the bodies LiveChat POSTs to a registered webhook's `url`.
//!
//! A delivery carries the `secret_key` given to `register_webhook`; [`verify`] parses a body,
//! accepts it only when that key matches (compared in constant time), and then types its
//! payload by its `action`: a [`WebhookEvent`](crate::WebhookEvent) with one variant per webhook
//! of the version (chats, chat access and users, events, properties, thread tags, routing
//! statuses, customers, the license-configuration webhooks and the rest: every action
//! `register_webhook` takes), down to the chat, thread, event and user structures (all but the
//! license-configuration webhooks need the `chat-webhooks` feature); `Other` keeps the payload of
//! an action a later API version adds, or of a chat webhook without that feature, as JSON. An event or user type the version
//! does not know is its union's own `Other` variant, not an error. Bad input is an error, never a
//! panic, and no error or `Debug` output contains the key.
//!
//! ```
//! use livechat_config::webhook::{self, WebhookError};
//! use livechat_config::{WebhookAction, WebhookEvent};
//!
//! let body = br#"{
//!     "webhook_id": "pqi8oasdjahuakndw9nsad9na",
//!     "secret_key": "laudla991lamda0pnoaa0",
//!     "action": "group_deleted",
//!     "organization_id": "390e44e6-f1e6-0368c-z6ddb-74g14508c2ex",
//!     "payload": {"id": 42},
//!     "requester": {"user_id": "smith@example.com", "client_id": "asXdesldiAJSq9padj"},
//!     "additional_data": {}
//! }"#;
//!
//! let delivery = webhook::verify(body, "laudla991lamda0pnoaa0")?;
//! match &delivery.event {
//!     WebhookEvent::GroupDeleted(group) => assert_eq!(group.id, 42),
//!     other => panic!("{other:?}"),
//! }
//! // The envelope's fields are the delivery's own.
//! assert_eq!(delivery.action, WebhookAction::GroupDeleted);
//! let requester = delivery.requester.as_ref().unwrap();
//! assert_eq!(requester.user_id.as_deref(), Some("smith@example.com"));
//! assert!(!format!("{delivery:?}").contains("laudla991lamda0pnoaa0"));
//!
//! assert_eq!(webhook::verify(body, "another key"), Err(WebhookError::WrongSecret));
//! assert!(matches!(webhook::verify(&body[..40], "laudla991lamda0pnoaa0"), Err(WebhookError::Truncated)));
//! # Ok::<(), WebhookError>(())
//! ```
//!
//! Another API version's deliveries: `webhook::verify_as::<livechat_config::v3_7::WebhookEvent>`.

use serde::de::DeserializeOwned;
use std::fmt::Debug;
use std::hint::black_box;
use std::ops::Deref;

/// A version's typed webhook payloads (`WebhookEvent` of each version module), implemented by
/// the generated code: it names the version's envelope and types a payload by its action.
pub trait Event: Sized + Debug + Clone + PartialEq {
    /// The version's delivery format (`WebhookEnvelope`): `webhook_id`, `secret_key`, `action`,
    /// `organization_id`, `payload`, `requester`, `additional_data`.
    type Envelope: DeserializeOwned + Debug + Clone + PartialEq;

    /// The envelope's `secret_key`.
    #[doc(hidden)]
    fn secret_key(envelope: &Self::Envelope) -> &str;

    /// The envelope's payload, typed by its action.
    #[doc(hidden)]
    fn decode(envelope: &Self::Envelope) -> Result<Self, WebhookError>;
}

/// A verified delivery: the envelope as sent and its typed payload. It dereferences to the
/// envelope (`delivery.webhook_id`, `delivery.action`, `delivery.payload` as JSON), whose
/// `Debug` masks `secret_key`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Delivery<E: Event = crate::WebhookEvent> {
    /// The delivery as sent, its payload as JSON (for fields this crate does not know).
    pub envelope: E::Envelope,
    /// The payload typed by the delivery's action.
    pub event: E,
}

impl<E: Event> Deref for Delivery<E> {
    type Target = E::Envelope;

    fn deref(&self) -> &E::Envelope {
        &self.envelope
    }
}

impl<E: Event> Delivery<E> {
    /// Accepts an envelope that [`parse`] or [`parse_as`] read when its `secret_key` is
    /// `secret`, then types its payload. The key is checked first, so a sender without it
    /// learns nothing about the payload rules.
    pub fn verify(envelope: E::Envelope, secret: &str) -> Result<Self, WebhookError> {
        if secret.is_empty() {
            return Err(WebhookError::NoSecret);
        }
        if !secret_matches(E::secret_key(&envelope), secret) {
            return Err(WebhookError::WrongSecret);
        }
        let event = E::decode(&envelope)?;
        Ok(Self { envelope, event })
    }
}

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
    /// The delivery's `action` is one this crate types, but its payload does not have the
    /// documented shape.
    #[error("the `{action}` webhook's payload is not as documented{}: {message}", at(.path))]
    UnexpectedPayload {
        /// The delivery's `action`.
        action: String,
        /// Path of the offending field from the body (`payload.groups[0].id`).
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

/// Parses a delivery of the crate root's API version, checks its `secret_key` against
/// `secret` (the key given to `register_webhook`) and types its payload.
// Inline, as every payload's decoding is compiled where it is called: in a receiver, not in
// every build of this crate.
#[inline]
pub fn verify(body: &[u8], secret: &str) -> Result<Delivery, WebhookError> {
    verify_as(body, secret)
}

/// [`verify`] for any API version: `E` is that version's `WebhookEvent`.
pub fn verify_as<E: Event>(body: &[u8], secret: &str) -> Result<Delivery<E>, WebhookError> {
    if secret.is_empty() {
        return Err(WebhookError::NoSecret);
    }
    Delivery::verify(parse_as::<E>(body)?, secret)
}

/// Parses a delivery of the crate root's API version without checking its secret, for
/// receivers that pick the secret by `webhook_id` first; follow it with [`Delivery::verify`]
/// (or `secret_matches`).
#[inline]
pub fn parse(body: &[u8]) -> Result<crate::WebhookEnvelope, WebhookError> {
    parse_as::<crate::WebhookEvent>(body)
}

/// [`parse`] for any API version: `E` is that version's `WebhookEvent`.
pub fn parse_as<E: Event>(body: &[u8]) -> Result<E::Envelope, WebhookError> {
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

/// The JSON a typed payload is read from, for [`decode_payload`].
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadShape {
    Object,
    Array,
    Any,
}

/// Reads the payload of a delivery of `action` as `T`, naming the offending field on failure.
/// Used by the generated `WebhookEvent`s.
#[doc(hidden)]
pub fn decode_payload<T: DeserializeOwned>(
    action: &str,
    payload: &serde_json::Value,
    shape: PayloadShape,
) -> Result<T, WebhookError> {
    let unexpected = |path: String, message: String| WebhookError::UnexpectedPayload {
        action: action.to_string(),
        path,
        message,
    };
    // Serde reads a struct from an array of its fields and a sequence from nothing else, so
    // the shape is checked first, for one clear message either way.
    match shape {
        PayloadShape::Object if !payload.is_object() => {
            return Err(unexpected(
                "payload".into(),
                "expected a JSON object".into(),
            ))
        }
        PayloadShape::Array if !payload.is_array() => {
            return Err(unexpected("payload".into(), "expected a JSON array".into()))
        }
        _ => {}
    }
    // Read from text by serde_json alone, as answers are, so the types they share with answers
    // (`Agent`, `Group`, …) compile their decoding once; the path is worked out on error.
    let text = payload.to_string();
    serde_json::from_slice(text.as_bytes()).map_err(|err| {
        let path = crate::json_path::at(text.as_bytes(), err.line(), err.column());
        let path = if path == "." {
            "payload".to_string()
        } else if path.starts_with('[') {
            format!("payload{path}")
        } else {
            format!("payload.{path}")
        };
        unexpected(path, err.to_string())
    })
}

/// `true` when `key` equals `secret` and is not empty. The comparison takes the same time
/// wherever the two differ, so response timing does not reveal how much of a guess was right.
/// Used by the generated `WebhookEnvelope::secret_matches`.
#[doc(hidden)]
pub fn secret_matches(key: &str, secret: &str) -> bool {
    !secret.is_empty() && constant_time_eq(key.as_bytes(), secret.as_bytes())
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
