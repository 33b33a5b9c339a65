//! Tags: create, filter by group, update and delete.
//! The walk-through itself is `examples/src/tags.rs`, so that a test can run it too.
//!
//! `cargo run --example tags`

#[tokio::main]
async fn main() -> livechat_config_examples::Result<()> {
    livechat_config_examples::tags::run(&mut std::io::stdout()).await?;
    Ok(())
}
