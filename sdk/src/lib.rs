#![deny(missing_docs)]
//! A typed async client for the LiveChat Configuration API v3.6.
//!
//! Every action of the API is a method on [`Client`]: required parameters are arguments, optional
//! ones are builder methods, and the call is sent when it is awaited.
//!
//! ```no_run
//! use livechat_config::{Client, Credentials, GroupAssignment, Priority, Role};
//!
//! # async fn run() -> Result<(), livechat_config::Error> {
//! let client = Client::new(Credentials::bearer("dal:token"));
//! let created = client
//!     .create_agent("smith@example.com", "Agent Smith")
//!     .role(Role::Viceowner)
//!     .groups([GroupAssignment::new(5, Priority::First)])
//!     .await?;
//! println!("created {}", created.id);
//! # Ok(())
//! # }
//! ```
//!
//! - Credentials: [`Credentials::bearer`] for OAuth access tokens, [`Credentials::pat`] for
//!   personal access tokens. Neither ever prints its secret.
//! - Errors: one [`Error`]; API errors keep their documented [`ErrorKind`] and `data`.
//! - Batches: the batch endpoints take any number of requests of one action and answer one
//!   `Result` per request, in order.
//! - [`Action`] lists every action with its scopes and batch twin, and decodes request and
//!   response bodies by action name.
//! - [`webhook`] parses the deliveries a registered webhook receives and checks their
//!   `secret_key`.
//!
//! The request and response types are generated from `spec/configuration-v3.6.json`.

mod batch;
mod call;
mod client;
mod credentials;
mod decode;
mod error;
#[rustfmt::skip]
mod generated;
mod region;
mod request;
mod retry;
pub mod validate;
pub mod webhook;
mod wire;

pub use batch::{BatchCall, BatchResults};
pub use call::Call;
pub use client::{
    Client, ClientBuilder, DEFAULT_BATCH_CHUNK_SIZE, DEFAULT_BATCH_CONCURRENCY,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT,
};
pub use credentials::Credentials;
pub use error::{ApiError, DecodeError, Error};
pub use generated::*;
pub use region::Region;
pub use request::{BatchItem, BatchRequest, Request};
pub use retry::RetryPolicy;
