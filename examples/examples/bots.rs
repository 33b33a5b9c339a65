//! Bots: batch-create and update bots, issue bot tokens, manage bot templates.
//! The walk-through itself is `examples/src/bots.rs`, so that a test can run it too.
//!
//! `cargo run --example bots`

#[tokio::main]
async fn main() -> livechat_config_examples::Result<()> {
    livechat_config_examples::bots::run(&mut std::io::stdout()).await?;
    Ok(())
}
