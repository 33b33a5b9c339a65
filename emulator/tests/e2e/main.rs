//! End-to-end: the sdk's client against a running emulator, over loopback HTTP.

mod agents;
mod auto_access;
mod batch;
mod binary;
mod bots;
mod canned_responses;
mod changed_actions;
mod concurrency;
mod connections;
mod control;
mod customer_bans;
mod deliveries;
mod delivery_bounds;
mod emit;
mod errors;
mod greetings;
mod groups;
mod imports;
mod oauth;
mod openapi;
mod other;
mod persistence;
mod properties;
mod slow_clients;
mod state_database;
mod strict;
mod tags;
mod tls;
mod v3_7_sections;
mod webhooks;

#[path = "../support.rs"]
mod support;
pub use support::{emulator, post};

use livechat_config::{Error, ErrorKind};
use livechat_config_emulator::{Emulator, DEFAULT_TOKEN};
use serde_json::Value;

/// A v3.7 client of the emulator, sharing the default client's connections and credentials.
pub fn preview(emulator: &Emulator) -> livechat_config::v3_7::Client {
    livechat_config::v3_7::Client::from(emulator.client())
}

/// A seeded emulator whose organization also owns these Client IDs.
pub async fn emulator_owning(client_ids: &[&str]) -> Emulator {
    let mut builder = Emulator::builder().seed(1);
    for id in client_ids {
        builder = builder.organization_client_id(*id);
    }
    builder.start().await.unwrap()
}

/// The API error kind of a failed call; fails the test for any other outcome.
#[track_caller]
pub fn kind<T: std::fmt::Debug>(result: Result<T, Error>) -> ErrorKind {
    match result {
        Err(Error::Api(e)) => e.kind,
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// A raw POST of an action with the default token.
pub async fn call(emulator: &Emulator, action: &str, body: &str) -> (u16, Value) {
    let auth = format!("Bearer {DEFAULT_TOKEN}");
    post(
        emulator,
        &format!("/v3.6/configuration/action/{action}"),
        &[("authorization", &auth)],
        body,
    )
    .await
}

/// Announces a 400 MB body to `target` (`PUT /emulator/state`) with this `Authorization` and
/// keeps sending until the emulator stops reading: what was sent, and the answer. Blocking, for
/// a thread of its own.
pub fn announce_huge_upload(
    addr: std::net::SocketAddr,
    target: &str,
    authorization: Option<String>,
) -> (usize, String) {
    use std::io::{Read, Write};
    use std::time::Duration;
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .set_write_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let auth = authorization
        .map(|a| format!("Authorization: {a}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "{target} HTTP/1.1\r\nHost: emulator\r\n{auth}Content-Type: \
         application/json\r\nContent-Length: 400000000\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    let chunk = vec![b' '; 64 * 1024];
    let mut sent = 0usize;
    while sent < 400_000_000 {
        match stream.write(&chunk) {
            Ok(n) => sent += n,
            Err(_) => break,
        }
    }
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    (sent, String::from_utf8_lossy(&answer).into_owned())
}
