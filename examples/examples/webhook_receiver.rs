//! A webhook receiver (axum) that verifies deliveries with `webhook::verify`.
//! The walk-through itself is `examples/src/webhook_receiver.rs`, so that a test can run it too.
//!
//! `cargo run --example webhook_receiver`

#[tokio::main]
async fn main() -> livechat_config_examples::Result<()> {
    livechat_config_examples::webhook_receiver::run(&mut std::io::stdout()).await?;
    Ok(())
}
