//! The read workload every comparison runs: `get_agent` and `list_agents` in turn, against agents
//! seeded beforehand, through the sdk or through bare reqwest + serde_json.

use futures_util::stream::{self, StreamExt};
use livechat_config::{Client, CreateAgentRequest, Error};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// How many agents the read workload has to choose from (and `list_agents` returns).
pub const SEEDED_AGENTS: usize = 20;

/// Creates the agents the workload reads; returns their ids.
pub async fn seed_agents(client: &Client) -> Result<Vec<String>, String> {
    let ids: Vec<String> = (0..SEEDED_AGENTS)
        .map(|i| format!("reader{i}@bench.example.com"))
        .collect();
    let results = client
        .batch_create_agents(
            ids.iter()
                .map(|id| CreateAgentRequest::new(id.clone(), "Bench Reader").job_title("Support")),
        )
        .await
        .map_err(|e| e.to_string())?;
    for result in results {
        result.map_err(|e| e.to_string())?;
    }
    Ok(ids)
}

/// Call `i` of the workload through the sdk.
pub async fn sdk_call(client: &Client, ids: &[String], i: usize) -> Result<(), Error> {
    if i.is_multiple_of(2) {
        client.get_agent(&ids[(i / 2) % ids.len()]).await.map(drop)
    } else {
        client.list_agents().await.map(drop)
    }
}

/// `calls` calls one after another through the sdk.
pub async fn sdk_sequential(
    client: &Client,
    ids: &[String],
    calls: usize,
) -> Result<Duration, Error> {
    let started = Instant::now();
    for i in 0..calls {
        sdk_call(client, ids, i).await?;
    }
    Ok(started.elapsed())
}

/// `calls` calls through the sdk with `in_flight` of them outstanding at any time.
pub async fn sdk_concurrent(
    client: &Client,
    ids: &[String],
    calls: usize,
    in_flight: usize,
) -> Result<Duration, Error> {
    let started = Instant::now();
    let mut answers = stream::iter(0..calls)
        .map(|i| sdk_call(client, ids, i))
        .buffer_unordered(in_flight);
    while let Some(answer) = answers.next().await {
        answer?;
    }
    Ok(started.elapsed())
}

/// The same calls written by hand: a POST with a JSON body, the answer parsed into a `Value`.
pub struct Bare {
    http: reqwest::Client,
    base_url: String,
    authorization: String,
    timeout: Option<Duration>,
}

impl Bare {
    pub fn new(base_url: &str, token: &str) -> Result<Self, String> {
        Ok(Bare {
            http: reqwest::Client::builder()
                .build()
                .map_err(|e| e.to_string())?,
            base_url: base_url.trim_end_matches('/').to_string(),
            authorization: format!("Bearer {token}"),
            timeout: None,
        })
    }

    /// The same, each request with a timeout of its own, as the sdk gives every attempt.
    pub fn with_timeout(self, timeout: Duration) -> Self {
        Bare {
            timeout: Some(timeout),
            ..self
        }
    }

    async fn post(&self, action: &str, body: &Value) -> Result<Value, String> {
        let bytes = serde_json::to_vec(body).map_err(|e| e.to_string())?;
        let mut request = self
            .http
            .post(format!(
                "{}{}{action}",
                self.base_url,
                livechat_config::ACTION_PATH
            ))
            .header("authorization", &self.authorization)
            .header("content-type", "application/json")
            .body(bytes);
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        let body = response.bytes().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("{action}: HTTP {status}"));
        }
        serde_json::from_slice(&body).map_err(|e| e.to_string())
    }

    /// One `get_agent`, its answer parsed.
    pub async fn get_agent(&self, id: &str) -> Result<(), String> {
        self.post("get_agent", &json!({ "id": id })).await.map(drop)
    }

    /// Call `i` of the workload.
    pub async fn call(&self, ids: &[String], i: usize) -> Result<(), String> {
        if i.is_multiple_of(2) {
            self.post("get_agent", &json!({"id": ids[(i / 2) % ids.len()]}))
                .await
                .map(drop)
        } else {
            self.post("list_agents", &json!({})).await.map(drop)
        }
    }

    pub async fn sequential(&self, ids: &[String], calls: usize) -> Result<Duration, String> {
        let started = Instant::now();
        for i in 0..calls {
            self.call(ids, i).await?;
        }
        Ok(started.elapsed())
    }
}
