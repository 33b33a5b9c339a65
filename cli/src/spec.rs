//! The API spec of each version, embedded: the one source of what `call --help` says and of the
//! fields a configuration file may hold.
//!
//! The sdk keeps at run time only what a client needs (names, scopes, paths); descriptions,
//! limits and enum values are documentation, so they are read here from the same JSON the sdk is
//! generated from rather than copied into every program that links the sdk.

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

#[derive(Debug, Deserialize)]
pub struct Spec {
    pub version: String,
    pub actions: Vec<ActionSpec>,
    pub types: Vec<TypeSpec>,
}

#[derive(Debug, Deserialize)]
pub struct ActionSpec {
    pub name: String,
    pub title: String,
    pub section: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub scope_notes: BTreeMap<String, String>,
    #[serde(default)]
    pub batch_endpoint: Option<String>,
    #[serde(default)]
    pub read_only: bool,
    #[serde(default)]
    pub params: Vec<Field>,
    #[serde(default)]
    pub examples: Option<Value>,
}

#[derive(Debug, Deserialize)]
pub struct Field {
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub required_when: Option<String>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub default: Option<Value>,
    #[serde(default)]
    pub limits: BTreeMap<String, Value>,
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub request_values: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
pub struct TypeSpec {
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub fields: Vec<Field>,
    #[serde(default)]
    pub values: Vec<EnumValue>,
}

#[derive(Debug, Deserialize)]
pub struct EnumValue {
    pub value: String,
}

impl Spec {
    pub fn action(&self, name: &str) -> Option<&ActionSpec> {
        self.actions.iter().find(|a| a.name == name)
    }

    /// The action a batch endpoint repeats (`batch_create_agents` → `create_agent`).
    pub fn batched(&self, batch: &str) -> Option<&ActionSpec> {
        self.actions
            .iter()
            .find(|a| a.batch_endpoint.as_deref() == Some(batch))
    }

    pub fn named_type(&self, name: &str) -> Option<&TypeSpec> {
        self.types.iter().find(|t| t.name == name)
    }
}

/// The named type a type expression refers to, through arrays and maps (`map<GroupAssignment[]>`
/// → `GroupAssignment`); `None` for a scalar.
pub fn named_in(ty: &str) -> Option<&str> {
    let inner = ty.strip_suffix("[]").unwrap_or(ty);
    if let Some(rest) = inner.strip_prefix("map<") {
        return named_in(rest.strip_suffix('>').unwrap_or(rest));
    }
    match inner {
        "string" | "int" | "uint" | "bool" | "json" => None,
        name => Some(name),
    }
}

pub fn v3_6() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| parse(include_str!("../../spec/configuration-v3.6.json")))
}

pub fn v3_7() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| parse(include_str!("../../spec/configuration-v3.7.json")))
}

fn parse(text: &str) -> Spec {
    // The spec files are checked by the workspace's spec tests, and this crate's tests load both.
    serde_json::from_str(text).expect("the embedded spec is valid")
}
