//! The short example in each method's rustdoc, written from the reference's example request, so
//! the docs show the values the reference shows, in typed form.

use super::names;
use crate::model::{Action, Field, Response, Type};
use crate::type_expr::TypeExpr;
use serde_json::Value;

/// A rustdoc section with a compiled (not run) example of calling `action`, or of its batch
/// endpoint when `batch` is set.
/// `module` is the version's module for a version other than the crate root's, else empty.
pub fn method_example(action: &Action, types: &[Type], batch: bool, module: &str) -> String {
    let ctx = Ctx { types };
    let example = action.example_request.as_ref();
    let value_of = |f: &Field| example.and_then(|e| e.get(&f.name));
    let args: Vec<String> = action
        .request
        .required()
        .map(|f| ctx.argument(&f.ty, value_of(f)))
        .collect();
    let optional: String = action
        .request
        .optional()
        .filter_map(|f| {
            let value = value_of(f)?;
            let member = names::member(&f.name);
            Some(format!(
                "\n    .{member}({})",
                ctx.argument(&f.ty, Some(value))
            ))
        })
        .collect();
    let method = names::member(&action.name);
    let call = if batch {
        let endpoint = action.batch_endpoint.as_deref().unwrap_or_default();
        let request = names::request_type(&action.name);
        format!(
            "let results = client\n    .{endpoint}([{request}::new({})])\n    .await?;\n\
             for result in results {{\n    if let Err(error) = result {{\n        eprintln!(\"{{error}}\");\n    }}\n}}",
            args.join(", ")
        )
    } else if matches!(action.response, Response::Empty) {
        format!(
            "client\n    .{method}({}){optional}\n    .await?;",
            args.join(", ")
        )
    } else {
        format!(
            "let response = client\n    .{method}({}){optional}\n    .await?;\nprintln!(\"{{response:?}}\");",
            args.join(", ")
        )
    };
    let prelude = if module.is_empty() {
        "# use livechat_config::*;\n".to_string()
    } else {
        format!("# use livechat_config::{module}::*;\n# use livechat_config::Error;\n")
    };
    format!(
        "# Example\n\n```no_run\n\
         {prelude}\
         # async fn example(client: Client) -> Result<(), Error> {{\n\
         {call}\n# Ok(())\n# }}\n```"
    )
}

struct Ctx<'a> {
    types: &'a [Type],
}

impl Ctx<'_> {
    /// An expression for a generated method's or constructor's argument: these take
    /// `impl Into<String>` and `impl IntoIterator` of `&str`s, so literals and arrays do.
    fn argument(&self, ty: &TypeExpr, value: Option<&Value>) -> String {
        match ty {
            TypeExpr::String => string_literal(value),
            TypeExpr::Array(inner) => {
                let items = self.items(value);
                let inner_arg = |v: Option<&Value>| match **inner {
                    TypeExpr::String => string_literal(v),
                    _ => self.value(inner, v),
                };
                let parts: Vec<String> = match items {
                    Some(items) => items.iter().map(|v| inner_arg(Some(v))).collect(),
                    None => vec![inner_arg(None)],
                };
                format!("[{}]", parts.join(", "))
            }
            TypeExpr::Map(inner) => {
                let parts: Vec<String> = self
                    .entries(value)
                    .iter()
                    .map(|(k, v)| match **inner {
                        TypeExpr::String => format!("({k:?}, {})", string_literal(*v)),
                        _ => format!("({k:?}, {})", self.value(inner, *v)),
                    })
                    .collect();
                format!("[{}]", parts.join(", "))
            }
            other => self.value(other, value),
        }
    }

    /// An expression of exactly the field's Rust type.
    fn value(&self, ty: &TypeExpr, value: Option<&Value>) -> String {
        match ty {
            TypeExpr::String => format!("String::from({})", string_literal(value)),
            TypeExpr::Int | TypeExpr::Uint => match value.and_then(Value::as_i64) {
                Some(n) => n.to_string(),
                None => "1".to_string(),
            },
            TypeExpr::Number => match value.and_then(Value::as_f64) {
                Some(n) => format!("{n:?}"),
                None => "1.0".to_string(),
            },
            TypeExpr::Seconds => format!(
                "std::time::Duration::from_secs({})",
                value.and_then(Value::as_u64).unwrap_or(60)
            ),
            TypeExpr::Bool => value.and_then(Value::as_bool).unwrap_or(true).to_string(),
            TypeExpr::Json => format!(
                "serde_json::json!({})",
                value.cloned().unwrap_or(Value::Null)
            ),
            TypeExpr::Array(inner) => {
                let parts: Vec<String> = match self.items(value) {
                    Some(items) => items.iter().map(|v| self.value(inner, Some(v))).collect(),
                    None => vec![self.value(inner, None)],
                };
                format!("vec![{}]", parts.join(", "))
            }
            TypeExpr::Map(inner) => {
                let parts: Vec<String> = self
                    .entries(value)
                    .iter()
                    .map(|(k, v)| format!("(String::from({k:?}), {})", self.value(inner, *v)))
                    .collect();
                format!("std::collections::BTreeMap::from([{}])", parts.join(", "))
            }
            TypeExpr::Named(name) => self.named(name, value),
        }
    }

    fn named(&self, name: &str, value: Option<&Value>) -> String {
        match self.types.iter().find(|t| t.name() == name) {
            Some(Type::Enum { values, .. }) => {
                let chosen = value
                    .and_then(Value::as_str)
                    .filter(|v| values.iter().any(|e| e.value == *v))
                    .or_else(|| values.first().map(|e| e.value.as_str()))
                    .unwrap_or_default();
                format!("{name}::{}", names::variant(chosen))
            }
            Some(Type::Object(object)) => {
                let field_value = |f: &Field| value.and_then(|v| v.get(&f.name));
                let args: Vec<String> = object
                    .required()
                    .map(|f| self.argument(&f.ty, field_value(f)))
                    .collect();
                let setters: String = object
                    .optional()
                    .filter_map(|f| {
                        let v = field_value(f)?;
                        Some(format!(
                            ".{}({})",
                            names::member(&f.name),
                            self.argument(&f.ty, Some(v))
                        ))
                    })
                    .collect();
                format!("{name}::new({}){setters}", args.join(", "))
            }
            // The first variant this value's tag names, or the first of all.
            Some(Type::Union(union)) => {
                let chosen = value
                    .and_then(|v| v.get(&union.tag))
                    .and_then(Value::as_str)
                    .and_then(|tag| union.variants.iter().find(|v| v.value == tag))
                    .or_else(|| union.variants.first());
                match chosen {
                    Some(variant) => format!("{name}::from({})", self.named(&variant.ty, value)),
                    None => format!("{name}::Other(serde_json::Value::Null)"),
                }
            }
            None => format!("{name}::default()"),
        }
    }

    fn items<'v>(&self, value: Option<&'v Value>) -> Option<&'v Vec<Value>> {
        value.and_then(Value::as_array).filter(|a| !a.is_empty())
    }

    fn entries<'v>(&self, value: Option<&'v Value>) -> Vec<(String, Option<&'v Value>)> {
        match value.and_then(Value::as_object) {
            Some(map) if !map.is_empty() => map.iter().map(|(k, v)| (k.clone(), Some(v))).collect(),
            _ => vec![("key".to_string(), None)],
        }
    }
}

fn string_literal(value: Option<&Value>) -> String {
    format!("{:?}", value.and_then(Value::as_str).unwrap_or("example"))
}
