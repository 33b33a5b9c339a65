//! What the emulator saw and sent, for tests and people to inspect: the API requests it
//! received and the webhook deliveries it made, each kept in a ring of bounded size, with every
//! credential masked before it is kept.

use crate::clock::now_rfc3339;
use crate::secrets;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::VecDeque;
use std::time::Duration;

/// Entries each journal keeps by default; the oldest go first.
pub const DEFAULT_JOURNAL_CAPACITY: usize = 10_000;

/// Bodies up to this size are kept whole (masked); larger ones as an excerpt, so a journal of
/// 10,000 `list_agents` answers stays small.
const KEPT_BODY: usize = 16 * 1024;
const EXCERPT: usize = 1024;

/// The body bytes a journal keeps at most, whatever its entry count: the oldest entries go first.
const BODY_BUDGET: usize = 64 * 1024 * 1024;

/// A ring of the last `capacity` entries (and at most [`BODY_BUDGET`] body bytes), each numbered
/// from 1 on in arrival order.
#[derive(Debug)]
pub struct Ring<T> {
    entries: VecDeque<(usize, T)>,
    capacity: usize,
    bytes: usize,
    next_seq: u64,
}

impl<T> Ring<T> {
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: VecDeque::new(),
            capacity: capacity.max(1),
            bytes: 0,
            next_seq: 1,
        }
    }

    /// Keeps the entry `make` builds from its number, weighing `bytes`, dropping the oldest
    /// while the ring is full.
    pub fn push(&mut self, bytes: usize, make: impl FnOnce(u64) -> T) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        while !self.entries.is_empty()
            && (self.entries.len() >= self.capacity || self.bytes + bytes > BODY_BUDGET)
        {
            if let Some((weight, _)) = self.entries.pop_front() {
                self.bytes -= weight;
            }
        }
        self.bytes += bytes;
        self.entries.push_back((bytes, make(seq)));
        seq
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.entries.iter().map(|(_, entry)| entry)
    }

    pub fn iter_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut T> {
        self.entries.iter_mut().map(|(_, entry)| entry)
    }

    /// Empties the ring; numbering goes on, so an entry number is never reused.
    pub fn clear(&mut self) -> usize {
        let n = self.entries.len();
        self.entries.clear();
        self.bytes = 0;
        n
    }
}

/// What a kept body weighs in the ring.
fn weight(bytes: &[u8]) -> usize {
    if bytes.len() <= KEPT_BODY {
        bytes.len()
    } else {
        EXCERPT
    }
}

/// One API request as received and answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RequestRecord {
    /// Arrival number, from 1 on.
    pub seq: u64,
    /// When it arrived (RFC 3339).
    pub time: String,
    /// The API version of the path (`3.6`), if the path had one.
    pub version: Option<String>,
    /// The action the path names, known or not.
    pub action: Option<String>,
    /// The answer's HTTP status.
    pub status: u16,
    /// From arrival to answer, injected latency included.
    pub latency_ms: f64,
    /// The request body: JSON with secrets masked, `null` when empty, or a string for a body
    /// that is not JSON or too large to keep whole.
    pub request: Value,
    /// The answer body, the same way.
    pub response: Value,
}

/// The version and action a path names (`/v3.6/configuration/action/create_agent`).
pub fn path_parts(path: &str) -> (Option<String>, Option<String>) {
    let rest = path.strip_prefix("/v");
    let version = rest
        .and_then(|r| r.split('/').next())
        .filter(|v| !v.is_empty())
        .map(str::to_string);
    let action = rest
        .and_then(|r| r.split_once("/configuration/action/"))
        .map(|(_, name)| name.to_string())
        .filter(|name| !name.is_empty());
    (version, action)
}

/// A body as the journal keeps it: nothing of a credential survives, whatever the body's shape.
pub fn kept_body(action: Option<&str>, bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        return Value::Null;
    }
    // A path that names no action (a delivery posted back to the emulator) is masked as an
    // unknown action is: with every key a secret goes by.
    let action = action.unwrap_or("");
    let secret = secrets::has_secrets(action);
    if bytes.len() <= KEPT_BODY {
        if let Ok(mut value) = serde_json::from_slice::<Value>(bytes) {
            secrets::mask(action, &mut value);
            return value;
        }
    }
    if secret {
        return Value::String(format!(
            "<withheld: {} bytes of a body that may carry a secret>",
            bytes.len()
        ));
    }
    let text = String::from_utf8_lossy(bytes);
    if text.len() <= EXCERPT {
        return Value::String(text.into_owned());
    }
    let mut end = EXCERPT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Value::String(format!("{}… ({} bytes in all)", &text[..end], bytes.len()))
}

/// The journal of API requests.
#[derive(Debug)]
pub struct RequestJournal {
    ring: std::sync::Mutex<Ring<RequestRecord>>,
}

impl RequestJournal {
    pub fn new(capacity: usize) -> Self {
        Self {
            ring: std::sync::Mutex::new(Ring::new(capacity)),
        }
    }

    pub fn record(
        &self,
        path: &str,
        status: u16,
        latency: Duration,
        request: &[u8],
        answer: &[u8],
    ) {
        let (version, action) = path_parts(path);
        let bytes = weight(request) + weight(answer);
        let request = kept_body(action.as_deref(), request);
        let response = kept_body(action.as_deref(), answer);
        let time = now_rfc3339();
        crate::locks::lock(&self.ring).push(bytes, |seq| RequestRecord {
            seq,
            time,
            version,
            action,
            status,
            latency_ms: latency.as_secs_f64() * 1000.0,
            request,
            response,
        });
    }

    /// The kept requests in arrival order, only those to `action` when given.
    pub fn list(&self, action: Option<&str>) -> Vec<RequestRecord> {
        crate::locks::lock(&self.ring)
            .iter()
            .filter(|r| action.is_none_or(|a| r.action.as_deref() == Some(a)))
            .cloned()
            .collect()
    }

    pub fn clear(&self) -> usize {
        crate::locks::lock(&self.ring).clear()
    }
}

/// Where a webhook delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not answered with a 2xx yet; more attempts will follow.
    Pending,
    /// A receiver answered with a 2xx.
    Delivered,
    /// Every attempt failed, or the URL is not one the emulator sends to.
    Failed,
}

/// One attempt at a delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Attempt {
    /// When it was sent (RFC 3339).
    pub time: String,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    /// Why there was no answer (connection refused, timeout), or why it was not sent.
    pub error: Option<String>,
    /// How long the attempt took, in milliseconds.
    pub latency_ms: f64,
}

/// One webhook delivery: what was sent where, and each attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DeliveryRecord {
    /// Delivery number, from 1 on.
    pub seq: u64,
    /// When the change that caused it was acknowledged (RFC 3339).
    pub time: String,
    /// The webhook it was sent for.
    pub webhook_id: String,
    /// The webhook action (`agent_created`).
    pub action: String,
    /// Where it was sent.
    pub url: String,
    /// Whether it reached its receiver, is still being tried, or failed.
    pub status: DeliveryStatus,
    /// The body sent, its `secret_key` masked.
    pub body: Value,
    /// Every attempt so far, in order.
    pub attempts: Vec<Attempt>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn large_or_unparsable_bodies_are_excerpted_and_never_show_a_secret() {
        let big = json!({"id": "b", "secret": "s3cr3t", "pad": "x".repeat(KEPT_BODY)}).to_string();
        let kept = kept_body(Some("create_bot"), big.as_bytes());
        assert!(kept.as_str().unwrap().starts_with("<withheld"), "{kept}");
        let broken = br#"{"secret": "s3cr3t""#;
        let kept = kept_body(Some("create_bot"), broken);
        assert!(!kept.to_string().contains("s3cr3t"), "{kept}");
        let kept = kept_body(Some("list_tags"), big.as_bytes());
        let text = kept.as_str().unwrap();
        assert!(
            text.ends_with(&format!("({} bytes in all)", big.len())),
            "{text}"
        );
        assert!(text.len() < EXCERPT + 64);
        assert_eq!(kept_body(Some("list_tags"), b"not json"), json!("not json"));
        assert_eq!(kept_body(None, b""), Value::Null);
    }

    #[test]
    fn the_ring_drops_the_oldest_by_count_and_by_bytes() {
        let mut ring = Ring::new(3);
        for n in 0..5 {
            ring.push(1, |_| n);
        }
        assert_eq!(ring.iter().copied().collect::<Vec<_>>(), [2, 3, 4]);
        ring.push(BODY_BUDGET, |_| 5);
        assert_eq!(ring.iter().copied().collect::<Vec<_>>(), [5]);
        assert_eq!(ring.clear(), 1);
        assert_eq!(ring.push(1, |seq| seq as i32), 7);
    }
}
