//! How soon the emulator's webhook deliveries follow the change they report, on loopback.

use crate::rows::Sizes;
use crate::stats::{quantile, Spread};
use crate::table::Row;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use livechat_config::{WebhookAction, WebhookType};
use livechat_config_emulator::{Emulator, DEFAULT_CLIENT_ID};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

const WRITES_PER_SECOND: u64 = 50;

/// A receiver on loopback that reports each delivery's tag name and arrival time.
async fn receiver() -> Result<(String, mpsc::UnboundedReceiver<(String, Instant)>), String> {
    let (tx, rx) = mpsc::unbounded_channel();
    let app = axum::Router::new()
        .route(
            "/hook",
            post(
                |State(tx): State<mpsc::UnboundedSender<(String, Instant)>>, body: Bytes| async move {
                    let arrived = Instant::now();
                    let name = serde_json::from_slice::<serde_json::Value>(&body)
                        .ok()
                        .and_then(|v| v["payload"]["name"].as_str().map(str::to_string))
                        .unwrap_or_default();
                    let _ = tx.send((name, arrived));
                },
            ),
        )
        .with_state(tx);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let url = format!(
        "http://{}/hook",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((url, rx))
}

/// Time from a `create_tag` being acknowledged to its `tag_created` delivery arriving, with 50
/// changes a second; p50 and p99 per round. A delivery that lands before the client has read
/// the acknowledgement counts as 0.
pub async fn latency(sizes: &Sizes) -> Result<Row, String> {
    let writes = if sizes.rounds < 7 { 100 } else { 250 };
    let (mut p50s, mut p99s) = (Vec::new(), Vec::new());
    for round in 0..sizes.rounds.min(3) {
        let emulator = Emulator::start().await.map_err(|e| e.to_string())?;
        let (url, mut arrivals) = receiver().await?;
        let client = emulator.client();
        client
            .register_webhook(
                WebhookAction::TagCreated,
                "bench-secret",
                &url,
                DEFAULT_CLIENT_ID,
                WebhookType::License,
            )
            .await
            .map_err(|e| e.to_string())?;
        let mut tick = tokio::time::interval(Duration::from_millis(1000 / WRITES_PER_SECOND));
        let mut acknowledged = Vec::with_capacity(writes);
        for i in 0..writes {
            tick.tick().await;
            client
                .create_tag(format!("r{round}-t{i}"))
                .await
                .map_err(|e| e.to_string())?;
            acknowledged.push(Instant::now());
        }
        let mut latencies = Vec::with_capacity(writes);
        for (i, acked) in acknowledged.iter().enumerate() {
            let (name, arrived) = tokio::time::timeout(Duration::from_secs(10), arrivals.recv())
                .await
                .map_err(|_| format!("delivery {i} did not arrive"))?
                .ok_or("the receiver stopped")?;
            if name != format!("r{round}-t{i}") {
                return Err(format!("delivery {i} out of order: {name}"));
            }
            latencies.push(arrived.saturating_duration_since(*acked));
        }
        p50s.push(quantile(&mut latencies, 0.5).as_secs_f64() * 1e3);
        p99s.push(quantile(&mut latencies, 0.99).as_secs_f64() * 1e3);
    }
    let p50 = Spread::of(&p50s).ok_or("no rounds")?;
    let p99 = Spread::of(&p99s).ok_or("no rounds")?;
    Ok(Row::new(
        format!("Emulator webhook deliveries: {writes} create_tag at {WRITES_PER_SECOND}/s, acknowledged → tag_created received on loopback"),
        format!("p99 {}; p50 {}", p99.with_unit(2, "ms"), p50.with_unit(2, "ms")),
    )
    .target("p99 ≤ 50 ms", p99.median <= 50.0))
}
