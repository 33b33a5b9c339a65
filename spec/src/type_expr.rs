//! The spec's type expressions (`string`, `Agent[]`, `map<Priority>`, …).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeExpr {
    String,
    Int,
    Uint,
    /// A number that may have a fraction (`f64` in Rust).
    Number,
    /// A length of time, a whole number of seconds on the wire (`std::time::Duration` in Rust).
    Seconds,
    Bool,
    Json,
    Named(String),
    Array(Box<TypeExpr>),
    Map(Box<TypeExpr>),
}

impl TypeExpr {
    pub fn parse(text: &str) -> Result<TypeExpr, String> {
        let text = text.trim();
        if let Some(inner) = text.strip_suffix("[]") {
            return Ok(TypeExpr::Array(Box::new(Self::parse(inner)?)));
        }
        if let Some(inner) = text.strip_prefix("map<").and_then(|t| t.strip_suffix('>')) {
            return Ok(TypeExpr::Map(Box::new(Self::parse(inner)?)));
        }
        Ok(match text {
            "string" => TypeExpr::String,
            "int" => TypeExpr::Int,
            "uint" => TypeExpr::Uint,
            "number" => TypeExpr::Number,
            "seconds" => TypeExpr::Seconds,
            "bool" => TypeExpr::Bool,
            "json" => TypeExpr::Json,
            name if is_type_name(name) => TypeExpr::Named(name.to_string()),
            _ => return Err(format!("`{text}` is not a type expression")),
        })
    }

    /// Every named type this expression mentions.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeExpr::Named(name) => Some(name),
            TypeExpr::Array(inner) | TypeExpr::Map(inner) => inner.named(),
            _ => None,
        }
    }

    pub fn is_numeric(&self) -> bool {
        matches!(
            self,
            TypeExpr::Int | TypeExpr::Uint | TypeExpr::Number | TypeExpr::Seconds
        )
    }
}

impl fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeExpr::String => f.write_str("string"),
            TypeExpr::Int => f.write_str("int"),
            TypeExpr::Uint => f.write_str("uint"),
            TypeExpr::Number => f.write_str("number"),
            TypeExpr::Seconds => f.write_str("seconds"),
            TypeExpr::Bool => f.write_str("bool"),
            TypeExpr::Json => f.write_str("json"),
            TypeExpr::Named(name) => f.write_str(name),
            TypeExpr::Array(inner) => write!(f, "{inner}[]"),
            TypeExpr::Map(inner) => write!(f, "map<{inner}>"),
        }
    }
}

/// PascalCase ASCII identifier: what a named type must look like.
pub fn is_type_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::TypeExpr::*;
    use super::*;

    #[test]
    fn parses_nested_expressions() {
        assert_eq!(
            TypeExpr::parse("map<map<json>>").unwrap(),
            Map(Box::new(Map(Box::new(Json))))
        );
        assert_eq!(
            TypeExpr::parse("AgentField[]").unwrap(),
            Array(Box::new(Named("AgentField".into())))
        );
        assert_eq!(
            TypeExpr::parse("map<string[]>").unwrap().to_string(),
            "map<string[]>"
        );
        assert_eq!(TypeExpr::parse("number[]").unwrap().to_string(), "number[]");
        assert!(TypeExpr::parse("object").is_err());
        assert!(TypeExpr::parse("map<int").is_err());
    }
}
