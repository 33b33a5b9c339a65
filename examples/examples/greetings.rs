//! Greetings: rule types, rich messages, paging, typed errors; and lifting customer bans.
//! The walk-through itself is `examples/src/greetings.rs`, so that a test can run it too.
//!
//! `cargo run --example greetings`

#[tokio::main]
async fn main() -> livechat_config_examples::Result<()> {
    livechat_config_examples::greetings::run(&mut std::io::stdout()).await?;
    Ok(())
}
