//! `cargo run -p livechat-config-bench --release [-- --compile] [--only compile|state|versions|default-build|cli|client] [--baseline REV] [--quick] [--rounds N]`

use livechat_config_bench::rows::{self, Sizes};
use livechat_config_bench::table::{Row, Table};
use livechat_config_bench::{delivery_rows, state_rows, version_rows};
use std::process::ExitCode;

const USAGE: &str =
    "usage: livechat-config-bench [--compile] [--only compile|state|versions|default-build|cli|client] [--baseline REV] [--quick] [--rounds N] [--skip-python]
  --compile      also time clean builds of the livechat-config crate, per feature set (slow)
  --only compile only the compile rows
  --only cli     only the command-line apply row
  --only client  only the client rows (CPU and wall per call against the canned server)
  --only versions only the emulator's calls through v3.7 against the same through v3.6
  --only default-build only the clean default build of the sdk, now ÷ at --baseline REV (a commit;
                 default the first-release baseline), target ≤ 1.00×
  --only state   only the emulator's rows (writes with a state database, reads beside listings,
                 calls through v3.7, deliveries)
  --quick        small workloads, for a look while developing
  --rounds N     rounds per ratio (default 7, quick 3)
  --skip-python  leave out the lc-sdk-python comparison";

struct Options {
    sizes: Sizes,
    compile: bool,
    /// Only the compile rows: the runtime rows take minutes and do not change with them.
    compile_only: bool,
    /// Only the command-line row, which runs the release binary of `livechat-config`.
    cli_only: bool,
    /// Only the emulator's state rows.
    state_only: bool,
    /// Only the client rows, against the canned server in its own process.
    client_only: bool,
    /// Only the row of calls through v3.7 against the same through v3.6.
    versions_only: bool,
    /// Only the clean default build of the sdk, now ÷ at `--baseline`.
    default_build: bool,
    baseline: Option<String>,
    python: bool,
}

fn options() -> Result<Options, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut sizes = if args.iter().any(|a| a == "--quick") {
        Sizes::quick()
    } else {
        Sizes::full()
    };
    let mut compile = false;
    let mut compile_only = false;
    let mut cli_only = false;
    let mut state_only = false;
    let mut client_only = false;
    let mut versions_only = false;
    let mut default_build = false;
    let mut baseline = None;
    let mut python = true;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => {}
            "--compile" => compile = true,
            "--skip-python" => python = false,
            "--only" => match it.next().map(String::as_str) {
                Some("compile") => {
                    compile = true;
                    compile_only = true;
                }
                Some("cli") => cli_only = true,
                Some("state") => state_only = true,
                Some("client") => client_only = true,
                Some("versions") => versions_only = true,
                Some("default-build") => default_build = true,
                _ => {
                    return Err(format!(
                        "--only takes `compile`, `state`, `versions`, `cli` or `client`\n{USAGE}"
                    ))
                }
            },
            "--baseline" => baseline = Some(it.next().ok_or("--baseline takes a commit")?.clone()),
            "--rounds" => {
                sizes.rounds = it
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--rounds takes a positive number")?;
            }
            _ => return Err(USAGE.to_string()),
        }
    }
    Ok(Options {
        sizes,
        compile,
        compile_only,
        cli_only,
        state_only,
        client_only,
        versions_only,
        default_build,
        baseline,
        python,
    })
}

fn row(name: &str, result: Result<Row, String>) -> Row {
    result.unwrap_or_else(|e| Row::new(name, format!("failed: {e}")))
}

fn main() -> ExitCode {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let sizes = &options.sizes;
    let mut table = Vec::new();
    if options.default_build {
        let baseline = options
            .baseline
            .as_deref()
            .unwrap_or(livechat_config_bench::compile::BASELINE);
        table.push(rows::compile_against(options.sizes.rounds, baseline, 1.0));
        println!("{}", Table(&table));
        return ExitCode::SUCCESS;
    }
    if options.versions_only {
        let shared = runtime.block_on(version_rows::shared_actions(sizes));
        table.push(row("Emulator calls through v3.7", shared));
        println!("{}", Table(&table));
        return ExitCode::SUCCESS;
    }
    let others_only = options.compile_only || options.cli_only || options.state_only;
    if options.client_only || !others_only {
        // Client rows build their own runtimes, so they run outside this one.
        table.extend(livechat_config_bench::client_rows::rows(
            sizes,
            options.python,
        ));
    }
    if options.state_only || !(options.compile_only || options.cli_only || options.client_only) {
        runtime.block_on(async {
            eprintln!("emulator state…");
            table.extend(state_rows::writes(sizes).await);
            table.push(row(
                "Emulator reads",
                state_rows::reads_beside_a_large_listing(sizes).await,
            ));
            table.push(row(
                "Emulator calls through v3.7",
                version_rows::shared_actions(sizes).await,
            ));
            table.push(row(
                "Emulator webhook deliveries",
                delivery_rows::latency(sizes).await,
            ));
        });
    }
    if options.cli_only {
        eprintln!("command-line apply…");
        let cli = runtime.block_on(livechat_config_bench::cli_apply::row(sizes));
        table.push(row("CLI", cli));
    } else if !others_only && !options.client_only {
        runtime.block_on(async {
            eprintln!("overhead…");
            table.push(row("SDK overhead", rows::overhead(sizes).await));
            if options.python {
                eprintln!("lc-sdk-python…");
                table.extend(rows::python(sizes).await);
            }
            eprintln!("bulk…");
            table.push(row("Bulk", rows::bulk(sizes).await));
            eprintln!("command-line apply…");
            table.push(row(
                "CLI",
                livechat_config_bench::cli_apply::row(sizes).await,
            ));
            eprintln!("load…");
            table.push(row("Load", rows::load(sizes).await));
        });
        eprintln!("generator…");
        table.push(row("Generator", rows::generator(10)));
    }
    if !options.cli_only && !options.client_only {
        table.extend(rows::compile(options.compile, 3));
        if options.compile {
            table.push(rows::compile_against_baseline(5));
            table.push(rows::quickstart_against_baseline(3));
        }
    }
    println!("{}", Table(&table));
    // Other work on the machine moves every number here; the load says how much there was.
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        println!(
            "load average at the end (1/5/15 min): {}",
            load.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    ExitCode::SUCCESS
}
