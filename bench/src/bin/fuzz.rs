//! `cargo run -p livechat-config-bench --release --bin fuzz -- [--inputs N] [--seed S] [--write-corpus]`
//!
//! Feeds mutated bodies to every action's decoders and the API-error decoder; exits non-zero when
//! anything panicked, leaving the inputs in `<target>/fuzz-crashes/`.

use livechat_config_bench::fuzz;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str, default: u64| -> Result<u64, String> {
        match args.iter().position(|a| a == name) {
            None => Ok(default),
            Some(i) => args
                .get(i + 1)
                .and_then(|v| v.replace('_', "").parse().ok())
                .ok_or(format!("{name} takes a number")),
        }
    };
    let inputs = value("--inputs", 1_000_000)?;
    let seed = value("--seed", 1)?;
    let root = livechat_config_bench::root();
    let corpus = root.join("bench/fuzz-corpus");
    if args.iter().any(|a| a == "--write-corpus") {
        let path = root.join(xtask::SPEC);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let spec = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let files = fuzz::corpus_from_spec(&spec);
        for (name, bytes) in &files {
            let path = corpus.join(name);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        }
        println!("wrote {} seeds to {}", files.len(), corpus.display());
        return Ok(ExitCode::SUCCESS);
    }
    let seeds = fuzz::load_corpus(&corpus)?;
    let crashes = livechat_config_bench::target_dir().join("fuzz-crashes");
    let started = Instant::now();
    let mut first_crashes = Vec::new();
    let stats = fuzz::run(&seeds, inputs, seed, |crash| {
        if first_crashes.len() < 20 {
            first_crashes.push(crash);
        }
    });
    let elapsed = started.elapsed().as_secs_f64();
    for (i, crash) in first_crashes.iter().enumerate() {
        std::fs::create_dir_all(&crashes).map_err(|e| format!("{}: {e}", crashes.display()))?;
        let path = crashes.join(format!(
            "{i}-{:?}-{}.bin",
            crash.target,
            crash.action.name()
        ));
        std::fs::write(&path, &crash.bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!(
            "panic in {:?} of `{}`: {} ({})",
            crash.target,
            crash.action,
            crash.message,
            path.display()
        );
    }
    println!(
        "{} inputs from {} seeds (seed {seed}) in {elapsed:.1} s: {} decoded, {} rejected with an error, {} panics",
        stats.inputs,
        seeds.len(),
        stats.decoded,
        stats.rejected,
        stats.panics
    );
    Ok(if stats.panics == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
