//! Accepting connections so that slow or idle clients cannot deny service to the others: a cap
//! on open connections where a new client makes the one silent longest give way, deadlines for a
//! request's headers, for its body and for its answer to be taken, a limit on how long a client
//! may send nothing, and an accept loop that survives running out of descriptors.

mod deadline;
mod slots;

pub use deadline::is_timed_out as body_timed_out;
pub use slots::Busy;
use slots::{Conn, Registry};

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore, TryAcquireError};
use tokio::time::Sleep;

/// Limits on the connections of one emulator.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
    /// For a request's body to arrive whole once its headers are in, and for an answer to be
    /// taken once its first byte is written.
    pub transfer_timeout: Duration,
    pub max_connections: usize,
}

/// Descriptors kept free for the state file, its lock, the runtime and the connections to
/// webhook receivers when the default cap is derived from the process's descriptor limit.
const RESERVED_DESCRIPTORS: u64 = 64 + crate::deliveries::MAX_OUTBOUND_DELIVERIES as u64;
const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// 512, or fewer when the descriptor limit would run out first: a full cap must leave
/// descriptors to save the state with.
pub fn default_max_connections() -> usize {
    let allowed = descriptor_limit()
        .map(|n| n.saturating_sub(RESERVED_DESCRIPTORS).max(1))
        .unwrap_or(DEFAULT_MAX_CONNECTIONS as u64);
    usize::try_from(allowed)
        .unwrap_or(DEFAULT_MAX_CONNECTIONS)
        .min(DEFAULT_MAX_CONNECTIONS)
}

#[cfg(unix)]
fn descriptor_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct it is given and nothing else.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    // rlim_t is not u64 everywhere.
    #[allow(clippy::unnecessary_cast)]
    let current = limit.rlim_cur as u64;
    (rc == 0 && limit.rlim_cur != libc::RLIM_INFINITY).then_some(current)
}

#[cfg(not(unix))]
fn descriptor_limit() -> Option<u64> {
    None
}

/// A socket that fails once it has waited `idle` without moving a byte either way, unless a
/// request on it is being handled, or once an answer has taken `transfer` to be written.
struct IdleLimited {
    inner: TcpStream,
    idle: Duration,
    transfer: Duration,
    conn: Arc<Conn>,
    read_deadline: Option<Pin<Box<Sleep>>>,
    write_deadline: Option<Pin<Box<Sleep>>>,
    /// Set by the first write of an answer, cleared when the next request starts arriving.
    answer_deadline: Option<Pin<Box<Sleep>>>,
}

fn timed_out() -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        "the client sent nothing for too long",
    )
}

/// What a pending read or write means for its deadline: started when the wait starts, and
/// expired into an error.
fn wait(
    deadline: &mut Option<Pin<Box<Sleep>>>,
    idle: Duration,
    busy: &Busy,
    cx: &mut Context<'_>,
) -> Poll<io::Error> {
    if busy.is_busy() {
        // The wait restarts once the answer is out.
        *deadline = None;
        return Poll::Pending;
    }
    let sleep = deadline.get_or_insert_with(|| Box::pin(tokio::time::sleep(idle)));
    match sleep.as_mut().poll(cx) {
        Poll::Ready(()) => Poll::Ready(timed_out()),
        Poll::Pending => Poll::Pending,
    }
}

impl AsyncRead for IdleLimited {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Pending => wait(&mut this.read_deadline, this.idle, &this.conn.busy, cx).map(Err),
            ready => {
                this.read_deadline = None;
                if buf.filled().len() > before {
                    this.conn.moved();
                    this.answer_deadline = None;
                }
                ready
            }
        }
    }
}

impl AsyncWrite for IdleLimited {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.answer_deadline.is_none() && !this.conn.busy.is_busy() {
            this.answer_deadline = Some(Box::pin(tokio::time::sleep(this.transfer)));
        }
        match Pin::new(&mut this.inner).poll_write(cx, data) {
            Poll::Pending => {
                if let Some(answer) = this.answer_deadline.as_mut() {
                    if answer.as_mut().poll(cx).is_ready() {
                        return Poll::Ready(Err(io::Error::new(
                            io::ErrorKind::TimedOut,
                            "the client took too long to take an answer",
                        )));
                    }
                }
                wait(&mut this.write_deadline, this.idle, &this.conn.busy, cx).map(Err)
            }
            ready => {
                this.write_deadline = None;
                if matches!(ready, Poll::Ready(Ok(n)) if n > 0) {
                    this.conn.moved();
                }
                ready
            }
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// The body length a request's `Content-Length` announces, if it announces one: a body over a
/// limit is refused from it before a byte is read.
pub fn announced_length(headers: &axum::http::HeaderMap) -> Option<u64> {
    headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
}

/// A request's body, up to `limit` bytes; or the answer when it is larger, or did not arrive
/// whole within the transfer deadline (`408`, and nothing more is read from the connection).
pub async fn read_body(
    body: axum::body::Body,
    limit: usize,
) -> Result<axum::body::Bytes, axum::response::Response> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let refusal = |status: axum::http::StatusCode, message: String| {
        let body = crate::error::Failure::validation(message)
            .body()
            .to_string();
        (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    match axum::body::to_bytes(body, limit).await {
        Ok(body) => Ok(body),
        Err(e) if body_timed_out(&e) => {
            let mut response = refusal(axum::http::StatusCode::REQUEST_TIMEOUT, e.to_string());
            // The rest of the body may still be on its way.
            response.headers_mut().insert(
                header::CONNECTION,
                header::HeaderValue::from_static("close"),
            );
            Err(response)
        }
        Err(_) => Err(refusal(
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is over {limit} bytes or did not arrive whole"),
        )),
    }
}

/// Accept errors that concern one connection only; the rest (out of descriptors, out of memory)
/// call for a pause before the next try.
fn concerns_one_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// One connection's requests, until it closes, gives way at the cap, or `stop` fires (then its
/// request in flight finishes first).
async fn serve_one<I>(
    io: I,
    service: TowerToHyperService<axum::Router>,
    limits: Limits,
    conn: &Conn,
    mut stop: watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let served = builder.serve_connection(TokioIo::new(io), service);
    tokio::pin!(served);
    tokio::select! {
        _ = served.as_mut() => return,
        _ = conn.evict.notified() => return,
        _ = stop.wait_for(|stopped| *stopped) => served.as_mut().graceful_shutdown(),
    }
    let _ = served.await;
}

/// Serves `app` until `stop` fires, then lets every open connection finish its request in flight
/// and returns once all are closed.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    limits: Limits,
    tls: Option<tokio_rustls::TlsAcceptor>,
    mut stop: watch::Receiver<bool>,
) -> io::Result<()> {
    let max = limits.max_connections.clamp(1, 1 << 20);
    let slots = Arc::new(Semaphore::new(max));
    let registry = Registry::new();
    let transfer = limits.transfer_timeout;
    let app = app.layer(axum::middleware::map_request(
        move |request: axum::extract::Request| async move {
            request.map(|body| deadline::Deadline::wrap(body, transfer))
        },
    ));
    loop {
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stop.wait_for(|stopped| *stopped) => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) if concerns_one_connection(&e) => continue,
            Err(_) => {
                // Out of descriptors, say: connections closing will free some.
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let slot = loop {
            match slots.clone().try_acquire_owned() {
                Ok(slot) => break Some(slot),
                Err(TryAcquireError::Closed) => return Err(io::Error::other("slots closed")),
                Err(TryAcquireError::NoPermits) => {}
            }
            // At the cap, the connection silent longest gives way to the new client. When
            // every one is being answered, the new client waits, and so does the backlog.
            registry.evict_longest_silent();
            tokio::select! {
                slot = slots.clone().acquire_owned() => break slot.ok(),
                _ = tokio::time::sleep(Duration::from_millis(50)) => {}
                _ = stop.wait_for(|stopped| *stopped) => break None,
            }
        };
        let Some(slot) = slot else { break };
        let _ = stream.set_nodelay(true);
        let entry = registry.enter();
        let io = IdleLimited {
            inner: stream,
            idle: limits.idle_timeout,
            transfer,
            conn: entry.conn.clone(),
            read_deadline: None,
            write_deadline: None,
            answer_deadline: None,
        };
        let service =
            TowerToHyperService::new(app.clone().layer(axum::Extension(entry.conn.busy.clone())));
        let stop = stop.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let evicted = entry.conn.clone();
            let Some(tls) = tls else {
                return serve_one(io, service, limits, &evicted, stop).await;
            };
            // The handshake is held to the time allowed for a request's headers.
            let handshake = tokio::select! {
                done = tokio::time::timeout(limits.header_read_timeout, tls.accept(io)) => done,
                _ = evicted.evict.notified() => return,
            };
            if let Ok(Ok(stream)) = handshake {
                serve_one(stream, service, limits, &evicted, stop).await;
            }
        });
    }
    // Every slot back means every connection is closed.
    let _all = slots.acquire_many(max as u32).await;
    Ok(())
}
