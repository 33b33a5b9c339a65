//! The bodies of the runnable examples, one module per API section of the LiveChat
//! Configuration API v3.6, one for the v3.7 developer preview, plus a webhook receiver.
//!
//! Each `examples/<name>.rs` is a thin `main` that calls its module's `run` with standard
//! output; `tests/run_all.rs` calls the same functions with a buffer and checks what they
//! printed and what they left in the emulator. Run one with `cargo run --example agents`.
//!
//! Every `run` starts its own [`Emulator`](livechat_config_emulator::Emulator) on loopback,
//! walks the section's actions through the sdk, and returns the emulator so that callers can
//! look at the state the walk left behind.

pub mod agents;
pub mod auto_access;
pub mod bots;
pub mod greetings;
pub mod groups;
pub mod other;
pub mod properties;
pub mod quickstart;
pub mod tags;
pub mod v3_7;
pub mod webhook_receiver;
pub mod webhooks;

/// What an example fails with: any error, printed by `main`.
pub type Result<T, E = Box<dyn std::error::Error>> = std::result::Result<T, E>;
