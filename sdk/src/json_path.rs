//! The path (`groups[0].priority`) of the place in a JSON text where serde_json stopped with an
//! error. Answers are decoded by serde_json alone, so a type's decoding is compiled once; the
//! path is worked out from the error's position, only when there is an error.

/// One open container on the way to the position.
struct Frame {
    /// The member being read: `None` for an array, and for an object between members.
    key: Option<String>,
    is_array: bool,
    index: usize,
    /// Where the member's value ended, once it has; what follows it before a comma is out of
    /// place and does not move it.
    ended: Option<usize>,
}

impl Frame {
    fn new(is_array: bool) -> Self {
        Frame {
            key: None,
            is_array,
            index: 0,
            ended: None,
        }
    }
}

/// The path at `line` and `column` as serde_json counts them (line from 1, column the bytes
/// before the position on its line), written as serde_path_to_error writes paths: `.` for the
/// top, `a.b[0].c` below it.
///
/// A member whose value ended before the position is no longer part of the path (a missing
/// comma after it is the container's error); a value that ends at the position is (its
/// decoding failed on its last byte).
pub(crate) fn at(bytes: &[u8], line: usize, column: usize) -> String {
    let Some(end) = offset(bytes, line, column) else {
        return ".".to_string();
    };
    let mut frames: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < end {
        let mut next = i + 1;
        match bytes[i] {
            b'{' => frames.push(Frame::new(false)),
            b'[' => frames.push(Frame::new(true)),
            b'}' | b']' => {
                frames.pop();
                if let Some(parent) = frames.last_mut() {
                    parent.ended.get_or_insert(next);
                }
            }
            b',' => {
                if let Some(frame) = frames.last_mut() {
                    frame.key = None;
                    frame.ended = None;
                    frame.index += 1;
                }
            }
            b'"' => {
                next = string_end(bytes, i + 1);
                match frames.last_mut() {
                    Some(frame) if !frame.is_array && frame.key.is_none() => {
                        let raw = &bytes[i..next.min(end)];
                        frame.key =
                            Some(serde_json::from_slice::<String>(raw).unwrap_or_else(|_| {
                                String::from_utf8_lossy(&raw[1..]).into_owned()
                            }));
                    }
                    Some(frame) => {
                        frame.ended.get_or_insert(next);
                    }
                    None => {}
                }
            }
            b':' | b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => {
                next = bytes[i..]
                    .iter()
                    .position(|b| b",:]} \t\r\n".contains(b))
                    .map_or(bytes.len(), |n| i + n);
                if let Some(frame) = frames.last_mut() {
                    frame.ended.get_or_insert(next);
                }
            }
        }
        i = next;
    }
    let mut path = String::new();
    for frame in &frames {
        if frame.ended.is_some_and(|at| at < end) {
            break;
        }
        if frame.is_array {
            path.push_str(&format!("[{}]", frame.index));
        } else if let Some(key) = &frame.key {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(key);
        } else {
            break;
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

/// The byte offset of a serde_json position; `None` for an error without one (line 0).
fn offset(bytes: &[u8], line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let line_start = if line == 1 {
        0
    } else {
        bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(line - 2)
            .map(|(i, _)| i + 1)?
    };
    Some((line_start + column).min(bytes.len()))
}

/// Just past the quote that closes a string whose text starts at `from`.
fn string_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::at;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        groups: Vec<Group>,
        #[serde(default)]
        inner: Option<Inner>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Group {
        id: u32,
        priority: Priority,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Priority {
        Normal,
        First,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Inner {
        values: Vec<String>,
    }

    /// The path this module finds, and the one serde_path_to_error finds by tracking.
    fn both(text: &str) -> (String, String) {
        let error = serde_json::from_str::<Outer>(text).unwrap_err();
        let ours = at(text.as_bytes(), error.line(), error.column());
        let mut de = serde_json::Deserializer::from_str(text);
        let tracked = serde_path_to_error::deserialize::<_, Outer>(&mut de)
            .unwrap_err()
            .path()
            .to_string();
        (ours, tracked)
    }

    #[test]
    fn the_path_of_a_decoding_error_is_the_one_tracking_finds() {
        for (text, expected) in [
            (r#"{"groups": []}"#, "."),
            (r#"{"name": 5, "groups": []}"#, "name"),
            (
                r#"{"name": "a", "groups": [{"id": 1, "priority": "top"}]}"#,
                "groups[0].priority",
            ),
            (
                r#"{"name": "a", "groups": [{"id": 1, "priority": "first"}, {"id": "x"}]}"#,
                "groups[1].id",
            ),
            (
                r#"{"name": "a", "groups": [{"id": 1, "priority": "first"}, {"id": 2}]}"#,
                "groups[1]",
            ),
            (r#"{"name": "a", "groups": [], "inner": {}}"#, "inner"),
            (
                r#"{"name": "a", "groups": [], "inner": {"values": [1]}}"#,
                "inner.values[0]",
            ),
            (
                "{\n  \"name\": \"a\",\n  \"groups\": [\n    {\"id\": 1, \"priority\": \"x\"}\n  ]\n}",
                "groups[0].priority",
            ),
            (r#"{"na\"me": 1, "name": "a", "groups": {}}"#, "groups"),
            (r#"{"name": "a", "groups": [[]]}"#, "groups[0]"),
        ] {
            let (ours, tracked) = both(text);
            assert_eq!(ours, expected, "{text}");
            assert_eq!(ours, tracked, "{text}");
        }
    }

    #[test]
    fn elsewhere_the_path_is_where_reading_stopped() {
        for (text, expected) in [
            (
                r#"{"name": "a", "groups": [{"id": 1, "priority": "first" "x"}]}"#,
                "groups[0]",
            ),
            (
                r#"{"name": "a", "groups": [], "inner": {"values": []}, "x": [1, {"a": "#,
                "x[1].a",
            ),
            (r#"{"name": "a", "groups": [{"id": 1,"#, "groups[0]"),
            // Tracking names no element of an array read as a struct.
            (r#"[1]"#, "[0]"),
        ] {
            assert_eq!(both(text).0, expected, "{text}");
        }
    }

    #[test]
    fn an_error_without_a_position_is_at_the_top() {
        assert_eq!(at(b"{}", 0, 0), ".");
        assert_eq!(at(b"", 1, 0), ".");
        assert_eq!(at(b"{\"a\": [", 9, 40), ".");
    }

    #[test]
    fn any_text_at_any_position_gives_a_path() {
        let texts: [&[u8]; 5] = [
            br#"{"a\",:[}]"\",1,{{[["#,
            b"\xff\xfe{\"\xff\": [\"\\u12\"]}",
            br#"]]]}}},,,::""#,
            b"{\"a\":\n[1,\n2]\n}\n",
            b"",
        ];
        for text in texts {
            for line in 0..5 {
                for column in 0..text.len() + 3 {
                    assert!(!at(text, line, column).is_empty());
                }
            }
        }
    }
}
