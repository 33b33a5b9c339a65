//! Other: channels, plan limits, product source, company details.
//! The walk-through itself is `examples/src/other.rs`, so that a test can run it too.
//!
//! `cargo run --example other`

#[tokio::main]
async fn main() -> livechat_config_examples::Result<()> {
    livechat_config_examples::other::run(&mut std::io::stdout()).await?;
    Ok(())
}
