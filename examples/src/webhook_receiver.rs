//! A webhook receiver (axum) that accepts a delivery only when it carries the secret key the
//! webhook was registered with.
//!
//! LiveChat POSTs each delivery as JSON in the general webhook format (`webhook_id`,
//! `secret_key`, `action`, `organization_id`, `payload`, `additional_data`).
//! [`webhook::verify`] parses the body and compares its `secret_key` in constant time; the
//! receiver answers 200 for a verified delivery, 401 for a wrong key and 400 for a body that is
//! not a delivery.
//!
//! The emulator does not send webhooks, so after registering one this example posts
//! deliveries to its own receiver: a genuine one, a forged one and a broken one.
//!
//! `cargo run --example webhook_receiver`

use crate::Result;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use livechat_config::webhook::{self, Delivery, WebhookError};
use livechat_config::{WebhookAction, WebhookType};
use livechat_config_emulator::{Emulator, DEFAULT_CLIENT_ID, ORGANIZATION_ID};
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// In a real application this comes from configuration, never from source code.
const SECRET: &str = "8mWQo1wJ7zq3pX2v";

/// What the route needs: the registered secret, and somewhere to hand accepted deliveries.
#[derive(Clone)]
struct Receiver {
    secret: Arc<str>,
    accepted: Arc<Mutex<Vec<Delivery>>>,
}

/// The route: verify, then answer quickly. Real work on a delivery belongs in a queue, so
/// that LiveChat is not kept waiting.
async fn receive(State(receiver): State<Receiver>, body: Bytes) -> StatusCode {
    match webhook::verify(&body, &receiver.secret) {
        Ok(delivery) => {
            if let Ok(mut accepted) = receiver.accepted.lock() {
                accepted.push(delivery);
            }
            StatusCode::OK
        }
        Err(WebhookError::WrongSecret) => StatusCode::UNAUTHORIZED,
        // Our own misconfiguration, not the sender's fault.
        Err(WebhookError::NoSecret) => StatusCode::INTERNAL_SERVER_ERROR,
        Err(_) => StatusCode::BAD_REQUEST,
    }
}

/// Runs the example, printing each step to `out`, and returns the emulator with the state the
/// run left behind.
pub async fn run(out: &mut impl Write) -> Result<Emulator> {
    let emulator = Emulator::start().await?;
    let client = emulator.client();
    writeln!(out, "emulator listening at {}", emulator.base_url())?;

    // The receiver, on a free port of loopback.
    let receiver = Receiver {
        secret: SECRET.into(),
        accepted: Arc::default(),
    };
    let app = Router::new()
        .route("/livechat/webhooks", post(receive))
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/livechat/webhooks", listener.local_addr()?);
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    writeln!(out, "receiver listening at {url}")?;

    // The event the deliveries below are about. It comes before the webhook, so the
    // emulator (which delivers webhooks itself) sends nothing: the three below are the only ones.
    client
        .create_agent("smith@example.com", "Agent Smith")
        .job_title("Support")
        .await?;
    writeln!(out, "created agent smith@example.com")?;

    // Register the receiver for new agents, with the secret it checks.
    let webhook = client
        .register_webhook(
            WebhookAction::AgentCreated,
            SECRET,
            &url,
            DEFAULT_CLIENT_ID,
            WebhookType::License,
        )
        .description("New agents to the HR system")
        .await?;
    writeln!(out, "registered webhook {} for agent_created", webhook.id)?;

    // What LiveChat would send for it, in the reference's general webhook format...
    let genuine = json!({
        "webhook_id": webhook.id,
        "secret_key": SECRET,
        "action": "agent_created",
        "organization_id": ORGANIZATION_ID,
        "payload": {
            "id": "smith@example.com",
            "name": "Agent Smith",
            "job_title": "Support"
        },
        "additional_data": {}
    });
    // ...the same delivery from someone who does not know the secret...
    let mut forged = genuine.clone();
    forged["secret_key"] = json!("guessed-secret");
    forged["payload"]["id"] = json!("mallory@example.com");
    // ...and a body cut short on the way.
    let genuine_bytes = serde_json::to_vec(&genuine)?;
    let broken = genuine_bytes[..genuine_bytes.len() / 2].to_vec();

    let http = reqwest::Client::new();
    for (label, body) in [
        ("genuine delivery", genuine_bytes.clone()),
        ("forged delivery", serde_json::to_vec(&forged)?),
        ("truncated body", broken),
    ] {
        let response = http
            .post(&url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await?;
        writeln!(out, "{label}: HTTP {}", response.status())?;
    }

    // Only the genuine delivery got through, typed.
    let accepted = receiver
        .accepted
        .lock()
        .map(|a| a.clone())
        .unwrap_or_default();
    for delivery in &accepted {
        writeln!(
            out,
            "accepted {} from webhook {}: agent {} ({})",
            delivery.action.as_str(),
            delivery.webhook_id,
            delivery.payload["id"].as_str().unwrap_or("?"),
            delivery.payload["name"].as_str().unwrap_or("?"),
        )?;
    }
    writeln!(out, "{} of 3 deliveries accepted", accepted.len())?;

    // verify can be called directly too, e.g. in a unit test of a receiver.
    match webhook::verify(&serde_json::to_vec(&forged)?, SECRET) {
        Err(e) => writeln!(out, "verify(forged): {e}")?,
        Ok(_) => writeln!(out, "verify(forged): accepted?!")?,
    }

    server.abort();
    Ok(emulator)
}
