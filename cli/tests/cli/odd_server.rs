//! A server on loopback that answers every call with the same body, whatever the action: what
//! the license reading must survive without a panic.

use crate::support::{bare, run, scratch, write};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves `body` to every request until the test ends; answers the base URL.
async fn answering(body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buf = [0u8; 8192];
                loop {
                    let Ok(n) = socket.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..n]);
                    let Some(end) = seen.windows(4).position(|w| w == b"\r\n\r\n") else {
                        continue;
                    };
                    let head = String::from_utf8_lossy(&seen[..end]).to_ascii_lowercase();
                    let length = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(0);
                    if seen.len() >= end + 4 + length {
                        break;
                    }
                }
                let reply = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    base
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_without_ids_or_of_the_wrong_shape_never_crash_export_or_plan() {
    let dir = scratch("odd_server");
    let file = write(
        &dir,
        "a.toml",
        "[[agents]]\nid = \"a@example.com\"\nname = \"A\"\n\n[[tags]]\nname = \"t\"\n",
    );
    for body in [
        r#"[{"name": "x"}, {"name": "y"}, {"id": "z"}]"#,
        r#"{"greetings": 5}"#,
        "[1, \"two\", null]",
        "{}",
    ] {
        let base = answering(body).await;
        for args in [
            &["export"][..],
            &["plan", &file],
            &["apply", &file, "--yes"],
        ] {
            let mut command = bare();
            command
                .env("LIVECHAT_TOKEN", "dal:t")
                .env("LIVECHAT_BASE_URL", &base)
                .env("LIVECHAT_CLIENT_ID", "c");
            let ran = run(command, args).await;
            assert_ne!(ran.code, 101, "{args:?} with {body}: {}", ran.stderr);
            assert!(
                !ran.stderr.contains("panicked"),
                "{args:?} with {body}: {}",
                ran.stderr
            );
        }
    }
}
