//! The livechat-config code generator: spec in, Rust source out, no IO.
//!
//! [`load`] parses and validates `spec/configuration-v3.6.json`; [`generate`] turns a valid spec into
//! the files of `sdk/src/generated/`, formatted with prettyplease so the output is byte-identical on
//! every machine.

pub mod diff;
mod emit;
mod names;
pub mod spec;
mod type_expr;
mod validate;

pub use emit::{File, HEADER};
pub use spec::Spec;
pub use type_expr::TypeExpr;
pub use validate::{SpecError, SpecErrors};

/// Parses a spec from JSON and validates it.
pub fn load(json: &str) -> Result<Spec, SpecErrors> {
    let spec: Spec = serde_json::from_str(json).map_err(|err| {
        SpecErrors(vec![SpecError {
            location: format!("line {}, column {}", err.line(), err.column()),
            message: err.to_string(),
        }])
    })?;
    validate::validate(&spec)?;
    Ok(spec)
}

/// Validates the spec, then generates every file of `sdk/src/generated/`, `mod.rs` included.
pub fn generate(spec: &Spec) -> Result<Vec<File>, SpecErrors> {
    validate::validate(spec)?;
    Ok(emit::generate(spec))
}
