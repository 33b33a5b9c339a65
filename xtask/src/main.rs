use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <gen|check>
  gen    write sdk/src/generated/ from spec/configuration-v3.6.json
  check  fail, naming the file, when sdk/src/generated/ differs from what the spec produces";

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
