//! A server answering fixed bodies per action, in a process of its own, so the client rows
//! measure the client: `canned [--core N]` prints `http://127.0.0.1:PORT` on its first line and
//! serves until its standard input closes.
//!
//! The bodies are the reference payloads of `tests/reference/v3.6`, which the sdk's own tests
//! decode; `list_agents` repeats the reference's agents to 20 with distinct ids.

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::Value;
use std::io::{BufRead, Write};
use std::sync::Arc;

const GET_AGENT: &str = include_str!("../../../tests/reference/v3.6/get_agent.json");
const LIST_AGENTS: &str = include_str!("../../../tests/reference/v3.6/list_agents.json");
const CREATE_AGENT: &str = include_str!("../../../tests/reference/v3.6/create_agent.json");
/// As many agents as the emulator rows seed.
const LISTED_AGENTS: usize = 20;

struct Bodies {
    get_agent: Bytes,
    list_agents: Bytes,
    create_agent: Bytes,
}

fn compact(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| e.to_string())
}

fn bodies() -> Result<Bodies, String> {
    let reference = compact(LIST_AGENTS)?;
    let agents = reference
        .as_array()
        .ok_or("list_agents reference is not a list")?;
    let listed: Vec<Value> = (0..LISTED_AGENTS)
        .map(|i| {
            let mut agent = agents[i % agents.len()].clone();
            agent["id"] = Value::from(format!("agent{i}@example.com"));
            agent
        })
        .collect();
    let to_bytes = |v: &Value| Bytes::from(serde_json::to_vec(v).unwrap_or_default());
    Ok(Bodies {
        get_agent: to_bytes(&compact(GET_AGENT)?),
        list_agents: to_bytes(&Value::from(listed)),
        create_agent: to_bytes(&compact(CREATE_AGENT)?),
    })
}

fn json(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// A batch answer has one item per request, so it is the one body built per call.
fn batch(item: &[u8], request: &[u8]) -> Response {
    let count = serde_json::from_slice::<Value>(request)
        .ok()
        .and_then(|v| v["requests"].as_array().map(Vec::len));
    let Some(count) = count else {
        return (StatusCode::BAD_REQUEST, "no `requests` list").into_response();
    };
    let mut body = Vec::with_capacity(16 + count * (item.len() + 1));
    body.extend_from_slice(b"{\"responses\":[");
    for i in 0..count {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(item);
    }
    body.extend_from_slice(b"]}");
    json(Bytes::from(body))
}

async fn action(bodies: Arc<Bodies>, name: &str, request: Bytes) -> Response {
    match name {
        "get_agent" => json(bodies.get_agent.clone()),
        "list_agents" => json(bodies.list_agents.clone()),
        "create_agent" => json(bodies.create_agent.clone()),
        "batch_create_agents" => batch(&bodies.create_agent, &request),
        _ => (StatusCode::NOT_FOUND, "no canned answer").into_response(),
    }
}

/// Pins the calling thread, and so every thread it starts later, to one core.
fn pin(core: usize) -> Result<(), String> {
    // SAFETY: the set is zeroed, then filled by the libc macros, and lives across the call.
    let result = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        libc::CPU_SET(core, &mut set);
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set)
    };
    if result == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error().to_string())
    }
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => {}
        [flag, core] if flag == "--core" => {
            pin(core.parse().map_err(|_| "--core takes a number")?)?;
        }
        _ => return Err("usage: canned [--core N]".into()),
    }
    let bodies = Arc::new(bodies()?);
    // One thread: the server gets one core, and its cost stays out of the clients' process.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        let app = Router::new().route(
            "/v3.6/configuration/action/{action}",
            post(move |Path(name): Path<String>, body: Bytes| {
                let bodies = bodies.clone();
                async move { action(bodies, &name, body).await }
            }),
        );
        let mut stdout = std::io::stdout();
        writeln!(stdout, "http://{address}").map_err(|e| e.to_string())?;
        stdout.flush().map_err(|e| e.to_string())?;
        // The parent closing our stdin (or dying) ends the server.
        let stop = tokio::task::spawn_blocking(|| {
            let mut line = String::new();
            while std::io::stdin().lock().read_line(&mut line).unwrap_or(0) > 0 {
                line.clear();
            }
        });
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stop.await;
            })
            .await
            .map_err(|e| e.to_string())
    })
}
