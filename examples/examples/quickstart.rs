//! The quickstart: a realistic first session with the sdk against an emulator started
//! in-process. The walk-through itself is `examples/src/quickstart.rs`, so that a test runs it too.
//!
//! `cargo run --example quickstart`

#[tokio::main]
async fn main() -> livechat_config_examples::Result<()> {
    let emulator = livechat_config_examples::quickstart::run(&mut std::io::stdout()).await?;
    emulator.stop().await?;
    Ok(())
}
