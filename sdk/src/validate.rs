//! Checks a request against the limits, enum values and field rules the spec documents.

use std::collections::BTreeMap;
use std::fmt;

/// Walks a value and records every broken rule with the path of the field that broke it.
pub trait Validate {
    /// Records every problem of `self` in `v`.
    fn validate(&self, v: &mut Validator) {
        let _ = v;
    }
}

/// Documented limits of a field, from the spec.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Limits {
    /// Smallest allowed number.
    pub min: Option<f64>,
    /// Largest allowed number.
    pub max: Option<f64>,
    /// Most characters a string may have.
    pub max_length: Option<u64>,
    /// Fewest items an array may have.
    pub min_items: Option<u64>,
    /// Most items an array may have.
    pub max_items: Option<u64>,
}

/// One broken rule: the field's path (`groups[1].priority`) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Path of the field, `.`-separated, with `[i]` for array items.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "`{}`: {}", self.path, self.message)
        }
    }
}

/// Collects violations while a value is walked.
#[derive(Debug, Default)]
pub struct Validator {
    path: Vec<String>,
    reject_unknown_values: bool,
    violations: Vec<Violation>,
}

impl Validator {
    /// A validator that accepts enum values this crate does not know (a client sending
    /// `Other(..)` on purpose) and checks limits and rules only.
    pub fn lenient() -> Self {
        Self::default()
    }

    /// A validator that also rejects unknown enum values, as a server does.
    pub fn strict() -> Self {
        Self {
            reject_unknown_values: true,
            ..Self::default()
        }
    }

    /// The violations found so far.
    pub fn into_violations(self) -> Vec<Violation> {
        self.violations
    }

    fn push(&mut self, path: String, message: String) {
        self.violations.push(Violation { path, message });
    }

    fn here(&self, name: &str) -> String {
        let mut path = self.path.join("");
        if !name.is_empty() {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(name);
        }
        path
    }

    fn nested(&mut self, segment: String, f: impl FnOnce(&mut Self)) {
        self.path.push(segment);
        f(self);
        self.path.pop();
    }

    /// Walks into a field.
    pub fn field<T: Validate + ?Sized>(&mut self, name: &str, value: &T) {
        let segment = if self.path.is_empty() {
            name.to_string()
        } else {
            format!(".{name}")
        };
        self.nested(segment, |v| value.validate(v));
    }

    /// Checks a field against its documented limits.
    pub fn limits<T: Measure + ?Sized>(&mut self, name: &str, value: &T, limits: &Limits) {
        let Some(measure) = value.measure() else {
            return;
        };
        let message = match measure {
            Measured::Number(n) => match (limits.min, limits.max) {
                (Some(min), _) if n < min => Some(format!("must be at least {min}, got {n}")),
                (_, Some(max)) if n > max => Some(format!("must be at most {max}, got {n}")),
                _ => None,
            },
            Measured::Chars(len) => limits
                .max_length
                .filter(|max| len > *max)
                .map(|max| format!("must be at most {max} characters long, got {len}")),
            Measured::Items(len) => match (limits.min_items, limits.max_items) {
                (Some(min), _) if len < min => {
                    Some(format!("needs at least {min} items, got {len}"))
                }
                (_, Some(max)) if len > max => {
                    Some(format!("takes at most {max} items, got {len}"))
                }
                _ => None,
            },
        };
        if let Some(message) = message {
            let path = self.here(name);
            self.push(path, message);
        }
    }

    /// At least one of the named fields must be present.
    pub fn at_least_one_of(&mut self, fields: &[(&str, bool)]) {
        if !fields.iter().any(|(_, present)| *present) {
            let names: Vec<String> = fields.iter().map(|(n, _)| format!("`{n}`")).collect();
            let path = self.here("");
            self.push(path, format!("needs at least one of {}", names.join(", ")));
        }
    }

    /// At most one of the named fields may be present.
    pub fn at_most_one_of(&mut self, fields: &[(&str, bool)]) {
        let present: Vec<String> = fields
            .iter()
            .filter(|(_, p)| *p)
            .map(|(n, _)| format!("`{n}`"))
            .collect();
        if present.len() > 1 {
            let path = self.here("");
            self.push(path, format!("takes only one of {}", present.join(", ")));
        }
    }

    /// Every filter set in `object` must be available for the value of `selector`, as the
    /// reference's table of that value lists them. `available` is `None` for a value this crate
    /// does not know; its filters are then left to the server.
    pub fn available_filters(
        &mut self,
        object: &str,
        selector: &str,
        value: &str,
        available: Option<&[&str]>,
        filters: &[(&str, bool)],
    ) {
        let Some(available) = available else {
            return;
        };
        for (name, _) in filters
            .iter()
            .filter(|(name, set)| *set && !available.contains(name))
        {
            let listed: Vec<String> = available.iter().map(|a| format!("`{a}`")).collect();
            let listed = if listed.is_empty() {
                "none".to_string()
            } else {
                listed.join(", ")
            };
            let path = self.here(&format!("{object}.{name}"));
            self.push(
                path,
                format!("is not available for `{selector}` `{value}` (available: {listed})"),
            );
        }
    }

    /// Records an enum value the spec does not document, when the validator is strict.
    pub fn unknown_value<'a>(
        &mut self,
        ty: &str,
        value: &str,
        known: impl Iterator<Item = &'a str>,
    ) {
        if self.reject_unknown_values {
            let known: Vec<String> = known.map(|k| format!("`{k}`")).collect();
            let path = self.here("");
            self.push(
                path,
                format!(
                    "unknown {ty} value `{value}`; expected one of {}",
                    known.join(", ")
                ),
            );
        }
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, v: &mut Validator) {
        if let Some(value) = self {
            value.validate(v);
        }
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, v: &mut Validator) {
        for (i, item) in self.iter().enumerate() {
            v.nested(format!("[{i}]"), |v| item.validate(v));
        }
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate(&self, v: &mut Validator) {
        for (key, item) in self {
            v.nested(format!(".{key}"), |v| item.validate(v));
        }
    }
}

impl<T: Validate> Validate for Box<T> {
    fn validate(&self, v: &mut Validator) {
        (**self).validate(v);
    }
}

/// What a limit measures in a value.
#[derive(Debug, Clone, Copy)]
pub enum Measured {
    /// A number's value.
    Number(f64),
    /// A string's length in characters.
    Chars(u64),
    /// An array's length.
    Items(u64),
}

/// Values that limits apply to.
pub trait Measure {
    /// The measure, or `None` when the value is absent.
    fn measure(&self) -> Option<Measured>;
}

impl Measure for i64 {
    fn measure(&self) -> Option<Measured> {
        Some(Measured::Number(*self as f64))
    }
}

impl Measure for u64 {
    fn measure(&self) -> Option<Measured> {
        Some(Measured::Number(*self as f64))
    }
}

impl Measure for String {
    fn measure(&self) -> Option<Measured> {
        Some(Measured::Chars(self.chars().count() as u64))
    }
}

impl<T> Measure for Vec<T> {
    fn measure(&self) -> Option<Measured> {
        Some(Measured::Items(self.len() as u64))
    }
}

impl<T: Measure> Measure for Option<T> {
    fn measure(&self) -> Option<Measured> {
        self.as_ref().and_then(Measure::measure)
    }
}
