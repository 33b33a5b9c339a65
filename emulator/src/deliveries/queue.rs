//! The queue that sends deliveries: one lane per webhook, so a webhook's deliveries go out in the
//! order of the changes and a receiver that hangs holds up only its own. Everything it holds is
//! bounded: the deliveries waiting per webhook and in all, and the bytes of those not yet done
//! (past any, a delivery is journaled `failed` with the reason and never sent), and the
//! connections open to receivers at once.

use super::Outgoing;
use crate::clock::now_rfc3339;
use crate::journal::{Attempt, DeliveryRecord, DeliveryStatus, Ring};
use crate::locks::lock;
use crate::secrets::MASK;
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{self, error::TrySendError};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Deliveries one webhook may have waiting to be sent.
pub const QUEUED_PER_WEBHOOK: usize = 100;
/// Deliveries all webhooks together may have waiting.
pub const MAX_QUEUED_DELIVERIES: usize = 10_000;
/// Bytes (as sent) of the deliveries waiting or being sent, all webhooks together: counts alone
/// would let 10,000 emitted 1 MiB payloads hold 10 GB.
pub const MAX_QUEUED_BYTES: usize = 64 * 1024 * 1024;
/// Connections open to receivers at once, all webhooks together; they count against the
/// emulator's descriptor budget.
pub const MAX_OUTBOUND_DELIVERIES: usize = 32;

/// How deliveries are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// The wait before the second attempt; it doubles with each further one.
    pub backoff: Duration,
    /// How long one attempt may take.
    pub timeout: Duration,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        Self {
            attempts: 4,
            backoff: Duration::from_millis(500),
            timeout: Duration::from_secs(5),
        }
    }
}

type Log = Arc<Mutex<Ring<DeliveryRecord>>>;
type Lanes = Arc<Mutex<HashMap<String, mpsc::Sender<Queued>>>>;

/// A journaled delivery on its way: its body serialized once, as it is sent. No `Debug`: the
/// body holds the webhook's secret key.
struct Queued {
    seq: u64,
    url: String,
    body: Vec<u8>,
}

/// What became of one delivery handed to [`Deliveries::send`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// Its entry in the journal of deliveries.
    pub seq: u64,
    pub webhook_id: String,
    /// Why it was journaled `failed` at once and never sent (a bound was reached); `None` when
    /// it is queued.
    pub refused: Option<String>,
}

/// What every lane shares.
#[derive(Debug)]
struct Sender {
    client: Option<reqwest::Client>,
    policy: DeliveryPolicy,
    log: Log,
    lanes: Lanes,
    queued: AtomicUsize,
    queued_bytes: AtomicUsize,
    outbound: Semaphore,
}

/// The queue of deliveries and their journal. The API call only enqueues; lanes send.
#[derive(Debug)]
pub struct Deliveries {
    sender: Arc<Sender>,
    runtime: tokio::runtime::Handle,
    /// Dropping the set (the emulator stopping) stops every lane.
    running: Mutex<JoinSet<()>>,
}

impl Deliveries {
    /// Lanes run on the current tokio runtime.
    pub fn start(policy: DeliveryPolicy, capacity: usize) -> Self {
        // No idle connections kept: the open ones are exactly the attempts in flight.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(policy.timeout)
            .pool_max_idle_per_host(0)
            .build()
            .ok();
        Self {
            sender: Arc::new(Sender {
                client,
                policy,
                log: Arc::new(Mutex::new(Ring::new(capacity))),
                lanes: Arc::default(),
                queued: AtomicUsize::new(0),
                queued_bytes: AtomicUsize::new(0),
                outbound: Semaphore::new(MAX_OUTBOUND_DELIVERIES),
            }),
            runtime: tokio::runtime::Handle::current(),
            running: Mutex::new(JoinSet::new()),
        }
    }

    /// Journals the deliveries and queues them; never waits. One that finds its queue full is
    /// journaled as failed, saying so. Answers, for each delivery in order, its journal entry
    /// and why it was not queued, if it was not.
    pub fn send(&self, outgoing: Vec<Outgoing>) -> Vec<Sent> {
        let sender = &self.sender;
        let mut running = lock(&self.running);
        while running.try_join_next().is_some() {}
        let mut sent = Vec::with_capacity(outgoing.len());
        for out in outgoing {
            let mut body = out.body.clone();
            if let Some(key) = body.get_mut("secret_key") {
                *key = json!(MASK);
            }
            let time = now_rfc3339();
            let sent_body = serde_json::to_vec(&out.body);
            let weight = sent_body.as_ref().map_or(0, Vec::len);
            let webhook_id = out.webhook_id.clone();
            let seq = lock(&sender.log).push(weight, |seq| DeliveryRecord {
                seq,
                time,
                webhook_id: out.webhook_id.clone(),
                action: out.action.clone(),
                url: crate::secrets::shown_url(&out.url),
                status: DeliveryStatus::Pending,
                body,
                attempts: Vec::new(),
            });
            let refused = match sent_body {
                Ok(body) => {
                    let queued = Queued {
                        seq,
                        url: out.url,
                        body,
                    };
                    self.queue(&webhook_id, queued, &mut running)
                }
                Err(e) => Some(format!("not sent: {e}")),
            };
            if let Some(why) = &refused {
                sender.refuse(seq, why.clone());
            }
            sent.push(Sent {
                seq,
                webhook_id,
                refused,
            });
        }
        sent
    }

    /// Hands one journaled delivery to its webhook's lane, starting the lane if need be; or
    /// says why it cannot.
    ///
    /// `send` queues one delivery at a time (under `running`), so a bound checked here still
    /// holds when the delivery is counted.
    fn queue(&self, webhook_id: &str, queued: Queued, running: &mut JoinSet<()>) -> Option<String> {
        let sender = &self.sender;
        if sender.queued.load(Ordering::SeqCst) >= MAX_QUEUED_DELIVERIES {
            return Some(format!(
                "not sent: {MAX_QUEUED_DELIVERIES} deliveries are already waiting"
            ));
        }
        let bytes = queued.body.len();
        let held = sender.queued_bytes.load(Ordering::SeqCst);
        if held.saturating_add(bytes) > MAX_QUEUED_BYTES {
            return Some(format!(
                "not sent: its {bytes} bytes and the {held} of the deliveries not yet done \
                 would pass the bound of {MAX_QUEUED_BYTES} bytes"
            ));
        }
        // Counted before the lane can take it, so the counts never dip below zero.
        sender.queued.fetch_add(1, Ordering::SeqCst);
        sender.queued_bytes.fetch_add(bytes, Ordering::SeqCst);
        let mut lanes = lock(&sender.lanes);
        let queued = match lanes.get(webhook_id) {
            Some(lane) => lane.try_send(queued),
            None => {
                let (lane, queue) = mpsc::channel(QUEUED_PER_WEBHOOK);
                let queued = lane.try_send(queued);
                lanes.insert(webhook_id.to_string(), lane);
                running.spawn_on(
                    sender.clone().run_lane(webhook_id.to_string(), queue),
                    &self.runtime,
                );
                queued
            }
        };
        drop(lanes);
        if queued.is_err() {
            sender.queued.fetch_sub(1, Ordering::SeqCst);
            sender.queued_bytes.fetch_sub(bytes, Ordering::SeqCst);
        }
        match queued {
            Ok(()) => None,
            Err(TrySendError::Full(_)) => Some(format!(
                "not sent: webhook `{webhook_id}` already has {QUEUED_PER_WEBHOOK} \
                     deliveries waiting"
            )),
            // The lane stopped with the emulator.
            Err(TrySendError::Closed(_)) => Some("not sent: the emulator is stopping".to_string()),
        }
    }

    pub fn list(&self) -> Vec<DeliveryRecord> {
        lock(&self.sender.log).iter().cloned().collect()
    }

    pub fn clear(&self) -> usize {
        lock(&self.sender.log).clear()
    }
}

impl Sender {
    /// Sends one webhook's deliveries in order; a lane with nothing left ends, under the lock
    /// `send` queues under, so nothing queued is left behind.
    async fn run_lane(self: Arc<Self>, webhook_id: String, mut queue: mpsc::Receiver<Queued>) {
        loop {
            let next = {
                let mut lanes = lock(&self.lanes);
                match queue.try_recv() {
                    Ok(next) => next,
                    Err(_) => {
                        lanes.remove(&webhook_id);
                        return;
                    }
                }
            };
            self.queued.fetch_sub(1, Ordering::SeqCst);
            let bytes = next.body.len();
            self.deliver(next).await;
            self.queued_bytes.fetch_sub(bytes, Ordering::SeqCst);
        }
    }

    fn update(&self, seq: u64, change: impl FnOnce(&mut DeliveryRecord)) {
        // Recent deliveries are at the back; one cleared or pushed out of the ring is not
        // updated.
        if let Some(record) = lock(&self.log).iter_mut().rev().find(|r| r.seq == seq) {
            change(record);
        }
    }

    /// Journals a delivery that is never sent, and why.
    fn refuse(&self, seq: u64, error: String) {
        self.update(seq, |r| {
            r.attempts.push(Attempt {
                time: now_rfc3339(),
                status: None,
                error: Some(error),
                latency_ms: 0.0,
            });
            r.status = DeliveryStatus::Failed;
        });
    }

    async fn deliver(&self, out: Queued) {
        let seq = out.seq;
        let Some(client) = &self.client else {
            return self.refuse(
                seq,
                "the emulator could not build an HTTP client".to_string(),
            );
        };
        match reqwest::Url::parse(&out.url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => {}
            _ => {
                return self.refuse(
                    seq,
                    format!(
                        "`{}` is not an http(s) URL",
                        crate::secrets::shown_url(&out.url)
                    ),
                )
            }
        }
        let body = out.body;
        let policy = self.policy;
        for attempt in 0..policy.attempts.max(1) {
            if attempt > 0 {
                let factor = 1u32 << (attempt - 1).min(16);
                tokio::time::sleep(policy.backoff.saturating_mul(factor)).await;
            }
            // Waiting for a free connection is not the receiver's time.
            let Ok(_connection) = self.outbound.acquire().await else {
                return;
            };
            let time = now_rfc3339();
            let started = Instant::now();
            let sent = client
                .post(&out.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone())
                .send()
                .await;
            let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
            let (status, error) = match sent {
                Ok(response) => (Some(response.status().as_u16()), None),
                Err(e) => (None, Some(describe(&e))),
            };
            let delivered = status.is_some_and(|s| (200..300).contains(&s));
            let last = attempt + 1 >= policy.attempts.max(1);
            self.update(seq, |r| {
                r.attempts.push(Attempt {
                    time,
                    status,
                    error,
                    latency_ms,
                });
                if delivered {
                    r.status = DeliveryStatus::Delivered;
                } else if last {
                    r.status = DeliveryStatus::Failed;
                }
            });
            if delivered {
                return;
            }
        }
    }
}

/// A transport error in a few words, its cause chain included (`connection refused`).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else {
        "transport error"
    };
    let mut cause = std::error::Error::source(error);
    let mut deepest = None;
    while let Some(c) = cause {
        deepest = Some(c.to_string());
        cause = c.source();
    }
    match deepest {
        Some(why) => format!("{kind}: {why}"),
        None => kind.to_string(),
    }
}
