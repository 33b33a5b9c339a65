//! The API versions the emulator speaks, over one license state: each path names its version, and
//! each version decodes, dispatches and checks its answers with its own generated code.

use crate::clock;
use crate::error::{Failure, Outcome};
use crate::handlers::{self, Access, Ctx};
use crate::persist::Change;
use crate::state::State;
use livechat_config::{v3_6, v3_7, ActionInfo, DecodeError, ErrorKind};

pub use crate::version_list::SERVED;

/// Every action of every version served, batch endpoints included.
pub fn every_action() -> impl Iterator<Item = &'static ActionInfo> {
    let v3_6 = v3_6::Action::ALL.iter().map(|a| a.info());
    let v3_7 = v3_7::Action::ALL.iter().map(|a| a.info());
    v3_6.chain(v3_7)
}

/// An action of one of the versions served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionedAction {
    V3_6(v3_6::Action),
    V3_7(v3_7::Action),
}

/// A request decoded by its version's rules.
pub enum VersionedRequest {
    V3_6(v3_6::AnyRequest),
    V3_7(v3_7::AnyRequest),
}

impl VersionedAction {
    /// The action `name` of `version`, or why there is none.
    pub fn find(version: &str, name: &str) -> Result<Self, Failure> {
        let found = match version {
            v3_6::API_VERSION => v3_6::Action::from_name(name).map(Self::V3_6),
            v3_7::API_VERSION => v3_7::Action::from_name(name).map(Self::V3_7),
            _ => {
                return Err(Failure::new(
                    ErrorKind::UnsupportedVersion,
                    format!(
                    "Cannot call unsupported API versions: this emulator speaks {}, not {version}",
                    SERVED.join(" and ")
                ),
                ))
            }
        };
        found.ok_or_else(|| {
            Failure::not_found(format!("unknown action `{name}` in version {version}"))
        })
    }

    /// The v3.6 action of the same name: the license-configuration webhooks are v3.6's, and a
    /// later version's action of the same name changes the license the same way.
    pub fn as_v3_6(self) -> Option<v3_6::Action> {
        match self {
            Self::V3_6(a) => Some(a),
            Self::V3_7(a) => v3_6::Action::from_name(a.name()),
        }
    }

    pub fn info(self) -> &'static ActionInfo {
        match self {
            Self::V3_6(a) => a.info(),
            Self::V3_7(a) => a.info(),
        }
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    pub fn version(self) -> &'static str {
        match self {
            Self::V3_6(_) => v3_6::API_VERSION,
            Self::V3_7(_) => v3_7::API_VERSION,
        }
    }

    pub fn needs_authorization(self) -> bool {
        match self {
            Self::V3_6(a) => a.needs_authorization(),
            Self::V3_7(a) => a.needs_authorization(),
        }
    }

    pub fn scopes(self) -> &'static [&'static str] {
        match self {
            Self::V3_6(a) => a.scopes(),
            Self::V3_7(a) => a.scopes(),
        }
    }

    pub fn decode_request(self, body: &[u8]) -> Result<VersionedRequest, DecodeError> {
        match self {
            Self::V3_6(a) => a.decode_request(body).map(VersionedRequest::V3_6),
            Self::V3_7(a) => a.decode_request(body).map(VersionedRequest::V3_7),
        }
    }

    /// The answer is sent only if the version's sdk decodes it: the emulator cannot drift from
    /// the spec.
    pub fn check_response(self, body: &[u8]) -> Result<(), DecodeError> {
        match self {
            Self::V3_6(a) => a.decode_response(body).map(drop),
            Self::V3_7(a) => a.decode_response(body).map(drop),
        }
    }

    /// Lookups, and the two actions that only send an email: their success changes nothing to
    /// save.
    pub fn changes_state(self) -> bool {
        let info = self.info();
        !info.read_only && !matches!(info.name, "request_agent_unsuspension" | "reactivate_email")
    }
}

impl VersionedRequest {
    /// Runs the request against the state. A handler that fails leaves the state as it found it.
    pub fn handle(self, ctx: &Ctx, state: Access) -> Outcome {
        match self {
            Self::V3_6(request) => handlers::handle(request, ctx, state),
            Self::V3_7(request) => handlers::v3_7::handle(request, ctx, state),
        }
    }
}

/// The state the journal's changes make of the snapshot. Each change runs as it first ran: same
/// caller, same time, same version's rules. A change that no longer applies means the journal
/// and the emulator disagree, which is refused rather than silently dropped.
pub fn replay(mut state: State, changes: &[Change]) -> Result<State, String> {
    for (n, change) in changes.iter().enumerate() {
        let why = |e: &dyn std::fmt::Display| {
            format!(
                "change {} of the journal (`{}` of v{}) no longer applies: {e}",
                n + 1,
                change.action,
                change.version
            )
        };
        let action =
            VersionedAction::find(&change.version, &change.action).map_err(|f| why(&f.message))?;
        let request = action.decode_request(&change.body).map_err(|e| why(&e))?;
        let caller = &change.caller;
        let ctx = Ctx {
            who: &caller.who,
            region: &caller.region,
            organization_clients: &caller.organization_clients,
        };
        clock::at(change.at, || {
            request.handle(&ctx, Access::Write(&mut state))
        })
        .map_err(|f| why(&f.message))?;
    }
    Ok(state)
}
