//! A request body that must arrive whole within a deadline counted from its headers, so a client
//! dripping a byte now and then cannot hold a connection for ever.

use axum::body::{Body, Bytes, HttpBody};
use http_body::Frame;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::time::Sleep;

/// The error a body past its deadline ends with.
#[derive(Debug)]
pub struct BodyTimedOut(pub Duration);

impl fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the body did not arrive whole within {:?}", self.0)
    }
}

impl std::error::Error for BodyTimedOut {}

/// Whether reading a body failed because its deadline passed.
pub fn is_timed_out(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(error) = cause {
        if error.is::<BodyTimedOut>() {
            return true;
        }
        cause = error.source();
    }
    false
}

pub struct Deadline {
    inner: Body,
    limit: Duration,
    sleep: Pin<Box<Sleep>>,
}

impl Deadline {
    pub fn wrap(inner: Body, limit: Duration) -> Body {
        if inner.is_end_stream() {
            return inner;
        }
        Body::new(Deadline {
            inner,
            limit,
            sleep: Box::pin(tokio::time::sleep(limit)),
        })
    }
}

impl HttpBody for Deadline {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            return Poll::Ready(frame);
        }
        match this.sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(axum::Error::new(BodyTimedOut(this.limit))))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
