//! PKCE's code verifier and challenge, and `state` values: random text from the operating
//! system's generator.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// `bytes` random bytes as base64url without padding: only characters PKCE allows in a
/// verifier (`[A-Za-z0-9-_]`), 4 for every 3 bytes.
pub(super) fn token(bytes: usize) -> Result<String, getrandom::Error> {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf)?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

/// A code verifier: 96 random bytes make 128 characters, the most PKCE allows.
pub(super) fn verifier() -> Result<String, getrandom::Error> {
    token(96)
}

/// The S256 challenge of a verifier: base64url(SHA-256(verifier)), without padding.
pub(super) fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_rfc_7636s_example() {
        // RFC 7636, appendix B.
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_are_long_unreserved_and_differ() {
        let (a, b) = (verifier().unwrap(), verifier().unwrap());
        assert_eq!(a.len(), 128);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_ne!(a, b);
    }
}
