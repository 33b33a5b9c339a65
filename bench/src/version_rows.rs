//! What serving a version beside the stable one costs the emulator: the same calls through v3.6
//! and through v3.7, whose shared actions the emulator serves with v3.6's handlers, the request and
//! the answer converted on the way.

use crate::rows::Sizes;
use crate::state_rows::license_of;
use crate::stats::Spread;
use crate::table::Row;
use futures_util::future::try_join_all;
use livechat_config::{v3_7, Client};
use std::time::Instant;

const CLIENTS: usize = 20;

#[derive(Clone)]
enum Via {
    Stable(Client),
    Preview(v3_7::Client),
}

impl Via {
    /// `get_agent` then `update_agent` of one agent: a lookup and a change.
    async fn calls(&self, id: &str, round: usize) -> Result<(), String> {
        let title = format!("Round {round}");
        match self {
            Via::Stable(c) => {
                c.get_agent(id).await.map_err(|e| e.to_string())?;
                c.update_agent(id).job_title(title).await
            }
            Via::Preview(c) => {
                c.get_agent(id).await.map_err(|e| e.to_string())?;
                c.update_agent(id).job_title(title).await
            }
        }
        .map_err(|e| e.to_string())
    }
}

/// Calls per second of [`CLIENTS`] concurrent clients, each on its own agents.
async fn calls_per_second(via: &Via, ids: &[String], round: usize) -> Result<f64, String> {
    let start = Instant::now();
    let tasks = (0..CLIENTS).map(|c| {
        let via = via.clone();
        let ids: Vec<String> = ids.iter().skip(c).step_by(CLIENTS).cloned().collect();
        async move {
            for id in &ids {
                via.calls(id, round).await?;
            }
            Ok::<_, String>(ids.len() * 2)
        }
    });
    let calls: usize = try_join_all(tasks).await?.into_iter().sum();
    Ok(calls as f64 / start.elapsed().as_secs_f64())
}

/// v3.7's calls per second ÷ v3.6's, the two alternating in each round on one license.
pub async fn shared_actions(sizes: &Sizes) -> Result<Row, String> {
    let (emulator, ids) = license_of(500_000).await?;
    let stable = Via::Stable(emulator.client());
    let preview = Via::Preview(v3_7::Client::from(emulator.client()));
    let (mut v36, mut v37, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..sizes.rounds {
        let a = calls_per_second(&stable, &ids, round).await?;
        let b = calls_per_second(&preview, &ids, round).await?;
        v36.push(a);
        v37.push(b);
        ratios.push(b / a);
    }
    let v36 = Spread::of(&v36).ok_or("no rounds")?;
    let v37 = Spread::of(&v37).ok_or("no rounds")?;
    let ratio = Spread::of(&ratios).ok_or("no rounds")?;
    Ok(Row::new(
        format!(
            "Emulator calls through v3.7 ÷ through v3.6: {CLIENTS} clients, get_agent + update_agent of each of {} agents",
            ids.len()
        ),
        format!(
            "{} through v3.6; {} through v3.7; {}",
            v36.with_unit(0, "calls/s"),
            v37.with_unit(0, "calls/s"),
            ratio.ratio(2)
        ),
    ))
}
