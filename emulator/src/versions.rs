//! The API versions the emulator speaks, over one license state: each path names its version,
//! and each version decodes, dispatches and checks its answers with its own generated code. The
//! list of versions, and which handlers serve each, are the sdk's generated registry.

use crate::clock;
use crate::error::{Failure, Outcome};
use crate::handlers::{self, Access, Ctx};
use crate::persist::Change;
use crate::state::State;
use livechat_config::versions::Version;
pub use livechat_config::versions::{VersionedAction, VersionedRequest};
use livechat_config::{ActionInfo, ErrorKind};

pub use crate::version_list::SERVED;

/// Every action of every version served, batch endpoints included.
pub fn every_action() -> impl Iterator<Item = &'static ActionInfo> {
    livechat_config::versions::every_action().map(VersionedAction::info)
}

/// The action `name` of `version`, or why there is none.
pub fn find(version: &str, name: &str) -> Result<VersionedAction, Failure> {
    let Some(served) = Version::from_name(version) else {
        return Err(Failure::new(
            ErrorKind::UnsupportedVersion,
            format!(
                "Cannot call unsupported API versions: this emulator speaks {}, not {version}",
                SERVED.join(", ")
            ),
        ));
    };
    served
        .action(name)
        .ok_or_else(|| Failure::not_found(format!("unknown action `{name}` in version {version}")))
}

/// Lookups, and the two actions that only send an email: their success changes nothing to
/// save.
pub fn changes_state(action: VersionedAction) -> bool {
    let info = action.info();
    !info.read_only && !matches!(info.name, "request_agent_unsuspension" | "reactivate_email")
}

/// Runs the request against the state. A handler that fails leaves the state as it found it.
pub fn handle(request: VersionedRequest, ctx: &Ctx, state: Access) -> Outcome {
    handlers::serve(request, ctx, state)
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
        let action = find(&change.version, &change.action).map_err(|f| why(&f.message))?;
        let request = action.decode_request(&change.body).map_err(|e| why(&e))?;
        let caller = &change.caller;
        let ctx = Ctx {
            who: &caller.who,
            region: &caller.region,
            organization_clients: &caller.organization_clients,
            version: action.version(),
        };
        clock::at(change.at, || {
            handle(request, &ctx, Access::Write(&mut state))
        })
        .map_err(|f| why(&f.message))?;
    }
    Ok(state)
}
