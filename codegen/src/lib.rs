//! The livechat-config code generator: spec in, Rust source out, no IO.
//!
//! [`load`] parses and validates `spec/configuration-v3.6.json`; [`generate`] turns a valid spec into
//! the files of `sdk/src/generated/`, formatted with prettyplease so the output is byte-identical on
//! every machine.

pub mod diff;
mod emit;
pub mod model;
mod names;
pub use spec_model as spec;
use spec_model::type_expr;
mod validate;

pub use emit::{File, HEADER};
pub use model::module_name;
pub use names::ROOT_ITEMS;
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

/// Checks a spec that was built or edited in code rather than loaded.
pub fn validate(spec: &Spec) -> Result<(), SpecErrors> {
    validate::validate(spec)
}

/// Generates the files of the stable version's module (`sdk/src/generated/v3_6/`, `mod.rs`
/// included) from a spec that [`load`] or [`validate`] accepted: its methods go on the crate's
/// `Client`. It cannot fail: the spec is lowered into a [`model::Model`] once and the emitters
/// read only that.
pub fn generate(spec: &Spec) -> Vec<File> {
    generate_version(spec, true)
}

/// [`generate`] for any version: a version that is not `stable` gets a `Client` newtype of its
/// own, built from the crate's (`v3_7::Client::from(client.clone())`).
pub fn generate_version(spec: &Spec, stable: bool) -> Vec<File> {
    emit::generate(&model::lower(spec, stable), None, None)
}

/// [`generate_version`] for a version beside the stable one, `base`: each named type and webhook
/// item it has unchanged is `base`'s own, re-exported (`pub use crate::v3_6::types::Agent`), so
/// the crate compiles it once and a value passes between the versions as is. Its module needs
/// `base`'s, so its cargo feature turns on `base`'s.
pub fn generate_over(spec: &Spec, base: &Spec) -> Vec<File> {
    emit::generate(
        &model::lower(spec, false),
        Some(&model::lower(base, true)),
        None,
    )
}

/// Every file of `sdk/src/generated/` from the specs of every version, in version order, with
/// `stable` the one the crate root re-exports: each version's module (a version beside the
/// stable one reuses its unchanged items and is served by a server of its neighbour, the next
/// version toward the stable one, through its `bridge`), `mod.rs`, and the `versions` registry.
/// Each file's path is relative to `sdk/src/generated/`.
pub fn generate_all(specs: &[Spec], stable: &str) -> Result<Vec<File>, String> {
    let models: Vec<model::Model> = specs
        .iter()
        .map(|s| model::lower(s, s.version == stable))
        .collect();
    let at = models
        .iter()
        .position(|m| m.stable)
        .ok_or_else(|| format!("the stable version, v{stable}, has no spec"))?;
    let mut files = Vec::new();
    for (i, model) in models.iter().enumerate() {
        let (base, neighbour) = match i.cmp(&at) {
            std::cmp::Ordering::Equal => (None, None),
            std::cmp::Ordering::Less => (Some(&models[at]), Some(&models[i + 1])),
            std::cmp::Ordering::Greater => (Some(&models[at]), Some(&models[i - 1])),
        };
        for file in emit::generate(model, base, neighbour) {
            files.push(File {
                path: format!("{}/{}", model.module, file.path),
                contents: file.contents,
            });
        }
    }
    let versions: Vec<String> = models.iter().map(|m| m.version.clone()).collect();
    files.push(emit::versions(&versions, stable));
    files.push(emit::registry(&models));
    Ok(files)
}

/// The version's OpenAPI 3.1 document (`openapi/configuration-v<X.Y>.json`), from a spec that
/// [`load`] or [`validate`] accepted: sorted keys, pretty-printed, ending in a newline.
pub fn openapi(spec: &Spec) -> String {
    emit::openapi::document(&model::lower(spec, false))
}

/// The glue of `sdk/src/generated/mod.rs`: one module per version, each behind the cargo feature
/// of its module name, and the `stable` one re-exported at the crate root.
pub fn versions(versions: &[String], stable: &str) -> File {
    emit::versions(versions, stable)
}
