//! Opaque page ids: the plain text of where a page ends, as hex with a checksum keyed per list, so
//! that a page id of one list (or of another emulator, or one made by hand) never passes as
//! another's.

use crate::state::splitmix64;

fn checksum(key: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(key, |h, b| splitmix64(h ^ u64::from(*b)))
}

pub fn seal(key: u64, plain: &str) -> String {
    let hex: String = plain.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{hex}{:016x}", checksum(key, plain.as_bytes()))
}

/// The plain text of a page id sealed with `key`, or `None` for anything else.
pub fn open(key: u64, page_id: &str) -> Option<String> {
    if page_id.len() < 16 || !page_id.is_ascii() || !page_id.len().is_multiple_of(2) {
        return None;
    }
    let (hex, sum) = page_id.split_at(page_id.len() - 16);
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).ok())
        .collect::<Option<_>>()?;
    if u64::from_str_radix(sum, 16).ok()? != checksum(key, &bytes) {
        return None;
    }
    String::from_utf8(bytes).ok()
}

/// A list of ids as page-id text, and back.
pub fn ids(list: &[u64]) -> String {
    let ids: Vec<String> = list.iter().map(u64::to_string).collect();
    ids.join(",")
}

pub fn parse_ids(text: &str) -> Option<Vec<u64>> {
    match text {
        "" => Some(Vec::new()),
        list => list.split(',').map(|id| id.parse().ok()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::{open, seal};

    #[test]
    fn page_ids_round_trip_and_refuse_tampering_and_other_lists() {
        let id = seal(1, "0,7|25|12");
        assert_eq!(open(1, &id).as_deref(), Some("0,7|25|12"));
        assert_eq!(open(2, &id), None);
        let mut tampered = id.clone().into_bytes();
        tampered[0] = if tampered[0] == b'3' { b'4' } else { b'3' };
        assert_eq!(open(1, std::str::from_utf8(&tampered).unwrap()), None);
        assert_eq!(open(1, "not a page"), None);
        assert_eq!(open(1, ""), None);
    }
}
