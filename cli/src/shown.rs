//! Text from a file or a license as the terminal may show it: a name can hold a carriage return,
//! an escape sequence or a bidirectional mark that would rewrite what the operator reads (a
//! group named `"evil\r\x1b[2K+ nothing"` hiding a "delete" line), so those are written as
//! escapes instead.

use std::borrow::Cow;

/// Whether `c` changes how the text around it is shown rather than being shown itself.
fn hides(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

/// `text` with every character that [`hides`] written as `\u{…}` (and `\r`, `\n`, `\t` as such).
pub fn shown(text: &str) -> Cow<'_, str> {
    if !text.chars().any(hides) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if hides(c) => out.push_str(&format!("\\u{{{:04x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn escapes_what_would_rewrite_the_terminal_and_keeps_the_rest() {
        assert_eq!(shown("Support"), "Support");
        assert_eq!(shown("Équipe 日本"), "Équipe 日本");
        assert_eq!(
            shown("evil\r\x1b[2K+ nothing"),
            "evil\\r\\u{001b}[2K+ nothing"
        );
        assert_eq!(shown("abc\u{202E}fed"), "abc\\u{202e}fed");
        assert_eq!(shown("a\u{2066}b\u{200F}"), "a\\u{2066}b\\u{200f}");
    }
}
