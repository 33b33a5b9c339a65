//! `livechat-config-emulator`: the emulator as a standalone server.

use clap::Parser;
use livechat_config_emulator::{
    Emulator, OAuthClient, Token, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
    DEFAULT_OAUTH_TOKEN_LIFETIME, DEFAULT_TRANSFER_TIMEOUT, ORGANIZATION_ID,
};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// A stateful LiveChat Configuration API (v3.6 and v3.7) for offline development and tests.
#[derive(Debug, Parser)]
#[command(name = "livechat-config-emulator", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// SQLite database to keep the state in: each change committed before it is acknowledged,
    /// read back at start. A JSON state file of an earlier emulator is migrated.
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
    /// Also count this Client ID as one of the license's organization (repeatable); only those
    /// are accepted as `owner_client_id`. The default tokens' Client ID always is one.
    #[arg(long = "organization-client-id", value_name = "CLIENT_ID")]
    organization_client_ids: Vec<String>,
    /// Milliseconds a client may take to send a request's headers, from when the connection
    /// opens or the previous answer was sent.
    #[arg(long, default_value_t = DEFAULT_HEADER_READ_TIMEOUT.as_millis() as u64)]
    header_read_timeout_ms: u64,
    /// Milliseconds a connection may stay open with nothing arriving from the client (handling
    /// time does not count).
    #[arg(long, default_value_t = DEFAULT_IDLE_TIMEOUT.as_millis() as u64)]
    idle_timeout_ms: u64,
    /// Milliseconds a request's body may take to arrive once its headers are in, and an answer
    /// to be taken once its first byte is sent.
    #[arg(long, default_value_t = DEFAULT_TRANSFER_TIMEOUT.as_millis() as u64)]
    transfer_timeout_ms: u64,
    /// Start from this state (a JSON export of `GET /emulator/state`); `POST /emulator/reset`
    /// goes back to it. With --state, it replaces the state file's contents.
    #[arg(long, value_name = "FILE")]
    import: Option<PathBuf>,
    /// The control plane's admin token (default: a random one, printed at start).
    #[arg(long, value_name = "TOKEN")]
    admin_token: Option<String>,
    /// Most connections open at once; a new client makes the one silent longest close. Default:
    /// 512, or fewer when the descriptor limit (ulimit -n) is lower.
    #[arg(long)]
    max_connections: Option<usize>,
    /// Serve HTTPS with this certificate chain (PEM, the server's certificate first); needs
    /// --tls-key.
    #[arg(
        long,
        value_name = "FILE",
        requires = "tls_key",
        conflicts_with = "tls_self_signed"
    )]
    tls_cert: Option<PathBuf>,
    /// The private key (PEM) of --tls-cert.
    #[arg(
        long,
        value_name = "FILE",
        requires = "tls_cert",
        conflicts_with = "tls_self_signed"
    )]
    tls_key: Option<PathBuf>,
    /// Serve HTTPS with a certificate made at start for 127.0.0.1, ::1 and localhost; the
    /// authority that signed it is printed for clients to trust.
    #[arg(long)]
    tls_self_signed: bool,
    /// Register an OAuth client for the code flow (repeatable): `ID` for a public one (a CLI,
    /// a browser app), `ID:SECRET` for a confidential one. Loopback redirect URIs are allowed.
    #[arg(long = "oauth-client", value_name = "ID[:SECRET]")]
    oauth_clients: Vec<OAuthClient>,
    /// Seconds an OAuth access token lives (its `expires_in`).
    #[arg(long, value_name = "SECONDS", default_value_t = DEFAULT_OAUTH_TOKEN_LIFETIME.as_secs())]
    oauth_token_lifetime: u64,
}

/// A save that hits a file-size limit must fail with an error the client is answered with, not
/// end the process: with SIGXFSZ ignored the write returns EFBIG instead.
#[cfg(unix)]
fn survive_file_size_limits() {
    // SAFETY: setting a signal's disposition to SIG_IGN installs no handler code.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

#[cfg(not(unix))]
fn survive_file_size_limits() {}

/// Resolves on Ctrl-C (SIGINT), listening from the moment it is called.
#[cfg(unix)]
fn interrupted() -> impl std::future::Future<Output = std::io::Result<()>> {
    use tokio::signal::unix::{signal, SignalKind};
    let listening = signal(SignalKind::interrupt());
    async move {
        listening?.recv().await;
        Ok(())
    }
}

#[cfg(not(unix))]
fn interrupted() -> impl std::future::Future<Output = std::io::Result<()>> {
    tokio::signal::ctrl_c()
}

/// A PEM file, up to 1 MiB: certificate chains and keys are a few KiB.
fn read_pem(path: &std::path::Path) -> Result<String, String> {
    use std::io::Read;
    const LIMIT: u64 = 1024 * 1024;
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(LIMIT + 1).read_to_string(&mut text))
        .map_err(|e| e.to_string())?;
    if text.len() as u64 > LIMIT {
        return Err(format!(
            "larger than {LIMIT} bytes: not a PEM certificate or key"
        ));
    }
    Ok(text)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    survive_file_size_limits();
    let mut builder = Emulator::builder()
        .listen(args.listen)
        .region(&args.region)
        .latency(Duration::from_millis(args.latency_ms))
        .rate_limited_share(args.rate_limited)
        .server_error_share(args.server_errors)
        .header_read_timeout(Duration::from_millis(args.header_read_timeout_ms))
        .idle_timeout(Duration::from_millis(args.idle_timeout_ms))
        .transfer_timeout(Duration::from_millis(args.transfer_timeout_ms))
        .oauth_token_lifetime(Duration::from_secs(args.oauth_token_lifetime));
    for client in args.oauth_clients.iter().cloned() {
        builder = builder.oauth_client(client);
    }
    for token in &args.tokens {
        builder = builder.token(Token::bearer(token));
    }
    for client_id in &args.organization_client_ids {
        builder = builder.organization_client_id(client_id);
    }
    if let Some(max) = args.max_connections {
        builder = builder.max_connections(max);
    }
    if let Some(seed) = args.seed {
        builder = builder.seed(seed);
    }
    if let Some(path) = &args.state {
        builder = builder.state_file(path);
    }
    if let Some(path) = &args.import {
        let imported = std::fs::read(path)
            .map_err(|e| e.to_string())
            .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| e.to_string()));
        match imported {
            Ok(state) => builder = builder.import_state(state),
            Err(e) => {
                eprintln!(
                    "livechat-config-emulator: cannot import {}: {e}",
                    path.display()
                );
                return ExitCode::FAILURE;
            }
        }
    }
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        let read = |path: &PathBuf| {
            read_pem(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
        };
        match (read(cert), read(key)) {
            (Ok(cert), Ok(key)) => builder = builder.tls(cert, key),
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("livechat-config-emulator: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    if args.tls_self_signed {
        builder = builder.tls_self_signed();
    }
    if let Some(token) = args.admin_token {
        builder = builder.admin_token(token);
    }
    let emulator = match builder.start().await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("livechat-config-emulator: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "LiveChat Configuration API emulator (v{}) at {}",
        livechat_config_emulator::VERSIONS.join(", v"),
        emulator.base_url()
    );
    match &args.state {
        Some(path) => {
            println!("state database: {} (SQLite, WAL)", path.display());
            if let Some(backup) = emulator.migrated_from() {
                println!(
                    "migrated the JSON state file into it; the JSON file is kept at {}",
                    backup.display()
                );
            }
        }
        None => println!("state: in memory only (use --state FILE to keep it)"),
    }
    println!("organization id: {ORGANIZATION_ID}");
    let clients: Vec<&str> = emulator.organization_client_ids().collect();
    println!("organization client ids: {}", clients.join(", "));
    // The one place the admin token is ever written out.
    println!(
        "control plane: {}/emulator/  (Authorization: Bearer {})",
        emulator.base_url(),
        emulator.admin_token()
    );
    let oauth: Vec<String> = emulator.oauth_clients().map(|c| c.describe()).collect();
    if !oauth.is_empty() {
        println!(
            "OAuth (Accounts API): authorize at {0}/, tokens at {0}/v2/token; clients:",
            emulator.accounts_url()
        );
        for client in oauth {
            println!("  {client}");
        }
    }
    if args.tls_self_signed {
        if let Some(pem) = emulator.certificate_pem() {
            println!("TLS: a certificate made at start, signed by this authority (trust it):");
            print!("{pem}");
        }
    }
    println!("accepted tokens:");
    for token in emulator.tokens() {
        println!("  {}", token.describe());
    }
    // Listening before the banner says so: a Ctrl-C right after it must stop the emulator
    // cleanly, not kill it with the default action.
    let interrupted = interrupted();
    println!("press Ctrl-C to stop");
    if let Err(e) = interrupted.await {
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
