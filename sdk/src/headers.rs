//! Headers a caller adds to every call of a client, or to one call.

use crate::Error;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::fmt;

/// Headers the client sets itself, which extra headers may not replace.
const RESERVED: [&str; 5] = [
    "authorization",
    "content-type",
    "content-length",
    "host",
    "x-region",
];

/// Extra headers, checked as they are added. Their values are marked sensitive and `Debug`
/// shows only their names: a header may well carry a secret.
#[derive(Clone, Default)]
pub(crate) struct ExtraHeaders {
    map: HeaderMap,
    /// The first header that could not be added; reported when the call is made.
    invalid: Option<String>,
}

impl ExtraHeaders {
    pub fn insert(&mut self, name: &str, value: &str) {
        let parsed = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| format!("`{name}` is not a valid header name"))
            .and_then(|header| {
                if RESERVED.contains(&header.as_str()) {
                    return Err(format!("header `{name}` is set by the client itself"));
                }
                let mut value = HeaderValue::from_str(value).map_err(|_| {
                    format!("the value of header `{name}` is not a valid header value")
                })?;
                value.set_sensitive(true);
                Ok((header, value))
            });
        match parsed {
            Ok((header, value)) => {
                self.map.insert(header, value);
            }
            Err(problem) => {
                self.invalid.get_or_insert(problem);
            }
        }
    }

    /// Fails when a header could not be added.
    pub fn check(&self) -> Result<(), Error> {
        match &self.invalid {
            Some(problem) => Err(Error::Config(problem.clone())),
            None => Ok(()),
        }
    }

    pub fn map(&self) -> &HeaderMap {
        &self.map
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

impl fmt::Debug for ExtraHeaders {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.map.keys()).finish()
    }
}
