//! A raw TCP server for faults an HTTP framework will not produce: resets, bodies cut short,
//! bytes that are not HTTP. It reads one request per connection, counts it, and answers as the
//! test scripted; the connection is closed after each answer.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does once it has read a request.
#[derive(Debug, Clone)]
pub enum RawReply {
    /// Resets the connection (RST) without answering.
    Reset,
    /// Writes these bytes, then closes.
    Bytes(Vec<u8>),
}

impl RawReply {
    /// A well-formed HTTP answer with a JSON body.
    pub fn ok_json(body: &str) -> Self {
        RawReply::Bytes(
            format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            )
            .into_bytes(),
        )
    }

    /// An answer whose body stops before its announced length.
    pub fn truncated(status: u16, announced: usize, body: &str) -> Self {
        RawReply::Bytes(
            format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {announced}\r\nconnection: close\r\n\r\n{body}"
            )
            .into_bytes(),
        )
    }
}

pub struct RawServer {
    pub base_url: String,
    requests: Arc<AtomicUsize>,
}

impl RawServer {
    /// Answers the n-th request with `script[n]`, and every later one with the last entry.
    pub async fn start(script: Vec<RawReply>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let script = Arc::new(Mutex::new(script));
        let counter = requests.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let counter = counter.clone();
                let script = script.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, counter, script).await;
                });
            }
        });
        RawServer { base_url, requests }
    }

    /// How many complete requests arrived.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

async fn serve(
    mut stream: TcpStream,
    counter: Arc<AtomicUsize>,
    script: Arc<Mutex<Vec<RawReply>>>,
) -> std::io::Result<()> {
    read_request(&mut stream).await?;
    let n = counter.fetch_add(1, Ordering::SeqCst);
    let reply = {
        let script = script.lock().unwrap();
        script[n.min(script.len() - 1)].clone()
    };
    match reply {
        RawReply::Reset => {
            // A zero linger makes the close an RST; with zero there is nothing to block on.
            #[allow(deprecated)]
            stream.set_linger(Some(std::time::Duration::ZERO))?;
            drop(stream);
        }
        RawReply::Bytes(bytes) => {
            stream.write_all(&bytes).await?;
            stream.shutdown().await?;
        }
    }
    Ok(())
}

/// Reads headers and a `content-length` body.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + length {
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    return Err(std::io::ErrorKind::UnexpectedEof.into());
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Ok(());
        }
    }
}
