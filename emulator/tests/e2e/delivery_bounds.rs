//! What webhook deliveries may hold, attacked as they were first: receivers that accept and never
//! answer, many webhooks, many writes. The queue per webhook and in all and the connections to
//! receivers stay bounded, a delivery past a bound is journaled `failed` with the reason, and API
//! calls stay fast meanwhile.

use crate::binary::{command, limited, start, Limit};
use crate::persistence::temp_dir;
use livechat_config::{Client, Credentials, RetryPolicy};
use livechat_config_emulator::{
    DeliveryPolicy, DeliveryRecord, DeliveryStatus, Emulator, DEFAULT_TOKEN,
    MAX_OUTBOUND_DELIVERIES, MAX_QUEUED_DELIVERIES, QUEUED_PER_WEBHOOK,
};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncReadExt;

/// A receiver that accepts every connection and never answers; it counts the connections open.
pub struct Hanging {
    pub url: String,
    open: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

pub async fn hanging() -> Hanging {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let open = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let (counting, highest) = (open.clone(), most.clone());
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let now = counting.fetch_add(1, Ordering::SeqCst) + 1;
            highest.fetch_max(now, Ordering::SeqCst);
            let counting = counting.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                while let Ok(n) = stream.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                }
                counting.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    Hanging { url, open, most }
}

/// Attempts that outlast the test: a delivery sent stays in flight.
pub fn holding() -> DeliveryPolicy {
    DeliveryPolicy {
        attempts: 1,
        backoff: Duration::ZERO,
        timeout: Duration::from_secs(60),
    }
}

/// An emulator whose deliveries stay in flight, owning these Client IDs besides its own, and a
/// receiver that never answers them.
pub async fn held_deliveries(owners: &[&str]) -> (Emulator, Hanging) {
    let mut builder = Emulator::builder().delivery_policy(holding());
    for owner in owners {
        builder = builder.organization_client_id(*owner);
    }
    (builder.start().await.unwrap(), hanging().await)
}

fn register_body(url: &str, owner: &str) -> Value {
    json!({
        "url": url, "action": "tag_created", "secret_key": "s",
        "owner_client_id": owner, "type": "license",
    })
}

fn refused_because(deliveries: &[DeliveryRecord], reason: &str) -> usize {
    deliveries
        .iter()
        .filter(|d| d.status == DeliveryStatus::Failed)
        .inspect(|d| {
            assert_eq!(d.attempts.len(), 1, "{d:?}");
            assert_eq!(d.attempts[0].status, None, "{d:?}");
        })
        .filter(|d| {
            d.attempts[0]
                .error
                .as_deref()
                .unwrap_or("")
                .contains(reason)
        })
        .count()
}

#[tokio::test]
async fn a_webhook_queues_at_most_its_share_and_journals_the_rest_as_failed() {
    let (emu, receiver) = held_deliveries(&[]).await;
    let client = emu.client();
    client
        .call_raw(
            "register_webhook",
            register_body(&receiver.url, livechat_config_emulator::DEFAULT_CLIENT_ID),
        )
        .await
        .unwrap();
    let writes = QUEUED_PER_WEBHOOK + 50;
    let started = Instant::now();
    for i in 0..writes {
        client.create_tag(format!("t{i}")).await.unwrap();
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let deliveries = emu.webhook_deliveries();
    assert_eq!(deliveries.len(), writes);
    // One is in flight; the next QUEUED_PER_WEBHOOK wait; the rest were refused at once.
    let refused = refused_because(&deliveries, "deliveries waiting");
    let pending = deliveries
        .iter()
        .filter(|d| d.status == DeliveryStatus::Pending)
        .count();
    assert!((49..=50).contains(&refused), "{refused} refused");
    assert_eq!(pending + refused, writes);
    assert!(deliveries[0].status == DeliveryStatus::Pending);
    assert!(deliveries[writes - 1].status == DeliveryStatus::Failed);
    assert_eq!(receiver.most.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn connections_to_receivers_are_capped_in_all() {
    let owners: Vec<String> = (0..14).map(|i| format!("owner-{i}")).collect();
    let (emu, receiver) =
        held_deliveries(&owners.iter().map(String::as_str).collect::<Vec<_>>()).await;
    let client = emu.client();
    for owner in &owners {
        for _ in 0..3 {
            client
                .call_raw("register_webhook", register_body(&receiver.url, owner))
                .await
                .unwrap();
        }
    }
    client.create_tag("one").await.unwrap();
    // 42 deliveries want a connection at once.
    let deadline = Instant::now() + Duration::from_secs(5);
    while receiver.open.load(Ordering::SeqCst) < MAX_OUTBOUND_DELIVERIES
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        receiver.open.load(Ordering::SeqCst),
        MAX_OUTBOUND_DELIVERIES
    );
    assert_eq!(
        receiver.most.load(Ordering::SeqCst),
        MAX_OUTBOUND_DELIVERIES
    );
    // The API is not held up.
    let started = Instant::now();
    client.create_tag("two").await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

/// Resident memory (KiB) and open descriptors of a process.
fn footprint(pid: u32) -> (u64, usize) {
    let rss = crate::control::rss_kib(pid).unwrap();
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count();
    (rss, fds)
}

#[tokio::test]
async fn a_thousand_webhooks_at_a_hanging_receiver_and_200_writes_stay_bounded() {
    let dir = temp_dir("delivery-bounds");
    let owners: Vec<String> = (0..334).map(|i| format!("owner-{i}")).collect();
    let mut command = command(&dir.join("state.json"));
    command.args(["--admin-token", "admin-secret-token"]);
    for owner in &owners {
        command.args(["--organization-client-id", owner]);
    }
    let (child, url, _) = start(limited(command, Limit::Descriptors(256)));
    let pid = child.0.id();
    let receiver = hanging().await;
    let client = Client::builder(Credentials::bearer(DEFAULT_TOKEN))
        .base_url(&url)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    for owner in owners.iter().flat_map(|o| [o, o, o]).take(1000) {
        client
            .call_raw("register_webhook", register_body(&receiver.url, owner))
            .await
            .unwrap();
    }
    let (rss_before, _) = footprint(pid);
    let mut slowest = Duration::ZERO;
    for i in 0..200 {
        let started = Instant::now();
        client.create_tag(format!("t{i}")).await.unwrap();
        slowest = slowest.max(started.elapsed());
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (rss, fds) = footprint(pid);
    assert!(
        slowest < Duration::from_secs(1),
        "slowest write: {slowest:?}"
    );
    assert!(
        rss < rss_before + 256 * 1024,
        "resident memory grew from {rss_before} KiB to {rss} KiB"
    );
    // The emulator's own count: the receiver here sees a closed connection only some time later.
    assert!(
        fds <= MAX_OUTBOUND_DELIVERIES + 32,
        "{fds} descriptors open"
    );
    // 200,000 deliveries: those past the bound in all were journaled as refused.
    let answer = reqwest::Client::new()
        .get(format!("{url}/emulator/webhooks"))
        .bearer_auth("admin-secret-token")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let answer: Value = serde_json::from_slice(&answer).unwrap();
    let journal: Vec<DeliveryRecord> =
        serde_json::from_value(answer["deliveries"].clone()).unwrap();
    let refused = refused_because(&journal, &format!("{MAX_QUEUED_DELIVERIES} deliveries"));
    assert!(refused > 0, "none refused for the bound in all");
    // And the emulator still answers at once.
    let started = Instant::now();
    assert_eq!(client.list_tags().await.unwrap().len(), 200);
    assert!(started.elapsed() < Duration::from_secs(1));
    drop(child);
    let _ = std::fs::remove_dir_all(&dir);
}
