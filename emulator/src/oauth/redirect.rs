//! Which redirect URIs a client may send the code to, by the reference's rules ("OAuth
//! configuration rules", Redirect URIs): scheme and host (with its port) exactly, the registered
//! path a prefix of the requested one, no path traversal, no query, no fragment. Loopback URIs
//! are always allowed, as native apps (a CLI's local listener) need any port.
//!
//! URIs are checked as written before they are parsed: a WHATWG parser silently drops tabs and
//! line breaks and resolves `..`, which would let a URI that is not allowed pass as one that is.

use super::OAuthClient;
use url::{Host, Url};

/// The URI a code may be sent to, or `None` when the client does not allow it.
pub fn allowed(client: &OAuthClient, requested: &str) -> Option<Url> {
    let url = parse_strict(requested).ok()?;
    if is_loopback(&url) {
        return Some(url);
    }
    client
        .redirect_uris()
        .iter()
        .filter_map(|registered| parse_strict(registered).ok())
        .any(|registered| matches(&registered, &url))
        .then_some(url)
}

/// Why a URI cannot be registered.
pub fn check_registered(uri: &str) -> Result<(), String> {
    parse_strict(uri)
        .map(drop)
        .map_err(|why| format!("the redirect URI `{uri}` {why}"))
}

fn parse_strict(raw: &str) -> Result<Url, &'static str> {
    if !raw.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') {
        return Err(
            "holds a character a URI may not (a control, a space, a backslash or non-ASCII)",
        );
    }
    if raw.contains('?') || raw.contains('#') {
        return Err("has a query or a fragment");
    }
    let lower = raw.to_ascii_lowercase();
    // Encoded separators would let a server that decodes them walk out of the allowed path.
    if lower.contains("%2f") || lower.contains("%5c") {
        return Err("has an encoded slash");
    }
    let decoded_dots = lower.replace("%2e", ".");
    if decoded_dots
        .split('/')
        .any(|segment| segment == ".." || segment == ".")
    {
        return Err("has a path traversal");
    }
    let url = Url::parse(raw).map_err(|_| "is not an absolute URI")?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("has user information");
    }
    if url.host().is_none() {
        return Err("has no host");
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    url.scheme() == "http"
        && match url.host() {
            Some(Host::Domain(name)) => name == "localhost",
            Some(Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
            Some(Host::Ipv6(ip)) => ip == std::net::Ipv6Addr::LOCALHOST,
            None => false,
        }
}

fn matches(registered: &Url, requested: &Url) -> bool {
    registered.scheme() == requested.scheme()
        && registered.host() == requested.host()
        && registered.port() == requested.port()
        && path_within(registered.path(), requested.path())
}

/// The reference says "substring" and its examples show a prefix; a prefix is taken at segment
/// boundaries, so `/archives` does not allow `/archives-of-someone-else`.
fn path_within(registered: &str, requested: &str) -> bool {
    match requested.strip_prefix(registered) {
        Some(rest) => rest.is_empty() || registered.ends_with('/') || rest.starts_with('/'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference's table of examples, row by row.
    #[test]
    fn the_references_examples() {
        let rows = [
            ("http://livechat.com", "http://livechat.com", true),
            ("http://livechat.com", "http://livechat.com/archives", true),
            (
                "http://livechat.com",
                "http://livechat.com/archives/../",
                false,
            ),
            ("http://livechat.com/archives", "http://livechat.com", false),
            (
                "http://livechat.com/archives",
                "http://livechat.com/archives",
                true,
            ),
            (
                "http://livechat.com/archives",
                "http://livechat.com/archives/chats",
                true,
            ),
            ("https://my-app.com:3000", "https://my-app.com:3000", true),
            ("https://my-app.com:3000", "https://my-app.com:4000", false),
            ("https://livechat.com", "http://livechat.com", false),
            ("http://livechat.com", "https://livechat.com", false),
        ];
        for (registered, requested, valid) in rows {
            let client = OAuthClient::public("app").redirect_uri(registered);
            assert_eq!(
                allowed(&client, requested).is_some(),
                valid,
                "{registered} → {requested}"
            );
        }
    }

    #[test]
    fn loopback_is_always_allowed_and_tricks_are_not() {
        let client = OAuthClient::public("app").redirect_uri("https://app.example/cb");
        for ok in [
            "http://127.0.0.1:49152/callback",
            "http://localhost:3000",
            "http://[::1]:8080/x/y",
            "http://LOCALHOST/cb",
            "https://app.example/cb/deeper",
        ] {
            assert!(allowed(&client, ok).is_some(), "{ok}");
        }
        for bad in [
            "https://127.0.0.1:3000/cb",
            "http://localhost.evil.example/cb",
            "http://localhost:3000@evil.example/",
            "http://user@localhost:3000/",
            "https://app.example/cb\r\nSet-Cookie: x=1",
            "https://app.example/cb?next=/",
            "https://app.example/cb#frag",
            "https://app.example/cb/%2e%2e/admin",
            "https://app.example/cb/..%2fadmin",
            "https://app.example/cbx",
            "https://app.example\\@evil.example/cb",
            "https://app.example/c\u{e9}",
            "//app.example/cb",
            "https://evil.example/cb",
        ] {
            assert!(allowed(&client, bad).is_none(), "{bad}");
        }
        assert!(check_registered("https://app.example/cb?x=1").is_err());
        assert!(check_registered("not a uri").is_err());
    }
}
