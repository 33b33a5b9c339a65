//! Slow and idle clients: header-read and idle timeouts, the connection cap and who gives way at
//! it, and an accept loop that outlives running out of descriptors. Loopback only, a few hundred connections at most,
//! each test bounded to seconds.

use crate::binary::{client, command, limited, start, Limit};
use crate::persistence::temp_dir;
use livechat_config_emulator::{Emulator, DEFAULT_TOKEN};
use std::io::{ErrorKind, Read, Write};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;

/// The start of a request whose headers never end.
const SLOWLORIS: &[u8] =
    b"POST /v3.6/configuration/action/list_tags HTTP/1.1\r\nHost: emulator\r\n";

pub fn list_tags_request() -> String {
    format!(
        "POST /v3.6/configuration/action/list_tags HTTP/1.1\r\nHost: emulator\r\n\
         Authorization: Bearer {DEFAULT_TOKEN}\r\nContent-Type: application/json\r\n\
         Content-Length: 2\r\n\r\n{{}}"
    )
}

/// Reads one `list_tags` answer (an empty list) off a kept-alive connection.
pub async fn read_empty_list_answer(stream: &mut TcpStream) -> Vec<u8> {
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while !answer.ends_with(b"[]") {
        let n = stream.read(&mut buf).await.unwrap();
        assert!(
            n > 0,
            "closed before answering: {}",
            String::from_utf8_lossy(&answer)
        );
        answer.extend_from_slice(&buf[..n]);
    }
    answer
}

/// Whether the server has closed this connection: end of stream or a reset, within `limit`.
pub async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut buf = [0u8; 1024];
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match timeout(left, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) => return true,
            Ok(Ok(_)) => continue,
            Ok(Err(_)) => return true,
        }
    }
}

#[tokio::test]
async fn a_normal_request_is_answered_with_300_slowloris_connections_open() {
    // The default cap (below the descriptor limit), and a cap above it, where accepting fails
    // with EMFILE until the timeouts free descriptors.
    for cap in [None, Some("1000")] {
        let dir = temp_dir(&format!("slowloris-{}", cap.unwrap_or("default")));
        let mut command = command(&dir.join("state.json"));
        command.args(["--header-read-timeout-ms", "1000"]);
        if let Some(cap) = cap {
            command.args(["--max-connections", cap]);
        }
        let (_child, url, _) = start(limited(command, Limit::Descriptors(256)));
        let addr = url.trim_start_matches("http://").to_string();

        let mut slow: Vec<std::net::TcpStream> = (0..300)
            .map(|_| {
                let mut stream = std::net::TcpStream::connect(&addr).unwrap();
                stream.write_all(SLOWLORIS).unwrap();
                stream
            })
            .collect();

        let started = Instant::now();
        let tags = timeout(Duration::from_secs(10), client(&url).list_tags())
            .await
            .unwrap_or_else(|_| panic!("no answer within 10 s (cap {cap:?})"))
            .unwrap();
        assert!(tags.is_empty());
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "answered late: {:?}",
            started.elapsed()
        );

        // The first ones held a slot, and gave way to later ones or were cut by the
        // header-read timeout.
        for stream in slow.iter_mut().take(20) {
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let mut buf = [0u8; 64];
            match stream.read(&mut buf) {
                Ok(0) => {}
                Err(e) if e.kind() == ErrorKind::ConnectionReset => {}
                other => panic!("a slow connection is still open: {other:?}"),
            }
        }
        drop(slow);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[tokio::test]
async fn headers_dripped_slowly_are_cut_at_the_header_read_timeout() {
    let emu = Emulator::builder()
        .header_read_timeout(Duration::from_millis(400))
        .idle_timeout(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let mut stream = TcpStream::connect(emu.local_addr()).await.unwrap();
    stream.write_all(SLOWLORIS).await.unwrap();
    let started = Instant::now();
    // Never idle: a header line every 100 ms.
    let mut cut = false;
    for i in 0..30 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if stream
            .write_all(format!("X-Drip-{i}: 1\r\n").as_bytes())
            .await
            .is_err()
        {
            cut = true;
            break;
        }
        let mut buf = [0u8; 64];
        if let Ok(Ok(0) | Err(_)) = timeout(Duration::from_millis(1), stream.read(&mut buf)).await {
            cut = true;
            break;
        }
    }
    assert!(cut, "the dripping client is still connected after 3 s");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_idle_connection_is_closed_but_a_slow_answer_is_not_cut() {
    let emu = Emulator::builder()
        .idle_timeout(Duration::from_millis(300))
        .header_read_timeout(Duration::from_secs(30))
        // Working out the answer takes twice the idle timeout.
        .latency(Duration::from_millis(600))
        .start()
        .await
        .unwrap();
    let mut stream = TcpStream::connect(emu.local_addr()).await.unwrap();
    stream
        .write_all(list_tags_request().as_bytes())
        .await
        .unwrap();
    let answer = timeout(Duration::from_secs(5), read_empty_list_answer(&mut stream))
        .await
        .expect("the answer arrives");
    assert!(answer.starts_with(b"HTTP/1.1 200"));
    // Kept alive, then closed for sending nothing.
    let idle = Instant::now();
    assert!(closed_within(&mut stream, Duration::from_secs(3)).await);
    assert!(
        idle.elapsed() >= Duration::from_millis(250),
        "{:?}",
        idle.elapsed()
    );
}

#[tokio::test]
async fn at_the_cap_the_connection_silent_longest_gives_way() {
    let emu = Emulator::builder()
        .max_connections(2)
        .header_read_timeout(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let mut oldest = TcpStream::connect(emu.local_addr()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut recent = TcpStream::connect(emu.local_addr()).await.unwrap();
    recent.write_all(SLOWLORIS).await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let tags = timeout(Duration::from_secs(2), emu.client().list_tags())
        .await
        .expect("served at once")
        .unwrap();
    assert!(tags.is_empty());
    assert!(closed_within(&mut oldest, Duration::from_secs(1)).await);
    assert!(!closed_within(&mut recent, Duration::from_millis(300)).await);
}

#[tokio::test]
async fn at_the_cap_a_connection_being_answered_never_gives_way() {
    let emu = Emulator::builder()
        .max_connections(2)
        // Each answer takes 800 ms to work out.
        .latency(Duration::from_millis(800))
        .start()
        .await
        .unwrap();
    let mut busy = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(emu.local_addr()).await.unwrap();
        stream
            .write_all(list_tags_request().as_bytes())
            .await
            .unwrap();
        busy.push(stream);
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let client = emu.client();
    let started = Instant::now();
    let waiting = tokio::spawn(async move { client.list_tags().await });
    // Both answers arrive whole: neither connection was closed for the newcomer.
    for stream in &mut busy {
        let answer = timeout(Duration::from_secs(5), read_empty_list_answer(stream))
            .await
            .expect("answered");
        assert!(answer.starts_with(b"HTTP/1.1 200"));
    }
    let tags = timeout(Duration::from_secs(5), waiting)
        .await
        .expect("served once a connection gave way")
        .unwrap()
        .unwrap();
    assert!(tags.is_empty());
    assert!(started.elapsed() >= Duration::from_millis(700));
}
