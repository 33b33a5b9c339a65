//! The API spec of each version, embedded: the one source of what `call --help` says and of the
//! fields a configuration file may hold.
//!
//! The sdk keeps at run time only what a client needs (names, scopes, paths); descriptions,
//! limits and enum values are documentation, so they are read here from the same JSON the sdk is
//! generated from, into the generator's own model of it (`livechat-config-spec`), rather than copied into
//! every program that links the sdk.

pub use spec_model::{Action, Field, Spec, TypeDef, TypeExpr};
use std::sync::OnceLock;

/// The named type a type expression refers to, through arrays and maps (`map<GroupAssignment[]>`
/// → `GroupAssignment`); `None` for a scalar.
pub fn named_in(ty: &str) -> Option<String> {
    TypeExpr::parse(ty).ok()?.named().map(str::to_owned)
}

/// The spec of `version`, read once.
pub fn of(version: &str) -> &'static Spec {
    static SPECS: OnceLock<Vec<(&'static str, Spec)>> = OnceLock::new();
    let specs = SPECS.get_or_init(|| {
        // The spec files are checked by the workspace's spec tests, and this crate's tests load
        // every one.
        spec_model::DOCUMENTS
            .iter()
            .map(|&(v, text)| {
                (
                    v,
                    serde_json::from_str(text).expect("the embedded spec is valid"),
                )
            })
            .collect()
    });
    specs
        .iter()
        .find(|(v, _)| *v == version)
        .map(|(_, spec)| spec)
        .expect("the spec crate has every version the sdk has")
}
