//! What a call costs the client: CPU time (user + system of this process) and wall time per
//! call against the canned server in its own process, for bare reqwest + serde_json (the floor
//! of our stack), this sdk, lc-sdk-python and a raw-socket client, on both tokio runtimes; then
//! memory and CPU at scale and the batch helper's cost per item.

use crate::canned::CannedServer;
use crate::probe;
use crate::python::{Mix, PythonSdk, PACKAGE};
use crate::raw_client::RawClient;
use crate::rows::Sizes;
use crate::stats::Spread;
use crate::table::Row;
use crate::workload::Bare;
use futures_util::stream::{self, StreamExt};
use livechat_config::{Client, CreateAgentRequest, Credentials, DEFAULT_TIMEOUT};
use livechat_config_emulator::DEFAULT_TOKEN;
use std::future::{Future, IntoFuture};
use std::time::Instant;
use tokio::runtime::Runtime;

/// The agent every `get_agent` names; the canned server answers the same agent for any id.
const AGENT: &str = "agent0@example.com";

/// CPU and wall microseconds per call of one measured loop.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cost {
    pub cpu_us: f64,
    pub wall_us: f64,
}

/// Runs `work` (which makes `calls` calls) to the end and divides its cost by `calls`.
pub fn measure<F: Future<Output = Result<(), String>>>(
    runtime: &Runtime,
    calls: usize,
    work: F,
) -> Result<Cost, String> {
    let cpu = probe::cpu_time();
    let started = Instant::now();
    runtime.block_on(work)?;
    let wall = started.elapsed();
    let cpu = probe::cpu_time() - cpu;
    Ok(Cost {
        cpu_us: cpu.as_secs_f64() * 1e6 / calls as f64,
        wall_us: wall.as_secs_f64() * 1e6 / calls as f64,
    })
}

/// `calls` get_agent through the sdk, `in_flight` at a time (1: one after another).
pub async fn sdk_get_agents(client: &Client, calls: usize, in_flight: usize) -> Result<(), String> {
    if in_flight <= 1 {
        for _ in 0..calls {
            client.get_agent(AGENT).await.map_err(|e| e.to_string())?;
        }
        return Ok(());
    }
    let mut answers = stream::iter(0..calls)
        .map(|_| client.get_agent(AGENT).into_future())
        .buffer_unordered(in_flight);
    while let Some(answer) = answers.next().await {
        answer.map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// The same through bare reqwest + serde_json.
pub async fn bare_get_agents(bare: &Bare, calls: usize, in_flight: usize) -> Result<(), String> {
    if in_flight <= 1 {
        for _ in 0..calls {
            bare.get_agent(AGENT).await?;
        }
        return Ok(());
    }
    let mut answers = stream::iter(0..calls)
        .map(|_| bare.get_agent(AGENT))
        .buffer_unordered(in_flight);
    while let Some(answer) = answers.next().await {
        answer?;
    }
    Ok(())
}

/// One runtime with its own clients: a pooled connection belongs to the runtime that opened it.
struct Side {
    name: &'static str,
    runtime: Runtime,
    sdk: Client,
    bare: Bare,
    /// `bare` with the sdk's per-attempt timeout on each request: what the timeout alone costs.
    timed: Bare,
}

impl Side {
    fn new(name: &'static str, runtime: Runtime, base_url: &str) -> Result<Self, String> {
        let sdk = Client::builder(Credentials::bearer(DEFAULT_TOKEN))
            .base_url(base_url)
            .build()
            .map_err(|e| e.to_string())?;
        let bare = Bare::new(base_url, DEFAULT_TOKEN)?;
        let timed = Bare::new(base_url, DEFAULT_TOKEN)?.with_timeout(DEFAULT_TIMEOUT);
        Ok(Side {
            name,
            runtime,
            sdk,
            bare,
            timed,
        })
    }

    fn sdk(&self, calls: usize, in_flight: usize) -> Result<Cost, String> {
        measure(
            &self.runtime,
            calls,
            sdk_get_agents(&self.sdk, calls, in_flight),
        )
    }

    fn bare(&self, calls: usize, in_flight: usize) -> Result<Cost, String> {
        measure(
            &self.runtime,
            calls,
            bare_get_agents(&self.bare, calls, in_flight),
        )
    }

    fn timed(&self, calls: usize, in_flight: usize) -> Result<Cost, String> {
        measure(
            &self.runtime,
            calls,
            bare_get_agents(&self.timed, calls, in_flight),
        )
    }
}

fn spread(samples: &[f64]) -> Spread {
    Spread::of(samples).unwrap_or(Spread {
        median: f64::NAN,
        min: f64::NAN,
        max: f64::NAN,
    })
}

fn us(samples: &[f64]) -> String {
    spread(samples).with_unit(1, "µs")
}

/// Samples of one client on one runtime at one concurrency, one per round.
#[derive(Default)]
struct Samples {
    cpu: Vec<f64>,
    wall: Vec<f64>,
}

impl Samples {
    fn push(&mut self, cost: Cost) {
        self.cpu.push(cost.cpu_us);
        self.wall.push(cost.wall_us);
    }
}

/// The samples of the given rounds.
fn paired(samples: &[f64], rounds: &[usize]) -> Vec<f64> {
    rounds
        .iter()
        .filter_map(|r| samples.get(*r).copied())
        .collect()
}

fn ratios(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(a, b)| a / b).collect()
}

/// Every client row, measured in one run with the server pinned to one core and this process
/// to another where the machine has two.
pub fn rows(sizes: &Sizes, python: bool) -> Vec<Row> {
    let pinned = probe::cores() >= 2;
    let server = match CannedServer::start(pinned.then_some(0)) {
        Ok(server) => server,
        Err(e) => return vec![Row::new("Client", format!("not measured: {e}"))],
    };
    let workers = probe::cores();
    let affinity = if pinned { probe::pin_process(1) } else { None };
    let placement = if affinity.is_some() {
        "server pinned to core 0, clients to core 1"
    } else {
        "not pinned"
    };
    eprintln!(
        "client rows ({placement}), server at {}…",
        server.base_url()
    );
    let mut rows = match measured(sizes, python, server.base_url(), workers) {
        Ok(rows) => rows,
        Err(e) => vec![Row::new("Client", format!("failed: {e}"))],
    };
    rows.push(crate::cachegrind_rows::row(
        server.base_url(),
        sizes.cachegrind_calls,
    ));
    if let Some(affinity) = affinity {
        probe::restore(affinity);
    }
    for row in &mut rows {
        row.name = format!("{} [{placement}]", row.name);
    }
    rows
}

fn measured(
    sizes: &Sizes,
    python: bool,
    base_url: &str,
    workers: usize,
) -> Result<Vec<Row>, String> {
    let calls = sizes.client_calls;
    let in_flight = sizes.in_flight;
    let multi = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let current = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let sides = [
        Side::new("multi-thread runtime", multi, base_url)?,
        Side::new("current-thread runtime", current, base_url)?,
    ];
    let python_sdk = if python {
        Some(PythonSdk::install(&crate::target_dir()))
    } else {
        None
    };
    let mut raw = RawClient::connect(base_url, DEFAULT_TOKEN)?;
    let raw_body =
        serde_json::to_vec(&serde_json::json!({ "id": AGENT })).map_err(|e| e.to_string())?;
    // Warm-up: connections open, pools fill, code and allocator pages are touched.
    for side in &sides {
        side.sdk(calls / 10 + 1, in_flight)?;
        side.bare(calls / 10 + 1, in_flight)?;
        side.timed(calls / 10 + 1, in_flight)?;
    }
    // [side][sequential, in flight] for sdk and bare.
    let mut sdk: Vec<[Samples; 2]> = (0..2).map(|_| Default::default()).collect();
    let mut bare: Vec<[Samples; 2]> = (0..2).map(|_| Default::default()).collect();
    let mut timed: Vec<[Samples; 2]> = (0..2).map(|_| Default::default()).collect();
    let mut raw_samples = Samples::default();
    let mut py = [Samples::default(), Samples::default()];
    // A thread-pool run of lc-sdk-python sometimes fails inside httpx; the other rounds count.
    let mut py_errors: Vec<String> = Vec::new();
    let mut py_rounds = Vec::new();
    for round in 0..sizes.rounds {
        eprintln!("  round {}/{}", round + 1, sizes.rounds);
        for (s, side) in sides.iter().enumerate() {
            for (c, n) in [1, in_flight].into_iter().enumerate() {
                // The three take turns in short blocks, the first of each turn rotating: the
                // speed of a shared machine drifts over a round, and so lands on all three
                // alike. Blocks with calls in flight are longer, so filling and draining the
                // pipeline stays a small part of them.
                let block = (calls / if n == 1 { 100 } else { 20 }).max(1);
                let blocks = (calls / block).max(1);
                let mut sums = [Cost::default(); 3];
                for b in 0..blocks {
                    for k in 0..3 {
                        let which = (k + b + round) % 3;
                        let cost = match which {
                            0 => side.sdk(block, n)?,
                            1 => side.bare(block, n)?,
                            _ => side.timed(block, n)?,
                        };
                        sums[which].cpu_us += cost.cpu_us / blocks as f64;
                        sums[which].wall_us += cost.wall_us / blocks as f64;
                    }
                }
                let [s_sdk, s_bare, s_timed] = sums;
                sdk[s][c].push(s_sdk);
                bare[s][c].push(s_bare);
                timed[s][c].push(s_timed);
            }
        }
        let cpu = probe::cpu_time();
        let started = Instant::now();
        for _ in 0..calls {
            raw.call("get_agent", &raw_body)?;
        }
        raw_samples.push(Cost {
            cpu_us: (probe::cpu_time() - cpu).as_secs_f64() * 1e6 / calls as f64,
            wall_us: started.elapsed().as_secs_f64() * 1e6 / calls as f64,
        });
        if let Some(Ok(python)) = &python_sdk {
            let ids = [AGENT.to_string()];
            match python.run_mix(
                base_url,
                DEFAULT_TOKEN,
                calls,
                in_flight,
                &ids,
                Mix::GetAgent,
            ) {
                Ok(run) => {
                    py_rounds.push(round);
                    let per_call = |s: f64| s * 1e6 / calls as f64;
                    py[0].push(Cost {
                        cpu_us: per_call(run.sequential_cpu_s),
                        wall_us: per_call(run.sequential_s),
                    });
                    py[1].push(Cost {
                        cpu_us: per_call(run.concurrent_cpu_s),
                        wall_us: per_call(run.concurrent_s),
                    });
                }
                Err(e) => py_errors.push(e),
            }
        }
    }
    let mut rows = Vec::new();
    let label = |c: usize| {
        if c == 0 {
            "sequential".to_string()
        } else {
            format!("{in_flight} in flight")
        }
    };
    for (s, side) in sides.iter().enumerate() {
        for c in 0..2 {
            let ratio = spread(&ratios(&sdk[s][c].cpu, &bare[s][c].cpu));
            rows.push(
                Row::new(
                    format!(
                        "Client CPU per call, {calls} get_agent, {}, {}: sdk ÷ bare reqwest+serde_json",
                        side.name,
                        label(c)
                    ),
                    format!(
                        "{} CPU; sdk {} CPU, {} wall; bare {} CPU, {} wall",
                        ratio.ratio(2),
                        us(&sdk[s][c].cpu),
                        us(&sdk[s][c].wall),
                        us(&bare[s][c].cpu),
                        us(&bare[s][c].wall)
                    ),
                )
                .target("≤ 1.05× CPU", ratio.median <= 1.05),
            );
            let own = spread(&ratios(&timed[s][c].cpu, &bare[s][c].cpu));
            let rest = spread(&ratios(&sdk[s][c].cpu, &timed[s][c].cpu));
            rows.push(Row::new(
                format!(
                    "Client CPU per call, {calls} get_agent, {}, {}: bare with a per-request timeout ÷ bare, and sdk ÷ that",
                    side.name,
                    label(c)
                ),
                format!(
                    "timeout alone {} CPU (timed bare {} CPU); sdk ÷ timed bare {} CPU",
                    own.ratio(2),
                    us(&timed[s][c].cpu),
                    rest.ratio(2)
                ),
            ));
        }
    }
    let failed = if py_errors.is_empty() {
        String::new()
    } else {
        format!(
            "; {} of {} rounds failed in Python (first: {})",
            py_errors.len(),
            sizes.rounds,
            py_errors[0]
        )
    };
    match &python_sdk {
        Some(Err(e)) => rows.push(Row::new(
            format!("Client vs {PACKAGE}"),
            format!("not measured: {e}"),
        )),
        Some(Ok(_)) if py[0].cpu.is_empty() => rows.push(Row::new(
            format!("Client vs {PACKAGE}"),
            format!("not measured{failed}"),
        )),
        Some(Ok(_)) => {
            // Against both runtimes: a caller picks one, and the 6× goal was set from a
            // current-thread figure.
            for ((c, goal), (s, side)) in [(0, 6.0), (1, 20.0)]
                .into_iter()
                .flat_map(|g| sides.iter().enumerate().map(move |side| (g, side)))
            {
                // Rounds are paired: a failed Python round has no sdk partner.
                let ratio = spread(&ratios(&py[c].cpu, &paired(&sdk[s][c].cpu, &py_rounds)));
                rows.push(
                    Row::new(
                        format!(
                            "Client CPU per call, {calls} get_agent, {}: {PACKAGE} (thread pool) ÷ sdk ({})",
                            label(c),
                            side.name
                        ),
                        format!(
                            "{} CPU; Python {} CPU, {} wall{failed}",
                            ratio.ratio(1),
                            us(&py[c].cpu),
                            us(&py[c].wall)
                        ),
                    )
                    .target(format!("≥ {goal:.0}×"), ratio.median >= goal),
                );
            }
        }
        None => {}
    }
    let raw_ratio = |s: usize| spread(&ratios(&sdk[s][0].cpu, &raw_samples.cpu));
    rows.push(Row::new(
        format!("Client physical limit: {calls} sequential get_agent, blocking keep-alive HTTP/1.1 on a raw TcpStream + serde_json::Value"),
        format!(
            "raw {} CPU, {} wall; sdk ÷ raw CPU: {} (current-thread), {} (multi-thread)",
            us(&raw_samples.cpu),
            us(&raw_samples.wall),
            raw_ratio(1).ratio(2),
            raw_ratio(0).ratio(2)
        ),
    ));
    rows.extend(scale(sizes, &sides[0])?);
    rows.push(batch(sizes, &sides[0])?);
    Ok(rows)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// The sdk at 1, 32 and 256 in flight on the multi-thread runtime: CPU, wall and peak memory.
fn scale(sizes: &Sizes, side: &Side) -> Result<Vec<Row>, String> {
    let calls = sizes.client_calls;
    let mut rows = Vec::new();
    for in_flight in [1, 32, 256] {
        // Open the connections first, so the phase measures steady calls.
        side.sdk(in_flight * 2, in_flight)?;
        let mut samples = Samples::default();
        let mut growth = Vec::new();
        let mut peak = Vec::new();
        for _ in 0..sizes.rounds {
            let resettable = probe::reset_peak_rss();
            let before = probe::rss_kib().unwrap_or(0);
            samples.push(side.sdk(calls, in_flight)?);
            let high = probe::peak_rss_kib().unwrap_or(0);
            if resettable {
                growth.push(mib(high.saturating_sub(before)));
            }
            peak.push(mib(high));
        }
        rows.push(Row::new(
            format!(
                "Client scale: sdk, {calls} get_agent, {in_flight} in flight, multi-thread runtime"
            ),
            format!(
                "{} CPU, {} wall per call; peak RSS {} (+{} over the phase's start)",
                us(&samples.cpu),
                us(&samples.wall),
                spread(&peak).with_unit(1, "MiB"),
                if growth.is_empty() {
                    "not resettable".to_string()
                } else {
                    spread(&growth).with_unit(2, "MiB")
                }
            ),
        ));
    }
    Ok(rows)
}

/// `batch_create_agents` for `batch_items` agents: CPU and wall per item, and peak memory.
fn batch(sizes: &Sizes, side: &Side) -> Result<Row, String> {
    let n = sizes.batch_items;
    let requests: Vec<CreateAgentRequest> = (0..n)
        .map(|i| CreateAgentRequest::new(format!("bulk{i}@bench.example.com"), "Bulk"))
        .collect();
    let mut samples = Samples::default();
    let mut growth = Vec::new();
    for _ in 0..sizes.rounds {
        let requests = requests.clone();
        probe::reset_peak_rss();
        let before = probe::rss_kib().unwrap_or(0);
        samples.push(measure(&side.runtime, n, async {
            let results = side
                .sdk
                .batch_create_agents(requests)
                .await
                .map_err(|e| e.to_string())?;
            if results.len() != n {
                return Err(format!("{} answers for {n} requests", results.len()));
            }
            results
                .into_iter()
                .try_for_each(|r| r.map(drop))
                .map_err(|e| e.to_string())
        })?);
        growth.push(mib(probe::peak_rss_kib()
            .unwrap_or(0)
            .saturating_sub(before)));
    }
    Ok(Row::new(
        format!("Client batch helper: batch_create_agents of {n} agents (chunks of 50, 4 in flight), multi-thread runtime"),
        format!(
            "{} CPU, {} wall per item; peak RSS +{}",
            us(&samples.cpu),
            us(&samples.wall),
            spread(&growth).with_unit(2, "MiB")
        ),
    ))
}
