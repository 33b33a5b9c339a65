//! The emulator's own rows: acknowledged writes per second with a state database as the license
//! grows, against the same writes on the same license held in memory only; and whether lookups
//! wait for each other behind a listing of a large license.

use crate::rows::Sizes;
use crate::stats::{quantile, Spread};
use crate::table::Row;
use futures_util::future::try_join_all;
use livechat_config::{Client, CreateAgentRequest};
use livechat_config_emulator::{Emulator, DEFAULT_TOKEN};
use std::path::PathBuf;
use std::time::{Duration, Instant};

const WRITERS: usize = 20;

/// A license of at least `bytes` of state JSON, made of agents with a job title each; returns the
/// emulator (in memory) and the agents' ids.
pub(crate) async fn license_of(bytes: usize) -> Result<(Emulator, Vec<String>), String> {
    let emulator = Emulator::builder()
        .seed(7)
        .start()
        .await
        .map_err(|e| e.to_string())?;
    let client = emulator.client();
    let mut ids = Vec::new();
    while serde_json::to_vec(&emulator.state_json()).map_or(0, |json| json.len()) < bytes {
        let batch: Vec<String> = (ids.len()..ids.len() + 2000)
            .map(|i| format!("agent{i}@state.example.com"))
            .collect();
        let results = client
            .batch_create_agents(batch.iter().map(|id| {
                CreateAgentRequest::new(id.clone(), "State Bench Agent")
                    .job_title("Support specialist, second line")
            }))
            .await
            .map_err(|e| e.to_string())?;
        for result in results {
            result.map_err(|e| e.to_string())?;
        }
        ids.extend(batch);
    }
    Ok((emulator, ids))
}

/// `writes` acknowledged `update_agent` calls from [`WRITERS`] concurrent writers, each on its
/// own agents; writes per second.
async fn writes_per_second(
    client: &Client,
    ids: &[String],
    writes: usize,
    round: usize,
) -> Result<f64, String> {
    let start = Instant::now();
    let per_writer = writes / WRITERS;
    let tasks = (0..WRITERS).map(|w| {
        let client = client.clone();
        let ids: Vec<String> = ids
            .iter()
            .skip(w)
            .step_by(WRITERS)
            .take(per_writer)
            .cloned()
            .collect();
        async move {
            for id in &ids {
                client
                    .update_agent(id)
                    .job_title(format!("Round {round}"))
                    .await
                    .map_err(|e| e.to_string())?;
            }
            Ok::<_, String>(())
        }
    });
    try_join_all(tasks).await?;
    Ok((per_writer * WRITERS) as f64 / start.elapsed().as_secs_f64())
}

fn temp_dir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("lc-bench-{name}-{}", std::process::id()))
}

/// Writes per second with `--state` at each size, and the ratio to the same writes on the same
/// license in memory.
pub async fn writes(sizes: &Sizes) -> Vec<Row> {
    let mut rows = Vec::new();
    let (mut medians, mut memory) = (Vec::new(), Vec::new());
    for (label, bytes) in [
        ("0.5 MB", 500_000),
        ("2 MB", 2_000_000),
        ("20 MB", 20_000_000),
    ] {
        let name = format!("Emulator writes with --state, {label} state: 20 writers, update_agent, acknowledged writes/s; ÷ the same in memory");
        match state_writes(bytes, sizes).await {
            Ok((row, median, in_memory)) => {
                medians.push(median);
                memory.push(in_memory);
                rows.push(Row { name, ..row })
            }
            Err(e) => rows.push(Row::new(name, format!("failed: {e}"))),
        }
    }
    if let ([small, .., large], [mem_small, .., mem_large]) = (&medians[..], &memory[..]) {
        rows.push(Row::new(
            "Emulator writes: 20 MB ÷ 0.5 MB writes/s, with --state and in memory",
            format!(
                "{:.2}× with --state; {:.2}× in memory",
                large / small,
                mem_large / mem_small
            ),
        ));
    }
    rows
}

async fn state_writes(bytes: usize, sizes: &Sizes) -> Result<(Row, f64, f64), String> {
    let (memory, ids) = license_of(bytes).await?;
    let json = serde_json::to_vec(&memory.state_json()).map_err(|e| e.to_string())?;
    let dir = temp_dir(&format!("state-{bytes}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    // A JSON state file is what an earlier emulator wrote: the database starts from it.
    let file = dir.join("state.db");
    std::fs::write(&file, &json).map_err(|e| e.to_string())?;
    let stored = Emulator::builder()
        .state_file(&file)
        .start()
        .await
        .map_err(|e| e.to_string())?;
    let writes = if sizes.rounds < 7 { 1000 } else { 4000 };
    let (mut db, mut mem, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..sizes.rounds.min(5) {
        let on_disk = writes_per_second(&stored.client(), &ids, writes, round).await?;
        let in_memory = writes_per_second(&memory.client(), &ids, writes, round).await?;
        db.push(on_disk);
        mem.push(in_memory);
        ratios.push(on_disk / in_memory);
    }
    let db_size = std::fs::metadata(&file).map_or(0, |m| m.len());
    drop(stored);
    let _ = std::fs::remove_dir_all(&dir);
    let db = Spread::of(&db).ok_or("no rounds")?;
    let mem = Spread::of(&mem).ok_or("no rounds")?;
    let ratio = Spread::of(&ratios).ok_or("no rounds")?;
    let row = Row::new(
        "",
        format!(
            "{} with --state; {} in memory; {} ({} agents, {:.1} MB of state JSON, {:.1} MB database)",
            db.with_unit(0, "writes/s"),
            mem.with_unit(0, "writes/s"),
            ratio.ratio(2),
            ids.len() + 1,
            json.len() as f64 / 1e6,
            db_size as f64 / 1e6,
        ),
    )
    .target("≥ 2000 writes/s", db.median >= 2000.0);
    Ok((row, db.median, mem.median))
}

/// `get_agent` latency while listings of the whole license run beside it, against the same
/// lookups on an idle emulator: lookups share the state, so the listing should not hold them up.
pub async fn reads_beside_a_large_listing(sizes: &Sizes) -> Result<Row, String> {
    let (emulator, ids) = license_of(if sizes.rounds < 7 {
        2_000_000
    } else {
        8_000_000
    })
    .await?;
    let client = emulator.client();
    let lookups = 300;
    let sample = |client: Client, ids: Vec<String>| async move {
        let mut latencies = Vec::with_capacity(lookups);
        for i in 0..lookups {
            let start = Instant::now();
            client
                .get_agent(&ids[i * 7 % ids.len()])
                .await
                .map_err(|e| e.to_string())?;
            latencies.push(start.elapsed());
        }
        Ok::<_, String>(latencies)
    };
    let mut idle = sample(client.clone(), ids.clone()).await?;
    // Listings through plain HTTP: the answer is larger than the sdk's default size limit.
    let url = format!(
        "{}/v3.6/configuration/action/list_agents",
        emulator.base_url()
    );
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let listers: Vec<_> = (0..2)
        .map(|_| {
            let (url, stop) = (url.clone(), stop.clone());
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                let mut listed = 0u32;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let answer = http
                        .post(&url)
                        .bearer_auth(DEFAULT_TOKEN)
                        .header("content-type", "application/json")
                        .body("{}")
                        .send()
                        .await;
                    if let Ok(answer) = answer {
                        let _ = answer.bytes().await;
                        listed += 1;
                    }
                }
                listed
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut busy = sample(client.clone(), ids.clone()).await?;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut listings = 0;
    for lister in listers {
        listings += lister.await.map_err(|e| e.to_string())?;
    }
    let (idle_p50, idle_p99) = (quantile(&mut idle, 0.5), quantile(&mut idle, 0.99));
    let (busy_p50, busy_p99) = (quantile(&mut busy, 0.5), quantile(&mut busy, 0.99));
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    Ok(Row::new(
        format!(
            "Emulator reads: {lookups} get_agent beside 2 looping list_agents of {} agents, ÷ the same lookups idle",
            ids.len() + 1
        ),
        format!(
            "p50 {:.2} ms vs {:.2} ms idle; p99 {:.2} ms vs {:.2} ms idle; {listings} listings ran meanwhile",
            ms(busy_p50),
            ms(idle_p50),
            ms(busy_p99),
            ms(idle_p99),
        ),
    ))
}
