//! The name of what a call was for: a listed [`Action`], or an action this version does not list
//! yet, called through [`Client::call_raw`](crate::Client::call_raw).

use crate::Action;
use std::fmt;
use std::sync::Arc;

/// The action a call was for, as errors name it. Compares equal to the [`Action`] it is.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ActionName(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Listed(Action),
    /// A thin pointer keeps errors that carry a name small.
    Unlisted(Arc<String>),
}

impl ActionName {
    /// An action this version does not list, by its name on the wire.
    pub(crate) fn unlisted(name: &str) -> Self {
        Self(Repr::Unlisted(Arc::new(name.to_owned())))
    }

    /// The name on the wire, e.g. `create_agent`.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Listed(action) => action.name(),
            Repr::Unlisted(name) => name,
        }
    }

    /// The listed action, or `None` for one this version does not know.
    pub fn action(&self) -> Option<Action> {
        match &self.0 {
            Repr::Listed(action) => Some(*action),
            Repr::Unlisted(_) => None,
        }
    }

    /// Whether the action only reads. Unlisted actions are taken to change state, so they are
    /// never re-sent where a change could apply twice.
    pub(crate) fn is_read_only(&self) -> bool {
        self.action().is_some_and(Action::is_read_only)
    }
}

impl From<Action> for ActionName {
    fn from(action: Action) -> Self {
        Self(Repr::Listed(action))
    }
}

impl PartialEq<Action> for ActionName {
    fn eq(&self, other: &Action) -> bool {
        self.action() == Some(*other)
    }
}

impl PartialEq<ActionName> for Action {
    fn eq(&self, other: &ActionName) -> bool {
        other == self
    }
}

impl fmt::Debug for ActionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Listed(action) => fmt::Debug::fmt(action, f),
            Repr::Unlisted(name) => f.debug_tuple("Unlisted").field(name).finish(),
        }
    }
}

impl fmt::Display for ActionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
