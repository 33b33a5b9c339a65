//! `client_probe <bare|sdk> <calls> <base URL>`: makes `calls` sequential `get_agent` calls on a
//! current-thread runtime and exits, so a tool run around it (cachegrind) counts one client's
//! work alone. The client rows start it against their canned server.

use livechat_config::{Client, Credentials};
use livechat_config_bench::client_rows::{bare_get_agents, sdk_get_agents};
use livechat_config_bench::workload::Bare;
use livechat_config_emulator::DEFAULT_TOKEN;
use std::process::ExitCode;

fn run(args: &[String]) -> Result<(), String> {
    let [which, calls, base_url] = args else {
        return Err("usage: client_probe <bare|sdk> <calls> <base URL>".into());
    };
    let calls: usize = calls.parse().map_err(|_| format!("calls: `{calls}`"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    match which.as_str() {
        "sdk" => {
            let client = Client::builder(Credentials::bearer(DEFAULT_TOKEN))
                .base_url(base_url)
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(sdk_get_agents(&client, calls, 1))
        }
        "bare" => {
            let bare = Bare::new(base_url, DEFAULT_TOKEN)?;
            runtime.block_on(bare_get_agents(&bare, calls, 1))
        }
        other => Err(format!("no client `{other}`")),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("client_probe: {e}");
            ExitCode::FAILURE
        }
    }
}
