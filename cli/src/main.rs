//! `livechat-config`: a LiveChat license's configuration as code — call any action, export the
//! configuration to a file, plan and apply changes to it.

mod apply;
mod call;
mod check;
mod document;
mod json_spans;
mod kinds;
mod live;
mod login;
mod plan;
mod preflight;
mod report;
mod scopes;
mod shown;
mod spec;
mod stored;
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
    /// Writes the license's configuration as one declarative file (webhook secrets as
    /// environment variable references, never their values).
    Export {
        /// The file to write; standard output by default.
        #[arg(short, long)]
        output: Option<String>,
        /// The file's format.
        #[arg(long, value_enum, default_value = "toml")]
        format: document::Format,
    },
    /// Shows what `apply` would change; exit code 0 when nothing, 2 when something would change.
    Plan {
        /// The configuration file (`.toml`, or `.json`).
        file: String,
        /// Also plan removing what a section of the file does not list.
        #[arg(long)]
        prune: bool,
    },
    /// Makes the license match the file: groups, then agents and bots, tags, auto access,
    /// greetings, properties and webhooks; removals last.
    Apply {
        /// The configuration file (`.toml`, or `.json`).
        file: String,
        /// Applies without asking.
        #[arg(long)]
        yes: bool,
        /// Removes what a section of the file does not list (sections the file leaves out are
        /// never touched).
        #[arg(long)]
        prune: bool,
        /// Shows the plan and changes nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Signs in through the browser (OAuth with PKCE, for the application of --client-id) and
    /// keeps the login for later commands, refreshed as it expires, when LIVECHAT_TOKEN is not
    /// set.
    Login {
        /// Prints the URL to open instead of starting a browser.
        #[arg(long)]
        no_browser: bool,
        /// Asks for these scopes only (repeatable); by default every scope of the application.
        #[arg(long = "scope", value_delimiter = ',')]
        scopes: Vec<String>,
    },
    /// Revokes the stored login's tokens and deletes it.
    Logout,
    /// Shows the account, organization, region, scopes and expiry of the credentials in use.
    Whoami,
    /// Lists the scopes a token needs to plan and to apply FILE, from the spec.
    Scopes {
        /// The configuration file (`.toml`, or `.json`).
        file: String,
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
            command.build();
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
        Command::Export { output, format } => {
            let api = api(&cli.target)?;
            if cli.target.client_ids.is_empty() {
                eprintln!(
                    "note: no --client-id (LIVECHAT_CLIENT_ID): bot templates, property definitions \
                     and webhooks are left out"
                );
            }
            let live = live::read(&api, &cli.target.client_ids)
                .await
                .map_err(|e| report::report(&e))?;
            let text = document::render(&live.root, format)?;
            match output {
                Some(path) => {
                    std::fs::write(&path, text).map_err(|e| format!("writing {path}: {e}"))?
                }
                None => out(&text),
            }
        }
        Command::Login { no_browser, scopes } => {
            login::login(&cli.target, no_browser, &scopes).await?
        }
        Command::Logout => login::logout().await?,
        Command::Whoami => out(&login::whoami(&cli.target).await?),
        Command::Scopes { file } => {
            let located = |problems: Vec<document::Located>| {
                problems
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\nerror: ")
            };
            let doc = document::Document::read(&file).map_err(located)?;
            let entries = check::check(&doc, version).map_err(located)?;
            let sections: Vec<kinds::Kind> = kinds::Kind::ALL
                .into_iter()
                .filter(|kind| doc.root.contains_key(kind.section()))
                .collect();
            let managed_clients = !cli.target.client_ids.is_empty()
                || entries
                    .iter()
                    .any(|e| e.body.contains_key("owner_client_id"));
            out(&scopes::report(
                &entries,
                &sections,
                managed_clients,
                version,
            ));
        }
        Command::Plan { file, prune } => {
            let (_, plan, _) = prepare(&cli.target, &file, prune).await?;
            out(&plan::render(&plan, colour()));
            return Ok(differs(&plan));
        }
        Command::Apply {
            file,
            yes,
            prune,
            dry_run,
        } => {
            let (api, plan, groups) = prepare(&cli.target, &file, prune).await?;
            out(&plan::render(&plan, colour()));
            if plan.is_empty() || dry_run {
                return Ok(differs(&plan));
            }
            let stuck = !plan.warnings.is_empty();
            if !yes && !confirm()? {
                return Err("not applied".into());
            }
            let failures = apply::apply(&api, plan, groups).await;
            if !failures.is_empty() {
                return Err(failed(&failures));
            }
            if stuck {
                out(
                    "Apply complete; the license still differs from the file in what no action \
                     can change (listed above).\n",
                );
                return Ok(ExitCode::from(2));
            }
            out("Apply complete.\n");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn api(target: &Target) -> Result<live::Api, String> {
    Ok(live::Api {
        client: target.client()?,
        version: target.api_version,
    })
}

/// Reads and checks the file (before any call), then compares it with the license.
async fn prepare(
    target: &Target,
    file: &str,
    prune: bool,
) -> Result<
    (
        live::Api,
        plan::Plan,
        std::collections::BTreeMap<String, u64>,
    ),
    String,
> {
    let located = |problems: Vec<document::Located>| {
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\nerror: ")
    };
    let doc = document::Document::read(file).map_err(located)?;
    let entries = check::check(&doc, target.api_version).map_err(located)?;
    let api = api(target)?;
    // The Client IDs a file names are read too, so that its sections compare with the license's.
    let mut client_ids = target.client_ids.clone();
    for entry in &entries {
        let named = entry
            .body
            .get("owner_client_id")
            .and_then(serde_json::Value::as_str);
        if let Some(id) = named.filter(|id| !client_ids.iter().any(|c| c == id)) {
            client_ids.push(id.to_owned());
        }
    }
    let live = live::read(&api, &client_ids)
        .await
        .map_err(|e| report::report(&e))?;
    let plan = plan::diff(&doc, &entries, &live, target.api_version, prune).map_err(located)?;
    preflight::check(&doc, &entries, &plan, &live, target.api_version, prune).map_err(located)?;
    Ok((api, plan, live.groups))
}

/// The exit code of a plan: 0 when the license matches the file, 2 when it differs (in what
/// actions would change, or in what none can).
fn differs(plan: &plan::Plan) -> ExitCode {
    if plan.matches() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}

fn colour() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Asks on a terminal; elsewhere `--yes` is needed.
fn confirm() -> Result<bool, String> {
    use std::io::{BufRead, IsTerminal, Write};
    if !std::io::stdin().is_terminal() {
        return Err("not a terminal: pass --yes to apply".into());
    }
    eprint!("Apply these changes? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| e.to_string())?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// Writes to standard output; a closed pipe (`| head`) is not an error worth a panic.
fn out(text: &str) {
    use std::io::Write;
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
}

/// What went wrong in an apply, and what to do: a passing cause is cured by running apply again,
/// a refusal only by changing the file (or the license).
fn failed(failures: &[apply::Failure]) -> String {
    use shown::shown;
    for f in failures {
        eprintln!(
            "failed: {} `{}` ({}): {}{}",
            f.kind.noun(),
            shown(&f.key),
            f.action,
            shown(&f.error),
            if f.transient { " [passing: retry]" } else { "" }
        );
    }
    let passing = failures.iter().filter(|f| f.transient).count();
    let refused = failures.len() - passing;
    let mut said = Vec::new();
    if refused > 0 {
        said.push(format!(
            "{refused} operation(s) refused by the API: running apply again repeats the refusal; \
             change what each message names in the file (or the license) first"
        ));
    }
    if passing > 0 {
        said.push(format!(
            "{passing} operation(s) failed for a passing reason (rate limit, server error, \
             network): running apply again continues from where this one stopped"
        ));
    }
    format!("{}; the other operations were applied", said.join("; "))
}
