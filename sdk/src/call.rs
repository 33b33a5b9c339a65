//! A call being put together: optional parameters and per-call settings, sent when awaited.

use crate::client::{CallOptions, Settings};
use crate::{Client, Error, Request, RetryPolicy};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

/// A call being put together: set optional parameters with its builder methods, then `.await` it.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, R> {
    client: &'a Client,
    request: R,
    /// `None` until a setting is made: most calls have none, and the call is moved into its
    /// future whole.
    options: Option<Box<CallOptions>>,
}

impl<'a, R> Call<'a, R> {
    pub(crate) fn new(client: &'a Client, request: R) -> Self {
        Self {
            client,
            request,
            options: None,
        }
    }

    /// Changes the request before it is sent.
    pub fn map(self, f: impl FnOnce(R) -> R) -> Self {
        Self {
            request: f(self.request),
            ..self
        }
    }

    /// How long each attempt of this call may take, instead of the client's timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options_mut().timeout = Some(timeout);
        self
    }

    /// When this call is retried, instead of the client's policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.options_mut().retry = Some(policy);
        self
    }

    /// A header sent with this call, besides the client's (e.g. `X-Debug-Id`); it replaces a
    /// client header of the same name. An invalid name or value, or one of the headers the
    /// client sets itself (`Authorization`, `Content-Type`, `X-Region`, …), fails the call with
    /// [`Error::Config`](crate::Error::Config) before anything is sent.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.options_mut().headers.insert(name, value);
        self
    }

    fn options_mut(&mut self) -> &mut CallOptions {
        self.options.get_or_insert_with(Default::default)
    }

    fn options(&self) -> &CallOptions {
        self.options
            .as_deref()
            .unwrap_or_else(|| CallOptions::none())
    }

    /// The request as it would be sent.
    pub fn request(&self) -> &R {
        &self.request
    }

    /// The client, the request and the call's settings, for the page walker.
    pub(crate) fn into_parts(self) -> (&'a Client, R, CallOptions) {
        let options = self.options.map(|o| *o).unwrap_or_default();
        (self.client, self.request, options)
    }

    /// The request, without sending it (to batch it, say).
    pub fn into_request(self) -> R {
        self.request
    }
}

impl<R: fmt::Debug> fmt::Debug for Call<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("request", &self.request)
            .field("options", self.options())
            .finish()
    }
}

impl<'a, R: Request> IntoFuture for Call<'a, R> {
    type Output = Result<R::Response, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        let options = match self.options {
            Some(options) => Settings::Own(options),
            None => Settings::Shared(CallOptions::none()),
        };
        // The future of `send_with` itself, borrowing nothing from the call: an async block
        // around it would be one more state to build and one more copy of the answer.
        Box::pin(self.client.send_with(&self.request, options))
    }
}
