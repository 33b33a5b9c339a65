//! One function per row of the table; each measures both sides of its ratio in the same run.

use crate::python::{PythonSdk, PACKAGE};
use crate::stats::{quantile, Spread};
use crate::table::Row;
use crate::workload::{self, Bare};
use livechat_config::CreateAgentRequest;
use livechat_config_emulator::{Emulator, DEFAULT_TOKEN};
use std::time::{Duration, Instant};

/// How much work each row does.
#[derive(Debug, Clone)]
pub struct Sizes {
    pub rounds: usize,
    pub overhead_calls: usize,
    pub python_calls: usize,
    pub in_flight: usize,
    pub bulk_agents: usize,
    pub bulk_rounds: usize,
    pub bulk_latency: Duration,
    pub load_clients: usize,
    pub load_time: Duration,
    /// Calls per measured loop of the client rows.
    pub client_calls: usize,
    /// Items of the batch helper's client row.
    pub batch_items: usize,
    /// Calls of the larger cachegrind run of each client (the smaller makes a third as many).
    pub cachegrind_calls: usize,
}

impl Sizes {
    pub fn full() -> Self {
        Sizes {
            rounds: 7,
            overhead_calls: 2000,
            python_calls: 1000,
            in_flight: 32,
            bulk_agents: 1000,
            bulk_rounds: 3,
            bulk_latency: Duration::from_millis(5),
            load_clients: 50,
            load_time: Duration::from_secs(5),
            client_calls: 5000,
            batch_items: 10_000,
            cachegrind_calls: 1500,
        }
    }

    /// Small enough for a quick look while developing; the numbers are noisier.
    pub fn quick() -> Self {
        Sizes {
            rounds: 3,
            overhead_calls: 300,
            python_calls: 200,
            bulk_agents: 200,
            bulk_rounds: 1,
            load_time: Duration::from_secs(1),
            client_calls: 2000,
            batch_items: 1000,
            cachegrind_calls: 600,
            ..Sizes::full()
        }
    }
}

fn spread(samples: &[f64]) -> Spread {
    Spread::of(samples).unwrap_or(Spread {
        median: f64::NAN,
        min: f64::NAN,
        max: f64::NAN,
    })
}

async fn seeded() -> Result<(Emulator, Vec<String>), String> {
    let emulator = Emulator::start().await.map_err(|e| e.to_string())?;
    let ids = workload::seed_agents(&emulator.client()).await?;
    Ok((emulator, ids))
}

/// Sequential reads through the sdk ÷ the same reads through bare reqwest + serde_json.
pub async fn overhead(sizes: &Sizes) -> Result<Row, String> {
    let (emulator, ids) = seeded().await?;
    let client = emulator.client();
    let bare = Bare::new(emulator.base_url(), DEFAULT_TOKEN)?;
    let calls = sizes.overhead_calls;
    workload::sdk_sequential(&client, &ids, calls / 4)
        .await
        .map_err(|e| e.to_string())?;
    bare.sequential(&ids, calls / 4).await?;
    let mut ratios = Vec::new();
    let mut sdk_rates = Vec::new();
    // Both sides run in alternating blocks of 100 calls, so a neighbour's burst of load on a
    // shared machine lands on both rather than skewing one round.
    let block = 100.min(calls);
    let blocks = calls.div_ceil(block);
    for round in 0..sizes.rounds {
        let (mut sdk, mut raw) = (Duration::ZERO, Duration::ZERO);
        for b in 0..blocks {
            if (round + b) % 2 == 0 {
                sdk += workload::sdk_sequential(&client, &ids, block)
                    .await
                    .map_err(|e| e.to_string())?;
                raw += bare.sequential(&ids, block).await?;
            } else {
                raw += bare.sequential(&ids, block).await?;
                sdk += workload::sdk_sequential(&client, &ids, block)
                    .await
                    .map_err(|e| e.to_string())?;
            }
        }
        ratios.push(sdk.as_secs_f64() / raw.as_secs_f64());
        sdk_rates.push((blocks * block) as f64 / sdk.as_secs_f64());
    }
    let ratio = spread(&ratios);
    Ok(Row::new(
        format!(
            "SDK overhead: {calls} sequential get_agent/list_agents, sdk ÷ bare reqwest+serde_json"
        ),
        format!(
            "{} time; sdk {:.0} calls/s",
            ratio.ratio(3),
            spread(&sdk_rates).median
        ),
    )
    .target("≤ 1.05×", ratio.median <= 1.05))
}

/// The sdk next to lc-sdk-python on the same workload, sequential and concurrent.
pub async fn python(sizes: &Sizes) -> Vec<Row> {
    let name_seq = format!(
        "vs {PACKAGE}: {} sequential calls, sdk ÷ Python calls/s",
        sizes.python_calls
    );
    let name_conc = format!(
        "vs {PACKAGE}: {} calls, sdk {} in flight ÷ Python {}-thread pool, calls/s",
        sizes.python_calls, sizes.in_flight, sizes.in_flight
    );
    match python_rows(sizes).await {
        Ok((seq, conc)) => vec![Row::new(name_seq, seq), Row::new(name_conc, conc)],
        Err(e) => vec![Row::new(
            format!("vs {PACKAGE}"),
            format!("not measured: {e}"),
        )],
    }
}

async fn python_rows(sizes: &Sizes) -> Result<(String, String), String> {
    let sdk = tokio::task::spawn_blocking(|| PythonSdk::install(&crate::target_dir()))
        .await
        .map_err(|e| e.to_string())??;
    let sdk = std::sync::Arc::new(sdk);
    let (emulator, ids) = seeded().await?;
    let client = emulator.client();
    let calls = sizes.python_calls;
    let (mut seq, mut conc) = (Vec::new(), Vec::new());
    let (mut rust_rates, mut py_rates) = ((Vec::new(), Vec::new()), (Vec::new(), Vec::new()));
    workload::sdk_sequential(&client, &ids, 50)
        .await
        .map_err(|e| e.to_string())?;
    for _ in 0..sizes.rounds {
        let (py, base, ids_py, in_flight) = (
            sdk.clone(),
            emulator.base_url().to_string(),
            ids.clone(),
            sizes.in_flight,
        );
        let py = tokio::task::spawn_blocking(move || {
            py.run(&base, DEFAULT_TOKEN, calls, in_flight, &ids_py)
        })
        .await
        .map_err(|e| e.to_string())??;
        let rust_seq = workload::sdk_sequential(&client, &ids, calls)
            .await
            .map_err(|e| e.to_string())?
            .as_secs_f64();
        let rust_conc = workload::sdk_concurrent(&client, &ids, calls, sizes.in_flight)
            .await
            .map_err(|e| e.to_string())?
            .as_secs_f64();
        seq.push(py.sequential_s / rust_seq);
        conc.push(py.concurrent_s / rust_conc);
        rust_rates.0.push(calls as f64 / rust_seq);
        rust_rates.1.push(calls as f64 / rust_conc);
        py_rates.0.push(calls as f64 / py.sequential_s);
        py_rates.1.push(calls as f64 / py.concurrent_s);
    }
    let line = |ratios: &[f64], rust: &[f64], py: &[f64]| {
        format!(
            "{}; sdk {:.0} vs Python {:.0} calls/s",
            spread(ratios).ratio(1),
            spread(rust).median,
            spread(py).median
        )
    };
    Ok((
        line(&seq, &rust_rates.0, &py_rates.0),
        line(&conc, &rust_rates.1, &py_rates.1),
    ))
}

/// Creating agents with the batch helper vs one `create_agent` call each, with injected latency.
pub async fn bulk(sizes: &Sizes) -> Result<Row, String> {
    let emulator = Emulator::builder()
        .latency(sizes.bulk_latency)
        .start()
        .await
        .map_err(|e| e.to_string())?;
    let client = emulator.client();
    let n = sizes.bulk_agents;
    let mut ratios = Vec::new();
    let mut batch_ms = Vec::new();
    for round in 0..sizes.bulk_rounds {
        let started = Instant::now();
        let results = client
            .batch_create_agents((0..n).map(|i| {
                CreateAgentRequest::new(format!("b{round}-{i}@bench.example.com"), "Bulk")
            }))
            .await
            .map_err(|e| e.to_string())?;
        let batch = started.elapsed().as_secs_f64();
        if let Some(Err(e)) = results.iter().find(|r| r.is_err()) {
            return Err(format!("batch create failed: {e}"));
        }
        let started = Instant::now();
        for i in 0..n {
            client
                .create_agent(format!("s{round}-{i}@bench.example.com"), "Bulk")
                .await
                .map_err(|e| e.to_string())?;
        }
        let sequential = started.elapsed().as_secs_f64();
        ratios.push(sequential / batch);
        batch_ms.push(batch * 1000.0);
    }
    let ratio = spread(&ratios);
    Ok(Row::new(
        format!(
            "Bulk: {n} agents, {} ms latency per request: sequential create_agent ÷ batch helper",
            sizes.bulk_latency.as_millis()
        ),
        format!(
            "{} faster; batch {:.0} ms",
            ratio.ratio(1),
            spread(&batch_ms).median
        ),
    )
    .target("≥ 20×", ratio.median >= 20.0))
}

/// The generator's wall time and determinism.
pub fn generator(runs: usize) -> Result<Row, String> {
    let run = crate::generator::measure(&crate::root(), runs)?;
    let millis = spread(&run.millis);
    let yes = |b: bool| if b { "yes" } else { "NO" };
    Ok(Row::new(
        "Generator: spec → sdk/src/generated (what `cargo xtask gen` computes), in-process",
        format!(
            "{}; {} files, {} lines; rerun byte-identical: {}; equals checked-in: {}",
            millis.with_unit(1, "ms"),
            run.files,
            run.lines,
            yes(run.identical),
            yes(run.matches_checked_in)
        ),
    )
    .target(
        "< 1 s, byte-identical",
        millis.median < 1000.0 && run.identical && run.matches_checked_in,
    ))
}

/// What a clean debug build of the sdk may cost in CPU seconds with the default features.
pub const DEFAULT_CPU_TARGET: f64 = 12.0;
/// How much more CPU enabling `v3_7` may cost than the defaults alone.
pub const V3_7_EXTRA_TARGET: f64 = 0.60;

/// Clean build time of the sdk crate, one row per feature set, or a note that it was skipped.
pub fn compile(enabled: bool, runs: usize) -> Vec<Row> {
    use crate::compile::{absent_features, measure, FEATURE_SETS};
    let root = crate::root();
    let generated = crate::compile::lines_in(&root.join("sdk/src/generated"));
    let runtime = crate::compile::lines_in(&root.join("sdk/src")) - generated;
    let size = format!("generated code {generated} lines, hand-written runtime {runtime} lines");
    let name = |label: &str| {
        format!("Compile: clean debug build of livechat-config alone, deps built, features {label}")
    };
    if !enabled {
        return vec![Row::new(
            name("any"),
            format!("skipped (pass --compile); {size}"),
        )];
    }
    let mut rows = Vec::new();
    let mut default_cpu = None;
    for set in &FEATURE_SETS {
        eprintln!("compile, features {}…", set.label);
        let absent = match absent_features(&root, set) {
            Ok(absent) => absent,
            Err(e) => {
                rows.push(Row::new(name(set.label), format!("not measured: {e}")));
                continue;
            }
        };
        if !absent.is_empty() {
            rows.push(Row::new(
                name(set.label),
                format!(
                    "feature absent: sdk/Cargo.toml declares no {}",
                    absent.join(", ")
                ),
            ));
            continue;
        }
        let times = match measure(&root, &crate::target_dir(), set, runs) {
            Ok(times) => times,
            Err(e) => {
                rows.push(Row::new(name(set.label), format!("not measured: {e}")));
                continue;
            }
        };
        let wall = spread(&times.iter().map(|t| t.wall).collect::<Vec<_>>());
        let cpu = spread(&times.iter().map(|t| t.cpu).collect::<Vec<_>>());
        let mut value = format!(
            "{} CPU, {} wall",
            cpu.with_unit(1, "s"),
            wall.with_unit(1, "s")
        );
        let row = match (set.extra, default_cpu) {
            ([], _) => {
                default_cpu = Some(cpu.median);
                value.push_str(&format!("; {size}"));
                Row::new(name(set.label), value).target(
                    format!("≤ {DEFAULT_CPU_TARGET:.0} s CPU"),
                    cpu.median <= DEFAULT_CPU_TARGET,
                )
            }
            (["v3_7"], Some(base)) => {
                let extra = cpu.median / base - 1.0;
                value.push_str(&format!("; {:+.0}% CPU over default", extra * 100.0));
                Row::new(name(set.label), value).target(
                    format!("≤ +{:.0}% CPU over default", V3_7_EXTRA_TARGET * 100.0),
                    extra <= V3_7_EXTRA_TARGET,
                )
            }
            (_, Some(base)) => {
                value.push_str(&format!(
                    "; {:+.0}% CPU over default",
                    (cpu.median / base - 1.0) * 100.0
                ));
                Row::new(name(set.label), value)
            }
            (_, None) => Row::new(name(set.label), value),
        };
        rows.push(row);
    }
    rows
}

/// How much less CPU a clean default build of the sdk must take than at the baseline commit.
pub const BASELINE_CPU_TARGET: f64 = 0.80;

/// The default build's CPU now against the baseline commit's, measured in turns in this run.
pub fn compile_against_baseline(runs: usize) -> Row {
    compile_against(runs, crate::compile::BASELINE, BASELINE_CPU_TARGET)
}

/// The same clean default build, now ÷ at `baseline`, which it must not exceed by more than
/// `target` (a version added behind its own feature must not cost the default build anything).
pub fn compile_against(runs: usize, baseline: &str, target: f64) -> Row {
    use crate::compile::{checkout, measure_against};
    let root = crate::root();
    #[allow(non_snake_case)]
    let BASELINE = baseline;
    let name = format!(
        "Compile: clean debug build of livechat-config, default features, deps built, now ÷ at {BASELINE}"
    );
    eprintln!("compile, now and at {BASELINE}…");
    let pairs = match checkout(&root, &crate::target_dir(), BASELINE)
        .and_then(|tree| measure_against(&root, &crate::target_dir(), &tree, runs))
    {
        Ok(pairs) => pairs,
        Err(e) => return Row::new(name, format!("not measured: {e}")),
    };
    let ratio = spread(
        &pairs
            .iter()
            .map(|(now, then)| now.cpu / then.cpu)
            .collect::<Vec<_>>(),
    );
    let now = spread(&pairs.iter().map(|(now, _)| now.cpu).collect::<Vec<_>>());
    let then = spread(&pairs.iter().map(|(_, then)| then.cpu).collect::<Vec<_>>());
    Row::new(
        name,
        format!(
            "{} CPU ({} now, {} then)",
            ratio.ratio(2),
            now.with_unit(1, "s"),
            then.with_unit(1, "s")
        ),
    )
    .target(format!("≤ {target:.2}×"), ratio.median <= target)
}

/// A new user's first `cargo run --example quickstart`, cold, now against the baseline commit.
pub fn quickstart_against_baseline(runs: usize) -> Row {
    use crate::compile::{checkout, quickstart_against, BuildTime, BASELINE};
    let root = crate::root();
    let name = format!(
        "Cold `cargo run --example quickstart` (no target directory, sources downloaded), now ÷ at {BASELINE}"
    );
    eprintln!("cold quickstart, now and at {BASELINE}…");
    let pairs = match checkout(&root, &crate::target_dir(), BASELINE)
        .and_then(|tree| quickstart_against(&root, &crate::target_dir(), &tree, runs))
    {
        Ok(pairs) => pairs,
        Err(e) => return Row::new(name, format!("not measured: {e}")),
    };
    let of = |pick: fn(&(BuildTime, BuildTime)) -> f64| {
        spread(&pairs.iter().map(pick).collect::<Vec<_>>())
    };
    Row::new(
        name,
        format!(
            "{} wall, {} CPU; now {} wall, {} CPU; then {} wall, {} CPU",
            of(|(now, then)| now.wall / then.wall).ratio(2),
            of(|(now, then)| now.cpu / then.cpu).ratio(2),
            of(|(now, _)| now.wall).with_unit(1, "s"),
            of(|(now, _)| now.cpu).with_unit(1, "s"),
            of(|(_, then)| then.wall).with_unit(1, "s"),
            of(|(_, then)| then.cpu).with_unit(1, "s"),
        ),
    )
}

/// Mixed reads and writes from many clients; every acknowledged write must be there afterwards.
pub async fn load(sizes: &Sizes) -> Result<Row, String> {
    let emulator = Emulator::start().await.map_err(|e| e.to_string())?;
    let mut report = crate::load::run(&emulator, sizes.load_clients, sizes.load_time).await;
    let calls = report.latencies.len();
    let p50 = quantile(&mut report.latencies, 0.50);
    let p99 = quantile(&mut report.latencies, 0.99);
    let ok = report.missing.is_empty() && report.errors.is_empty();
    Ok(Row::new(
        format!(
            "Load: {} clients × {:.0} s, 30% create / 20% update / 42% get / 8% list",
            report.clients,
            sizes.load_time.as_secs_f64()
        ),
        format!(
            "{calls} calls, {:.0} calls/s; p50 {:.2} ms, p99 {:.2} ms; {} creates + {} updates acknowledged, {} missing; {} errors{}",
            calls as f64 / report.elapsed.as_secs_f64(),
            p50.as_secs_f64() * 1000.0,
            p99.as_secs_f64() * 1000.0,
            report.acked_creates,
            report.acked_updates,
            report.missing.len(),
            report.errors.len(),
            report.errors.first().map(|e| format!(" (first: {e})")).unwrap_or_default()
        ),
    )
    .target("every acknowledged write present, 0 errors", ok))
}
