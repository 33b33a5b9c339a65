//! Auto access: routing rules by URL, domain and country, and their order.
//! The walk-through itself is `examples/src/auto_access.rs`, so that a test can run it too.
//!
//! `cargo run --example auto_access`

#[tokio::main]
async fn main() -> livechat_config_examples::Result<()> {
    livechat_config_examples::auto_access::run(&mut std::io::stdout()).await?;
    Ok(())
}
