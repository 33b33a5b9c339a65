//! The v3.7 developer preview: allowed domains, canned responses, translations, bans.
//! The walk-through itself is `examples/src/v3_7.rs`, so that a test can run it too.
//!
//! `cargo run --example v3_7`

#[tokio::main]
async fn main() -> livechat_config_examples::Result<()> {
    livechat_config_examples::v3_7::run(&mut std::io::stdout()).await?;
    Ok(())
}
