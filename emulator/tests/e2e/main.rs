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
