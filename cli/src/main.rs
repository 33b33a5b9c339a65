//! `livechat-config`: a LiveChat license's configuration as code — call any action, export the
//! configuration to a file, plan and apply changes to it.

mod call;
mod spec;
mod target;

use clap::{CommandFactory, Parser, Subcommand};
use std::process::ExitCode;
use target::Target;

#[derive(Debug, Parser)]
#[command(name = "livechat-config", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    target: Target,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Calls any action of the API version by name and prints the answer as JSON.
    #[command(disable_help_flag = true)]
    Call {
        /// The action, e.g. `list_agents`.
        action: Option<String>,
        /// The request body: JSON, `@file`, or `-` for standard input (default `{}`).
        body: Option<String>,
        /// Lists the actions of the API version.
        #[arg(long)]
        list: bool,
        /// Describes ACTION's parameters, scopes and types, from the spec.
        #[arg(short, long)]
        help: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode, String> {
    let version = cli.target.api_version;
    match cli.command {
        Command::Call { list: true, .. } => out(&call::list(version)),
        Command::Call {
            action: Some(action),
            help: true,
            ..
        } => out(&call::help(version, &action)?),
        Command::Call { action: None, .. } => {
            let mut command = Cli::command();
            let call = command
                .find_subcommand_mut("call")
                .expect("the call subcommand");
            out(&call.render_help().to_string());
        }
        Command::Call {
            action: Some(action),
            body,
            ..
        } => {
            let body = call::read_body(body.as_deref())?;
            out(&(call::run(&cli.target, &action, &body).await? + "\n"));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes to standard output; a closed pipe (`| head`) is not an error worth a panic.
fn out(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}
