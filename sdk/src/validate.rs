//! Checks a request against the limits, enum values, formats and field rules the spec documents.

#[cfg(feature = "server")]
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// Walks a value and records every broken rule with the path of the field that broke it.
pub trait Validate {
    /// Records every problem of `self` in `v`.
    fn validate(&self, v: &mut Validator) {
        let _ = v;
    }

    /// Records what the typed value cannot show: a list or map the request must carry but left
    /// out (such fields read as empty, so that answers leaving them out still decode). Only a
    /// server needs it (feature `server`).
    #[cfg(feature = "server")]
    fn check_json(value: &Value, v: &mut Validator)
    where
        Self: Sized,
    {
        let _ = (value, v);
    }
}

/// A value outside the documented ones of an enum, refused by the enums' `FromStr`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownValue {
    /// The enum's name (`Role`).
    pub type_name: &'static str,
    /// The value given.
    pub value: String,
    /// The documented values.
    pub expected: Vec<&'static str>,
}

impl UnknownValue {
    /// `value` is not among the `expected` values of `type_name`.
    #[doc(hidden)]
    pub fn new(
        type_name: &'static str,
        value: impl Into<String>,
        expected: impl IntoIterator<Item = &'static str>,
    ) -> Self {
        Self {
            type_name,
            value: value.into(),
            expected: expected.into_iter().collect(),
        }
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let expected: Vec<String> = self.expected.iter().map(|k| format!("`{k}`")).collect();
        write!(
            f,
            "unknown {} value `{}`; expected one of {}",
            self.type_name,
            self.value,
            expected.join(", ")
        )
    }
}

impl std::error::Error for UnknownValue {}

/// The shapes of strings the reference implies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// An e-mail address (agent ids).
    Email,
    /// An absolute `http` or `https` URL.
    Url,
    /// An RFC 3339 date-time.
    DateTime,
}

impl Format {
    fn check(self, text: &str) -> Option<&'static str> {
        let ok = match self {
            Format::Email => is_email(text),
            Format::Url => is_http_url(text),
            Format::DateTime => is_rfc3339(text),
        };
        (!ok).then_some(match self {
            Format::Email => "must be an e-mail address",
            Format::Url => "must be an absolute http(s) URL",
            Format::DateTime => "must be an RFC 3339 date-time",
        })
    }
}

/// `local@domain.tld`: what every agent id looks like; enough to catch a name or a
/// number in its place, without claiming to be RFC 5322.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    let labels_ok = domain.split('.').all(|label| {
        !label.is_empty()
            && label
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
    });
    !local.is_empty()
        && !local
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '@')
        && domain.contains('.')
        && labels_ok
}

fn is_http_url(text: &str) -> bool {
    if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    reqwest::Url::parse(text).is_ok_and(|url| {
        matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty())
    })
}

/// `2017-10-12T13:56:16Z`, `2017-11-13T15:37:36.000000+01:00`: full date, full time with
/// optional fraction, `Z` or a numeric offset.
fn is_rfc3339(text: &str) -> bool {
    fn number(text: &str, range: std::ops::RangeInclusive<u32>) -> bool {
        text.bytes().all(|b| b.is_ascii_digit())
            && text.parse::<u32>().is_ok_and(|n| range.contains(&n))
    }
    let b = text.as_bytes();
    if b.len() < 20 || !text.is_ascii() {
        return false;
    }
    let (date, time) = (&text[..10], &text[11..]);
    let date_ok = b[4] == b'-'
        && b[7] == b'-'
        && number(&date[..4], 0..=9999)
        && number(&date[5..7], 1..=12)
        && number(&date[8..10], 1..=31);
    let time_ok = matches!(b[10], b'T' | b't' | b' ')
        && time.as_bytes()[2] == b':'
        && time.as_bytes()[5] == b':'
        && number(&time[..2], 0..=23)
        && number(&time[3..5], 0..=59)
        && number(&time[6..8], 0..=60);
    let mut rest = &time[8..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &fraction[digits..];
    }
    let offset_ok = match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', _, _, b':', _, _] => {
            number(&rest[1..3], 0..=23) && number(&rest[4..], 0..=59)
        }
        _ => false,
    };
    date_ok && time_ok && offset_ok
}

/// Strings a format applies to.
pub trait Text {
    /// The text, or `None` when the value is absent.
    fn text(&self) -> Option<&str>;
}

impl Text for String {
    fn text(&self) -> Option<&str> {
        Some(self)
    }
}

impl Text for Option<String> {
    fn text(&self) -> Option<&str> {
        self.as_deref()
    }
}

/// Documented limits of a field, from the spec.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Limits {
    /// Smallest allowed number.
    pub min: Option<f64>,
    /// Largest allowed number.
    pub max: Option<f64>,
    /// Fewest characters a string may have (1: not empty).
    pub min_length: Option<u64>,
    /// Most characters a string may have.
    pub max_length: Option<u64>,
    /// Fewest items an array may have.
    pub min_items: Option<u64>,
    /// Most items an array may have.
    pub max_items: Option<u64>,
}

/// One broken rule: the field's path (`groups[1].priority`) and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// Path of the field, `.`-separated, with `[i]` for array items.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl Violation {
    /// The rule broken at `path` (empty for the request as a whole), as `message` says.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
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
    /// Fields a request may leave out, each with the depth of the object it belongs to.
    #[cfg(feature = "server")]
    omittable: Vec<(usize, String)>,
    violations: Vec<Violation>,
}

impl Validator {
    /// A validator with nothing found yet. Client and server check requests alike, unknown
    /// enum values included.
    pub fn new() -> Self {
        Self::default()
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
            Measured::Chars(len) => match (limits.min_length, limits.max_length) {
                (Some(1), _) if len == 0 => Some("must not be empty".to_string()),
                (Some(min), _) if len < min => {
                    Some(format!("must be at least {min} characters long, got {len}"))
                }
                (_, Some(max)) if len > max => {
                    Some(format!("must be at most {max} characters long, got {len}"))
                }
                _ => None,
            },
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

    /// A length of time the API takes in whole seconds must have no fraction of one: it would
    /// be cut off on the wire.
    pub fn whole_seconds<T: Measure + ?Sized>(&mut self, name: &str, value: &T) {
        if let Some(Measured::Number(seconds)) = value.measure() {
            if seconds.fract() != 0.0 {
                let path = self.here(name);
                self.push(path, format!("must be whole seconds, got {seconds} s"));
            }
        }
    }

    /// Checks a string field against the format the reference implies for it.
    pub fn format<T: Text + ?Sized>(&mut self, name: &str, value: &T, format: Format) {
        if let Some(message) = value.text().and_then(|text| format.check(text)) {
            let path = self.here(name);
            self.push(path, message.to_string());
        }
    }

    /// An enum value a request may not carry: one the reference allows only in answers, or one
    /// it does not document at all. Either way the list names only what a request may carry.
    pub fn request_value(&mut self, name: &str, value: &str, known: bool, allowed: &[&str]) {
        if !known || !allowed.contains(&value) {
            let listed: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
            let what = if known {
                "is not allowed in a request"
            } else {
                "is not a documented value"
            };
            let path = self.here(name);
            self.push(
                path,
                format!("`{value}` {what}; expected one of {}", listed.join(", ")),
            );
        }
    }

    /// The named fields must be present when `selector` is not empty.
    pub fn required_if_non_empty(
        &mut self,
        selector: &str,
        non_empty: bool,
        fields: &[(&str, bool)],
    ) {
        if !non_empty {
            return;
        }
        for (name, _) in fields.iter().filter(|(_, present)| !present) {
            let path = self.here(name);
            self.push(path, format!("is required when `{selector}` is not empty"));
        }
    }

    #[cfg(feature = "server")]
    /// A list or map the request must carry: absent from `object` is an error, named as serde
    /// names a missing field.
    pub fn present(&mut self, object: &Value, name: &str) {
        let depth = self.path.len();
        let omittable = self
            .omittable
            .iter()
            .any(|(d, field)| *d == depth && field == name);
        if let (Value::Object(map), false) = (object, omittable) {
            if !map.contains_key(name) {
                let path = self.here("");
                self.push(path, format!("missing field `{name}`"));
            }
        }
    }

    #[cfg(feature = "server")]
    /// Walks into a field of the JSON `object` for [`Validate::check_json`].
    pub fn json_field<T: Validate>(&mut self, object: &Value, name: &str) {
        if let Some(value) = object.get(name).filter(|v| !v.is_null()) {
            let segment = if self.path.is_empty() {
                name.to_string()
            } else {
                format!(".{name}")
            };
            self.nested(segment, |v| T::check_json(value, v));
        }
    }

    #[cfg(feature = "server")]
    /// [`Validator::json_field`] for an object whose table in this action does not list the
    /// `omittable` fields, so the request may leave them out.
    pub fn json_field_omitting<T: Validate>(
        &mut self,
        object: &Value,
        name: &str,
        omittable: &[&str],
    ) {
        let depth = self.path.len() + 1;
        let before = self.omittable.len();
        self.omittable
            .extend(omittable.iter().map(|f| (depth, f.to_string())));
        self.json_field::<T>(object, name);
        self.omittable.truncate(before);
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

    /// Records an enum value the spec does not document: a request carries only documented
    /// values (answers may hold others, kept as `Other`); `call_raw` sends anything.
    pub fn unknown_value(
        &mut self,
        ty: &'static str,
        value: &str,
        known: impl Iterator<Item = &'static str>,
    ) {
        let path = self.here("");
        self.push(path, UnknownValue::new(ty, value, known).to_string());
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, v: &mut Validator) {
        if let Some(value) = self {
            value.validate(v);
        }
    }

    #[cfg(feature = "server")]
    fn check_json(value: &Value, v: &mut Validator) {
        T::check_json(value, v);
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, v: &mut Validator) {
        for (i, item) in self.iter().enumerate() {
            v.nested(format!("[{i}]"), |v| item.validate(v));
        }
    }

    #[cfg(feature = "server")]
    fn check_json(value: &Value, v: &mut Validator) {
        for (i, item) in value.as_array().into_iter().flatten().enumerate() {
            v.nested(format!("[{i}]"), |v| T::check_json(item, v));
        }
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate(&self, v: &mut Validator) {
        for (key, item) in self {
            v.nested(format!(".{key}"), |v| item.validate(v));
        }
    }

    #[cfg(feature = "server")]
    fn check_json(value: &Value, v: &mut Validator) {
        for (key, item) in value.as_object().into_iter().flatten() {
            v.nested(format!(".{key}"), |v| T::check_json(item, v));
        }
    }
}

impl<T: Validate> Validate for Box<T> {
    fn validate(&self, v: &mut Validator) {
        (**self).validate(v);
    }

    #[cfg(feature = "server")]
    fn check_json(value: &Value, v: &mut Validator) {
        T::check_json(value, v);
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

impl Measure for std::time::Duration {
    fn measure(&self) -> Option<Measured> {
        Some(Measured::Number(self.as_secs_f64()))
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
