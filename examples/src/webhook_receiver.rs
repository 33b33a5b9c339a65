//! A webhook receiver (axum) that accepts a delivery only when it carries the secret key the
//! webhook was registered with, and then works with its typed payload.
//!
//! LiveChat POSTs each delivery as JSON in the general webhook format (`webhook_id`,
//! `secret_key`, `action`, `organization_id`, `payload`, `requester`, `additional_data`).
//! [`webhook::verify`] parses the body, compares its `secret_key` in constant time and types
//! the payload by its action ([`WebhookEvent`]); the receiver answers 200 for a verified
//! delivery, 401 for a wrong key and 400 for a body that is not a delivery (or whose payload is
//! not the documented one). [`handle`] is what an application does with one verified delivery.
//!
//! End to end: the receiver is registered as a license webhook on the emulator, an agent is
//! created through the sdk, and the emulator delivers `agent_created` to the receiver, which
//! verifies it and hands over the typed agent. The receiver is registered for `incoming_chat`
//! too, with the users present in the chat as additional data; the emulator is asked to emit a
//! chat (no API call makes one), and the receiver reads the customer and the first message from
//! the typed chat. A forged and a truncated delivery, posted by hand, are refused.
//!
//! `cargo run --example webhook_receiver`

use crate::Result;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use livechat_config::webhook::{self, Delivery, WebhookError};
use livechat_config::{
    Chat, ChatUser, CustomerUser, Event, IncomingChatPayload, MessageEvent, Thread, Visibility,
    WebhookAction, WebhookAdditionalData, WebhookEvent, WebhookType,
};
use livechat_config_emulator::{EmitWebhook, Emulator, DEFAULT_CLIENT_ID};
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

/// What the application does with one verified delivery: here, one line about it.
pub fn handle(delivery: &Delivery) -> String {
    let by = delivery
        .requester
        .as_ref()
        .and_then(|r| r.user_id.as_deref())
        .unwrap_or("the system");
    let what = match &delivery.event {
        WebhookEvent::AgentCreated(agent) => format!(
            "new agent {} ({}, {})",
            agent.id,
            agent.name,
            agent.job_title.as_deref().unwrap_or("no job title")
        ),
        WebhookEvent::AgentDeleted(agent) => format!("agent {} deleted", agent.id),
        WebhookEvent::GroupCreated(group) => format!("new group {} ({})", group.id, group.name),
        WebhookEvent::TagCreated(tag) => format!("new tag {}", tag.name),
        WebhookEvent::IncomingChat(incoming) => describe_chat(&incoming.chat, delivery),
        // A webhook this application has no use for, or one this crate does not type.
        other => format!("{} (not handled)", other.action()),
    };
    format!("{what}, by {by}, from webhook {}", delivery.webhook_id)
}

/// Who started the chat and what they wrote first: the users and events are unions, each kind
/// its own variant (a kind this crate does not know yet is `Other`).
fn describe_chat(chat: &Chat, delivery: &Delivery) -> String {
    let customer = chat.users.iter().find_map(|user| match user {
        ChatUser::Customer(customer) => customer.name.as_deref(),
        _ => None,
    });
    let first = chat
        .thread
        .events
        .iter()
        .flatten()
        .find_map(|event| match event {
            Event::Message(message) => Some(message.text.as_str()),
            _ => None,
        });
    let present = delivery
        .additional_data
        .as_ref()
        .and_then(|data| data.chat_presence_user_ids.as_ref())
        .map_or(0, Vec::len);
    format!(
        "chat {} from {}: \"{}\" ({present} present)",
        chat.id,
        customer.unwrap_or("an anonymous customer"),
        first.unwrap_or("no message yet")
    )
}

/// The deliveries accepted so far, once there are `count` of them or 5 seconds have passed.
async fn wait_for_deliveries(receiver: &Receiver, count: usize) -> Vec<Delivery> {
    for _ in 0..500 {
        let accepted = receiver
            .accepted
            .lock()
            .map(|a| a.clone())
            .unwrap_or_default();
        if accepted.len() >= count {
            return accepted;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    receiver
        .accepted
        .lock()
        .map(|a| a.clone())
        .unwrap_or_default()
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

    // The change the webhook is about: the emulator delivers it in the background.
    client
        .create_agent("smith@example.com", "Agent Smith")
        .job_title("Support")
        .await?;
    writeln!(out, "created agent smith@example.com")?;
    let delivered = wait_for_deliveries(&receiver, 1).await;
    for delivery in &delivered {
        writeln!(out, "delivered {}: {}", delivery.action, handle(delivery))?;
    }
    // The receiver may have the delivery before the emulator has noted its answer.
    for _ in 0..500 {
        if emulator
            .webhook_deliveries()
            .iter()
            .all(|record| !record.attempts.is_empty())
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    for record in emulator.webhook_deliveries() {
        let statuses: Vec<String> = record
            .attempts
            .iter()
            .map(|a| a.status.map_or("no answer".into(), |s| s.to_string()))
            .collect();
        writeln!(
            out,
            "the emulator's journal: {} to {}, attempts: {}",
            record.action,
            record.url,
            statuses.join(", ")
        )?;
    }

    // Chats come from customers, not from the Configuration API: the emulator emits one on
    // request, to every webhook registered for `incoming_chat` whose filters match.
    client
        .register_webhook(
            WebhookAction::IncomingChat,
            SECRET,
            &url,
            DEFAULT_CLIENT_ID,
            WebhookType::License,
        )
        .additional_data([WebhookAdditionalData::ChatPresenceUserIds])
        .await?;
    let customer_id = "b7eff798-f8df-4364-8059-649c35c9ed0c";
    let hello = MessageEvent::new(
        "K600PKZON8_1",
        "2019-12-09T12:01:25.412000Z",
        customer_id,
        Visibility::All,
        "Hello, are there any discount codes available right now?",
    );
    let thread =
        Thread::new("K600PKZON8", true, "2019-12-09T12:01:18.909000Z").events(vec![hello.into()]);
    let customer = CustomerUser::new(customer_id)
        .name("Thomas Anderson")
        .present(true);
    let chat = Chat::new("PJ0MRSHTDG", [customer.into()], thread);
    let incoming = WebhookEvent::IncomingChat(IncomingChatPayload::new(chat));
    let emitted = emulator.emit_webhook(EmitWebhook::event(&incoming))?;
    writeln!(out, "emitted incoming_chat to {} webhook(s)", emitted.len())?;
    let delivered = wait_for_deliveries(&receiver, 2).await;
    if let Some(chat) = delivered.get(1) {
        writeln!(out, "delivered {}: {}", chat.action, handle(chat))?;
    }
    let Some(genuine) = delivered.first() else {
        return Err("no delivery arrived".into());
    };

    // The same delivery from someone who does not know the secret, and a body cut short.
    let mut forged = serde_json::to_value(&genuine.envelope)?;
    forged["secret_key"] = json!("guessed-secret");
    forged["payload"]["id"] = json!("mallory@example.com");
    let forged = serde_json::to_vec(&forged)?;
    let truncated = forged[..forged.len() / 2].to_vec();
    let http = reqwest::Client::new();
    for (label, body) in [
        ("forged delivery", forged.clone()),
        ("truncated body", truncated),
    ] {
        let response = http
            .post(&url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await?;
        writeln!(out, "{label}: HTTP {}", response.status())?;
    }
    let accepted = receiver.accepted.lock().map_or(0, |a| a.len());
    writeln!(out, "{accepted} of 4 deliveries accepted")?;

    // verify can be called directly too, e.g. in a unit test of a receiver.
    match webhook::verify(&forged, SECRET) {
        Err(e) => writeln!(out, "verify(forged): {e}")?,
        Ok(_) => writeln!(out, "verify(forged): accepted?!")?,
    }

    server.abort();
    Ok(emulator)
}
