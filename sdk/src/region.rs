//! Data centers. An access token's prefix (`dal:`, `fra:`, `fra-a:`, …) names its data center;
//! calls for any other than the default one carry an `X-Region` header naming it, so that a
//! call the API receives in one data center is served by the one that holds the account.

use std::fmt;

/// A LiveChat data center.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Region {
    /// `dal` (USA), the default.
    Dal,
    /// `fra` (Europe).
    Fra,
    /// A data center this crate does not know, as named by the API or the caller.
    Other(String),
}

impl Region {
    /// The region's name, as in token prefixes and the `X-Region` header.
    pub fn as_str(&self) -> &str {
        match self {
            Region::Dal => "dal",
            Region::Fra => "fra",
            Region::Other(name) => name,
        }
    }

    /// Whether `name` looks like a data center's name: 1 to 16 characters, lower-case ASCII
    /// letters and digits in parts joined by single hyphens (`dal`, `fra`, `fra-a`). A name the
    /// API sends is used only if it is; anything else (a CR/LF, a space, a long string) could
    /// not go in a header, or would send every later call astray.
    pub fn is_plausible_name(name: &str) -> bool {
        (1..=16).contains(&name.len())
            && name.split('-').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
    }

    /// The region a token's prefix names (`dal:…`, `fra:…`, `fra-a:…`), if it has one that
    /// looks like a data center's name.
    pub fn of_token(token: &str) -> Option<Region> {
        let (prefix, _) = token.split_once(':')?;
        Self::is_plausible_name(prefix).then(|| Region::from(prefix))
    }
}

impl From<&str> for Region {
    fn from(name: &str) -> Self {
        match name {
            "dal" => Region::Dal,
            "fra" => Region::Fra,
            other => Region::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
