//! Properties: register with a range or domain, set license and group values.
//! The walk-through itself is `examples/src/properties.rs`, so that a test can run it too.
//!
//! `cargo run --example properties`

#[tokio::main]
async fn main() -> livechat_config_examples::Result<()> {
    livechat_config_examples::properties::run(&mut std::io::stdout()).await?;
    Ok(())
}
