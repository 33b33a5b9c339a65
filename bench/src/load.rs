//! Many clients at once against one emulator, mixing reads and writes for a bounded time; then a
//! check that every write the API acknowledged is there.

use crate::rng::Rng;
use livechat_config::{AgentField, Client};
use livechat_config_emulator::Emulator;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// What one load run did and found.
#[derive(Debug, Default)]
pub struct LoadReport {
    pub clients: usize,
    pub elapsed: Duration,
    pub latencies: Vec<Duration>,
    pub errors: Vec<String>,
    pub acked_creates: usize,
    pub acked_updates: usize,
    /// Acknowledged writes the final listing does not show.
    pub missing: Vec<String>,
}

#[derive(Default)]
struct ClientLog {
    latencies: Vec<Duration>,
    errors: Vec<String>,
    /// Agent id → the job title of its last acknowledged write; `None` once a write to it failed
    /// and its value can no longer be predicted.
    expected: HashMap<String, Option<String>>,
    acked_creates: usize,
    acked_updates: usize,
}

/// Runs `clients` clients, each with its own connection pool, until `duration` has passed.
pub async fn run(emulator: &Emulator, clients: usize, duration: Duration) -> LoadReport {
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let client = emulator.client();
            tokio::spawn(async move { one_client(client, c, deadline).await })
        })
        .collect();
    let mut report = LoadReport {
        clients,
        ..LoadReport::default()
    };
    let mut expected = HashMap::new();
    for task in tasks {
        match task.await {
            Ok(log) => {
                report.latencies.extend(log.latencies);
                report.errors.extend(log.errors);
                report.acked_creates += log.acked_creates;
                report.acked_updates += log.acked_updates;
                expected.extend(log.expected);
            }
            Err(e) => report.errors.push(format!("client task failed: {e}")),
        }
    }
    report.elapsed = started.elapsed();
    match emulator
        .client()
        .list_agents()
        .fields([AgentField::JobTitle])
        .await
    {
        Ok(agents) => {
            let present: HashMap<&str, Option<&str>> = agents
                .iter()
                .map(|a| (a.id.as_str(), a.job_title.as_deref()))
                .collect();
            for (id, title) in &expected {
                match (present.get(id.as_str()), title) {
                    (None, _) => report.missing.push(format!("{id} absent")),
                    (Some(found), Some(title)) if *found != Some(title.as_str()) => {
                        report.missing.push(format!(
                            "{id}: job title {found:?}, last acknowledged {title:?}"
                        ))
                    }
                    _ => {}
                }
            }
        }
        Err(e) => report.missing.push(format!("final listing failed: {e}")),
    }
    report
}

async fn one_client(client: Client, index: usize, deadline: Instant) -> ClientLog {
    let mut log = ClientLog::default();
    let mut rng = Rng::new(index as u64 + 1);
    let mut mine: Vec<String> = Vec::new();
    let mut n = 0;
    while Instant::now() < deadline {
        n += 1;
        let roll = rng.below(100);
        let started = Instant::now();
        let pick = |rng: &mut Rng| mine[rng.below(mine.len() as u64) as usize].clone();
        let outcome = if roll < 30 || mine.is_empty() {
            let id = format!("load{index}-{n}@bench.example.com");
            let title = format!("created {n}");
            let result = client.create_agent(&id, "Load").job_title(&title).await;
            match result {
                Ok(_) => {
                    log.acked_creates += 1;
                    log.expected.insert(id.clone(), Some(title));
                    mine.push(id);
                    Ok(())
                }
                Err(e) => Err(e),
            }
        } else if roll < 50 {
            let id = pick(&mut rng);
            let title = format!("updated {n}");
            match client.update_agent(&id).job_title(&title).await {
                Ok(()) => {
                    log.acked_updates += 1;
                    if let Some(slot) = log.expected.get_mut(&id) {
                        if slot.is_some() {
                            *slot = Some(title);
                        }
                    }
                    Ok(())
                }
                Err(e) => {
                    log.expected.insert(id, None);
                    Err(e)
                }
            }
        } else if roll < 92 {
            client.get_agent(pick(&mut rng)).await.map(drop)
        } else {
            client.list_agents().await.map(drop)
        };
        log.latencies.push(started.elapsed());
        if let Err(e) = outcome {
            log.errors.push(e.to_string());
        }
    }
    log
}
