//! The name of what a call was for: an action of one of the generated API versions, or an action
//! no version lists yet, called through [`Client::call_raw`](crate::Client::call_raw).

use std::fmt;
use std::sync::Arc;

/// What the runtime knows of an action, whatever API version it belongs to; each version's
/// `Action::info` gives it.
#[derive(Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ActionInfo {
    /// The path before the name: `/v3.6/configuration/action/`.
    pub path: &'static str,
    /// The name on the wire, e.g. `create_agent`.
    pub name: &'static str,
    /// Sending it twice changes nothing, so it is safe to retry.
    pub read_only: bool,
    /// Its request or answer carries a credential, so its bodies never appear in errors.
    pub carries_secrets: bool,
    /// The JSON keys a credential goes by in its request or answer, wherever they nest (a batch's
    /// items, a list of webhooks): what to mask before a body is shown. Sorted; empty when
    /// `carries_secrets` is false.
    pub secret_keys: &'static [&'static str],
}

impl ActionInfo {
    /// The facts of an action, as generated code states them.
    #[doc(hidden)]
    pub const fn new(
        path: &'static str,
        name: &'static str,
        read_only: bool,
        secret_keys: &'static [&'static str],
    ) -> Self {
        Self {
            path,
            name,
            read_only,
            carries_secrets: !secret_keys.is_empty(),
            secret_keys,
        }
    }
}

/// The action a call was for, as errors name it. Compares equal to the `Action` it is, of
/// whichever version.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ActionName(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Listed(&'static ActionInfo),
    /// A thin pointer keeps errors that carry a name small.
    Unlisted(Arc<String>),
}

impl ActionName {
    /// An action a generated version lists.
    #[doc(hidden)]
    pub const fn listed(info: &'static ActionInfo) -> Self {
        Self(Repr::Listed(info))
    }

    /// An action this version does not list, by its name on the wire.
    pub(crate) fn unlisted(name: &str) -> Self {
        Self(Repr::Unlisted(Arc::new(name.to_owned())))
    }

    /// The name on the wire, e.g. `create_agent`.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Listed(info) => info.name,
            Repr::Unlisted(name) => name,
        }
    }

    /// What the version that lists the action knows of it; `None` for an unlisted one.
    pub fn info(&self) -> Option<&'static ActionInfo> {
        match &self.0 {
            Repr::Listed(info) => Some(info),
            Repr::Unlisted(_) => None,
        }
    }

    /// The action of the crate's stable version (the crate root's [`Action`](crate::Action)),
    /// or `None` for one it does not list.
    pub fn action(&self) -> Option<crate::Action> {
        self.info()
            .filter(|info| info.path == crate::ACTION_PATH)
            .and_then(|info| crate::Action::from_name(info.name))
    }

    /// The path the action is called at, before its name. An unlisted action goes to the
    /// stable version's.
    pub(crate) fn path(&self) -> &'static str {
        self.info().map_or(crate::ACTION_PATH, |info| info.path)
    }

    /// Whether the action only reads. Unlisted actions are taken to change state, so they are
    /// never re-sent where a change could apply twice.
    pub(crate) fn is_read_only(&self) -> bool {
        self.info().is_some_and(|info| info.read_only)
    }

    /// Whether the action's bodies may carry a credential.
    pub(crate) fn carries_secrets(&self) -> bool {
        self.info().is_some_and(|info| info.carries_secrets)
    }
}

impl fmt::Debug for ActionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Listed(info) => f.write_str(info.name),
            Repr::Unlisted(name) => f.debug_tuple("Unlisted").field(name).finish(),
        }
    }
}

impl fmt::Display for ActionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
