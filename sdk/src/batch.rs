//! The batch helpers: any number of requests of one action, sent as batch calls of a bounded
//! size, several in flight at once, answered one result per request in input order.

use crate::client::CallOptions;
use crate::{BatchItem, BatchRequest, Client, Error, RetryPolicy};
use futures_util::stream::{self, StreamExt};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

/// One result per request of a batch, in the order the requests were given.
pub type BatchResults<T> = Vec<Result<T, Error>>;

/// A batch helper call: set chunking and per-call settings, then `.await` it.
///
/// A request that breaks a documented rule gets [`Error::InvalidRequest`] and is not sent; the
/// rest go out in batch calls of [`chunk_size`](Self::chunk_size) requests, up to
/// [`concurrency`](Self::concurrency) at once. An item the API rejects gets its
/// [`Error::Api`]; a batch call that fails as a whole (transport, timeout, an undecodable answer)
/// gives its error to each of its items. The outer `Result` fails only when nothing could be sent
/// at all (an unusable client configuration).
#[must_use = "a call does nothing until it is awaited"]
pub struct BatchCall<'a, R> {
    client: &'a Client,
    requests: Vec<R>,
    chunk_size: usize,
    concurrency: usize,
    options: CallOptions,
}

impl<'a, R> BatchCall<'a, R> {
    pub(crate) fn new(client: &'a Client, requests: impl IntoIterator<Item = R>) -> Self {
        let settings = client.batch_settings();
        Self {
            client,
            requests: requests.into_iter().collect(),
            chunk_size: settings.chunk_size,
            concurrency: settings.concurrency,
            options: CallOptions::default(),
        }
    }

    /// How many requests go in one batch call (at least 1), instead of the client's setting.
    pub fn chunk_size(mut self, size: usize) -> Self {
        self.chunk_size = size.max(1);
        self
    }

    /// How many batch calls are in flight at once (at least 1), instead of the client's setting.
    pub fn concurrency(mut self, calls: usize) -> Self {
        self.concurrency = calls.max(1);
        self
    }

    /// How long each attempt of each batch call may take, instead of the client's timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// When each batch call is retried, instead of the client's policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = Some(policy);
        self
    }

    /// A header sent with each batch call, besides the client's (e.g. `X-Debug-Id`); it replaces a
    /// client header of the same name. An invalid name or value, or one of the headers the
    /// client sets itself (`Authorization`, `Content-Type`, `X-Region`, …), fails the call with
    /// [`Error::Config`](crate::Error::Config) before anything is sent.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.options.headers.insert(name, value);
        self
    }

    /// The requests, in order.
    pub fn requests(&self) -> &[R] {
        &self.requests
    }
}

impl<R: fmt::Debug> fmt::Debug for BatchCall<'_, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchCall")
            .field("requests", &self.requests)
            .field("chunk_size", &self.chunk_size)
            .field("concurrency", &self.concurrency)
            .field("options", &self.options)
            .finish()
    }
}

impl<'a, R: BatchItem> IntoFuture for BatchCall<'a, R> {
    type Output = Result<BatchResults<R::Response>, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

impl<R: BatchItem> BatchCall<'_, R> {
    async fn run(self) -> Result<BatchResults<R::Response>, Error> {
        self.client.authorization_usable()?;
        let total = self.requests.len();
        let mut results: Vec<Option<Result<R::Response, Error>>> =
            (0..total).map(|_| None).collect();
        let mut valid = Vec::with_capacity(total);
        for (index, request) in self.requests.into_iter().enumerate() {
            match crate::client::check(&request) {
                Ok(()) => valid.push((index, request)),
                Err(invalid) => results[index] = Some(Err(invalid)),
            }
        }

        let mut chunks = Vec::new();
        let mut rest = valid.into_iter().peekable();
        while rest.peek().is_some() {
            let chunk: Vec<(usize, R)> = rest.by_ref().take(self.chunk_size).collect();
            chunks.push(chunk);
        }
        let client = self.client;
        let options = &self.options;
        let mut answers = stream::iter(chunks)
            .map(|chunk| async move {
                let (indices, requests): (Vec<usize>, Vec<R>) = chunk.into_iter().unzip();
                let batch = BatchRequest { requests };
                let answer = client.send_checked(&batch, options).await;
                (indices, answer)
            })
            .buffer_unordered(self.concurrency);

        while let Some((indices, answer)) = answers.next().await {
            match answer {
                Ok(items) if items.len() == indices.len() => {
                    for (index, item) in indices.iter().zip(items) {
                        results[*index] = Some(item.map_err(|mut api| {
                            api.action = Some(R::BATCH_ACTION);
                            api.message = reindex(&api.message, &indices);
                            Error::Api(api)
                        }));
                    }
                }
                Ok(items) => {
                    let error = Error::Decode(crate::DecodeError {
                        action: R::BATCH_ACTION,
                        path: "responses".into(),
                        message: format!(
                            "{} responses for {} requests",
                            items.len(),
                            indices.len()
                        ),
                        excerpt: String::new(),
                    });
                    for index in indices {
                        results[index] = Some(Err(error.clone()));
                    }
                }
                Err(error) => {
                    let error = in_caller_terms(error, &indices);
                    for index in indices {
                        results[index] = Some(Err(error.clone()));
                    }
                }
            }
        }
        // Every chunk fills each of its places, with an item or its error; a place left empty
        // would be an answer that never came, not a configuration problem.
        Ok(results
            .into_iter()
            .map(|r| {
                r.unwrap_or_else(|| {
                    Err(Error::Decode(crate::DecodeError {
                        action: R::BATCH_ACTION,
                        path: "responses".into(),
                        message: "no answer for this request".into(),
                        excerpt: String::new(),
                    }))
                })
            })
            .collect())
    }
}

/// An error of a whole batch call, its positions (`requests[3]`, `responses[3]`) turned into
/// the caller's indices: the caller never saw the chunk.
fn in_caller_terms(error: Error, indices: &[usize]) -> Error {
    match error {
        Error::Api(mut api) => {
            api.message = reindex(&api.message, indices);
            Error::Api(api)
        }
        Error::Decode(mut decode) => {
            decode.path = reindex(&decode.path, indices);
            decode.message = reindex(&decode.message, indices);
            Error::Decode(decode)
        }
        other => other,
    }
}

/// `text` with each `requests[i]` and `responses[i]` naming position `i` of a chunk renamed
/// to `requests[indices[i]]`, the index the caller gave that request.
fn reindex(text: &str, indices: &[usize]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = ["requests[", "responses["]
        .iter()
        .filter_map(|word| rest.find(word).map(|i| (i, word.len())))
        .min()
    {
        let (start, word) = at;
        let open = start + word;
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let position = rest[..digits].parse::<usize>().ok();
        match position.and_then(|p| indices.get(p)) {
            Some(index) if rest[digits..].starts_with(']') => {
                out.push_str(&index.to_string());
                rest = &rest[digits..];
            }
            _ => {}
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::reindex;

    #[test]
    fn positions_become_the_callers_indices() {
        let indices = [300, 301, 305];
        assert_eq!(
            reindex("`requests[1].email`: not an email", &indices),
            "`requests[301].email`: not an email"
        );
        assert_eq!(reindex("responses[2]", &indices), "responses[305]");
        assert_eq!(
            reindex("requests[0] and requests[2]", &indices),
            "requests[300] and requests[305]"
        );
        // Positions outside the chunk, and anything else, are left as they are.
        assert_eq!(reindex("requests[7]", &indices), "requests[7]");
        assert_eq!(reindex("requests[x]", &indices), "requests[x]");
        assert_eq!(reindex("requests[", &indices), "requests[");
        assert_eq!(reindex("no index", &indices), "no index");
    }
}
