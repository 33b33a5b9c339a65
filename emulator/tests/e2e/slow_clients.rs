//! The attacks on the accept loop, in the shapes they were first run: slow bodies, clients that
//! pipeline and never read, and crowds of idle keep-alive connections, against the binary under a
//! 256-descriptor limit; and the transfer deadline that bounds a body and an answer.

use crate::binary::{client, command, limited, start, Limit};
use crate::connections::{list_tags_request, read_empty_list_answer};
use crate::persistence::temp_dir;
use livechat_config::RetryPolicy;
use livechat_config_emulator::{Emulator, DEFAULT_TOKEN};
use std::io::Write;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::timeout;

/// Headers that promise a body of 100 bytes, and its first byte.
fn slow_body_start() -> String {
    format!(
        "POST /v3.6/configuration/action/list_tags HTTP/1.1\r\nHost: emulator\r\n\
         Authorization: Bearer {DEFAULT_TOKEN}\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\n\r\n{{"
    )
}

/// The soft descriptor limit of this process, raised to its hard limit.
fn raise_descriptor_limit() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read and write the struct they are given and nothing else.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit), 0);
        limit.rlim_cur = limit.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
    }
    #[allow(clippy::unnecessary_cast)]
    let current = limit.rlim_cur as u64;
    current
}

#[derive(Debug, Clone, Copy)]
enum Attack {
    /// Complete headers, then a byte of the body every second.
    SlowBodies,
    /// A hundred requests sent at once, and no answer ever read.
    NeverReading,
}

#[tokio::test]
async fn six_probes_are_answered_with_300_slow_bodies_or_never_readers_open() {
    for attack in [Attack::SlowBodies, Attack::NeverReading] {
        let dir = temp_dir(&format!("slow-bodies-{attack:?}"));
        // Every timeout at its default: what frees a slot is the new client's arrival.
        let (_child, url, _) = start(limited(
            command(&dir.join("state.json")),
            Limit::Descriptors(256),
        ));
        let addr = url.trim_start_matches("http://").to_string();
        let opening = match attack {
            Attack::SlowBodies => slow_body_start(),
            Attack::NeverReading => list_tags_request().repeat(100),
        };
        let mut attackers: Vec<std::net::TcpStream> = (0..300)
            .map(|_| {
                let mut stream = std::net::TcpStream::connect(&addr).unwrap();
                stream.write_all(opening.as_bytes()).unwrap();
                stream
            })
            .collect();
        let probe =
            livechat_config::Client::builder(livechat_config::Credentials::bearer(DEFAULT_TOKEN))
                .base_url(&url)
                .retry(RetryPolicy::none())
                .build()
                .unwrap();
        for round in 0..6 {
            if let Attack::SlowBodies = attack {
                for stream in &mut attackers {
                    let _ = stream.write_all(b" ");
                }
            }
            let started = Instant::now();
            let tags = timeout(Duration::from_secs(5), probe.list_tags())
                .await
                .unwrap_or_else(|_| panic!("{attack:?}: probe {round} unanswered after 5 s"))
                .unwrap();
            assert!(tags.is_empty());
            assert!(
                started.elapsed() < Duration::from_secs(3),
                "{attack:?}: probe {round} took {:?}",
                started.elapsed()
            );
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        drop(attackers);
        // A fresh client still gets through with the sdk's own connection handling.
        assert!(client(&url).list_tags().await.unwrap().is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[tokio::test]
async fn thousands_of_idle_keep_alive_connections_cost_a_new_request_nothing() {
    let dir = temp_dir("idle-crowd");
    let mut command = command(&dir.join("state.json"));
    // An idle connection would keep its slot for 30 s if nothing made it give way.
    command.args(["--header-read-timeout-ms", "30000"]);
    let (_child, url, _) = start(limited(command, Limit::Descriptors(256)));
    let addr: std::net::SocketAddr = url.trim_start_matches("http://").parse().unwrap();
    // Room for this process's other tests too.
    let crowd = (raise_descriptor_limit().saturating_sub(512) as usize).min(10_000);
    assert!(
        crowd > 400,
        "too few descriptors to crowd a 192-slot emulator: {crowd}"
    );
    let request = list_tags_request();
    let mut idle = Vec::with_capacity(crowd);
    let mut slowest = Duration::ZERO;
    for _ in 0..crowd {
        let started = Instant::now();
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let answer = timeout(Duration::from_secs(5), read_empty_list_answer(&mut stream))
            .await
            .unwrap_or_else(|_| panic!("request {} unanswered after 5 s", idle.len()));
        assert!(answer.starts_with(b"HTTP/1.1 200"));
        slowest = slowest.max(started.elapsed());
        // Kept open, sending nothing.
        idle.push(stream);
    }
    assert!(
        slowest < Duration::from_secs(2),
        "slowest answer: {slowest:?}"
    );
    // The emulator holds at most its cap of them: the oldest have been closed.
    let mut buf = [0u8; 16];
    let first = timeout(Duration::from_secs(1), idle[0].read(&mut buf)).await;
    assert!(
        matches!(first, Ok(Ok(0) | Err(_))),
        "the oldest idle connection is still open: {first:?}"
    );
    let started = Instant::now();
    let tags = timeout(Duration::from_secs(5), client(&url).list_tags())
        .await
        .expect("answered")
        .unwrap();
    assert!(tags.is_empty());
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_body_trickling_past_the_transfer_timeout_is_answered_408_and_cut() {
    let emu = Emulator::builder()
        .transfer_timeout(Duration::from_millis(500))
        .idle_timeout(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let mut stream = TcpStream::connect(emu.local_addr()).await.unwrap();
    stream
        .write_all(slow_body_start().as_bytes())
        .await
        .unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    // Never idle: a byte every 100 ms, as long as the connection takes them.
    'drip: for _ in 0..50 {
        if stream.write_all(b" ").await.is_err() {
            break;
        }
        let wait = timeout(Duration::from_millis(100), stream.read(&mut buf)).await;
        if let Ok(read) = wait {
            match read {
                Ok(0) | Err(_) => break 'drip,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            }
        }
    }
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(
        text.to_ascii_lowercase().contains("connection: close"),
        "{text}"
    );
    assert!(text.contains("did not arrive whole within"), "{text}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // The emulator is unharmed.
    assert!(emu.client().list_tags().await.unwrap().is_empty());
}

#[tokio::test]
async fn answers_taken_slowly_past_the_transfer_timeout_are_cut() {
    let emu = Emulator::builder()
        .transfer_timeout(Duration::from_millis(500))
        .idle_timeout(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let document = "/emulator/openapi/v3.6.json";
    let one_answer = reqwest::get(format!("{}{document}", emu.base_url()))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .len();
    // Twenty answers, more than the kernel's buffers hold, taken 1 KiB every 50 ms.
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let mut stream = socket.connect(emu.local_addr()).await.unwrap();
    let request = format!("GET {document} HTTP/1.1\r\nHost: emulator\r\n\r\n");
    stream
        .write_all(request.repeat(20).as_bytes())
        .await
        .unwrap();
    let mut taken = 0usize;
    let mut buf = vec![0u8; 1024];
    let trickle = Instant::now();
    while trickle.elapsed() < Duration::from_secs(2) {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => taken += n,
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Then as fast as possible: what was sent before the cut, and the end.
    let mut buf = vec![0u8; 1 << 16];
    let ended = timeout(Duration::from_secs(10), async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => taken += n,
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "still open 10 s after the trickle");
    assert!(
        taken < 20 * one_answer,
        "all {taken} bytes of the answers went out"
    );
    assert!(emu.client().list_tags().await.unwrap().is_empty());
}
