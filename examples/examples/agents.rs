//! Agents: create, batch-create, list with filters and fields, suspend, delete.
//! The walk-through itself is `examples/src/agents.rs`, so that a test can run it too.
//!
//! `cargo run --example agents`

#[tokio::main]
async fn main() -> livechat_config_examples::Result<()> {
    livechat_config_examples::agents::run(&mut std::io::stdout()).await?;
    Ok(())
}
