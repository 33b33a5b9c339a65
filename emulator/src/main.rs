//! `livechat-config-emulator`: the emulator as a standalone server.

use clap::Parser;
use livechat_config_emulator::{Emulator, Token, ORGANIZATION_ID};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// A stateful LiveChat Configuration API v3.6 for offline development and tests.
#[derive(Debug, Parser)]
#[command(name = "livechat-config-emulator", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// JSON file to keep the state in: loaded at start, saved after every change.
    #[arg(long)]
    state: Option<PathBuf>,
    /// Data center that requests without `X-Region` go to.
    #[arg(long, default_value = "dal")]
    region: String,
    /// Also accept this bearer token, with every scope (repeatable).
    #[arg(long = "token", value_name = "TOKEN")]
    tokens: Vec<String>,
    /// Seed for generated ids and fault draws.
    #[arg(long)]
    seed: Option<u64>,
    /// Latency added to every request, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Share (0.0–1.0) of requests answered 429 too_many_requests.
    #[arg(long, default_value_t = 0.0)]
    rate_limited: f64,
    /// Share (0.0–1.0) of requests answered 503 internal.
    #[arg(long, default_value_t = 0.0)]
    server_errors: f64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut builder = Emulator::builder()
        .listen(args.listen)
        .region(&args.region)
        .latency(Duration::from_millis(args.latency_ms))
        .rate_limited_share(args.rate_limited)
        .server_error_share(args.server_errors);
    for token in &args.tokens {
        builder = builder.token(Token::bearer(token));
    }
    if let Some(seed) = args.seed {
        builder = builder.seed(seed);
    }
    if let Some(path) = &args.state {
        builder = builder.state_file(path);
    }
    let emulator = match builder.start().await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("livechat-config-emulator: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "LiveChat Configuration API v3.6 emulator at {}",
        emulator.base_url()
    );
    match &args.state {
        Some(path) => println!("state file: {}", path.display()),
        None => println!("state: in memory only (use --state FILE to keep it)"),
    }
    println!("organization id: {ORGANIZATION_ID}");
    println!("accepted tokens:");
    for token in emulator.tokens() {
        println!("  {}", token.describe());
    }
    println!("press Ctrl-C to stop");
    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("livechat-config-emulator: cannot wait for Ctrl-C: {e}");
    }
    match emulator.stop().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("livechat-config-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}
