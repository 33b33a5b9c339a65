use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <gen|check|bench|diff>
  gen    write sdk/src/generated/ (one module per spec/configuration-v<X.Y>.json) and openapi/
  check  fail, naming the file, when sdk/src/generated/ or openapi/ differs from what the specs produce
  bench  build the bench in release and print its table (arguments after `bench` go to it)
  diff   diff <old> <new>: what one spec changes against another (versions such as 3.6, or paths)";

fn main() -> ExitCode {
    let root = xtask::root();
    let task = std::env::args().nth(1).unwrap_or_default();
    let result = match task.as_str() {
        "gen" => xtask::gen(&root).map(|changed| {
            if changed.is_empty() {
                println!("generated code is up to date");
            }
            for path in changed {
                println!("wrote {path}");
            }
        }),
        "check" => xtask::stale(&root).and_then(|problems| {
            if problems.is_empty() {
                println!("generated code matches the spec");
                Ok(())
            } else {
                Err(format!("{}\nrun `cargo xtask gen`", problems.join("\n")))
            }
        }),
        "diff" => match (std::env::args().nth(2), std::env::args().nth(3)) {
            (Some(old), Some(new)) => {
                xtask::diff::diff(&root, &old, &new).map(|text| print!("{text}"))
            }
            _ => Err(USAGE.to_string()),
        },
        "bench" => bench(&root, std::env::args().skip(2)),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo run -p livechat-config-bench --release -- <args>`, from the workspace root.
fn bench(root: &std::path::Path, args: impl Iterator<Item = String>) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let status = std::process::Command::new(&cargo)
        .args(["run", "-p", "livechat-config-bench", "--release", "--"])
        .args(args)
        .current_dir(root)
        .status()
        .map_err(|e| format!("{cargo}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the bench failed ({status})"))
    }
}
