//! Where the reference is silent: a name must say something, and a group's language code must
//! have the shape of a language tag.

use crate::error::Failure;

/// A name that is empty or only whitespace says nothing.
pub fn not_blank(field: &str, value: &str) -> Result<(), Failure> {
    if value.trim().is_empty() {
        return Err(Failure::validation(format!(
            "`{field}` is blank: it needs a character other than whitespace"
        )));
    }
    Ok(())
}

/// The longest language tag every implementation must hold (RFC 5646, section 4.4.1).
const LANGUAGE_TAG_MAX: usize = 35;

/// A language of 2 or 3 letters, then subtags of 1 to 8 letters or digits after `-` or `_`
/// (`en`, `pt-BR`, `zh_TW`), 35 characters at most.
pub fn language_code(value: &str) -> Result<(), Failure> {
    let mut parts = value.split(['-', '_']);
    let language = parts.next().unwrap_or_default();
    let well_formed = value.len() <= LANGUAGE_TAG_MAX
        && (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_alphabetic())
        && parts
            .all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
    if well_formed {
        Ok(())
    } else {
        Err(Failure::validation(format!(
            "`language_code` `{}` is not a language code such as `en` or `pt-BR`",
            value.chars().take(LANGUAGE_TAG_MAX + 5).collect::<String>()
        )))
    }
}
