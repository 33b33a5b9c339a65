//! Webhooks: register with filters, the per-action limit, enable and disable.
//! The walk-through itself is `examples/src/webhooks.rs`, so that a test can run it too.
//!
//! `cargo run --example webhooks`

#[tokio::main]
async fn main() -> livechat_config_examples::Result<()> {
    livechat_config_examples::webhooks::run(&mut std::io::stdout()).await?;
    Ok(())
}
