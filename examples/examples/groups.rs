//! Groups: members and routing priorities, fields, typed errors.
//! The walk-through itself is `examples/src/groups.rs`, so that a test can run it too.
//!
//! `cargo run --example groups`

#[tokio::main]
async fn main() -> livechat_config_examples::Result<()> {
    livechat_config_examples::groups::run(&mut std::io::stdout()).await?;
    Ok(())
}
