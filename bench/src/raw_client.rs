//! The least a call can cost: one blocking keep-alive HTTP/1.1 connection on a raw
//! `TcpStream`, the request written in one piece, the answer read by `Content-Length` and parsed
//! into a `serde_json::Value` (the same decoding as the bare reqwest floor).

use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpStream;

pub struct RawClient {
    stream: TcpStream,
    host: String,
    token: String,
    buffer: Vec<u8>,
    request: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &[u8]) -> Option<usize> {
    let head = std::str::from_utf8(head).ok()?;
    head.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())?
    })
}

impl RawClient {
    /// Connects to `http://host:port`.
    pub fn connect(base_url: &str, token: &str) -> Result<Self, String> {
        let host = base_url
            .strip_prefix("http://")
            .ok_or_else(|| format!("{base_url}: only http:// URLs"))?
            .trim_end_matches('/')
            .to_string();
        let stream = TcpStream::connect(&host).map_err(|e| format!("{host}: {e}"))?;
        stream.set_nodelay(true).map_err(|e| e.to_string())?;
        Ok(RawClient {
            stream,
            host,
            token: token.to_string(),
            buffer: Vec::with_capacity(8192),
            request: Vec::with_capacity(512),
        })
    }

    /// POSTs `body` to the action and returns its decoded 200 answer.
    pub fn call(&mut self, action: &str, body: &[u8]) -> Result<Value, String> {
        self.request.clear();
        write!(
            self.request,
            "POST /v3.6/configuration/action/{action} HTTP/1.1\r\nhost: {}\r\nauthorization: Bearer {}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            self.host,
            self.token,
            body.len()
        )
        .map_err(|e| e.to_string())?;
        self.request.extend_from_slice(body);
        self.stream
            .write_all(&self.request)
            .map_err(|e| e.to_string())?;
        self.buffer.clear();
        let mut chunk = [0u8; 8192];
        let (head_end, length) = loop {
            if let Some(end) = find(&self.buffer, b"\r\n\r\n") {
                let length =
                    content_length(&self.buffer[..end]).ok_or("answer without content-length")?;
                break (end + 4, length);
            }
            self.read_more(&mut chunk)?;
        };
        if !self.buffer.starts_with(b"HTTP/1.1 200") {
            return Err(format!(
                "{action}: {}",
                String::from_utf8_lossy(&self.buffer[..head_end.min(40)])
            ));
        }
        while self.buffer.len() < head_end + length {
            self.read_more(&mut chunk)?;
        }
        serde_json::from_slice(&self.buffer[head_end..head_end + length]).map_err(|e| e.to_string())
    }

    fn read_more(&mut self, chunk: &mut [u8]) -> Result<(), String> {
        match self.stream.read(chunk) {
            Ok(0) => Err("connection closed mid-answer".into()),
            Ok(n) => {
                self.buffer.extend_from_slice(&chunk[..n]);
                Ok(())
            }
            Err(e) => Err(e.to_string()),
        }
    }
}
