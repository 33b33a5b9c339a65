//! Small serde helpers the generated code calls.

use serde::de::{Deserializer, Error, Visitor};
use std::borrow::Cow;
use std::fmt;

/// A string, borrowed from the input when it can be, so known enum values decode without
/// allocating.
pub fn deserialize_str<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Cow<'de, str>, D::Error> {
    struct StrVisitor;
    impl<'de> Visitor<'de> for StrVisitor {
        type Value = Cow<'de, str>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Cow::Borrowed(v))
        }
        fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v.to_owned()))
        }
        fn visit_string<E: Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Cow::Owned(v))
        }
    }
    deserializer.deserialize_str(StrVisitor)
}

/// A `Duration` as the whole number of seconds the API sends and takes (validation has made
/// sure a request's is whole).
pub mod seconds {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    pub fn serialize<S: Serializer>(value: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(value.as_secs())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        u64::deserialize(deserializer).map(Duration::from_secs)
    }
}

/// The spec's unions (an event, a chat user): an object whose tag names its kind. The object
/// is read once as JSON; its tag picks the variant, whose type then reads that JSON. Both happen
/// while the object is being read, so a decoding error is placed at the object (serde_json
/// places an error where the innermost object or array still open ends).
pub mod union {
    use serde::de::{DeserializeOwned, Deserializer, Error as _, MapAccess, Visitor};
    use serde::ser::Error as _;
    use serde::{Serialize, Serializer};
    use serde_json::{Map, Value};
    use std::fmt;

    /// Reads an object and hands its tag and the whole object to `pick`, which returns the
    /// variant or why the object is not one.
    pub fn deserialize<'de, D, T, F>(
        deserializer: D,
        tag: &'static str,
        pick: F,
    ) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
        F: FnOnce(&str, Value) -> Result<T, String>,
    {
        deserializer.deserialize_map(Tagged {
            tag,
            pick,
            out: std::marker::PhantomData,
        })
    }

    struct Tagged<F, T> {
        tag: &'static str,
        pick: F,
        out: std::marker::PhantomData<T>,
    }

    impl<'de, T, F> Visitor<'de> for Tagged<F, T>
    where
        F: FnOnce(&str, Value) -> Result<T, String>,
    {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a JSON object with a string `{}`", self.tag)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<T, A::Error> {
            let mut object = Map::new();
            while let Some((key, value)) = access.next_entry::<String, Value>()? {
                object.insert(key, value);
            }
            let name = match object.get(self.tag) {
                Some(Value::String(name)) => name.clone(),
                Some(other) => {
                    return Err(A::Error::custom(format_args!(
                        "invalid type for `{}`: {}, expected a string",
                        self.tag,
                        kind(other)
                    )))
                }
                None => return Err(A::Error::missing_field(self.tag)),
            };
            (self.pick)(&name, Value::Object(object)).map_err(A::Error::custom)
        }
    }

    /// The variant's type read from the union's object; an error names the field inside it.
    pub fn variant<T: DeserializeOwned>(value: Value) -> Result<T, String> {
        serde_path_to_error::deserialize(value).map_err(|err| {
            let path = err.path().to_string();
            let message = err.into_inner();
            if path == "." {
                message.to_string()
            } else {
                format!("{message} at `{path}`")
            }
        })
    }

    /// The variant's object with the tag added.
    pub fn serialize<S: Serializer, T: Serialize>(
        serializer: S,
        tag: &str,
        name: &str,
        value: &T,
    ) -> Result<S::Ok, S::Error> {
        let Value::Object(mut object) = serde_json::to_value(value).map_err(S::Error::custom)?
        else {
            return Err(S::Error::custom("a union's variant is not an object"));
        };
        object.insert(tag.to_owned(), Value::String(name.to_owned()));
        object.serialize(serializer)
    }

    /// The tag of an object kept as sent (`Other`).
    pub fn tag_of<'a>(value: &'a Value, tag: &str) -> &'a str {
        value.get(tag).and_then(Value::as_str).unwrap_or_default()
    }

    fn kind(value: &Value) -> &'static str {
        match value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}
