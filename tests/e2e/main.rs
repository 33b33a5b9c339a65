//! The sdk against a real HTTP server on loopback: for every action and batch endpoint, the
//! server checks path, `Authorization` and the exact JSON body, and replies with the reference's
//! example response, which must decode into the expected values.

mod agents;
mod auto_access;
mod batch;
mod errors;
