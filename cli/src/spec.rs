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

pub fn v3_6() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| parse("3.6"))
}

pub fn v3_7() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| parse("3.7"))
}

fn parse(version: &str) -> Spec {
    // The spec files are checked by the workspace's spec tests, and this crate's tests load both.
    let text = spec_model::document(version).expect("the spec crate has every version the sdk has");
    serde_json::from_str(text).expect("the embedded spec is valid")
}
