//! The parameters of an OAuth request, from a query string, a form body or a JSON body, decoded
//! strictly: malformed percent-encoding, text that is not UTF-8 and a parameter given twice are
//! refused rather than guessed at, since each could make two parties read one request
//! differently.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

/// Why parameters could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamError {
    /// Named when the name is one of the OAuth parameters; never its value.
    Duplicate(Option<&'static str>),
    Malformed(&'static str),
}

impl ParamError {
    pub fn describe(&self) -> String {
        match self {
            Self::Duplicate(Some(name)) => {
                format!("the parameter `{name}` is given more than once")
            }
            Self::Duplicate(None) => "a parameter is given more than once".to_string(),
            Self::Malformed(why) => (*why).to_string(),
        }
    }
}

/// The names an error may repeat back.
const KNOWN: [&str; 14] = [
    "grant_type",
    "code",
    "client_id",
    "client_secret",
    "redirect_uri",
    "code_verifier",
    "refresh_token",
    "response_type",
    "state",
    "scope",
    "code_challenge",
    "code_challenge_method",
    "oauth_exception",
    "exception_details",
];

/// Name–value pairs, in the order given, each name once.
#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// A value that is given and not empty: an empty one counts as left out.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    }

    fn push(&mut self, name: String, value: String) -> Result<(), ParamError> {
        if self.0.iter().any(|(key, _)| *key == name) {
            let known = KNOWN.iter().copied().find(|k| *k == name);
            return Err(ParamError::Duplicate(known));
        }
        self.0.push((name, value));
        Ok(())
    }

    /// `application/x-www-form-urlencoded`, as a query string or a body. Names are trimmed: the
    /// reference's own curl samples continue lines inside the body, leaving spaces before them.
    pub fn from_form(bytes: &[u8]) -> Result<Self, ParamError> {
        let mut params = Self::default();
        for pair in bytes.split(|b| *b == b'&') {
            let (name, value) = match pair.iter().position(|b| *b == b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, &b""[..]),
            };
            let name = decode(name)?;
            let name = name.trim();
            if name.is_empty() {
                if value.is_empty() {
                    continue;
                }
                return Err(ParamError::Malformed("a parameter has no name"));
            }
            params.push(name.to_string(), decode(value)?)?;
        }
        Ok(params)
    }

    pub fn from_query(query: Option<&str>) -> Result<Self, ParamError> {
        Self::from_form(query.unwrap_or_default().as_bytes())
    }

    /// A JSON object of strings (the Accounts SDK's sample posts one); `null` counts as left out.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ParamError> {
        let Object(pairs) = serde_json::from_slice(bytes)
            .map_err(|_| ParamError::Malformed("the body is not a JSON object"))?;
        let mut params = Self::default();
        for (name, value) in pairs {
            match value {
                Value::String(value) => params.push(name, value)?,
                Value::Null => params.push(name, String::new())?,
                _ => return Err(ParamError::Malformed("every parameter must be a string")),
            }
        }
        Ok(params)
    }
}

fn decode(raw: &[u8]) -> Result<String, ParamError> {
    let malformed = || ParamError::Malformed("malformed percent-encoding");
    let mut out = Vec::with_capacity(raw.len());
    let mut bytes = raw.iter();
    while let Some(&b) = bytes.next() {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hi = bytes.next().and_then(|h| (*h as char).to_digit(16));
                let lo = bytes.next().and_then(|l| (*l as char).to_digit(16));
                let (Some(hi), Some(lo)) = (hi, lo) else {
                    return Err(malformed());
                };
                out.push((hi * 16 + lo) as u8);
            }
            _ => out.push(b),
        }
    }
    String::from_utf8(out).map_err(|_| ParamError::Malformed("a parameter is not UTF-8 text"))
}

/// A JSON object's members as written, duplicates kept, so that they can be refused.
struct Object(Vec<(String, Value)>);

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> Visitor<'de> for Members {
            type Value = Object;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(Object(members))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode_strictly() {
        let params =
            Params::from_form(b"grant_type=authorization_code&\n  code=dal%3Aab+c&empty=&")
                .unwrap();
        assert_eq!(params.get("grant_type"), Some("authorization_code"));
        assert_eq!(params.get("code"), Some("dal:ab c"));
        assert_eq!(params.get("empty"), None);
        assert_eq!(
            Params::from_form(b"code=a&code=b").unwrap_err(),
            ParamError::Duplicate(Some("code"))
        );
        assert_eq!(
            Params::from_form(b"x=a& x=b").unwrap_err(),
            ParamError::Duplicate(None)
        );
        assert!(Params::from_form(b"code=%zz").is_err());
        assert!(Params::from_form(b"code=%4").is_err());
        assert!(Params::from_form(b"code=%ff%fe").is_err());
        assert!(Params::from_form(b"code=\xff").is_err());
        assert!(Params::from_form(b"=value").is_err());
    }

    #[test]
    fn json_objects_of_strings_only() {
        let params = Params::from_json(br#"{"code": "dal:x", "client_secret": null}"#).unwrap();
        assert_eq!(params.get("code"), Some("dal:x"));
        assert_eq!(params.get("client_secret"), None);
        assert!(Params::from_json(br#"{"code": "a", "code": "b"}"#).is_err());
        assert!(Params::from_json(br#"{"code": 1}"#).is_err());
        assert!(Params::from_json(br#"["code"]"#).is_err());
        assert!(Params::from_json(b"{\"code\": \"\xff\"}").is_err());
    }
}
