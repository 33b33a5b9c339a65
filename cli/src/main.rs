//! `livechat-config`: a LiveChat license's configuration as code — call any action, export the
//! configuration to a file, plan and apply changes to it.

mod apply;
mod call;
mod check;
mod document;
mod export;
mod json_spans;
mod kinds;
mod live;
mod login;
mod plan;
mod plan_file;
mod preflight;
mod report;
mod scopes;
mod shown;
mod spec;
mod stored;
mod target;
mod webhook_secrets;

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
    /// Shows what `apply` would change; exit code 0 when the license matches the file, 2 when
    /// it differs, 1 on an error.
    Plan {
        /// The configuration file (`.toml`, or `.json`).
        file: String,
        /// Also plan removing what a section of the file does not list.
        #[arg(long)]
        prune: bool,
        /// Also writes the plan to PLAN (JSON), for `apply PLAN` to run exactly.
        #[arg(long, value_name = "PLAN")]
        out: Option<String>,
        /// Prints the plan as JSON (the format of `--out`) instead of text.
        #[arg(long)]
        json: bool,
        /// Plans only this resource, as KIND:NAME (`agent:anna@example.com`, `group:Support`);
        /// repeatable.
        #[arg(long = "target", value_name = "KIND:NAME")]
        targets: Vec<String>,
    },
    /// Makes the license match the file: groups, then agents and bots, tags, auto access,
    /// greetings, properties and webhooks; removals last.
    Apply {
        /// The configuration file (`.toml`, or `.json`), or a plan `plan --out` wrote.
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
        /// Applies only this resource, as KIND:NAME; repeatable.
        #[arg(long = "target", value_name = "KIND:NAME")]
        targets: Vec<String>,
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
            // Written over a file, the export keeps its order and its secrets' variable names.
            let previous = output
                .as_deref()
                .filter(|path| std::path::Path::new(path).exists())
                .and_then(|path| match document::Document::read(path) {
                    Ok(doc) => Some(doc),
                    Err(_) => {
                        eprintln!(
                            "note: {} is not a configuration file this tool reads: its order and \
                             variable names are not kept",
                            shown::shown(path)
                        );
                        None
                    }
                });
            let root = export::shape(&live.root, previous.as_ref(), version);
            let text = match format {
                document::Format::Toml => export::toml(&root),
                document::Format::Json => document::render(&root, format)?,
            };
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
        Command::Logout => login::logout(&cli.target).await?,
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
        Command::Plan {
            file,
            prune,
            out: to,
            json,
            targets,
        } => {
            let prepared = prepare(&cli.target, &file, prune, &targets).await?;
            let plan_file = plan_file::PlanFile {
                format: plan_file::FORMAT.into(),
                api_version: version.as_str().into(),
                base_url: base_url(&prepared.api),
                file: file.clone(),
                prune,
                client_ids: prepared.client_ids.clone(),
                targets,
                fingerprint: plan_file::fingerprint(&prepared.live),
                operations: prepared.plan.ops.clone(),
                differences: prepared.plan.warnings.clone(),
            };
            if let Some(path) = &to {
                std::fs::write(path, plan_file.to_json())
                    .map_err(|e| format!("writing {path}: {e}"))?;
            }
            if json {
                out(&plan_file.to_json());
            } else {
                out(&plan::render(&prepared.plan, colour()));
                if let Some(path) = &to {
                    out(&format!(
                        "Saved the plan to {path}: `livechat-config apply {path}` runs exactly this.\n"
                    ));
                }
            }
            return Ok(differs(&prepared.plan));
        }
        Command::Apply {
            file,
            yes,
            prune,
            dry_run,
            targets,
        } => {
            let (api, plan, live) = match plan_file::PlanFile::read(&file)? {
                Some(saved) => {
                    if prune || !targets.is_empty() {
                        return Err(
                            "a saved plan carries its own --prune and --target: give them to `plan`"
                                .into(),
                        );
                    }
                    saved_plan(&cli.target, &file, saved).await?
                }
                None => {
                    let prepared = prepare(&cli.target, &file, prune, &targets).await?;
                    (prepared.api, prepared.plan, prepared.live)
                }
            };
            out(&plan::render(&plan, colour()));
            if plan.is_empty() || dry_run {
                return Ok(differs(&plan));
            }
            let stuck = !plan.warnings.is_empty();
            if !yes && !confirm(&api, &plan, &live)? {
                return Err("not applied".into());
            }
            let outcome = apply::apply(&api, plan, live.groups).await;
            remember_secrets(&api, &outcome.registered);
            if !outcome.failures.is_empty() {
                return Err(failed(&outcome.failures));
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

/// What `plan` computed, and what it read.
struct Prepared {
    api: live::Api,
    plan: plan::Plan,
    live: live::Live,
    client_ids: Vec<String>,
}

/// Reads and checks the file (before any call), then compares it with the license, and checks
/// the plan before any write; `targets` limit it to named resources.
async fn prepare(
    target: &Target,
    file: &str,
    prune: bool,
    targets: &[String],
) -> Result<Prepared, String> {
    let located = |problems: Vec<document::Located>| {
        problems
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\nerror: ")
    };
    let doc = document::Document::read(file).map_err(located)?;
    let entries = check::check(&doc, target.api_version).map_err(located)?;
    let wanted = targets
        .iter()
        .map(|t| parse_target(t))
        .collect::<Result<Vec<_>, _>>()?;
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
    let known = webhook_secrets::Known::load();
    let base = base_url(&api);
    let rotated = |entry: &kinds::Entry, id: &serde_json::Value| {
        webhook_secrets::of_entry(&base, entry, id)
            .is_some_and(|(at, secret)| known.changed(&at, &secret) == Some(true))
    };
    let mut plan =
        plan::diff(&doc, &entries, &live, target.api_version, prune, &rotated).map_err(located)?;
    let mut checked = entries.clone();
    if !wanted.is_empty() {
        let (live_entries, _) = kinds::entries(&live.root);
        for (kind, name) in &wanted {
            let known = entries
                .iter()
                .chain(&live_entries)
                .any(|e| e.kind == *kind && &e.key == name);
            if !known {
                return Err(format!(
                    "--target {}:{}: no such {} in the file or the license",
                    kind.name(),
                    shown::shown(name),
                    kind.noun()
                ));
            }
        }
        let named =
            |kind: kinds::Kind, key: &str| wanted.iter().any(|(k, n)| *k == kind && n == key);
        plan.ops.retain(|op| named(op.kind, &op.key));
        plan.warnings.retain(|w| {
            wanted
                .iter()
                .any(|(k, n)| w.starts_with(&format!("{} `{n}`", k.noun())))
        });
        // What is not targeted is not sent, so only the targeted resources are checked.
        checked.retain(|e| named(e.kind, &e.key));
    }
    let whole = wanted.is_empty();
    preflight::check(
        &doc,
        &checked,
        &plan,
        &live,
        target.api_version,
        prune && whole,
    )
    .map_err(located)?;
    Ok(Prepared {
        api,
        plan,
        live,
        client_ids,
    })
}

/// `KIND:NAME`, the kind as the plan format names it.
fn parse_target(text: &str) -> Result<(kinds::Kind, String), String> {
    let kinds = || {
        kinds::Kind::ALL
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (kind, name) = text
        .split_once(':')
        .ok_or_else(|| format!("--target `{}`: expected KIND:NAME", shown::shown(text)))?;
    let kind = kinds::Kind::named(kind).ok_or_else(|| {
        format!(
            "--target `{}`: no kind `{}`; the kinds are {}",
            shown::shown(text),
            shown::shown(kind),
            kinds()
        )
    })?;
    Ok((kind, name.to_owned()))
}

/// A plan `plan --out` saved, once the license is as it was when the plan was made.
async fn saved_plan(
    target: &Target,
    path: &str,
    saved: plan_file::PlanFile,
) -> Result<(live::Api, plan::Plan, live::Live), String> {
    if saved.api_version != target.api_version.as_str() {
        return Err(format!(
            "{path} was planned with API v{}: pass --api-version {}",
            saved.api_version, saved.api_version
        ));
    }
    let api = api(target)?;
    if base_url(&api) != saved.base_url {
        return Err(format!(
            "{path} was planned against {}, not {}: a plan applies where it was made",
            shown::shown(&saved.base_url),
            base_url(&api)
        ));
    }
    let live = live::read(&api, &saved.client_ids)
        .await
        .map_err(|e| report::report(&e))?;
    if plan_file::fingerprint(&live) != saved.fingerprint {
        return Err(format!(
            "the license has changed since {path} was planned: nothing was applied; run `plan` again"
        ));
    }
    let plan = saved.plan();
    let mut problems = Vec::new();
    // What is made anew needs its secrets; what is removed does not.
    let desired: Vec<kinds::Entry> = plan
        .ops
        .iter()
        .filter(|o| {
            matches!(
                o.change,
                plan::Change::Create | plan::Change::Replace { .. }
            )
        })
        .filter_map(|o| o.desired.clone())
        .collect();
    preflight::environment(&desired, &mut |path, message| {
        problems.push(format!("{path}: {}", shown::shown(&message)))
    });
    if !problems.is_empty() {
        return Err(problems.join("\nerror: "));
    }
    Ok((api, plan, live))
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

/// Records the secrets of the webhooks an apply registered, so that a later change of one is
/// seen; a failure to is said, as rotations would then go unseen.
fn remember_secrets(api: &live::Api, registered: &[(plan::Op, serde_json::Value)]) {
    if registered.is_empty() {
        return;
    }
    let mut known = webhook_secrets::Known::load();
    let base = base_url(api);
    for (op, id) in registered {
        let Some(entry) = &op.desired else { continue };
        if let Some((at, secret)) = webhook_secrets::of_entry(&base, entry, id) {
            known.set(&at, &secret);
        }
    }
    if let Err(e) = known.save() {
        eprintln!(
            "warning: the webhooks' secrets could not be recorded ({e}): a later change of one \
             will not be seen"
        );
    }
}

/// The API a client calls, without any `user:password@` its URL carries.
fn base_url(api: &live::Api) -> String {
    let url = api.client.base_url();
    match livechat_config::reqwest::Url::parse(url) {
        Ok(mut parsed) if !parsed.username().is_empty() || parsed.password().is_some() => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string().trim_end_matches('/').to_owned()
        }
        _ => url.to_owned(),
    }
}

/// Asks on a terminal, showing which license the plan is for and what it removes, and takes
/// only the word `yes`; elsewhere `--yes` is needed.
fn confirm(api: &live::Api, plan: &plan::Plan, live: &live::Live) -> Result<bool, String> {
    use std::io::{BufRead, IsTerminal, Write};
    if !std::io::stdin().is_terminal() {
        return Err("not a terminal: pass --yes to apply".into());
    }
    let (entries, _) = kinds::entries(&live.root);
    let owner = entries
        .iter()
        .find(|e| {
            e.kind == kinds::Kind::Agent
                && e.body.get("role").and_then(serde_json::Value::as_str) == Some("owner")
        })
        .map_or_else(
            || "unknown".to_owned(),
            |e| shown::shown(&e.key).into_owned(),
        );
    let deletions = plan
        .ops
        .iter()
        .filter(|o| matches!(o.change, plan::Change::Delete))
        .count();
    let replaced = plan
        .ops
        .iter()
        .filter(|o| matches!(o.change, plan::Change::Replace { .. }))
        .count();
    eprintln!(
        "\nThe license owned by {owner}, at {} (region {}, API v{}):\n  {} operation(s), \
         of which {deletions} deletion(s) and {replaced} replacement(s).",
        base_url(api),
        api.client.region(),
        api.version.as_str(),
        plan.ops.len(),
    );
    eprint!("Type `yes` to apply: ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| e.to_string())?;
    Ok(answer.trim() == "yes")
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
