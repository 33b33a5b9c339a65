//! Calls by action name with a JSON body, for fields or actions this version does not know yet.

use crate::client::{CallOptions, Settings};
use crate::{Action, ActionName, Client, DecodeError, Error, RetryPolicy};
use serde_json::Value;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

/// A call made with [`Client::call_raw`]: set per-call settings, then `.await` it.
#[must_use = "a call does nothing until it is awaited"]
#[derive(Debug)]
pub struct RawCall<'a> {
    client: &'a Client,
    target: Target,
    body: Value,
    options: CallOptions,
}

impl Client {
    /// Calls an action by its name with a JSON body, through the same regions, retries,
    /// credentials and errors as the typed methods: for a field this version does not know, or
    /// an action it does not list yet. The body is sent as given, without the client-side
    /// checks of the typed requests; the answer is the JSON the action returns (`{}` for an
    /// empty body).
    ///
    /// An action this version does not list is taken to change state, so it is retried only
    /// when rate limited or never sent. Its errors name it through [`ActionName`]. A name that
    /// is not lower-case letters, digits and `_` fails with [`Error::Config`] unsent.
    pub fn call_raw(&self, action: &str, body: Value) -> RawCall<'_> {
        RawCall {
            client: self,
            target: Target::Name(action.to_owned()),
            body,
            options: CallOptions::default(),
        }
    }

    /// Calls a listed action of any generated version (`v3_7::Action::ListCannedResponses`)
    /// with a JSON body, at that version's path, as [`Client::call_raw`] does otherwise: for
    /// tools that pick the version at run time.
    pub fn call_action(&self, action: impl Into<ActionName>, body: Value) -> RawCall<'_> {
        RawCall {
            client: self,
            target: Target::Action(action.into()),
            body,
            options: CallOptions::default(),
        }
    }
}

#[derive(Debug)]
enum Target {
    Name(String),
    Action(ActionName),
}

impl RawCall<'_> {
    /// How long each attempt of this call may take, instead of the client's timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }

    /// When this call is retried, instead of the client's policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.options.retry = Some(policy);
        self
    }

    /// A header sent with this call, as [`Call::header`](crate::Call::header).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.options.headers.insert(name, value);
        self
    }

    async fn run(self) -> Result<Value, Error> {
        let action = match self.target {
            Target::Name(name) => action_name(&name)?,
            Target::Action(action) => action,
        };
        let named = action.clone();
        self.client
            .execute(
                action,
                serde_json::to_vec(&self.body).map_err(|e| Error::Config(e.to_string())),
                Settings::Shared(&self.options),
                move |status, bytes| decode(&named, status, bytes),
            )
            .await
    }
}

impl<'a> IntoFuture for RawCall<'a> {
    type Output = Result<Value, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'a>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// The action a name means; a name that could change the URL's path is refused.
fn action_name(name: &str) -> Result<ActionName, Error> {
    if let Some(action) = Action::from_name(name) {
        return Ok(action.into());
    }
    let usable = (1..=100).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if usable {
        Ok(ActionName::unlisted(name))
    } else {
        Err(Error::Config(format!(
            "`{}` is not an action name (lower-case letters, digits and `_`)",
            name.escape_debug()
        )))
    }
}

fn decode(action: &ActionName, status: u16, bytes: &[u8]) -> Result<Value, Error> {
    serde_json::from_slice(crate::decode::or_empty_object(bytes)).map_err(|e| {
        let excerpt = crate::decode::excerpt_of(action, bytes);
        match action.action() {
            Some(listed) => Error::Decode(DecodeError {
                action: listed.into(),
                path: String::new(),
                message: e.to_string(),
                excerpt,
            }),
            None => Error::Status {
                action: action.clone(),
                status,
                excerpt,
            },
        }
    })
}
