use crate::quick_retries;
use livechat_config::*;
use livechat_config_tests::{Reply, TestServer};
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};

const SECRET: &str = "fra:s3cr3t-t0k3n-value";
const PAT: &str = "pat-s3cr3t-value";

/// Collects everything the subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every event at every level, from this crate and the HTTP stack alike, with span fields.
fn capture() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);
    (captured, guard)
}

#[tokio::test]
async fn traces_name_action_attempt_status_and_latency_but_no_secret() {
    let (captured, _guard) = capture();
    let server = TestServer::start().await;
    server.reply_with(Reply::error(500, "internal"));
    server.reply(200, json!([]));
    server.reply_with(Reply::error(401, "authentication"));
    server.reply(200, json!({"responses": [{}]}));
    let client = server
        .builder(Credentials::bearer(SECRET))
        .retry(quick_retries(3))
        .build()
        .unwrap();
    client.list_tags().await.unwrap();
    client.delete_tag("vip").await.unwrap_err();
    client
        .batch_delete_agents([DeleteAgentRequest::new("a@example.com")])
        .await
        .unwrap();
    let pat_client = server
        .builder(Credentials::pat("account-1", PAT))
        .build()
        .unwrap();
    server.reply(200, json!([]));
    pat_client.list_groups().await.unwrap();

    let text = captured.text();
    assert!(text.contains("livechat_config.call"), "{text}");
    assert!(text.contains("action=\"list_tags\""), "{text}");
    assert!(text.contains("attempt=2"), "{text}");
    assert!(text.contains("status=200"), "{text}");
    assert!(text.contains("status=401"), "{text}");
    assert!(text.contains("latency_ms="), "{text}");
    assert!(text.contains("retrying"), "{text}");
    assert!(
        !text.contains("s3cr3t"),
        "a secret reached the trace:\n{text}"
    );
    let basic = base64_of(&format!("account-1:{PAT}"));
    assert!(!text.contains(&basic), "a PAT reached the trace:\n{text}");
}

fn base64_of(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[tokio::test]
async fn the_server_receives_the_real_credentials() {
    let server = TestServer::start().await;
    server.reply(200, json!([]));
    server
        .client_with(Credentials::pat("account-1", PAT))
        .list_tags()
        .await
        .unwrap();
    let expected = format!("Basic {}", base64_of(&format!("account-1:{PAT}")));
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(expected.as_str())
    );
}

#[test]
fn credentials_and_clients_never_print_a_secret() {
    let bearer = Credentials::bearer(SECRET);
    assert_eq!(format!("{bearer:?}"), "Bearer fra:****");
    assert_eq!(bearer.to_string(), "Bearer fra:****");
    let pat = Credentials::pat("account-1", PAT);
    assert_eq!(format!("{pat:?}"), "Basic account-1:****");
    let client = Client::builder(bearer).build().unwrap();
    let debug = format!("{client:?}");
    assert!(debug.contains("Bearer fra:****"), "{debug}");
    assert!(!debug.contains("s3cr3t"), "{debug}");
    let builder = format!("{:?}", Client::builder(pat));
    assert!(!builder.contains("s3cr3t"), "{builder}");
}

#[tokio::test]
async fn deprecation_is_logged_once_per_action() {
    let (captured, _guard) = capture();
    let server = TestServer::start().await;
    for _ in 0..3 {
        server.reply_with(Reply::json(200, json!([])).header("deprecation", "true"));
    }
    server.reply_with(Reply::json(200, json!([])).header("legacy", "true"));
    let client = server.client();
    client.list_tags().await.unwrap();
    client.list_tags().await.unwrap();
    client.list_tags().await.unwrap();
    client.list_groups().await.unwrap();
    let text = captured.text();
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("legacy or deprecated"))
        .collect();
    assert_eq!(warnings.len(), 2, "{text}");
    assert!(warnings[0].contains("WARN"));
    assert!(warnings[0].contains("list_tags"));
    assert!(warnings[1].contains("list_groups"));
}
