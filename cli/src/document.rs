//! A configuration file: TOML (or JSON) read into JSON values with the place of every value, so
//! that a broken rule is reported at its file, line and column; and written back in a stable
//! order.

use crate::shown::shown;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

/// A file's content and where each of its values is.
pub struct Document {
    pub path: String,
    text: String,
    pub root: Map<String, Value>,
    /// Path (`agents[3].groups[0].priority`) → the span of the value, and of its key if it has one.
    spans: BTreeMap<String, (Option<Range<usize>>, Range<usize>)>,
}

/// A broken rule, at a place of a file.
#[derive(Debug)]
pub struct Located {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Located {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (path, message) = (shown(&self.path), shown(&self.message));
        if self.line == 0 {
            // No place in the file: the file itself could not be read, as the message says.
            write!(f, "{message}")
        } else {
            write!(f, "{path}:{}:{}: {message}", self.line, self.column)
        }
    }
}

/// The format `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Toml,
    Json,
}

impl Document {
    pub fn read(path: &str) -> Result<Self, Vec<Located>> {
        let unreadable = |why: String| {
            vec![Located {
                path: path.into(),
                line: 0,
                column: 0,
                message: format!("cannot read {path}: {why}"),
            }]
        };
        let bytes = read_bounded(path).map_err(unreadable)?;
        let text = String::from_utf8(bytes).map_err(|_| unreadable("not UTF-8 text".into()))?;
        if path.ends_with(".json") {
            Self::parse_json(path, text)
        } else {
            Self::parse_toml(path, text)
        }
    }

    fn parse_toml(path: &str, text: String) -> Result<Self, Vec<Located>> {
        let parsed = DeTable::parse(&text);
        let table = match parsed {
            Ok(table) => table,
            Err(e) => {
                let at = e.span().map_or(0, |s| s.start);
                let (line, column) = line_column(&text, at);
                return Err(vec![Located {
                    path: path.into(),
                    line,
                    column,
                    message: format!("not valid TOML: {}", e.message().trim()),
                }]);
            }
        };
        let mut spans = BTreeMap::new();
        let root = table_to_json(table.get_ref(), "", &mut spans);
        Ok(Document {
            path: path.into(),
            text,
            root,
            spans,
        })
    }

    fn parse_json(path: &str, text: String) -> Result<Self, Vec<Located>> {
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(root)) => Ok(Document {
                path: path.into(),
                spans: crate::json_spans::spans(&text),
                text,
                root,
            }),
            Ok(_) => Err(vec![Located {
                path: path.into(),
                line: 1,
                column: 1,
                message: "the file must hold a JSON object".into(),
            }]),
            Err(e) => Err(vec![Located {
                path: path.into(),
                line: e.line(),
                column: e.column(),
                message: format!("not valid JSON: {e}"),
            }]),
        }
    }

    /// The place of a value's path: the value itself, or the nearest enclosing one the file
    /// shows; `at_key` prefers the key (for an unknown field).
    pub fn locate(&self, path: &str, at_key: bool, message: impl Into<String>) -> Located {
        let mut probe = path.to_owned();
        let offset = loop {
            if let Some((key, value)) = self.spans.get(&probe) {
                break if at_key {
                    key.clone().unwrap_or(value.clone()).start
                } else {
                    value.start
                };
            }
            match parent(&probe) {
                Some(up) => probe = up,
                None => break 0,
            }
        };
        let (line, column) = if self.spans.is_empty() {
            (1, 1)
        } else {
            line_column(&self.text, offset)
        };
        let message = without_position(message.into());
        let message = if path.is_empty() {
            message
        } else {
            format!("{path}: {message}")
        };
        Located {
            path: self.path.clone(),
            line,
            column,
            message,
        }
    }
}

/// serde's "at line 1 column 40" names a place in a request body made from the file, not in the
/// file itself.
fn without_position(message: String) -> String {
    match message.rfind(" at line ") {
        Some(cut) if message[cut..].contains(" column ") => message[..cut].to_owned(),
        _ => message,
    }
}

/// The path one level up: `a.b[2]` → `a.b`, `a.b` → `a`.
fn parent(path: &str) -> Option<String> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(path[..cut].to_owned())
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

type Spans = BTreeMap<String, (Option<Range<usize>>, Range<usize>)>;

fn table_to_json(table: &DeTable<'_>, path: &str, spans: &mut Spans) -> Map<String, Value> {
    let mut map = Map::new();
    for (key, value) in table.iter() {
        let here = join(path, key.get_ref());
        spans.insert(here.clone(), (Some(key.span()), value.span()));
        map.insert(
            key.get_ref().to_string(),
            value_to_json(value, &here, spans),
        );
    }
    map
}

/// An integer's digits as `from_str_radix` takes them: no `_`, no `0x`/`0o`/`0b`.
fn digits(text: &str) -> String {
    let text = text.replace('_', "");
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.strip_prefix('+').unwrap_or(&text)),
    };
    let rest = ["0x", "0o", "0b"]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
        .unwrap_or(rest);
    format!("{sign}{rest}")
}

fn value_to_json(value: &Spanned<DeValue<'_>>, path: &str, spans: &mut Spans) -> Value {
    match value.get_ref() {
        DeValue::String(s) => Value::String(s.to_string()),
        DeValue::Integer(i) => i64::from_str_radix(&digits(i.as_str()), i.radix())
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(i.as_str().to_owned())),
        DeValue::Float(f) => f
            .as_str()
            .replace('_', "")
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::String(d.to_string()),
        DeValue::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let here = format!("{path}[{i}]");
                    spans.insert(here.clone(), (None, item.span()));
                    value_to_json(item, &here, spans)
                })
                .collect(),
        ),
        DeValue::Table(table) => Value::Object(table_to_json(table, path, spans)),
    }
}

/// The text of a configuration: keys sorted, sections as arrays of tables, nulls left out.
pub fn render(root: &Map<String, Value>, format: Format) -> Result<String, String> {
    let root = Value::Object(without_nulls(root));
    match format {
        Format::Json => serde_json::to_string_pretty(&root)
            .map(|t| t + "\n")
            .map_err(|e| e.to_string()),
        Format::Toml => toml::to_string_pretty(&root).map_err(|e| e.to_string()),
    }
}

fn without_nulls(map: &Map<String, Value>) -> Map<String, Value> {
    map.iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (k.clone(), strip(v)))
        .collect()
}

fn strip(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(without_nulls(map)),
        Value::Array(items) => {
            Value::Array(items.iter().filter(|v| !v.is_null()).map(strip).collect())
        }
        other => other.clone(),
    }
}

/// The most a file the tool reads may hold: a license of thousands of agents is a few MB.
pub const MAX_FILE: u64 = 64 << 20;

/// The bytes of `path` (or of standard input for `-`), refused past [`MAX_FILE`] before more is
/// read: `/dev/zero` or a runaway pipe is an error, not an exhausted memory.
pub fn read_bounded(path: &str) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut bytes = Vec::new();
    let read = if path == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_FILE + 1)
            .read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(MAX_FILE + 1).read_to_end(&mut bytes))
    };
    read.map_err(|e| io_reason(&e))?;
    if bytes.len() as u64 > MAX_FILE {
        return Err(format!("it is over {} MiB", MAX_FILE >> 20));
    }
    Ok(bytes)
}

/// An I/O error without the "(os error 2)" a terminal user has no use for.
fn io_reason(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::{digits, line_column};

    #[test]
    fn integers_in_every_toml_notation() {
        assert_eq!(digits("1_000"), "1000");
        assert_eq!(digits("0x1F"), "1F");
        assert_eq!(digits("-0b101"), "-101");
        assert_eq!(digits("+7"), "7");
    }

    #[test]
    fn a_place_inside_a_character_is_not_a_panic() {
        let text = "a = \"żółw\"\nb = 1";
        assert_eq!(line_column(text, 6), (1, 6));
        assert_eq!(line_column(text, text.len() + 5), (2, 6));
    }
}
