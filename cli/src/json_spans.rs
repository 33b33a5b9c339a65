//! Where each value of a JSON text is, by path, for files written as JSON: serde_json says where
//! a syntax error is but not where a value is. The text has been parsed already, so this scanner
//! only walks well-formed JSON.

use std::collections::BTreeMap;
use std::ops::Range;

pub type Spans = BTreeMap<String, (Option<Range<usize>>, Range<usize>)>;

pub fn spans(text: &str) -> Spans {
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        at: 0,
        spans: Spans::new(),
    };
    scanner.value("", None);
    scanner.spans
}

struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
    spans: Spans,
}

impl Scanner<'_> {
    fn skip_space(&mut self) {
        while self.at < self.bytes.len() && self.bytes[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
    }

    fn peek(&self) -> u8 {
        self.bytes.get(self.at).copied().unwrap_or(0)
    }

    fn value(&mut self, path: &str, key: Option<Range<usize>>) {
        self.skip_space();
        let start = self.at;
        match self.peek() {
            b'{' => {
                self.at += 1;
                loop {
                    self.skip_space();
                    if self.peek() != b'"' {
                        self.at += 1; // `}` (an empty object)
                        break;
                    }
                    let key_start = self.at;
                    let name = self.string();
                    let key_span = key_start..self.at;
                    self.skip_space();
                    self.at += 1; // `:`
                    let here = if path.is_empty() {
                        name
                    } else {
                        format!("{path}.{name}")
                    };
                    self.value(&here, Some(key_span));
                    self.skip_space();
                    let sep = self.peek();
                    self.at += 1;
                    if sep != b',' {
                        break;
                    }
                }
            }
            b'[' => {
                self.at += 1;
                let mut i = 0;
                loop {
                    self.skip_space();
                    if self.peek() == b']' {
                        self.at += 1;
                        break;
                    }
                    self.value(&format!("{path}[{i}]"), None);
                    i += 1;
                    self.skip_space();
                    let sep = self.peek();
                    self.at += 1;
                    if sep != b',' {
                        break;
                    }
                }
            }
            b'"' => {
                self.string();
            }
            0 => return,
            _ => {
                while self.at < self.bytes.len()
                    && !matches!(self.bytes[self.at], b',' | b'}' | b']')
                    && !self.bytes[self.at].is_ascii_whitespace()
                {
                    self.at += 1;
                }
            }
        }
        self.spans.insert(path.to_owned(), (key, start..self.at));
    }

    /// A string's content (escapes kept as written, enough for object keys).
    fn string(&mut self) -> String {
        self.at += 1;
        let start = self.at;
        while self.at < self.bytes.len() && self.bytes[self.at] != b'"' {
            if self.bytes[self.at] == b'\\' {
                self.at += 1;
            }
            self.at += 1;
        }
        let content =
            String::from_utf8_lossy(&self.bytes[start..self.at.min(self.bytes.len())]).into_owned();
        self.at += 1;
        content
    }
}
